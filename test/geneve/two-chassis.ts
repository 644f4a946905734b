/**
 * Test harness: a two-chassis OVN sandbox in userspace (dummy datapaths, unix sockets, loopback addresses),
 * following the steps of /work/shared/recipes/two-chassis.sh. Every daemon runs with
 * `--pidfile --detach --no-chdir --log-file` inside a private temporary directory and is stopped by the PID
 * in its pidfile only (after checking that its command line names that directory).
 *
 * Layout: DIR/central (NB + SB ovsdb-server, ovn-northd); DIR/hv1, DIR/hv2 (Open_vSwitch ovsdb-server,
 * ovs-vswitchd --enable-dummy, ovn-controller). The underlay bridge br-phys of each chassis has IP
 * 127.1.0.N/16 (or fd01::N/64 for an IPv6 underlay) and a dummy port br-phys_n1; the two ports are joined by a unix socket (a point-to-point wire)
 * and record what they send in DIR/hvN/br-phys_n1-tx.pcap. Logical switch ls0 has lp1 on hv1 (vif1) and
 * lp2 on hv2 (vif2).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NB_SCHEMA = "/usr/share/ovn/ovn-nb.ovsschema";
const SB_SCHEMA = "/usr/share/ovn/ovn-sb.ovsschema";
const VS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";

/** Programs the sandbox needs (for `peers(...)`). */
export const SANDBOX_PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovn-northd", "ovn-controller", "ovn-nbctl", "ovn-sbctl"];

/** The underlay MAC of chassis `n` (fixed so static tunnel-neighbour entries can be set). */
export function underlayMac(n: number): string {
  return `aa:55:aa:55:00:${n.toString(16).padStart(2, "0")}`;
}

/** The underlay address of chassis `n`: 127.1.0.N, or fd01::N for an IPv6 underlay. */
export function underlayIp(n: number, family: 4 | 6 = 4): string {
  return family === 4 ? `127.1.0.${n}` : `fd01::${n}`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A running sandbox. */
export class TwoChassis {
  /** The private directory everything lives in. */
  readonly dir: string;
  /** IP version of the underlay (tunnel endpoints). */
  readonly family: 4 | 6;
  private readonly central: string;

  private constructor(dir: string, family: 4 | 6) {
    this.dir = dir;
    this.family = family;
    this.central = join(dir, "central");
  }

  /** Runs a program with the per-daemon directories of `home` in its environment; returns stdout. */
  run(home: string, program: string, args: string[]): string {
    const env = { ...process.env, OVS_RUNDIR: home, OVS_LOGDIR: home, OVS_DBDIR: home, OVN_RUNDIR: home, OVN_LOGDIR: home, OVN_DBDIR: home };
    return execFileSync(program, args, { env, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
  }

  /** `ovn-nbctl` against the sandbox's NB database. */
  nbctl(...args: string[]): string {
    return this.run(this.central, "ovn-nbctl", [`--db=unix:${this.central}/nb.sock`, "--timeout=30", ...args]);
  }

  /** `ovn-sbctl` against the sandbox's SB database. */
  sbctl(...args: string[]): string {
    return this.run(this.central, "ovn-sbctl", [`--db=unix:${this.central}/sb.sock`, "--timeout=30", ...args]);
  }

  /** `ovs-vsctl` on chassis `n`. */
  vsctl(n: number, ...args: string[]): string {
    const h = this.hv(n);
    return this.run(h, "ovs-vsctl", [`--db=unix:${h}/vs.sock`, "--timeout=30", ...args]);
  }

  /** `ovs-appctl` to chassis `n`'s ovs-vswitchd. */
  appctl(n: number, ...args: string[]): string {
    const h = this.hv(n);
    return this.run(h, "ovs-appctl", ["-t", `${h}/vswitchd.ctl`, ...args]);
  }

  /** Directory of chassis `n`. */
  hv(n: number): string {
    return join(this.dir, `hv${n}`);
  }

  /**
   * Starts central + two chassis and the logical switch. `keys` requests tunnel keys for the datapath and
   * ports (NB `requested-tnl-key`), so the test does not depend on northd's defaults; what SB actually
   * assigned is read back with {@link TwoChassis.sbKeys}.
   */
  static up(keys: { datapath: number; lp1: number; lp2: number }, family: 4 | 6 = 4): TwoChassis {
    const s = new TwoChassis(mkdtempSync(join(tmpdir(), "ovn-ts-2hv-")), family);
    try {
      s.startCentral();
      s.startChassis(1);
      s.startChassis(2);
      // static tunnel-neighbour entries (tnl/neigh/set BRIDGE IP MAC), as OVN's test macros do
      s.appctl(1, "tnl/neigh/set", "br-phys", underlayIp(2, family), underlayMac(2));
      s.appctl(2, "tnl/neigh/set", "br-phys", underlayIp(1, family), underlayMac(1));
      s.nbctl(
        "ls-add", "ls0", "--", "set", "logical_switch", "ls0", `other_config:requested-tnl-key=${keys.datapath}`,
        "--", "lsp-add", "ls0", "lp1", "--", "lsp-set-addresses", "lp1", "50:54:00:00:00:01 10.0.0.1",
        "--", "set", "logical_switch_port", "lp1", `options:requested-tnl-key=${keys.lp1}`,
        "--", "lsp-add", "ls0", "lp2", "--", "lsp-set-addresses", "lp2", "50:54:00:00:00:02 10.0.0.2",
        "--", "set", "logical_switch_port", "lp2", `options:requested-tnl-key=${keys.lp2}`,
      );
      s.nbctl("--wait=hv", "sync");
      for (const n of [1, 2]) {
        let ok = false;
        for (let i = 0; i < 150 && !ok; i++) {
          const bound = s.sbctl("--bare", "--columns=chassis", "find", "port_binding", `logical_port=lp${n}`).trim() !== "";
          const tunnel = s.vsctl(n, "--bare", "--columns=name", "find", "interface", "type=geneve").trim() !== "";
          ok = bound && tunnel;
          if (!ok) sleep(100);
        }
        if (!ok) throw new Error(`chassis hv${n}: port not bound or no tunnel after 15 s`);
      }
      s.nbctl("--wait=hv", "sync");
      return s;
    } catch (e) {
      s.down();
      throw e;
    }
  }

  private startCentral(): void {
    const c = this.central;
    mkdirSync(c, { recursive: true });
    for (const [name, schema] of [["nb", NB_SCHEMA], ["sb", SB_SCHEMA]] as const) {
      this.run(c, "ovsdb-tool", ["create", `${c}/${name}.db`, schema]);
      this.run(c, "ovsdb-server", [
        `${c}/${name}.db`, `--remote=punix:${c}/${name}.sock`, `--pidfile=${c}/${name}.pid`, `--unixctl=${c}/${name}.ctl`,
        `--log-file=${c}/${name}.log`, "--detach", "--no-chdir",
      ]);
    }
    this.nbctl("init");
    this.sbctl("init");
    this.run(c, "ovn-northd", [
      `--ovnnb-db=unix:${c}/nb.sock`, `--ovnsb-db=unix:${c}/sb.sock`, `--pidfile=${c}/northd.pid`, `--unixctl=${c}/northd.ctl`,
      `--log-file=${c}/northd.log`, "--detach", "--no-chdir",
    ]);
  }

  private startChassis(n: number): void {
    const h = this.hv(n);
    mkdirSync(h, { recursive: true });
    this.run(h, "ovsdb-tool", ["create", `${h}/vs.db`, VS_SCHEMA]);
    this.run(h, "ovsdb-server", [
      `${h}/vs.db`, `--remote=punix:${h}/vs.sock`, `--pidfile=${h}/vs.pid`, `--unixctl=${h}/vs.ctl`, `--log-file=${h}/vs.log`, "--detach", "--no-chdir",
    ]);
    this.vsctl(n, "--no-wait", "init");
    this.run(h, "ovs-vswitchd", [
      `unix:${h}/vs.sock`, "--enable-dummy", "--disable-system", "--disable-system-route", `--pidfile=${h}/vswitchd.pid`,
      `--unixctl=${h}/vswitchd.ctl`, `--log-file=${h}/vswitchd.log`, "--detach", "--no-chdir",
    ]);
    const link = n === 1 ? `options:pstream=punix:${this.dir}/n1.sock` : `options:stream=unix:${this.dir}/n1.sock`;
    this.vsctl(
      n, "add-br", "br-phys", "--", "set", "bridge", "br-phys", "datapath_type=dummy", `other-config:hwaddr=${underlayMac(n)}`,
      "--", "add-port", "br-phys", "br-phys_n1", "--", "set", "interface", "br-phys_n1", "type=dummy", "ofport_request=1", link,
      `options:tx_pcap=${h}/br-phys_n1-tx.pcap`, `options:rxq_pcap=${h}/br-phys_n1-rx.pcap`,
    );
    if (this.family === 4) {
      this.appctl(n, "netdev-dummy/ip4addr", "br-phys", `${underlayIp(n, 4)}/16`);
      this.appctl(n, "ovs/route/add", "127.1.0.0/16", "br-phys");
    } else {
      this.appctl(n, "netdev-dummy/ip6addr", "br-phys", `${underlayIp(n, 6)}/64`);
      this.appctl(n, "ovs/route/add", "fd01::/64", "br-phys");
    }
    this.vsctl(n, "add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=dummy", "fail-mode=secure", "other-config:disable-in-band=true");
    this.vsctl(
      n, "set", "open", ".", `external-ids:system-id=hv${n}`, `external-ids:ovn-remote=unix:${this.central}/sb.sock`,
      "external-ids:ovn-encap-type=geneve", `external-ids:ovn-encap-ip=${underlayIp(n, this.family)}`, "external-ids:ovn-bridge=br-int",
      "external-ids:ovn-bridge-datapath-type=dummy",
    );
    this.run(h, "ovn-controller", [`unix:${h}/vs.sock`, `--pidfile=${h}/ovn-controller.pid`, `--log-file=${h}/ovn-controller.log`, "--detach", "--no-chdir"]);
    this.vsctl(
      n, "add-port", "br-int", `vif${n}`, "--", "set", "interface", `vif${n}`, "type=dummy", "ofport_request=1", `external-ids:iface-id=lp${n}`,
      `options:tx_pcap=${h}/vif${n}-tx.pcap`, `options:rxq_pcap=${h}/vif${n}-rx.pcap`,
    );
  }

  /** The tunnel keys SB assigned: datapath of ls0, and lp1/lp2 port keys. */
  sbKeys(): { datapath: number; lp1: number; lp2: number } {
    const port = (p: string) => Number(this.sbctl("--bare", "--columns=tunnel_key", "find", "port_binding", `logical_port=${p}`).trim());
    const dpUuid = this.sbctl("--bare", "--columns=datapath", "find", "port_binding", "logical_port=lp1").trim();
    const datapath = Number(this.sbctl("--bare", "--columns=tunnel_key", "list", "datapath_binding", dpUuid).trim());
    return { datapath, lp1: port("lp1"), lp2: port("lp2") };
  }

  /** Injects `count` UDP packets lp1 → lp2 on hv1's vif1 (netdev-dummy/receive with a flow description). */
  sendFromLp1(count: number): void {
    for (let i = 1; i <= Math.min(count, 100); i++) {
      this.appctl(
        1, "netdev-dummy/receive", "vif1",
        `in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1234,dst=${5000 + i})`,
      );
    }
  }

  /** Injects raw frame bytes as if received on chassis `n`'s port `port`. */
  receive(n: number, port: string, frame: Uint8Array): void {
    this.appctl(n, "netdev-dummy/receive", port, Buffer.from(frame).toString("hex"));
  }

  /** Reads a pcap file of chassis `n` (empty array when it does not exist yet). */
  readPcapFile(n: number, name: string): Uint8Array {
    const f = join(this.hv(n), name);
    return existsSync(f) ? new Uint8Array(readFileSync(f)) : new Uint8Array(0);
  }

  /** Polls `check` every 100 ms up to `ms`; returns whether it became true. */
  static waitFor(check: () => boolean, ms = 10_000): boolean {
    for (let t = 0; t < ms; t += 100) {
      if (check()) return true;
      sleep(100);
    }
    return check();
  }

  /** Stops every daemon by the PID in its pidfile (only if its command line names this sandbox), then removes the directory. */
  down(): void {
    const pids: number[] = [];
    for (const sub of existsSync(this.dir) ? readdirSync(this.dir) : []) {
      const d = join(this.dir, sub);
      let files: string[] = [];
      try {
        files = readdirSync(d).filter((f) => f.endsWith(".pid"));
      } catch {
        continue;
      }
      for (const f of files) {
        const pid = Number(readFileSync(join(d, f), "utf8").trim());
        if (!Number.isInteger(pid) || pid <= 1) continue;
        let cmdline = "";
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        } catch {
          continue;
        }
        if (!cmdline.includes(this.dir)) continue;
        try {
          process.kill(pid, "SIGTERM");
          pids.push(pid);
        } catch {
          /* already gone */
        }
      }
    }
    for (const pid of pids) {
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        sleep(100);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
