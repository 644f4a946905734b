/**
 * An `ovs-vswitchd` sandbox for OpenFlow tests: its own `Open_vSwitch` `ovsdb-server` and an
 * `ovs-vswitchd --enable-dummy` (userspace, no kernel module) in a temp dir, with bridges on the
 * `dummy` datapath, dummy ports that record what they send (`options:tx_pcap`), OpenFlow on each
 * bridge's unix management socket and optionally a free loopback TCP port.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DaemonGroup, type StopOptions, defaultKeep } from "./group.js";
import { installedSchemaFile } from "./ovn.js";
import { type Daemon, freePort, makeTempDir, waitFor } from "./process.js";

/** A bridge to create. */
export interface BridgeSpec {
  /** Bridge name, e.g. `br0`. */
  name: string;
  /** Dummy ports to add, by name; OpenFlow port numbers are 1, 2, ... in this order. */
  ports?: readonly string[];
  /**
   * Also accept OpenFlow connections on a free loopback TCP port (`set-controller BR ptcp:PORT:127.0.0.1`).
   * @default false
   */
  tcp?: boolean;
  /** Active controller targets the bridge connects to (e.g. `tcp:127.0.0.1:6653` of a listener you run). */
  controllers?: readonly string[];
  /**
   * OpenFlow versions the bridge speaks (Bridge `protocols`).
   * @default ["OpenFlow10", "OpenFlow13", "OpenFlow14", "OpenFlow15"]
   */
  protocols?: readonly string[];
  /**
   * Bridge `fail-mode`.
   * @default "secure"
   */
  failMode?: "secure" | "standalone";
}

/** A bridge as created. */
export interface BridgeInfo {
  readonly name: string;
  /** OpenFlow over the bridge's management socket: `unix:DIR/NAME.mgmt` (what `ovs-ofctl` uses). */
  readonly mgmt: string;
  /** `tcp:127.0.0.1:PORT` when `tcp` was asked for. */
  readonly tcp: string | undefined;
  /** Port name → OpenFlow port number. */
  readonly ports: Readonly<Record<string, number>>;
}

/** Options of {@link startVswitchd}. */
export interface VswitchdOptions {
  /** Bridges to create (a name creates a bridge with no ports). @default [] */
  bridges?: readonly (string | BridgeSpec)[];
  /** Directory to use. @default a fresh temp dir */
  dir?: string;
  /**
   * Keep the directory (database, logs, pcaps) after `stop()`.
   * @default false, or true when `OVN_TS_KEEP_SANDBOX` is set
   */
  keep?: boolean;
}

/** A running `ovs-vswitchd` sandbox. */
export interface VswitchdSandbox {
  /** The sandbox directory. */
  readonly dir: string;
  /** The `Open_vSwitch` database remote, `unix:DIR/db.sock`. */
  readonly db: string;
  /** Bridges by name. */
  readonly bridges: Readonly<Record<string, BridgeInfo>>;
  /** The daemons: `ovsdb-server` and `ovs-vswitchd`. */
  readonly daemons: { readonly ovsdb: Daemon; readonly vswitchd: Daemon };
  /** Creates another bridge. */
  addBridge(spec: string | BridgeSpec): Promise<BridgeInfo>;
  /** Adds a dummy port (recording to {@link VswitchdSandbox.txPcap}); resolves with its OpenFlow port number. */
  addPort(bridge: string, port: string): Promise<number>;
  /**
   * Injects a packet as if received on `port` (`netdev-dummy/receive`): hex bytes / a Uint8Array,
   * or an OVS flow description such as `in_port(1),eth(src=...,dst=...),eth_type(0x0800),ipv4(...)`.
   */
  receive(port: string, packet: string | Uint8Array): Promise<void>;
  /** Path of the pcap file in which `port` records the frames it sends (may not exist yet). */
  txPcap(port: string): string;
  /** Runs `ovs-vsctl --db=DB ARGS...`. */
  vsctl(...args: string[]): Promise<string>;
  /** Runs `ovs-appctl -t vswitchd.ctl ARGS...`. */
  appctl(...args: string[]): Promise<string>;
  /** Runs `ovs-ofctl ARGS...` with this sandbox's environment (pass `mgmt` as the switch). */
  ofctl(...args: string[]): Promise<string>;
  /** Log files by daemon name. */
  logFiles(): Record<string, string>;
  /** Log texts by daemon name. */
  logs(): Record<string, string>;
  /** Stops both daemons by PID and removes the directory (unless kept). Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** @internal A vswitchd node (database + daemon) inside a group: shared by the chassis sandbox. */
export interface VswitchdNode {
  readonly home: string;
  readonly db: string;
  readonly ovsdb: Daemon;
  readonly vswitchd: Daemon;
  vsctl(...args: string[]): Promise<string>;
  appctl(...args: string[]): Promise<string>;
  ofctl(...args: string[]): Promise<string>;
}

/** @internal Starts an `Open_vSwitch` ovsdb-server and `ovs-vswitchd --enable-dummy` with files in `home`. */
export async function startVswitchdNode(group: DaemonGroup, home: string, label = ""): Promise<VswitchdNode> {
  const dbFile = join(home, "vs.db");
  if (!existsSync(dbFile)) await group.tool(home, "ovsdb-tool", ["create", dbFile, installedSchemaFile("Open_vSwitch")]);
  const sock = join(home, "vs.sock");
  const ovsdb = await group.start(`${label}ovsdb-server`, "ovsdb-server", [dbFile, `--remote=punix:${sock}`, `--unixctl=${join(home, "vs.ctl")}`], home, "vs");
  await waitFor(`${label}ovsdb-server socket ${sock}`, () => existsSync(sock), 5000);
  const db = `unix:${sock}`;
  const vsctl = (...args: string[]) => group.tool(home, "ovs-vsctl", [`--db=${db}`, "--timeout=30", ...args]);
  await vsctl("--no-wait", "init");
  const ctl = join(home, "vswitchd.ctl");
  const vswitchd = await group.start(
    `${label}ovs-vswitchd`,
    "ovs-vswitchd",
    [db, "--enable-dummy", "--disable-system", "--disable-system-route", `--unixctl=${ctl}`],
    home,
    "vswitchd",
  );
  return {
    home,
    db,
    ovsdb,
    vswitchd,
    vsctl,
    appctl: (...args: string[]) => group.tool(home, "ovs-appctl", ["-t", ctl, ...args]),
    ofctl: (...args: string[]) => group.tool(home, "ovs-ofctl", args),
  };
}

/** @internal Hex bytes for netdev-dummy/receive, or the flow description as given. */
export function packetArg(packet: string | Uint8Array): string {
  return typeof packet === "string" ? packet : Buffer.from(packet).toString("hex");
}

/**
 * Starts `ovs-vswitchd` (userspace, dummy datapath) with its own database and the given bridges.
 * On a startup failure the daemons are stopped, the directory is kept, and the
 * {@link SandboxError} names the failing step and shows each log's tail.
 */
export async function startVswitchd(options: VswitchdOptions = {}): Promise<VswitchdSandbox> {
  const dir = options.dir ?? makeTempDir("ovn-ts-ovs-");
  const group = new DaemonGroup(dir, options.dir !== undefined || defaultKeep(options.keep));
  try {
    const node = await startVswitchdNode(group, dir);
    const bridges: Record<string, BridgeInfo> = {};
    const nextPort = new Map<string, number>();
    const txPcap = (port: string) => join(dir, `${port}-tx.pcap`);
    const addPort = async (bridge: string, port: string): Promise<number> => {
      const ofport = (nextPort.get(bridge) ?? 0) + 1;
      nextPort.set(bridge, ofport);
      await node.vsctl("add-port", bridge, port, "--", "set", "interface", port, "type=dummy", `ofport_request=${ofport}`, `options:tx_pcap=${txPcap(port)}`, `options:rxq_pcap=${join(dir, `${port}-rx.pcap`)}`);
      const info = bridges[bridge];
      if (info) (info.ports as Record<string, number>)[port] = ofport;
      return ofport;
    };
    const addBridge = async (s: string | BridgeSpec): Promise<BridgeInfo> => {
      const spec: BridgeSpec = typeof s === "string" ? { name: s } : s;
      const protocols = (spec.protocols ?? ["OpenFlow10", "OpenFlow13", "OpenFlow14", "OpenFlow15"]).join(",");
      const targets = [...(spec.controllers ?? [])];
      let tcp: string | undefined;
      if (spec.tcp) {
        const port = await freePort();
        targets.push(`ptcp:${port}:127.0.0.1`);
        tcp = `tcp:127.0.0.1:${port}`;
      }
      const args = ["add-br", spec.name, "--", "set", "bridge", spec.name, "datapath_type=dummy", `fail-mode=${spec.failMode ?? "secure"}`, `protocols=${protocols}`, "other-config:disable-in-band=true"];
      if (targets.length) args.push("--", "set-controller", spec.name, ...targets);
      await node.vsctl(...args);
      const mgmtPath = join(dir, `${spec.name}.mgmt`);
      await waitFor(`${spec.name}'s OpenFlow socket ${mgmtPath}`, () => existsSync(mgmtPath), 5000);
      const info: BridgeInfo = { name: spec.name, mgmt: `unix:${mgmtPath}`, tcp, ports: {} };
      bridges[spec.name] = info;
      for (const p of spec.ports ?? []) await addPort(spec.name, p);
      return info;
    };
    for (const b of options.bridges ?? []) await addBridge(b);
    const stop = (o?: StopOptions) => group.stop(o);
    return {
      dir,
      db: node.db,
      bridges,
      daemons: { ovsdb: node.ovsdb, vswitchd: node.vswitchd },
      addBridge,
      addPort,
      receive: async (port, packet) => void (await node.appctl("netdev-dummy/receive", port, packetArg(packet))),
      txPcap,
      vsctl: node.vsctl,
      appctl: node.appctl,
      ofctl: node.ofctl,
      logFiles: () => group.logFiles(),
      logs: () => group.logs(),
      stop,
      [Symbol.asyncDispose]: () => stop(),
    };
  } catch (e) {
    await group.stop({ keep: true });
    throw group.failure(e, "ovs-vswitchd sandbox failed to start");
  }
}
