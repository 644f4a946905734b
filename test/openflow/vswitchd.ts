/**
 * Test harness: a private ovsdb-server + ovs-vswitchd (userspace, dummy datapath) in a temp dir,
 * with bridge br0 whose OpenFlow management socket is DIR/br0.mgmt and a passive TCP listener on loopback.
 * Processes are started with --detach --pidfile and stopped by PID only.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { OpenFlowListener, type OpenFlowConnection } from "../../src/openflow/connection.js";

export interface Vswitchd {
  dir: string;
  /** `unix:DIR/br0.mgmt` */
  mgmt: string;
  /** passive OpenFlow TCP port on 127.0.0.1 */
  port: number;
  env: NodeJS.ProcessEnv;
  ofctl(...args: string[]): string;
  vsctl(...args: string[]): string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const p = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(p));
    });
  });
}

export async function startVswitchd(): Promise<Vswitchd> {
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-ovs-"));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] });
  const db = join(dir, "conf.db");
  const sock = join(dir, "db.sock");
  run("ovsdb-tool", ["create", db, "/usr/share/openvswitch/vswitch.ovsschema"]);
  run("ovsdb-server", [db, `--remote=punix:${sock}`, `--pidfile=${join(dir, "ovsdb-server.pid")}`, `--unixctl=${join(dir, "ovsdb-server.ctl")}`, `--log-file=${join(dir, "ovsdb-server.log")}`, "--detach", "--no-chdir"]);
  const vsctl = (...a: string[]) => run("ovs-vsctl", [`--db=unix:${sock}`, "--timeout=20", ...a]);
  vsctl("--no-wait", "init");
  run("ovs-vswitchd", [`unix:${sock}`, "--enable-dummy", "--disable-system", "--disable-system-route", `--pidfile=${join(dir, "ovs-vswitchd.pid")}`, `--unixctl=${join(dir, "ovs-vswitchd.ctl")}`, `--log-file=${join(dir, "ovs-vswitchd.log")}`, "--detach", "--no-chdir"]);
  const port = await freePort();
  vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=dummy", "fail-mode=secure", "protocols=OpenFlow10,OpenFlow13,OpenFlow15", "--", "set-controller", "br0", `ptcp:${port}:127.0.0.1`);
  vsctl("add-port", "br0", "p1", "--", "set", "interface", "p1", "type=dummy", "ofport_request=1");
  vsctl("add-port", "br0", "p2", "--", "set", "interface", "p2", "type=dummy", "ofport_request=2");
  const mgmt = `unix:${join(dir, "br0.mgmt")}`;
  const stop = () => {
    for (const name of ["ovs-vswitchd", "ovsdb-server"]) {
      const pf = join(dir, `${name}.pid`);
      if (!existsSync(pf)) continue;
      const pid = Number(readFileSync(pf, "utf8").trim());
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          execFileSync("sleep", ["0.05"]);
        } catch {
          break;
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    mgmt,
    port,
    env,
    ofctl: (...a: string[]) => run("ovs-ofctl", a),
    vsctl,
    stop,
  };
}

/**
 * Runs `fn` with our {@link OpenFlowListener} as br0's (primary) controller, so the switch sends
 * it asynchronous messages; br0 gets its passive listener back afterwards.
 */
export async function asController<T>(v: Vswitchd, fn: (c: OpenFlowConnection) => Promise<T>): Promise<T> {
  const l = new OpenFlowListener({ echoIntervalMs: 0 });
  await l.listen({ port: 0 });
  try {
    const got = new Promise<OpenFlowConnection>((r) => l.once("connection", r));
    v.vsctl("set-controller", "br0", `tcp:127.0.0.1:${l.port}`);
    return await fn(await got);
  } finally {
    v.vsctl("set-controller", "br0", `ptcp:${v.port}:127.0.0.1`);
    await l.close();
  }
}
