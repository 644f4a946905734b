/**
 * The OVN central sandbox (NB + SB + ovn-northd), the northd-sync and wait-for-row helpers against
 * it, and ovn-trace parsing on a real logical switch with an ACL and a load balancer.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { type OvnSandbox, SandboxError, startOvnSandbox, waitForDbRow } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovn-trace", "ovs-appctl"];
const FLOW = 'inport == "lp1" && eth.src == 50:54:00:00:00:01 && eth.dst == 50:54:00:00:00:02 && ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.2 && ip.ttl == 64 && udp.src == 1234 && udp.dst == 5001';

describe.skipIf(!peers(...PROGRAMS))("OVN sandbox", () => {
  let ovn: OvnSandbox;
  let nb: OvsdbClient;
  beforeAll(async () => {
    ovn = await startOvnSandbox({ tcp: true });
    nb = await OvsdbClient.connect(ovn.nb, { reconnect: false });
  });
  afterAll(async () => {
    nb?.close();
    await ovn?.stop();
  });

  it("serves NB and SB on unix sockets and loopback TCP, with northd running", async () => {
    expect(ovn.nb).toMatch(/^unix:.*nb\.sock$/);
    expect(ovn.nbTcp).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    expect(ovn.sbTcp).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    const sb = await OvsdbClient.connect(ovn.sbTcp!, { reconnect: false });
    try {
      const r = await sb.transact("OVN_Southbound", [{ op: "select", table: "SB_Global", where: [] }]);
      expect((r.results[0] as { rows: unknown[] }).rows).toHaveLength(1);
    } finally {
      sb.close();
    }
    expect(await ovn.northdAppctl("status")).toMatch(/Status: active/);
    expect(Object.keys(ovn.logFiles())).toEqual(["nb", "sb", "northd"]);
  });

  it("sync() waits until northd has written NB's changes to SB (--wait=sb)", async () => {
    await ovn.nbctl("ls-add", "ls0", "--", "lsp-add", "ls0", "lp1", "--", "lsp-set-addresses", "lp1", "50:54:00:00:00:01 10.0.0.1",
      "--", "lsp-add", "ls0", "lp2", "--", "lsp-set-addresses", "lp2", "50:54:00:00:00:02 10.0.0.2");
    const cfg = await ovn.sync({ client: nb });
    expect(cfg).toBeGreaterThan(0);
    // right after sync, SB already has the datapath and both port bindings
    const bindings = await ovn.sbctl("--bare", "--columns=logical_port", "list", "Port_Binding");
    expect(bindings.split(/\s+/).filter(Boolean).sort()).toEqual(["lp1", "lp2"]);
    const again = await ovn.sync();
    expect(again).toBe(cfg + 1);
  });

  it("waitForDbRow resolves when a matching row appears, and times out with SandboxError", async () => {
    const sb = await OvsdbClient.connect(ovn.sb, { reconnect: false });
    try {
      const pending = waitForDbRow(sb, "OVN_Southbound", "Port_Binding", (r) => r["logical_port"] === "lp3");
      await ovn.nbctl("lsp-add", "ls0", "lp3");
      const row = await pending;
      expect(row["logical_port"]).toBe("lp3");
      expect(typeof row["tunnel_key"]).toBe("number");
      await expect(waitForDbRow(sb, "OVN_Southbound", "Port_Binding", (r) => r["logical_port"] === "nope", { timeoutMs: 200 })).rejects.toBeInstanceOf(SandboxError);
    } finally {
      sb.close();
    }
  });

  it("trace() parses ovn-trace: delivery, an ACL drop, a load-balancer VIP", async () => {
    await ovn.nbctl("acl-add", "ls0", "to-lport", "1000", "ip4.src == 10.0.0.1 && udp.dst == 9999", "drop");
    await ovn.nbctl("lb-add", "lb0", "10.0.0.100:80", "10.0.0.2:8080", "udp", "--", "ls-lb-add", "ls0", "lb0");
    await ovn.sync({ client: nb });

    const ok = await ovn.trace("ls0", FLOW);
    expect(ok.flow).toMatch(/^udp,reg14=0x[0-9a-f]+,/);
    expect(ok.outputs).toEqual(["lp2"]);
    expect(ok.dropped).toBe(false);
    expect(ok.sections[0]).toMatchObject({ kind: "ingress", datapath: "ls0", inport: "lp1" });
    const egress = ok.sections.find((s) => s.kind === "egress");
    expect(egress).toMatchObject({ datapath: "ls0", inport: "lp1", outport: "lp2" });
    const l2 = ok.sections.flatMap((s) => s.stages).find((s) => s.stage === "ls_in_l2_lkup");
    expect(l2).toMatchObject({ match: "eth.dst == 50:54:00:00:00:02", priority: 50 });
    expect(l2?.actions).toContain('outport = "lp2";');

    const drop = await ovn.trace("ls0", FLOW.replace("udp.dst == 5001", "udp.dst == 9999"), { ct: ["new"] });
    expect(drop.dropped, drop.raw).toBe(true);
    expect(drop.outputs).toEqual([]);
    const acl = drop.sections.flatMap((s) => s.stages).find((s) => s.stage === "ls_out_acl" && s.match.includes("udp.dst == 9999"));
    expect(acl?.priority).toBe(2000);

    const vip = await ovn.trace("ls0", FLOW.replace("ip4.dst == 10.0.0.2", "ip4.dst == 10.0.0.100").replace("udp.dst == 5001", "udp.dst == 80"), { ct: ["new"] });
    const lb = vip.sections.flatMap((s) => s.stages).find((s) => s.stage === "ls_in_lb");
    expect(lb?.actions.join(" ")).toContain("backends=10.0.0.2:8080");
    expect(vip.outputs).toEqual(["lp2"]);
  });

  it("ovn-trace failures are SandboxErrors", async () => {
    await expect(ovn.trace("no-such-datapath", FLOW)).rejects.toBeInstanceOf(SandboxError);
  });
});

describe.skipIf(!peers("ovsdb-tool", "ovsdb-server"))("OVN sandbox startup failure", () => {
  it("names the failing daemon, keeps the directory and points at the logs", async () => {
    const err = await startOvnSandbox({ nbSchema: "/nonexistent.ovsschema" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/OVN sandbox failed to start/);
    const dir = /sandbox kept in (\S+)/.exec(msg)?.[1];
    expect(dir && existsSync(dir)).toBe(true);
    const { rmSync } = await import("node:fs");
    rmSync(dir!, { recursive: true, force: true });
  });
});
