/** Test helpers for the geneve tests: hand-written bytes, a seeded PRNG, and the scapy helpers' spec format. */
import type { GeneveFrameSpec, GeneveOption } from "../../src/geneve/index.js";

/** Bytes from hex text; whitespace, `|` and `_` are ignored so fixtures can show field boundaries. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[\s|_]/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex fixture: ${text}`);
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

export { prng } from "../support/prng.js";

/** Random integer in [0, n). */
export function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

/** Random bytes. */
export function randBytes(rnd: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randInt(rnd, 256);
  return out;
}

/** Deep-compares shapes in tests where Uint8Array views must be compared by content. */
export function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? toHex(x) : x)));
}

/**
 * A hand-built inner Ethernet frame: 50:54:00:00:00:02 <- 50:54:00:00:00:01, IPv4 10.0.0.1 -> 10.0.0.2,
 * UDP 1234 -> 5001 with 4 payload bytes (checksums zero; the inner frame is opaque to the codec).
 */
export const INNER_FRAME = hex(
  "505400000002 505400000001 0800" +
    "4500 0020 0000 0000 4011 0000 0a000001 0a000002" +
    "04d2 1389 000c 0000 deadbeef",
);

/** Our frame spec → the scapy helpers' JSON spec (same values, scapy's vocabulary; see scapy_geneve.py). */
export function toScapySpec(s: GeneveFrameSpec): unknown {
  const opts = (s.geneve.options ?? []).map((o: GeneveOption) =>
    o.type === "ovn"
      ? { cls: 0x0102, type: 0x80, data: ((o.ingressPort << 16) | o.egressPort).toString(16).padStart(8, "0") }
      : { cls: o.optionClass, type: o.optionType, flags: o.flags ?? 0, data: toHex(o.data) },
  );
  return {
    eth: { src: s.ethernet?.src, dst: s.ethernet?.dst, vlans: s.ethernet?.vlans ?? [] },
    ip: s.ip,
    udp: s.udp,
    geneve: { vni: s.geneve.vni, oam: s.geneve.oam ?? false, proto: s.geneve.protocolType ?? 0x6558, options: opts },
    inner: toHex(s.inner),
  };
}
