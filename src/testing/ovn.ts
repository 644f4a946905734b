/**
 * An OVN central sandbox: Northbound and Southbound `ovsdb-server`s and `ovn-northd`, in a temp dir,
 * on unix sockets (and optionally free loopback TCP ports), stopped by PID.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { OvsdbClient } from "../ovsdb/client/client.js";
import { type BundledDatabase, bundledSchemaPath } from "../ovsdb/schema/bundled.js";
import { DaemonGroup, type StopOptions, defaultKeep } from "./group.js";
import { type Daemon, SandboxError, freePort, makeTempDir, run, waitFor } from "./process.js";
import { type OvnTrace, ovnTrace } from "./trace.js";
import { type NorthdWait, type WaitOptions, waitForNorthd } from "./wait.js";

const SYSTEM_SCHEMAS: Record<string, readonly string[]> = {
  OVN_Northbound: ["/usr/share/ovn/ovn-nb.ovsschema", "/usr/local/share/ovn/ovn-nb.ovsschema"],
  OVN_Southbound: ["/usr/share/ovn/ovn-sb.ovsschema", "/usr/local/share/ovn/ovn-sb.ovsschema"],
  Open_vSwitch: ["/usr/share/openvswitch/vswitch.ovsschema", "/usr/local/share/openvswitch/vswitch.ovsschema"],
  OVN_IC_Northbound: ["/usr/share/ovn/ovn-ic-nb.ovsschema", "/usr/local/share/ovn/ovn-ic-nb.ovsschema"],
  OVN_IC_Southbound: ["/usr/share/ovn/ovn-ic-sb.ovsschema", "/usr/local/share/ovn/ovn-ic-sb.ovsschema"],
};

/**
 * The schema file to create a database for the installed daemons: the one installed with OVS/OVN
 * (so it matches `ovn-northd`/`ovs-vswitchd`/`ovn-ic`'s version), else the copy bundled with this
 * package.
 */
export function installedSchemaFile(db: "OVN_Northbound" | "OVN_Southbound" | "Open_vSwitch" | "OVN_IC_Northbound" | "OVN_IC_Southbound"): string {
  for (const f of SYSTEM_SCHEMAS[db] ?? []) if (existsSync(f)) return f;
  return bundledSchemaPath(db as BundledDatabase);
}

/** Options of {@link startOvnSandbox}. */
export interface OvnSandboxOptions {
  /**
   * Also serve NB and SB on free loopback TCP ports.
   * @default false
   */
  tcp?: boolean;
  /**
   * Start `ovn-northd` (false: only the two databases).
   * @default true
   */
  northd?: boolean;
  /** NB schema file. @default the installed `ovn-nb.ovsschema`, else the bundled one */
  nbSchema?: string;
  /** SB schema file. @default the installed `ovn-sb.ovsschema`, else the bundled one */
  sbSchema?: string;
  /** Directory to use. @default a fresh temp dir */
  dir?: string;
  /**
   * Keep the directory (databases, logs) after `stop()`.
   * @default false, or true when `OVN_TS_KEEP_SANDBOX` is set
   */
  keep?: boolean;
}

/** A running OVN central sandbox. */
export interface OvnSandbox {
  /** The sandbox directory. */
  readonly dir: string;
  /** Northbound remote, `unix:DIR/nb.sock`. */
  readonly nb: string;
  /** Southbound remote, `unix:DIR/sb.sock`. */
  readonly sb: string;
  /** `tcp:127.0.0.1:PORT` of NB, when `tcp` was asked for. */
  readonly nbTcp: string | undefined;
  /** `tcp:127.0.0.1:PORT` of SB, when `tcp` was asked for. */
  readonly sbTcp: string | undefined;
  /** The daemons: `nb`, `sb` and (unless disabled) `northd`. */
  readonly daemons: { readonly nb: Daemon; readonly sb: Daemon; readonly northd: Daemon | undefined };
  /** Runs `ovn-nbctl --db=NB ARGS...` and returns its stdout. */
  nbctl(...args: string[]): Promise<string>;
  /** Runs `ovn-sbctl --db=SB ARGS...` and returns its stdout. */
  sbctl(...args: string[]): Promise<string>;
  /** Runs `ovs-appctl -t northd.ctl ARGS...`. */
  northdAppctl(...args: string[]): Promise<string>;
  /**
   * Waits until northd has processed NB (`ovn-nbctl --wait=sb sync`; `wait: "hv"` waits for the
   * chassis too). Uses a client of its own unless `client` (connected to NB) is given.
   */
  sync(options?: WaitOptions & { wait?: NorthdWait; client?: OvsdbClient }): Promise<number>;
  /** Runs `ovn-trace` against SB and parses the result. */
  trace(datapath: string, microflow: string, options?: { ct?: readonly string[] }): Promise<OvnTrace>;
  /**
   * Records that `logicalPort` (a logical router port) reaches `ip` at `mac`, as ovn-controller
   * records a MAC it learned: a row in the Southbound `MAC_Binding` table, on the port's datapath.
   * `ovn-trace` resolves next hops (`get_arp`, `get_nd`) from that table only, so a trace through
   * a gateway needs it to go past next-hop resolution (SNAT, EIPs); a Northbound
   * `Static_MAC_Binding` (`staticMacBindingAdd`) is applied by ovn-controller and ovn-trace does
   * not see it. Call it once ovn-northd has created the port's `Port_Binding` (after a
   * `{ wait: "sb" }` commit or `sync()`); throws a {@link SandboxError} otherwise. The row is
   * stamped with the current time (`timestamp`, ms) as ovn-controller stamps it, so a router's
   * `options:mac_binding_age_threshold` does not age it out at once.
   */
  learnMacBinding(logicalPort: string, ip: string, mac: string): Promise<void>;
  /** Log files by daemon name (`nb`, `sb`, `northd`). */
  logFiles(): Record<string, string>;
  /** Log texts by daemon name. */
  logs(): Record<string, string>;
  /** Stops every daemon by PID and removes the directory (unless kept). Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** @internal Starts NB + SB + northd inside `group` with files in `home`; used by the chassis sandbox too. */
export async function startCentral(group: DaemonGroup, home: string, options: OvnSandboxOptions): Promise<Omit<OvnSandbox, "stop" | typeof Symbol.asyncDispose | "logs" | "logFiles">> {
  const remotes: Record<"nb" | "sb", { unix: string; tcp: string | undefined; daemon: Daemon }> = {} as never;
  for (const [name, schema] of [
    ["nb", options.nbSchema ?? installedSchemaFile("OVN_Northbound")],
    ["sb", options.sbSchema ?? installedSchemaFile("OVN_Southbound")],
  ] as const) {
    const db = join(home, `${name}.db`);
    if (!existsSync(db)) await group.tool(home, "ovsdb-tool", ["create", db, schema]);
    const sock = join(home, `${name}.sock`);
    const args = [db, `--remote=punix:${sock}`, `--unixctl=${join(home, `${name}.ctl`)}`];
    let tcp: string | undefined;
    if (options.tcp) {
      const port = await freePort();
      args.push(`--remote=ptcp:${port}:127.0.0.1`);
      tcp = `tcp:127.0.0.1:${port}`;
    }
    const daemon = await group.start(name, "ovsdb-server", args, home);
    await waitFor(`${name} ovsdb-server socket ${sock}`, () => existsSync(sock), 5000);
    remotes[name] = { unix: `unix:${sock}`, tcp, daemon };
  }
  const nb = remotes.nb.unix;
  const sb = remotes.sb.unix;
  await group.tool(home, "ovn-nbctl", [`--db=${nb}`, "--timeout=30", "init"]);
  await group.tool(home, "ovn-sbctl", [`--db=${sb}`, "--timeout=30", "init"]);
  const northd =
    options.northd === false
      ? undefined
      : await group.start("northd", "ovn-northd", [`--ovnnb-db=${nb}`, `--ovnsb-db=${sb}`, `--unixctl=${join(home, "northd.ctl")}`], home);
  const central = {
    dir: group.dir,
    nb,
    sb,
    nbTcp: remotes.nb.tcp,
    sbTcp: remotes.sb.tcp,
    daemons: { nb: remotes.nb.daemon, sb: remotes.sb.daemon, northd },
    nbctl: (...args: string[]) => group.tool(home, "ovn-nbctl", [`--db=${nb}`, "--timeout=30", ...args]),
    sbctl: (...args: string[]) => group.tool(home, "ovn-sbctl", [`--db=${sb}`, "--timeout=30", ...args]),
    northdAppctl: async (...args: string[]) => (await run("ovs-appctl", ["-t", join(home, "northd.ctl"), ...args])).stdout,
    async sync(o: WaitOptions & { wait?: NorthdWait; client?: OvsdbClient } = {}) {
      if (o.client) return waitForNorthd(o.client, o);
      const client = await OvsdbClient.connect(nb, { reconnect: false });
      try {
        return await waitForNorthd(client, o);
      } finally {
        client.close();
      }
    },
    trace: (datapath: string, microflow: string, o: { ct?: readonly string[] } = {}) => ovnTrace({ db: sb, ...(o.ct ? { ct: o.ct } : {}) }, datapath, microflow),
    async learnMacBinding(logicalPort: string, ip: string, mac: string) {
      const sbctl = (...args: string[]) => group.tool(home, "ovn-sbctl", [`--db=${sb}`, "--timeout=30", ...args]);
      const datapath = (await sbctl("--bare", "--columns=datapath", "find", "Port_Binding", `logical_port=${JSON.stringify(logicalPort)}`)).trim();
      if (!/^[0-9a-f-]{36}$/.test(datapath)) throw new SandboxError(`learnMacBinding: the Southbound database has no Port_Binding for "${logicalPort}" (not a logical router port, or ovn-northd has not caught up: commit with { wait: "sb" } or sync() first)`);
      // timestamp: now in ms, as ovn-controller stamps it (ovn-northd ages out rows older than a router's mac_binding_age_threshold; 0 would be gone at once).
      await sbctl("create", "MAC_Binding", `logical_port=${JSON.stringify(logicalPort)}`, `ip=${JSON.stringify(ip)}`, `mac=${JSON.stringify(mac)}`, `datapath=${datapath}`, `timestamp=${Date.now()}`);
    },
  };
  return central;
}

/**
 * Starts an OVN central sandbox: NB and SB `ovsdb-server`s (initialised like `ovn-nbctl init`/
 * `ovn-sbctl init`) and `ovn-northd` between them. On a startup failure every started daemon is
 * stopped, the directory is kept, and the {@link SandboxError} names the failing step and shows
 * the tail of each log.
 */
export async function startOvnSandbox(options: OvnSandboxOptions = {}): Promise<OvnSandbox> {
  const dir = options.dir ?? makeTempDir("ovn-ts-ovn-");
  const group = new DaemonGroup(dir, options.dir !== undefined || defaultKeep(options.keep));
  try {
    const central = await startCentral(group, dir, options);
    const stop = (o?: StopOptions) => group.stop(o);
    return { ...central, logFiles: () => group.logFiles(), logs: () => group.logs(), stop, [Symbol.asyncDispose]: () => stop() };
  } catch (e) {
    await group.stop({ keep: true });
    throw group.failure(e, "OVN sandbox failed to start");
  }
}
