/**
 * Live with OVN itself: ovn-northd + ovn-controller program br-int on a private userspace ovs-vswitchd
 * (all unix sockets in a temp dir, stopped by PID); our dump of br-int must equal `ovs-ofctl dump-flows`,
 * and every flow ovs-ofctl prints must parse with our flow parser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { OpenFlowConnection } from "../../src/openflow/connection.js";
import { formatFlowStats } from "../../src/openflow/print.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { encodeMessage, decodeMessage } from "../../src/openflow/messages.js";
import { OfpVersion } from "../../src/openflow/constants.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

const NEED = ["ovsdb-server", "ovsdb-tool", "ovs-vswitchd", "ovs-vsctl", "ovs-ofctl", "ovn-northd", "ovn-controller", "ovn-nbctl", "ovn-sbctl"];

describe.skipIf(!peers(...NEED))("live: br-int programmed by ovn-controller", () => {
  let dir = "";
  const env = () => ({ ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVN_RUNDIR: dir, OVN_LOGDIR: dir, OVN_DBDIR: dir });
  const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { env: env(), encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
  const daemon = (name: string) => [`--pidfile=${join(dir, name + ".pid")}`, `--log-file=${join(dir, name + ".log")}`, "--detach", "--no-chdir"];
  const db = (name: string, schema: string) => {
    run("ovsdb-tool", "create", join(dir, name + ".db"), schema);
    run("ovsdb-server", join(dir, name + ".db"), `--remote=punix:${join(dir, name + ".sock")}`, `--unixctl=${join(dir, name + ".ctl")}`, ...daemon(name));
  };
  const nbctl = (...a: string[]) => run("ovn-nbctl", `--db=unix:${join(dir, "nb.sock")}`, ...a);
  const vsctl = (...a: string[]) => run("ovs-vsctl", `--db=unix:${join(dir, "vs.sock")}`, "--timeout=30", ...a);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-ovn-"));
    db("nb", "/usr/share/ovn/ovn-nb.ovsschema");
    db("sb", "/usr/share/ovn/ovn-sb.ovsschema");
    db("vs", "/usr/share/openvswitch/vswitch.ovsschema");
    nbctl("init");
    run("ovn-sbctl", `--db=unix:${join(dir, "sb.sock")}`, "init");
    run("ovn-northd", `--ovnnb-db=unix:${join(dir, "nb.sock")}`, `--ovnsb-db=unix:${join(dir, "sb.sock")}`, `--unixctl=${join(dir, "northd.ctl")}`, ...daemon("northd"));
    vsctl("--no-wait", "init");
    run("ovs-vswitchd", `unix:${join(dir, "vs.sock")}`, "--enable-dummy", "--disable-system", "--disable-system-route", `--unixctl=${join(dir, "vswitchd.ctl")}`, ...daemon("vswitchd"));
    vsctl("add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=dummy", "fail-mode=secure", "other-config:disable-in-band=true");
    vsctl(
      "set", "open", ".",
      "external-ids:system-id=hv1", `external-ids:ovn-remote=unix:${join(dir, "sb.sock")}`,
      "external-ids:ovn-encap-type=geneve", "external-ids:ovn-encap-ip=127.0.0.1",
      "external-ids:ovn-bridge=br-int", "external-ids:ovn-bridge-datapath-type=dummy",
    );
    run("ovn-controller", `unix:${join(dir, "vs.sock")}`, ...daemon("ovn-controller"));
    // a small Kube-OVN-like topology: switch, router, ACL with conntrack, load balancer, two VIFs
    nbctl("ls-add", "sw0", "--", "lsp-add", "sw0", "p1", "--", "lsp-set-addresses", "p1", "0a:00:00:00:00:01 10.0.0.1", "--", "lsp-add", "sw0", "p2", "--", "lsp-set-addresses", "p2", "0a:00:00:00:00:02 10.0.0.2");
    nbctl("lr-add", "lr0", "--", "lrp-add", "lr0", "lrp0", "0a:00:00:00:00:ff", "10.0.0.254/24", "fd00::1/64");
    nbctl("lsp-add", "sw0", "sw0-lr0", "--", "lsp-set-type", "sw0-lr0", "router", "--", "lsp-set-addresses", "sw0-lr0", "router", "--", "lsp-set-options", "sw0-lr0", "router-port=lrp0");
    nbctl("acl-add", "sw0", "from-lport", "1000", "ip4 && tcp.dst==80", "allow-related");
    nbctl("acl-add", "sw0", "to-lport", "900", "ip4 && udp", "drop");
    nbctl("lb-add", "lb0", "10.0.0.100:80", "10.0.0.1:8080,10.0.0.2:8080", "tcp");
    nbctl("ls-lb-add", "sw0", "lb0");
    nbctl("lr-nat-add", "lr0", "snat", "172.16.0.1", "10.0.0.0/24");
    vsctl("add-port", "br-int", "vif1", "--", "set", "interface", "vif1", "type=dummy", "external-ids:iface-id=p1");
    vsctl("add-port", "br-int", "vif2", "--", "set", "interface", "vif2", "type=dummy", "external-ids:iface-id=p2");
    nbctl("--wait=hv", "--timeout=60", "sync");
  }, 120_000);

  afterAll(() => {
    if (!dir) return;
    const pids = readdirSync(dir)
      .filter((x) => x.endsWith(".pid"))
      .map((f) => Number(readFileSync(join(dir, f), "utf8").trim()));
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* gone */
      }
    }
    for (const pid of pids) {
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          execFileSync("sleep", ["0.05"]);
        } catch {
          break;
        }
      }
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });

  it("our dump of br-int equals ovs-ofctl dump-flows, and we parse every flow it prints", async () => {
    const mgmt = `unix:${join(dir, "br-int.mgmt")}`;
    const c = await OpenFlowConnection.connect(mgmt, { echoIntervalMs: 0 });
    let flows;
    try {
      flows = await c.dumpFlows();
    } finally {
      c.close();
    }
    const theirs = run("ovs-ofctl", "-O", "OpenFlow13", "--no-stats", "dump-flows", mgmt)
      .split("\n")
      .filter((l) => l);
    expect(theirs.length).toBeGreaterThan(200);
    const ours = flows.map((f) => " " + formatFlowStats(f, { noStats: true }));
    expect([...ours].sort()).toEqual([...theirs].sort());
    // every decoded flow re-encodes identically (inside a flow-stats reply)
    const reply = encodeMessage({ type: "multipart_reply", flags: 0, body: { kind: "flow", flows }, xid: 1 });
    expect(Buffer.from(encodeMessage(decodeMessage(reply))).equals(Buffer.from(reply))).toBe(true);
    // our parser accepts everything ovs-ofctl prints for OVN's flows
    const failures = theirs.filter((l) => {
      try {
        parseFlow(l.trim().replace(/^cookie=0x[0-9a-f]+, /, "").replace(/, /g, ","));
        return false;
      } catch {
        return true;
      }
    });
    expect(failures).toEqual([]);
  });

  it("over OpenFlow 1.5 (as ovn-controller speaks), our dump equals ovs-ofctl -O OpenFlow15 dump-flows", async () => {
    const mgmt = `unix:${join(dir, "br-int.mgmt")}`;
    // through the library at version 0x06 (the CLI form is the next case)
    const c = await OpenFlowConnection.connect(mgmt, { echoIntervalMs: 0, versions: [OfpVersion.OF15] });
    let flows;
    try {
      expect(c.version).toBe(OfpVersion.OF15);
      flows = await c.dumpFlows();
    } finally {
      c.close();
    }
    // durations and idle ages move between the two dumps; everything else must be identical
    const norm = (l: string) => l.replace(/duration=[0-9.]+s/, "duration=Xs").replace(/idle_age=\d+/, "idle_age=X");
    const theirs = run("ovs-ofctl", "-O", "OpenFlow15", "dump-flows", mgmt)
      .split("\n")
      .filter((l) => l.startsWith(" "))
      .map(norm);
    expect(theirs.length).toBeGreaterThan(200);
    expect(flows.every((f) => f.idleAge !== undefined)).toBe(true);
    const ours = flows.map((f) => norm(" " + formatFlowStats(f)));
    expect([...ours].sort()).toEqual([...theirs].sort());
    // the OXS replies re-encode byte for byte (in replies of 100 flows, as a switch splits them)
    for (let i = 0; i < flows.length; i += 100) {
      const reply = encodeMessage({ version: OfpVersion.OF15, type: "multipart_reply", flags: 0, body: { kind: "flow", flows: flows.slice(i, i + 100) }, xid: 1 });
      expect(Buffer.from(encodeMessage(decodeMessage(reply))).equals(Buffer.from(reply))).toBe(true);
    }
  });

  it("ovn-ts ofctl -O OpenFlow15 dump-flows br-int prints what ovs-ofctl -O OpenFlow15 dump-flows br-int prints", async () => {
    // durations and idle ages move between the two dumps; everything else (reply headers included) must be identical
    const norm = (text: string) =>
      text
        .split("\n")
        .filter((l) => l)
        .map((l) => l.replace(/duration=[0-9.]+s/, "duration=Xs").replace(/idle_age=\d+/, "idle_age=X"))
        .sort();
    const theirs = run("ovs-ofctl", "-O", "OpenFlow15", "dump-flows", "br-int");
    const saved = process.env["OVS_RUNDIR"];
    process.env["OVS_RUNDIR"] = dir;
    const io = memoryIo();
    try {
      expect(await ofctlCommand(["-O", "OpenFlow15", "dump-flows", "br-int"], io)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env["OVS_RUNDIR"];
      else process.env["OVS_RUNDIR"] = saved;
    }
    expect(io.stderr).toBe("");
    expect(norm(theirs).length).toBeGreaterThan(200);
    expect(norm(io.stdout)).toEqual(norm(theirs));
  }, 60_000);
});
