/**
 * A multi-chassis OVN dataplane sandbox, built the way OVN's own test suite builds one, entirely
 * in userspace: an OVN central (NB + SB + `ovn-northd`); two or more chassis, each an
 * `ovs-vswitchd` on the `dummy` datapath with its own `Open_vSwitch` database and an
 * `ovn-controller`; an underlay where each chassis' `br-phys` has the loopback address
 * `127.1.0.N/16` and a dummy port wired (over a unix socket) to a hub bridge; Geneve tunnels
 * between the chassis over that underlay; pods as dummy interfaces on `br-int` bound to logical
 * ports by `external_ids:iface-id`. Every frame a chassis sends into the underlay is recorded in a
 * pcap (`options:tx_pcap`), and {@link ChassisSandbox.underlayFrames} decodes it with `ovn-ts/geneve`.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CaptureRecord, type DecodedGeneveFrame, DecodeError, decodeGeneveFrame, readCapture } from "../geneve/index.js";
import { DaemonGroup, type StopOptions, defaultKeep } from "./group.js";
import { type OvnSandbox, type OvnSandboxOptions, startCentral } from "./ovn.js";
import { type Daemon, SandboxError, makeTempDir, waitFor } from "./process.js";
import { type VswitchdNode, packetArg, startVswitchdNode } from "./vswitchd.js";

/** Options of {@link startChassisSandbox}. */
export interface ChassisSandboxOptions {
  /**
   * Number of chassis (`hv1`, `hv2`, ...), at most 200.
   * @default 2
   */
  chassis?: number;
  /**
   * Also serve NB and SB on free loopback TCP ports.
   * @default false
   */
  tcp?: boolean;
  /** Directory to use. @default a fresh temp dir */
  dir?: string;
  /**
   * Keep the directory (databases, logs, pcaps) after `stop()`.
   * @default false, or true when `OVN_TS_KEEP_SANDBOX` is set
   */
  keep?: boolean;
}

/** One chassis of the sandbox. */
export interface Chassis {
  /** `hv1`, `hv2`, ... (also its `system-id` and SB `Chassis.name`). */
  readonly name: string;
  /** 1-based index. */
  readonly index: number;
  /** The chassis' directory (its database, sockets, logs, pcaps). */
  readonly dir: string;
  /** Geneve encapsulation (underlay) IPv4 address, `127.1.0.N`. */
  readonly encapIp: string;
  /** Underlay MAC of its `br-phys`. */
  readonly underlayMac: string;
  /** Its `Open_vSwitch` database remote. */
  readonly db: string;
  /** OpenFlow management socket of its integration bridge, `unix:DIR/br-int.mgmt`. */
  readonly brInt: string;
  /** pcap of every frame this chassis sent into the underlay. */
  readonly underlayPcap: string;
  /** Its daemons. */
  readonly daemons: { readonly ovsdb: Daemon; readonly vswitchd: Daemon; readonly controller: Daemon };
  /** `ovs-vsctl` against its database. */
  vsctl(...args: string[]): Promise<string>;
  /** `ovs-appctl` to its `ovs-vswitchd`. */
  appctl(...args: string[]): Promise<string>;
  /** `ovs-ofctl` with its environment (e.g. `ofctl("dump-flows", chassis.brInt)`). */
  ofctl(...args: string[]): Promise<string>;
  /** `ovs-appctl` to its `ovn-controller` (its ctl socket is `ovn-controller.PID.ctl` in its directory). */
  controllerAppctl(...args: string[]): Promise<string>;
}

/** A pod: a dummy interface on a chassis' `br-int` bound to a logical switch port. */
export interface Pod {
  /** The logical switch port name (= `external_ids:iface-id`). */
  readonly port: string;
  /** The interface name on `br-int`. */
  readonly iface: string;
  /** The chassis it runs on. */
  readonly chassis: Chassis;
  /** pcap of every frame delivered to the pod (what the interface transmitted). */
  readonly txPcap: string;
}

/** A running multi-chassis sandbox. */
export interface ChassisSandbox {
  /** The sandbox directory. */
  readonly dir: string;
  /** The OVN central part: remotes, `nbctl`, `sbctl`, `sync`, `trace`. */
  readonly central: Omit<OvnSandbox, "stop" | typeof Symbol.asyncDispose | "logs" | "logFiles">;
  /** The chassis, `hv1` first. */
  readonly chassis: readonly Chassis[];
  /**
   * Plugs a pod into `chassis` (1-based index or name): a dummy interface with
   * `external_ids:iface-id=PORT` on its `br-int`. Create the logical switch port in NB yourself.
   */
  addPod(chassis: number | string, port: string, options?: { iface?: string }): Promise<Pod>;
  /**
   * Waits until every pod's Port_Binding is claimed by its chassis and `up`, every chassis has a
   * Geneve tunnel to every other, and the chassis have caught up with NB (`--wait=hv`).
   */
  waitForPods(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Injects a packet as if the pod sent it (`netdev-dummy/receive`): raw bytes / hex, or an OVS
   * flow description (see {@link udpFlow}).
   */
  inject(pod: Pod, packet: string | Uint8Array): Promise<void>;
  /** Frames delivered to the pod so far (records of its tx pcap). */
  delivered(pod: Pod): CaptureRecord[];
  /** Geneve frames the chassis has sent into the underlay so far, decoded (non-Geneve frames skipped). */
  underlayFrames(chassis: number | string): DecodedGeneveFrame[];
  /** Log files by daemon name (`nb`, `sb`, `northd`, `hv1/ovs-vswitchd`, `hv1/ovn-controller`, ...). */
  logFiles(): Record<string, string>;
  /** Log texts by daemon name. */
  logs(): Record<string, string>;
  /** Stops every daemon by PID and removes the directory (unless kept). Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What {@link udpFlow} builds a packet from. */
export interface UdpFlowSpec {
  srcMac: string;
  dstMac: string;
  srcIp: string;
  dstIp: string;
  /** @default 1234 */
  srcPort?: number;
  dstPort: number;
  /** @default 64 */
  ttl?: number;
}

/**
 * An OVS flow description of an Ethernet/IPv4/UDP packet, for `netdev-dummy/receive` (OVS composes
 * the bytes and checksums), e.g. `eth(src=...,dst=...),eth_type(0x0800),ipv4(...),udp(...)`.
 */
export function udpFlow(p: UdpFlowSpec): string {
  return (
    `eth(src=${p.srcMac},dst=${p.dstMac}),eth_type(0x0800),` +
    `ipv4(src=${p.srcIp},dst=${p.dstIp},proto=17,tos=0,ttl=${p.ttl ?? 64},frag=no),udp(src=${p.srcPort ?? 1234},dst=${p.dstPort})`
  );
}

/** The IPv4 and UDP fields of an Ethernet/IPv4/UDP frame, or undefined for anything else. */
export function parseUdpFrame(frame: Uint8Array): { srcMac: string; dstMac: string; srcIp: string; dstIp: string; srcPort: number; dstPort: number; ttl: number; payload: Uint8Array } | undefined {
  if (frame.length < 42 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  const ihl = (frame[14]! & 0x0f) * 4;
  if (frame[23] !== 17 || frame.length < 14 + ihl + 8) return undefined;
  const mac = (o: number) => Array.from(frame.subarray(o, o + 6), (b) => b.toString(16).padStart(2, "0")).join(":");
  const ip = (o: number) => Array.from(frame.subarray(o, o + 4)).join(".");
  const u = 14 + ihl;
  return {
    dstMac: mac(0),
    srcMac: mac(6),
    ttl: frame[22]!,
    srcIp: ip(26),
    dstIp: ip(30),
    srcPort: (frame[u]! << 8) | frame[u + 1]!,
    dstPort: (frame[u + 2]! << 8) | frame[u + 3]!,
    payload: frame.subarray(u + 8),
  };
}

function underlayMacOf(n: number): string {
  return `aa:55:aa:55:${((n >> 8) & 0xff).toString(16).padStart(2, "0")}:${(n & 0xff).toString(16).padStart(2, "0")}`;
}

function records(file: string): CaptureRecord[] {
  if (!existsSync(file)) return [];
  const bytes = new Uint8Array(readFileSync(file));
  // A pcap header alone (24 bytes) or a record being written: read what is complete.
  if (bytes.length < 24) return [];
  try {
    return [...readCapture(bytes).records];
  } catch {
    return [];
  }
}

/**
 * Starts a multi-chassis OVN sandbox (see the module doc). Chassis start in parallel; the call
 * resolves once every `ovn-controller` has registered its chassis in SB. On a startup failure
 * everything started is stopped, the directory is kept, and the {@link SandboxError} shows each
 * daemon's log tail.
 */
export async function startChassisSandbox(options: ChassisSandboxOptions = {}): Promise<ChassisSandbox> {
  const n = options.chassis ?? 2;
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new SandboxError(`startChassisSandbox: chassis must be 1..200, got ${n}`);
  const dir = options.dir ?? makeTempDir("ovn-ts-hv-");
  const group = new DaemonGroup(dir, options.dir !== undefined || defaultKeep(options.keep));
  try {
    const centralOptions: OvnSandboxOptions = options.tcp ? { tcp: true } : {};
    const central = await startCentral(group, join(dir, "central"), centralOptions);
    // The underlay hub: a standalone bridge (MAC learning) with one dummy port per chassis, each
    // listening on a unix socket that the chassis' br-phys port connects to.
    const hub = await startVswitchdNode(group, join(dir, "underlay"), "underlay/");
    const hubArgs = ["add-br", "n1", "--", "set", "bridge", "n1", "datapath_type=dummy", "fail-mode=standalone"];
    for (let i = 1; i <= n; i++) {
      hubArgs.push("--", "add-port", "n1", `n1-hv${i}`, "--", "set", "interface", `n1-hv${i}`, "type=dummy", `options:pstream=punix:${join(dir, "underlay", `n1-hv${i}.sock`)}`);
    }
    await hub.vsctl(...hubArgs);
    const chassis = await Promise.all(Array.from({ length: n }, (_, i) => startChassis(group, dir, central.sb, i + 1)));
    // Static tunnel-neighbour entries, as OVN's test macros do: no ARP on the underlay needed.
    for (const a of chassis) for (const b of chassis) if (a !== b) await a.appctl("tnl/arp/set", "br-phys", b.encapIp, b.underlayMac);
    await waitFor(`${n} chassis registered in SB`, async () => (await central.sbctl("--bare", "--columns=name", "list", "Chassis")).split(/\s+/).filter(Boolean).length === n, 30_000, 100);
    const pods: Pod[] = [];
    const find = (c: number | string): Chassis => {
      const ch = typeof c === "number" ? chassis[c - 1] : chassis.find((x) => x.name === c);
      if (!ch) throw new SandboxError(`no chassis ${c} (have ${chassis.map((x) => x.name).join(", ")})`);
      return ch;
    };
    const stop = (o?: StopOptions) => group.stop(o);
    return {
      dir,
      central,
      chassis,
      async addPod(c, port, o = {}) {
        const ch = find(c);
        const iface = o.iface ?? port;
        const txPcap = join(ch.dir, `${iface}-tx.pcap`);
        await ch.vsctl("add-port", "br-int", iface, "--", "set", "interface", iface, "type=dummy", `external-ids:iface-id=${port}`, `options:tx_pcap=${txPcap}`, `options:rxq_pcap=${join(ch.dir, `${iface}-rx.pcap`)}`);
        const pod: Pod = { port, iface, chassis: ch, txPcap };
        pods.push(pod);
        return pod;
      },
      async waitForPods(o = {}) {
        const timeoutMs = o.timeoutMs ?? 30_000;
        for (const p of pods) {
          await waitFor(`${p.port} bound to ${p.chassis.name} and up`, async () => {
            const out = await central.sbctl("--bare", "--columns=chassis,up", "find", "Port_Binding", `logical_port=${p.port}`);
            const [boundTo = "", up = ""] = out.split("\n").map((l) => l.trim());
            return boundTo !== "" && up === "true";
          }, timeoutMs, 100);
        }
        if (n > 1) {
          for (const ch of chassis) {
            await waitFor(`${ch.name}'s Geneve tunnels to ${n - 1} chassis`, async () => (await ch.vsctl("--bare", "--columns=name", "find", "interface", "type=geneve")).split(/\s+/).filter(Boolean).length >= n - 1, timeoutMs, 100);
          }
        }
        await central.sync({ wait: "hv", timeoutMs });
      },
      inject: async (pod, packet) => void (await pod.chassis.appctl("netdev-dummy/receive", pod.iface, packetArg(packet))),
      delivered: (pod) => records(pod.txPcap),
      underlayFrames(c) {
        const out: DecodedGeneveFrame[] = [];
        for (const r of records(find(c).underlayPcap)) {
          try {
            out.push(decodeGeneveFrame(r.data));
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        }
        return out;
      },
      logFiles: () => group.logFiles(),
      logs: () => group.logs(),
      stop,
      [Symbol.asyncDispose]: () => stop(),
    };
  } catch (e) {
    await group.stop({ keep: true });
    throw group.failure(e, "chassis sandbox failed to start");
  }
}

async function startChassis(group: DaemonGroup, dir: string, sb: string, i: number): Promise<Chassis> {
  const name = `hv${i}`;
  const home = join(dir, name);
  const node: VswitchdNode = await startVswitchdNode(group, home, `${name}/`);
  const encapIp = `127.1.${(i >> 8) & 0xff}.${i & 0xff}`;
  const mac = underlayMacOf(i);
  const underlayPcap = join(home, "br-phys_n1-tx.pcap");
  await node.vsctl(
    "add-br", "br-phys", "--", "set", "bridge", "br-phys", "datapath_type=dummy", `other-config:hwaddr=${mac}`,
    "--", "add-port", "br-phys", "br-phys_n1", "--", "set", "interface", "br-phys_n1", "type=dummy", "ofport_request=1",
    `options:stream=unix:${join(dir, "underlay", `n1-${name}.sock`)}`, `options:tx_pcap=${underlayPcap}`, `options:rxq_pcap=${join(home, "br-phys_n1-rx.pcap")}`,
  );
  await node.appctl("netdev-dummy/ip4addr", "br-phys", `${encapIp}/16`);
  await node.appctl("ovs/route/add", "127.1.0.0/16", "br-phys");
  await node.vsctl("add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=dummy", "fail-mode=secure", "other-config:disable-in-band=true");
  await node.vsctl(
    "set", "open", ".", `external-ids:system-id=${name}`, `external-ids:ovn-remote=${sb}`, "external-ids:ovn-encap-type=geneve",
    `external-ids:ovn-encap-ip=${encapIp}`, "external-ids:ovn-bridge=br-int", "external-ids:ovn-bridge-datapath-type=dummy",
  );
  // ovn-controller 23.03 has no --unixctl: its control socket is OVN_RUNDIR/ovn-controller.PID.ctl.
  const controller = await group.start(`${name}/ovn-controller`, "ovn-controller", [node.db], home, "ovn-controller");
  return {
    name,
    index: i,
    dir: home,
    encapIp,
    underlayMac: mac,
    db: node.db,
    brInt: `unix:${join(home, "br-int.mgmt")}`,
    underlayPcap,
    daemons: { ovsdb: node.ovsdb, vswitchd: node.vswitchd, controller },
    vsctl: node.vsctl,
    appctl: node.appctl,
    ofctl: node.ofctl,
    controllerAppctl: (...args: string[]) => group.tool(home, "ovs-appctl", ["-t", join(home, `ovn-controller.${controller.pid}.ctl`), ...args]),
  };
}
