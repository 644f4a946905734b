/**
 * `ovn-ts demo` — what `npm start` runs: the package's main job end to end. It starts the embedded
 * OVSDB server with the OVN_Northbound and OVN_Southbound schemas, applies the sample Kube-OVN
 * manifest shipped in the package (`examples/kube-ovn/network.yaml`: two VPCs, subnets with a
 * private and an underlay one, nodes, pods, a NetworkPolicy, a Service, SNAT and an EIP) through
 * the model as `ovn-ts apply` does, printing one line per object and the summary, then what
 * the databases now hold, and re-applies the same file to show that nothing is sent. It then
 * keeps serving (until Ctrl-C, or at once with `--once`) and says where, so `ovn-nbctl --db=...`
 * and `ovn-ts apply --db=...` can be pointed at it.
 *
 * @module
 */
import { readOptions } from "./options.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KUBE_OVN_IDENTITY, type Manifest, applyChassis, applyModel, existingAddresses, loadManifests, resolveModel } from "../model/index.js";
import { ControlledDb, NB_CONTROLLER_TABLES, NbController } from "../ovn/controller/index.js";
import { OvsdbClient } from "../ovsdb/client/client.js";
import { bundledSchema } from "../ovsdb/schema/bundled.js";
import { OvsdbServer } from "../ovsdb/server/server.js";
import { type CliCommand, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";

const USAGE = `usage: ovn-ts demo [--once] [--remote=ptcp:PORT[:IP]|punix:PATH]...

Starts the embedded OVSDB server (OVN_Northbound + OVN_Southbound), applies the sample
Kube-OVN manifest shipped in the package (as 'ovn-ts apply -f FILE' does), prints what
changed and what the databases hold, and keeps serving until interrupted so that
ovn-nbctl / ovsdb-client / ovn-ts apply can connect to it.

  --once            print and exit instead of serving (no listener is opened, so none is shown)
  --remote=REMOTE   extra listener (default: a unix socket in a temp dir and ptcp:0:127.0.0.1);
                    not with --once
  -h, --help        this help
`;

/** The sample manifest shipped in the package (`examples/kube-ovn/network.yaml`, from dist/cli or src/cli alike). */
export function demoManifestPath(): string {
  return fileURLToPath(new URL("../../examples/kube-ovn/network.yaml", import.meta.url));
}

/** What the summary counts: Northbound tables, with the words the summary uses. */
const SUMMARY: readonly [table: string, one: string, many: string][] = [
  ["Logical_Router", "router", "routers"],
  ["Logical_Router_Port", "router port", "router ports"],
  ["Logical_Switch", "switch", "switches"],
  ["Logical_Switch_Port", "switch port", "switch ports"],
  ["Logical_Router_Policy", "router policy", "router policies"],
  ["Logical_Router_Static_Route", "static route", "static routes"],
  ["NAT", "NAT rule", "NAT rules"],
  ["Port_Group", "port group", "port groups"],
  ["ACL", "ACL", "ACLs"],
  ["Address_Set", "address set", "address sets"],
  ["Load_Balancer", "load balancer", "load balancers"],
  ["QoS", "QoS rule", "QoS rules"],
];

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

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
  let sbClient: OvsdbClient | undefined;
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
    const file = demoManifestPath();
    const manifest: Manifest = loadManifests([file]);
    const connect = (name: string) => OvsdbClient.connect({ name, open: () => server.connectInProcess(name) }, { probeIntervalMs: 0 });
    client = await connect("demo-nb");
    sbClient = await connect("demo-sb");
    const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
    const sb = await ControlledDb.open(sbClient, { database: "OVN_Southbound", identity: KUBE_OVN_IDENTITY, tables: ["Chassis", "Chassis_Private", "Encap"] });
    try {
      io.out(`$ ovn-ts apply -f ${file}\n`);
      const model = resolveModel(manifest, { existing: existingAddresses(ctl) });
      const r = await applyModel(ctl, model);
      for (const o of r.objects) io.out(`${o.ref} ${o.action}\n`);
      const ch = await applyChassis(sb, model.nodes ?? []);
      for (const n of ch.created) io.out(`chassis/${n} created\n`);
      const c = r.counts;
      io.out(`${c.created} created, ${c.configured} configured, ${c.unchanged} unchanged, ${c.deleted} deleted\n\n`);
      const rows = SUMMARY.map(([t, one, many]) => counted(ctl.db.owned(t).length, one, many));
      io.out(`Northbound now holds ${rows.join(", ")} (${counted(r.transactions, "transaction", "transactions")}, ${r.operations} operations);\n`);
      io.out(`Southbound: ${counted(sb.owned("Chassis").length, "chassis", "chassis")} of the nodes.\n`);
      // The same file again, through a fresh plan: nothing differs, nothing is sent.
      const again = await applyModel(ctl, resolveModel(manifest, { existing: existingAddresses(ctl) }));
      const a = again.counts;
      io.out(`Applied again: ${a.created} created, ${a.configured} configured, ${a.unchanged} unchanged, ${a.deleted} deleted (${counted(again.transactions, "transaction", "transactions")} sent).\n`);
    } finally {
      await sb.close();
      await ctl.close();
    }
    if (once) return 0;
    io.out(`\nTry it with the OVS tools and the CLI (edit the file and apply it again: only the change is sent):\n  ovn-nbctl --db=${remotes[0]} show\n  ovn-ts apply --db=${remotes[0]} -f ${file}\n  ovsdb-client dump ${remotes[1]} OVN_Northbound Logical_Switch_Port name addresses\n`);
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
    sbClient?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
