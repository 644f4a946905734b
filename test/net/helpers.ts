/** Test helpers for test/net: the scapy side (scapy_net.py run by the Debian python) and random specs. */
import { execFileSync } from "node:child_process";
import type { PacketSpec } from "../../src/net/index.js";
import { DEBIAN_PYTHON } from "../support/peers.js";
import { prng } from "../support/prng.js";

const HELPER = new URL("./scapy_net.py", import.meta.url).pathname;

/** Runs one command of scapy_net.py on a JSON input. */
export function scapy<T>(cmd: "build" | "ntop", input: unknown): T {
  return JSON.parse(execFileSync(DEBIAN_PYTHON, [HELPER, cmd], { input: JSON.stringify(input), encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 })) as T;
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Bytes from hex. */
export function fromHex(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, "hex"));
}

/** A packet spec in our vocabulary and, as JSON, scapy_net.py's (the same field names; byte fields as hex). */
export function toScapy(s: PacketSpec & { ext?: string[] }): unknown {
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)));
}

/** Seeded random packet specs covering VLANs, ARP, IPv4/IPv6 and UDP/TCP/ICMP/ICMPv6 or no transport. */
export function randomSpecs(seed: number, n: number): PacketSpec[] {
  const rnd = prng(seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const bytes = (k: number) => Uint8Array.from({ length: k }, () => int(256));
  const mac = () => Array.from(bytes(6), (b, j) => (j === 0 ? b & 0xfe : b).toString(16).padStart(2, "0")).join(":");
  const v4 = () => `${1 + int(223)}.${int(256)}.${int(256)}.${int(256)}`;
  const v6 = () => `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`;
  const out: PacketSpec[] = [];
  for (let i = 0; i < n; i++) {
    const ethernet = { src: mac(), dst: mac(), vlans: Array.from({ length: int(3) }, () => ({ vid: int(4096), pcp: int(8), dei: rnd() < 0.5, ...(rnd() < 0.3 ? { tpid: 0x88a8 } : {}) })) };
    const payload = bytes(int(40));
    if (rnd() < 0.15) {
      out.push({ ethernet, arp: { type: "arp", op: 1 + int(2), sha: mac(), spa: v4(), tha: mac(), tpa: v4() }, payload });
      continue;
    }
    const six = rnd() < 0.5;
    const ip = six
      ? ({ version: 6, src: v6(), dst: v6(), hopLimit: int(256), trafficClass: int(256), flowLabel: int(1 << 20) } as const)
      : ({ version: 4, src: v4(), dst: v4(), ttl: int(256), tos: int(256), identification: int(65536), dontFragment: rnd() < 0.5 } as const);
    const k = int(5);
    const transport =
      k === 0
        ? ({ type: "udp", srcPort: int(65536), dstPort: int(65536), ...(six || rnd() < 0.7 ? {} : { checksum: "zero" as const }) } as const)
        : k === 1
          ? ({ type: "tcp", srcPort: int(65536), dstPort: int(65536), seq: int(2 ** 32), ack: int(2 ** 32), flags: int(0x200), window: int(65536), urgent: int(65536) } as const)
          : k === 2
            ? ({ type: six ? "icmpv6" : "icmp", icmpType: six ? 128 : 8, code: 0, rest: bytes(4) } as const)
            : undefined;
    out.push(transport ? { ethernet, ip, transport, payload } : { ethernet, ip, ipProtocol: six ? 59 : 253, payload: six ? new Uint8Array(0) : payload });
  }
  return out;
}
