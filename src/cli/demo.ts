/**
 * `ovn-ts demo` — what `npm start` runs: the embedded OVSDB server with the OVN_Northbound and
 * OVN_Southbound schemas, a small Kube-OVN-style topology built through the SDK's typed models
 * (a subnet switch with pods on fixed IP/MAC, a router with a distributed gateway port, SNAT and an
 * EIP, a default-deny port group with a logged ACL, a DNS load balancer), watched through a live
 * replica and printed as `ovn-nbctl show` prints it (the same renderer as `ovn-ts nbctl show`,
 * reading from the replica). It then keeps serving (until Ctrl-C, or at once
 * with `--once`) and says where, so `ovn-nbctl --db=...` can be pointed at it.
 *
 * @module
 */
import { readOptions } from "./options.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Replica } from "../ovsdb/cache/replica.js";
import { OvsdbClient } from "../ovsdb/client/client.js";
import * as NB from "../ovsdb/models/ovn-nb.js";
import { bundledSchema } from "../ovsdb/schema/bundled.js";
import { OvsdbServer } from "../ovsdb/server/server.js";
import { replicaReader } from "../ovn/reader.js";
import { renderShow } from "../ovn/show.js";
import { type CliCommand, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";

const USAGE = `usage: ovn-ts demo [--once] [--remote=ptcp:PORT[:IP]|punix:PATH]...

Starts the embedded OVSDB server (OVN_Northbound + OVN_Southbound), builds a small
Kube-OVN-style topology through the SDK, prints it like 'ovn-nbctl show', and keeps
serving until interrupted so that ovn-nbctl / ovsdb-client can connect to it.

  --once            print and exit instead of serving (no listener is opened, so none is shown)
  --remote=REMOTE   extra listener (default: a unix socket in a temp dir and ptcp:0:127.0.0.1);
                    not with --once
  -h, --help        this help
`;

type Rep = Replica<NB.Tables>;

/** Builds the demo topology in one transaction through the typed model. */
export async function buildDemoTopology(replica: Rep): Promise<void> {
  const { model } = NB;
  const LS = model.table("Logical_Switch");
  const LSP = model.table("Logical_Switch_Port");
  const LR = model.table("Logical_Router");
  const LRP = model.table("Logical_Router_Port");
  const GC = model.table("Gateway_Chassis");
  const NAT = model.table("NAT");
  const PG = model.table("Port_Group");
  const ACL = model.table("ACL");
  const LB = model.table("Load_Balancer");
  const SR = model.table("Logical_Router_Static_Route");
  const NBG = model.table("NB_Global");

  const kube = { vendor: "kube-ovn" };
  const pods = [
    { name: "coredns-7b8f9c.kube-system", mac: "00:00:00:4e:2a:01", ip: "10.16.0.2", pod: "kube-system/coredns-7b8f9c" },
    { name: "web-0.default", mac: "00:00:00:4e:2a:02", ip: "10.16.0.3", pod: "default/web-0" },
    { name: "web-1.default", mac: "00:00:00:4e:2a:03", ip: "10.16.0.4", pod: "default/web-1" },
  ];
  const podOps = pods.map((p) =>
    LSP.insert({
      name: p.name,
      addresses: [`${p.mac} ${p.ip}`],
      port_security: [`${p.mac} ${p.ip}`],
      external_ids: { ...kube, pod: p.pod, ls: "ovn-default" },
    }),
  );
  const toRouter = LSP.insert({ name: "ovn-default-ovn-cluster", type: "router", addresses: ["router"], options: { "router-port": "ovn-cluster-ovn-default" } });
  const sw = LS.insert({
    name: "ovn-default",
    ports: [...podOps.map((o) => o.ref), toRouter.ref],
    other_config: { subnet: "10.16.0.0/16", exclude_ips: "10.16.0.1" },
    external_ids: { ...kube, logical_router: "ovn-cluster" },
  });
  const lrpIn = LRP.insert({ name: "ovn-cluster-ovn-default", mac: "00:00:00:4e:10:01", networks: ["10.16.0.1/16"] });
  const gw = GC.insert({ name: "ovn-cluster-external-node1", chassis_name: "node1", priority: 100 });
  const lrpOut = LRP.insert({ name: "ovn-cluster-external", mac: "00:00:00:4e:20:01", networks: ["172.18.0.2/24"], gateway_chassis: [gw.ref] });
  const snat = NAT.insert({ type: "snat", external_ip: "172.18.0.2", logical_ip: "10.16.0.0/16" });
  const eip = NAT.insert({ type: "dnat_and_snat", external_ip: "172.18.0.10", logical_ip: "10.16.0.3", external_ids: { ...kube, eip: "web-0-eip" } });
  const route = SR.insert({ ip_prefix: "0.0.0.0/0", nexthop: "172.18.0.1" });
  const lr = LR.insert({ name: "ovn-cluster", ports: [lrpIn.ref, lrpOut.ref], nat: [snat.ref, eip.ref], static_routes: [route.ref], external_ids: kube });
  const deny = ACL.insert({
    direction: "to-lport",
    priority: 2000,
    match: "outport == @default.np.deny && ip",
    action: "drop",
    log: true,
    name: "default-deny",
    severity: "warning",
    external_ids: kube,
  });
  const pg = PG.insert({ name: "default.np.deny", ports: [podOps[1]!.ref, podOps[2]!.ref], acls: [deny.ref], external_ids: kube });
  const lb = LB.insert({ name: "cluster-udp-loadbalancer", protocol: "udp", vips: { "10.96.0.10:53": "10.16.0.2:53" }, external_ids: kube });
  const ops = [...podOps, toRouter, sw, lrpIn, gw, lrpOut, snat, eip, route, lr, deny, pg, lb];
  const [globalRow] = [...replica.rows("NB_Global")];
  await model.transact(replica.transactClient(), globalRow ? ops : [NBG.insert({}), ...ops]);
  // Attach the load balancer to the switch in a second, read-modify-write transaction guarded by
  // the switch's _version (the replica already holds the switch: read-your-writes).
  const [s] = replica.find("Logical_Switch", [["name", "==", "ovn-default"]]);
  const [l] = replica.find("Load_Balancer", [["name", "==", "cluster-udp-loadbalancer"]]);
  if (!s || !l) throw new Error("demo: the switch or the load balancer is missing from the replica after the transaction");
  await replica.transact([replica.guard("Logical_Switch", s._uuid), LS.mutate([["_uuid", "==", s._uuid]], [["load_balancer", "insert", [l._uuid]]])]);
}

/** Entry point of `ovn-ts demo` (`npm start`). */
export const demoCommand: CliCommand = async (argv, io) => {
  let once = false;
  const extra: string[] = [];
  const unknown = (a: string) => new UsageError(`unknown argument '${a}' (use --help)`, optionHint(a, ["--help", "--once", "--remote"]));
  const options = { help: { type: "boolean", short: "h" }, once: { type: "boolean" }, remote: { type: "string" } } as const;
  for (const e of readOptions(argv, options, { unknown }, { stopAt: ["help"] })) {
    if (e.kind !== "option") continue;
    if (e.name === "help") {
      io.out(USAGE);
      return 0;
    }
    if (e.name === "once") once = true;
    else extra.push(e.value!);
  }
  if (once && extra.length > 0) throw new UsageError("--remote has nothing to serve with --once (drop one of them)");
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-demo-"));
  const server = new OvsdbServer();
  server.addDatabase(bundledSchema("OVN_Northbound"));
  server.addDatabase(bundledSchema("OVN_Southbound"));
  let client: OvsdbClient | undefined;
  try {
    // With --once the server is gone when the command returns: it opens no listener, so it
    // advertises no socket that will not exist by the time anyone reads the address.
    const remotes: string[] = [];
    io.out(`ovn-ts embedded OVSDB server: databases ${server.databaseNames.join(", ")}\n`);
    if (!once) {
      const listeners = [await server.listen(`punix:${join(dir, "db.sock")}`), await server.listen("ptcp:0:127.0.0.1")];
      for (const r of extra) listeners.push(await server.listen(r));
      remotes.push(...listeners.map((l) => l.connect));
      io.out(`listening on ${listeners.map((l) => l.bound).join(", ")}\n`);
    }
    io.out("\n");

    // The SDK talks to it like any client would; in-process, without a socket.
    client = await OvsdbClient.connect({ name: "in-process", open: () => server.connectInProcess("demo") }, { probeIntervalMs: 0 });
    const replica = await Replica.start<NB.Tables>(client, NB.model);
    let changes = 0;
    replica.on("batch", (b) => (changes += b.changes.length));
    await buildDemoTopology(replica);
    io.out(`built the topology: ${changes} row changes seen by the replica\n\n`);
    io.out(await renderShow(replicaReader(replica), undefined, { client }));
    if (once) return 0;
    io.out(`\nTry it with the OVS tools:\n  ovn-nbctl --db=${remotes[0]} show\n  ovsdb-client dump ${remotes[1]} OVN_Northbound Logical_Switch_Port name addresses\n`);
    io.out("\nServing until interrupted (Ctrl-C).\n");
    await new Promise<void>((resolve) => {
      const signal = io.signal;
      if (!signal) return resolve();
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return 0;
  } finally {
    client?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
