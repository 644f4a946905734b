/**
 * Real OVN tools against the embedded server, compared with the same session against a real
 * ovsdb-server: a scripted ovn-nbctl session (switches, ports, routers, ACLs, load balancers, NAT,
 * port groups, `show`), then ovn-northd reading NB and writing SB logical flows.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledSchema } from "../../../src/ovsdb/schema/bundled.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { type Daemon, makeTempDir, removeDir, run, startDaemon, stopDaemon, waitFor } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";

const SCRIPT: string[][] = [
  ["init"],
  // A fixed MAC prefix, so that dynamic addresses are the same on both servers.
  ["set", "NB_Global", ".", "options:mac_prefix=0a:00:00"],
  ["ls-add", "ls1"],
  ["ls-add", "ls2"],
  ["lsp-add", "ls1", "p1"],
  ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2"],
  ["lsp-set-port-security", "p1", "00:00:00:00:00:01 10.0.0.2"],
  ["lsp-add", "ls1", "p2"],
  ["lsp-set-addresses", "p2", "00:00:00:00:00:02 10.0.0.3"],
  ["lsp-add", "ls2", "p3"],
  ["lsp-set-addresses", "p3", "dynamic"],
  ["lr-add", "lr1"],
  ["lrp-add", "lr1", "lrp1", "00:00:00:00:01:01", "10.0.0.1/24"],
  ["lrp-add", "lr1", "lrp2", "00:00:00:00:01:02", "10.0.1.1/24"],
  ["lsp-add", "ls1", "ls1-lr1"],
  ["lsp-set-type", "ls1-lr1", "router"],
  ["lsp-set-addresses", "ls1-lr1", "router"],
  ["lsp-set-options", "ls1-lr1", "router-port=lrp1"],
  ["lsp-add", "ls2", "ls2-lr1", "--", "lsp-set-type", "ls2-lr1", "router", "--", "lsp-set-addresses", "ls2-lr1", "router", "--", "lsp-set-options", "ls2-lr1", "router-port=lrp2"],
  ["acl-add", "ls1", "to-lport", "1000", "ip4.src==10.0.0.3 && tcp.dst==22", "drop"],
  ["acl-add", "ls1", "from-lport", "900", "ip4", "allow-related"],
  ["lb-add", "lb1", "10.0.0.100:80", "10.0.0.2:8080,10.0.0.3:8080", "tcp"],
  ["ls-lb-add", "ls1", "lb1"],
  ["lr-lb-add", "lr1", "lb1"],
  ["lr-nat-add", "lr1", "snat", "172.16.0.1", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "dnat_and_snat", "172.16.0.10", "10.0.0.2"],
  ["lr-route-add", "lr1", "0.0.0.0/0", "10.0.1.254"],
  ["pg-add", "pg1", "p1", "p2"],
  ["acl-add", "pg1", "to-lport", "1001", "outport == @pg1 && ip4", "allow"],
  ["pg-set-ports", "pg1", "p1"],
  ["lsp-del", "p2"],
  ["acl-del", "ls1", "from-lport", "900", "ip4"],
  ["set", "Logical_Switch", "ls2", "other_config:subnet=10.0.1.0/24"],
  ["ls-add", "gone"],
  ["ls-del", "gone"],
];

const READS: string[][] = [["show"], ["acl-list", "ls1"], ["acl-list", "pg1"], ["lb-list"], ["lr-nat-list", "lr1"], ["lr-route-list", "lr1"], ["lsp-list", "ls1"], ["--columns=name,ports", "list", "Port_Group"]];

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function normalize(text: string): string {
  const map = new Map<string, string>();
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
    let n = map.get(u);
    if (!n) map.set(u, (n = `<uuid${map.size}>`));
    return n;
  });
}

async function session(db: string): Promise<string[]> {
  const out: string[] = [];
  for (const cmd of SCRIPT) {
    const r = await run("ovn-nbctl", [`--db=${db}`, ...cmd], { allowFailure: true });
    out.push(`${cmd.join(" ")} -> ${r.code} ${normalize(r.stdout)}${r.stderr ? ` ERR ${r.stderr.trim()}` : ""}`);
  }
  for (const cmd of READS) {
    const r = await run("ovn-nbctl", [`--db=${db}`, ...cmd], { allowFailure: true });
    // Row order follows UUID hashes in the IDL, so compare the lines as a sorted list.
    const lines = r.stdout.replace(UUID_RE, "<uuid>").split("\n").sort();
    out.push(`${cmd.join(" ")} -> ${r.code}\n${lines.join("\n")}`);
  }
  return out;
}

async function northd(dir: string, db: string): Promise<Daemon> {
  return startDaemon("ovn-northd", "ovn-northd", [`--ovnnb-db=${db}`, `--ovnsb-db=${db}`, `--unixctl=${join(dir, "northd.ctl")}`], join(dir, "northd.pid"), join(dir, "northd.log"));
}

/** Logical flows with UUIDs removed, sorted (ovn-sbctl prints datapaths in UUID order). */
async function lflows(db: string): Promise<string[]> {
  const text = (await run("ovn-sbctl", [`--db=${db}`, "lflow-list"])).stdout;
  return text
    .split("\n")
    .map((l) => l.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "U").replace(/\(U\)/g, "").trimEnd())
    .filter((l) => l.trim() !== "")
    .sort();
}

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl", "ovn-sbctl", "ovn-northd"))("ovn-nbctl and ovn-northd: embedded server vs ovsdb-server", () => {
  let real: OvsdbServerSandbox;
  let server: OvsdbServer;
  let dir: string;
  let mine: string;
  const daemons: Daemon[] = [];

  beforeAll(async () => {
    real = await startOvsdbServer({ schemas: ["OVN_Northbound", "OVN_Southbound"] });
    dir = makeTempDir("ovn-ts-ovn-");
    server = new OvsdbServer();
    server.addDatabase(bundledSchema("OVN_Northbound"));
    server.addDatabase(bundledSchema("OVN_Southbound"));
    mine = (await server.listen(`punix:${join(dir, "db.sock")}`)).connect;
  });
  afterAll(async () => {
    for (const d of daemons) await stopDaemon(d);
    await server?.close();
    await real?.stop();
    if (dir) removeDir(dir);
  });

  it("a scripted ovn-nbctl session gives the same outputs", async () => {
    const [a, b] = await Promise.all([session(real.unix), session(mine)]);
    expect(b).toEqual(a);
    expect(b.join("\n")).toContain("router <uuid> (lr1)");
  });

  it("ovn-northd produces the same logical flows from either server", async () => {
    const realDir = makeTempDir("ovn-ts-northd-");
    daemons.push(await northd(realDir, real.unix), await northd(dir, mine));
    for (const db of [real.unix, mine]) {
      const r = await run("ovn-nbctl", [`--db=${db}`, "--wait=sb", "--timeout=30", "sync"], { timeoutMs: 40_000 });
      expect(r.code).toBe(0);
    }
    const [a, b] = await Promise.all([lflows(real.unix), lflows(mine)]);
    expect(b.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    const ports = (await run("ovn-sbctl", [`--db=${mine}`, "--bare", "--columns=logical_port", "list", "Port_Binding"])).stdout.split(/\s+/).filter(Boolean).sort();
    expect(ports).toEqual(["lrp1", "lrp2", "ls1-lr1", "ls2-lr1", "p1", "p3"].sort());
    removeDir(realDir);
  });

  it("a second ovn-northd waits on the lock and takes over when the first stops", async () => {
    const standbyDir = makeTempDir("ovn-ts-northd2-");
    const first = daemons.find((d) => d.pidfile.startsWith(dir))!;
    const second = await northd(standbyDir, mine);
    daemons.push(second);
    const status = async (d: string) => (await run("ovs-appctl", ["-t", join(d, "northd.ctl"), "status"])).stdout.trim();
    await waitFor("second northd to connect", async () => (await status(standbyDir)) === "Status: standby", 15_000);
    expect(await status(dir)).toBe("Status: active");
    await stopDaemon(first);
    daemons.splice(daemons.indexOf(first), 1);
    await waitFor("second northd to become active", async () => (await status(standbyDir)) === "Status: active", 15_000);
    removeDir(standbyDir);
  });
});
