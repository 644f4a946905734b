/**
 * IP fragmentation of Geneve tunnel traffic: {@link fragmentFrame} splits an encoded frame at an MTU (IPv4,
 * RFC 791 §3.2 with option copying; IPv6, RFC 8200 §4.5 with a Fragment header after the unfragmentable
 * part), and {@link encodeGeneveFragments} encodes and splits in one call. Reassembly is in `reassembly.ts`.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import { type DecodeFrameOptions, type GeneveFrameSpec, decodeIp, encodeGeneveFrame, fnv1a } from "./frame.js";
import { finishChecksum, onesComplementSum } from "../net/checksum.js";
import { IP_PROTOCOL } from "../net/ip.js";

/** Recomputes the IPv4 header checksum (RFC 791 §3.1) of the header at `buf[ip..end)` in place. */
export function setIpv4Checksum(buf: Uint8Array, ip: number, end: number): void {
  buf[ip + 10] = 0;
  buf[ip + 11] = 0;
  const c = finishChecksum(onesComplementSum(buf, 0, ip, end));
  buf[ip + 10] = c >>> 8;
  buf[ip + 11] = c;
}
/** Options of {@link fragmentFrame}. */
export interface FragmentOptions {
  /** Largest IP packet per fragment (IPv4 at least 68, RFC 791; IPv6 at least 1280, RFC 8200 §5). */
  readonly mtu: number;
  /** Identification: IPv4 keeps the header's unless set; IPv6 defaults to a hash of the packet. */
  readonly identification?: number;
  /** Link type of the frame. @defaultValue "ethernet" */
  readonly link?: DecodeFrameOptions["link"];
}

/**
 * Splits an encoded frame (Ethernet or raw IP) into IP fragments of at most `mtu` bytes of IP packet each,
 * every fragment with the frame's link header; a packet that fits is returned as the only element. IPv4
 * (RFC 791 §3.2): the first fragment keeps every option, the others the options with the copy bit; the
 * header checksum is recomputed; DF set is an {@link EncodeError}. IPv6 (RFC 8200 §4.5): a Fragment header
 * goes after the unfragmentable part (Hop-by-Hop, and everything up to the last Routing header).
 */
export function fragmentFrame(frame: Uint8Array, options: FragmentOptions): Uint8Array[] {
  const d = decodeIp(frame, options.link ? { link: options.link } : {});
  const mtu = options.mtu;
  if (d.fragment) throw new EncodeError(d.ip.type, "fragment", "the packet is already a fragment");
  const ip = d.ipOffset;
  const link = frame.subarray(0, ip);
  const end = d.payload.byteOffset - frame.byteOffset + d.payload.length;
  if (end - ip <= mtu) return [frame];
  if (d.ip.type === "ipv4") {
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 0xffff) throw new EncodeError("ipv4", "mtu", `must be an integer 68..65535, got ${mtu}`);
    if (d.ip.dontFragment) throw new EncodeError("ipv4", "dontFragment", `DF is set: a packet of ${end - ip} bytes cannot be fragmented to MTU ${mtu}`);
    const id = options.identification ?? d.ip.identification;
    if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new EncodeError("ipv4", "identification", `must be an integer 0..65535, got ${id}`);
    const hl = d.ip.headerLength;
    const data = frame.subarray(ip + hl, end);
    const copied = copiedOptions(d.ip.options);
    const out: Uint8Array[] = [];
    for (let off = 0; off < data.length; ) {
      const opts = off === 0 ? d.ip.options : copied;
      const h = 20 + opts.length;
      const room = Math.floor((mtu - h) / 8) * 8;
      if (room <= 0) throw new EncodeError("ipv4", "mtu", `MTU ${mtu} leaves no room for data after a ${h}-byte header`);
      const n = Math.min(room, data.length - off);
      const more = off + n < data.length;
      const f = new Uint8Array(ip + h + n);
      f.set(link);
      f.set(frame.subarray(ip, ip + 20), ip);
      f.set(opts, ip + 20);
      f.set(data.subarray(off, off + n), ip + h);
      f[ip] = 0x40 | (h / 4);
      f[ip + 2] = (h + n) >>> 8;
      f[ip + 3] = h + n;
      f[ip + 4] = id >>> 8;
      f[ip + 5] = id;
      const ff = (more ? 0x2000 : 0) | (off / 8);
      f[ip + 6] = ff >>> 8;
      f[ip + 7] = ff;
      setIpv4Checksum(f, ip, ip + h);
      out.push(f);
      off += n;
    }
    return out;
  }
  if (!Number.isInteger(mtu) || mtu < 1280 || mtu > 0xffff) throw new EncodeError("ipv6", "mtu", `must be an integer 1280..65535 (RFC 8200 §5), got ${mtu}`);
  const id = options.identification ?? fnv1a(frame, frame.length);
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new EncodeError("ipv6", "identification", `must be an integer 0..4294967295, got ${id}`);
  // the unfragmentable part ends after the last Routing header, or after Hop-by-Hop (RFC 8200 §4.5)
  const ext = d.ip.extensionHeaders;
  let last = -1;
  ext.forEach((h, i) => {
    if (h.type === "routing" || (h.type === "hop-by-hop" && i === 0)) last = i;
  });
  const unfragEnd = last >= 0 ? ext[last]!.offset + ext[last]!.length : ip + 40;
  const nextAt = last >= 0 ? ext[last]!.offset : ip + 6;
  const upper = frame[nextAt]!;
  const data = frame.subarray(unfragEnd, end);
  const room = Math.floor((mtu - (unfragEnd - ip) - 8) / 8) * 8;
  if (room <= 0) throw new EncodeError("ipv6", "mtu", `MTU ${mtu} leaves no room after ${unfragEnd - ip} bytes of unfragmentable headers`);
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; ) {
    const n = Math.min(room, data.length - off);
    const more = off + n < data.length;
    const f = new Uint8Array(unfragEnd + 8 + n);
    f.set(frame.subarray(0, unfragEnd));
    f[nextAt] = IP_PROTOCOL.ipv6Fragment;
    const payload = unfragEnd - ip - 40 + 8 + n;
    f[ip + 4] = payload >>> 8;
    f[ip + 5] = payload;
    const fh = unfragEnd;
    f[fh] = upper;
    f[fh + 1] = 0;
    const fo = off | (more ? 1 : 0);
    f[fh + 2] = fo >>> 8;
    f[fh + 3] = fo;
    f[fh + 4] = id >>> 24;
    f[fh + 5] = id >>> 16;
    f[fh + 6] = id >>> 8;
    f[fh + 7] = id;
    f.set(data.subarray(off, off + n), fh + 8);
    out.push(f);
    off += n;
  }
  return out;
}

/** The IPv4 options with the copy bit (RFC 791 §3.1), padded with End of Option List to 4 bytes. */
function copiedOptions(opts: Uint8Array): Uint8Array {
  const kept: number[] = [];
  for (let i = 0; i < opts.length; ) {
    const t = opts[i]!;
    if (t === 0) break; // end of option list
    if (t === 1) {
      i++;
      continue;
    }
    const len = opts[i + 1] ?? 0;
    if (len < 2 || i + len > opts.length) break; // malformed: copy nothing more
    if (t & 0x80) kept.push(...opts.subarray(i, i + len));
    i += len;
  }
  while (kept.length % 4 !== 0) kept.push(0);
  return Uint8Array.from(kept);
}

/** Options of {@link encodeGeneveFragments}. */
export interface EncodeFragmentsOptions {
  /** Largest IP packet per fragment. */
  readonly mtu: number;
  /** Identification (IPv4: else the spec's; IPv6: else a hash of the packet). */
  readonly identification?: number;
}

/**
 * Encodes a Geneve frame like `encodeGeneveFrame` and fragments it at `options.mtu` with
 * {@link fragmentFrame}. Over IPv4, DF defaults to clear here (set it explicitly and a packet larger than
 * the MTU is an {@link EncodeError}).
 */
export function encodeGeneveFragments(spec: GeneveFrameSpec, options: EncodeFragmentsOptions): Uint8Array[] {
  const ip = spec.ip.version === 4 && spec.ip.dontFragment === undefined ? { ...spec.ip, dontFragment: false } : spec.ip;
  const frame = encodeGeneveFrame({ ...spec, ip });
  return fragmentFrame(frame, { mtu: options.mtu, ...(options.identification !== undefined ? { identification: options.identification } : {}) });
}
