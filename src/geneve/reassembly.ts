/**
 * Reassembly of IP fragments of Geneve tunnel traffic: {@link Reassembler} turns a stream of captured frames
 * back into whole packets (RFC 791 §3.2 / RFC 815 hole filling, RFC 8200 §4.5, RFC 5722 overlap handling)
 * that decode as Geneve. Fragmenting is in `fragment.ts`.
 *
 * The Reassembler is bounded in memory (bytes held, datagrams in progress, fragments per datagram) and in
 * time, but keeps no timers: the caller passes each frame's time (e.g. its capture timestamp) and expired
 * datagrams are reported as events on the next {@link Reassembler.push} or {@link Reassembler.expire}.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { type DecodedIp, type DecodeFrameOptions, type FragmentInfo, decodeIp } from "./frame.js";
import { setIpv4Checksum } from "./fragment.js";

/** Defaults of {@link ReassemblerOptions}. */
export const REASSEMBLY_DEFAULTS = {
  /** 30 s, Linux's `net.ipv4.ipfrag_time` (RFC 791 suggests 15 s, RFC 8200 §4.5 60 s). */
  timeoutMs: 30_000,
  /** 4 MiB, Linux's `ipfrag_high_thresh`. */
  maxBytes: 4 << 20,
  /** Datagrams in progress at once. */
  maxDatagrams: 1024,
  /** Fragments per datagram (a 65535-byte datagram in 1280-byte IPv6 fragments needs 52). */
  maxFragments: 256,
} as const;

/**
 * What to do with IPv4 fragments that overlap without being exact duplicates: `"discard"` the whole
 * datagram (what Linux does since 2018, and what RFC 5722 requires for IPv6), keep the `"first"` data
 * received, or let the `"last"` data win (RFC 791's reassembly procedure copies each fragment in turn).
 */
export type OverlapPolicy = "discard" | "first" | "last";

/** Settings of a {@link Reassembler}. */
export interface ReassemblerOptions {
  /** A datagram still incomplete this long after its first fragment is dropped. @defaultValue 30000 */
  readonly timeoutMs?: number;
  /** Most bytes of fragment data and headers held; the oldest datagrams are dropped to stay under it. @defaultValue 4194304 */
  readonly maxBytes?: number;
  /** Most datagrams in progress; the oldest is dropped to make room. @defaultValue 1024 */
  readonly maxDatagrams?: number;
  /** Most fragments in one datagram; one more drops it. @defaultValue 256 */
  readonly maxFragments?: number;
  /** Overlapping IPv4 fragments (IPv6 always discards, RFC 5722). @defaultValue "discard" */
  readonly ipv4Overlap?: OverlapPolicy;
}

/** Why a datagram (or one fragment) was dropped. */
export type DropReason =
  | "overlap"
  | "timeout"
  | "memory"
  | "datagram-limit"
  | "fragment-limit"
  | "too-large"
  | "bad-length"
  | "inconsistent"
  | "discarded"
  | "incomplete";

/** Something that happened to the frames pushed into a {@link Reassembler}; `T` is the caller's tag type. */
export type ReassemblyEvent<T> =
  | {
      /** Not a fragment (or not IP at all): decode it as it is. */
      readonly type: "packet";
      /** The frame as pushed. */
      readonly data: Uint8Array;
      /** Its tag. */
      readonly tag: T;
    }
  | {
      /** A fragment, kept until its datagram is complete. */
      readonly type: "held";
      /** Datagram key: IP version, source, destination, protocol, identification. */
      readonly key: string;
      /** The fragment as decoded. */
      readonly decoded: DecodedIp & { readonly fragment: FragmentInfo };
      /** Its tag. */
      readonly tag: T;
    }
  | {
      /** An exact duplicate of a fragment already held, ignored (RFC 8200 §4.5). */
      readonly type: "duplicate";
      /** Datagram key. */
      readonly key: string;
      /** The fragment as decoded. */
      readonly decoded: DecodedIp & { readonly fragment: FragmentInfo };
      /** Its tag. */
      readonly tag: T;
    }
  | {
      /** The pushed fragment completed a datagram: `data` is the whole packet with the first fragment's link header. */
      readonly type: "datagram";
      /** Datagram key. */
      readonly key: string;
      /** The reassembled frame (link header, IP header without fragmentation, whole payload): decode it as a Geneve frame. */
      readonly data: Uint8Array;
      /** The completing fragment as decoded. */
      readonly decoded: DecodedIp & { readonly fragment: FragmentInfo };
      /** Tags of the fragments used, in arrival order (duplicates excluded). */
      readonly tags: readonly T[];
    }
  | {
      /** A datagram (or, with `scope: "fragment"`, one fragment) was dropped. */
      readonly type: "dropped";
      /** Datagram key. */
      readonly key: string;
      /** Whether the whole datagram or only the pushed fragment went. */
      readonly scope: "datagram" | "fragment";
      /** Why. */
      readonly reason: DropReason;
      /** Details in words. */
      readonly detail: string;
      /** Tags of the fragments dropped, in arrival order. */
      readonly tags: readonly T[];
    };

/** Per-frame input of {@link Reassembler.push}. */
export interface PushOptions {
  /** When the frame was seen, in milliseconds on any clock that does not go backwards (capture time). */
  readonly time: number;
  /** Link type of the frame. @defaultValue "ethernet" */
  readonly link?: DecodeFrameOptions["link"];
}

interface Piece {
  readonly offset: number;
  readonly end: number;
  readonly data: Uint8Array;
}

interface Pending<T> {
  readonly key: string;
  readonly v6: boolean;
  readonly deadline: number;
  pieces: Piece[];
  tags: T[];
  bytes: number;
  /** Payload length once the last fragment came, else -1. */
  total: number;
  /** Link header + IP header (+ IPv6 unfragmentable part) of the offset-0 fragment. */
  header: Uint8Array | undefined;
  ipOffset: number;
  /** IPv6: offset in `header` of the Next Header byte that named the Fragment header. */
  nextHeaderAt: number;
  /** The Fragment header's Next Header (IPv6). */
  upper: number;
  /** Set once the datagram was dropped: later fragments are dropped too, until the deadline. */
  discarded: DropReason | undefined;
}

type Fragmented = DecodedIp & { readonly fragment: FragmentInfo };

function positive(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x <= 0) throw new RangeError(`Reassembler: ${name} must be a positive number, got ${String(v)}`);
  return x;
}

/** The reassembly key of a fragment: IP version, source, destination, protocol, identification (RFC 791 §3.2, RFC 8200 §4.5). */
export function fragmentKey(d: DecodedIp & { readonly fragment: FragmentInfo }): string {
  return `${d.ip.type}|${d.ip.src}|${d.ip.dst}|${d.fragment.protocol}|${d.fragment.identification}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reassembles fragmented IPv4 and IPv6 packets from a stream of frames, keyed by (version, source,
 * destination, protocol, identification). Exact duplicates are ignored; other overlaps drop the datagram
 * (IPv6, RFC 5722; IPv4 by default, see {@link OverlapPolicy}) and every later fragment of it until its
 * timeout. Non-final fragments must carry a multiple of 8 bytes; a reassembled packet may not exceed 65535
 * bytes; the last fragment fixes the length and fragments past it drop the datagram.
 *
 * ```ts
 * const r = new Reassembler<number>();
 * for (const [i, rec] of records.entries())
 *   for (const e of r.push(rec.data, { time: rec.timestamp.seconds * 1000 }, i))
 *     if (e.type === "packet" || e.type === "datagram") decodeGeneveFrame(e.data);
 * r.flush(); // incomplete datagrams, as "dropped" events
 * ```
 */
export class Reassembler<T = number> {
  private readonly pending = new Map<string, Pending<T>>();
  private held = 0;
  private nextDeadline = Infinity;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxDatagrams: number;
  private readonly maxFragments: number;
  private readonly ipv4Overlap: OverlapPolicy;

  /** @param options - limits and the IPv4 overlap policy */
  constructor(options: ReassemblerOptions = {}) {
    this.timeoutMs = positive("timeoutMs", options.timeoutMs, REASSEMBLY_DEFAULTS.timeoutMs);
    this.maxBytes = positive("maxBytes", options.maxBytes, REASSEMBLY_DEFAULTS.maxBytes);
    this.maxDatagrams = positive("maxDatagrams", options.maxDatagrams, REASSEMBLY_DEFAULTS.maxDatagrams);
    this.maxFragments = positive("maxFragments", options.maxFragments, REASSEMBLY_DEFAULTS.maxFragments);
    const policy = options.ipv4Overlap ?? "discard";
    if (policy !== "discard" && policy !== "first" && policy !== "last") throw new RangeError(`Reassembler: ipv4Overlap must be "discard", "first" or "last"`);
    this.ipv4Overlap = policy;
  }

  /** Datagrams in progress (including dropped ones remembered until their timeout). */
  get datagrams(): number {
    return this.pending.size;
  }

  /** Bytes of fragment data and headers held. */
  get bytesHeld(): number {
    return this.held;
  }

  /**
   * Takes one frame seen at `options.time` and returns what happened, in order: datagrams that timed out
   * before it, then one event for the frame itself (plus any datagram dropped to make room for it).
   * `tag` (e.g. the frame's index in a capture) comes back in the events.
   */
  push(frame: Uint8Array, options: PushOptions, tag: T): ReassemblyEvent<T>[] {
    if (!Number.isFinite(options.time)) throw new RangeError(`Reassembler.push: time must be a finite number of milliseconds, got ${String(options.time)}`);
    const events: ReassemblyEvent<T>[] = [];
    this.expireInto(options.time, events);
    let d: DecodedIp;
    try {
      d = decodeIp(frame, options.link ? { link: options.link } : {});
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      events.push({ type: "packet", data: frame, tag });
      return events;
    }
    if (!d.fragment) {
      events.push({ type: "packet", data: frame, tag });
      return events;
    }
    this.addFragment(d as Fragmented, frame, options.time, tag, events);
    return events;
  }

  /** Drops every datagram whose timeout passed at `time` and returns them as `"dropped"` events (reason `"timeout"`). */
  expire(time: number): ReassemblyEvent<T>[] {
    const events: ReassemblyEvent<T>[] = [];
    this.expireInto(time, events);
    return events;
  }

  /** Ends the stream: every incomplete datagram becomes a `"dropped"` event (reason `"incomplete"`) and nothing is held. */
  flush(): ReassemblyEvent<T>[] {
    const events: ReassemblyEvent<T>[] = [];
    for (const p of this.pending.values()) {
      if (!p.discarded) events.push(this.dropEvent(p, "incomplete", `${describeHoles(p)} at end of input`));
    }
    this.pending.clear();
    this.held = 0;
    this.nextDeadline = Infinity;
    return events;
  }

  private expireInto(time: number, events: ReassemblyEvent<T>[]): void {
    if (time < this.nextDeadline) return;
    let next = Infinity;
    for (const p of [...this.pending.values()]) {
      if (p.deadline <= time) {
        if (!p.discarded) events.push(this.dropEvent(p, "timeout", `${describeHoles(p)} after ${this.timeoutMs} ms`));
        this.remove(p);
      } else if (p.deadline < next) {
        next = p.deadline;
      }
    }
    this.nextDeadline = next;
  }

  private remove(p: Pending<T>): void {
    this.held -= p.bytes;
    this.pending.delete(p.key);
  }

  private dropEvent(p: Pending<T>, reason: DropReason, detail: string): ReassemblyEvent<T> {
    return { type: "dropped", key: p.key, scope: "datagram", reason, detail, tags: p.tags };
  }

  /** Drops a datagram's data, keeping its key until the deadline so later fragments of it are dropped too. */
  private discard(p: Pending<T>, reason: DropReason, detail: string, events: ReassemblyEvent<T>[]): void {
    events.push(this.dropEvent(p, reason, detail));
    this.held -= p.bytes;
    p.bytes = 0;
    p.pieces = [];
    p.tags = [];
    p.header = undefined;
    p.discarded = reason;
  }

  private addFragment(d: Fragmented, frame: Uint8Array, time: number, tag: T, events: ReassemblyEvent<T>[]): void {
    const f = d.fragment;
    const key = fragmentKey(d);
    const v6 = d.ip.type === "ipv6";
    let p = this.pending.get(key);
    if (!p) {
      while (this.pending.size >= this.maxDatagrams) {
        const oldest = this.pending.values().next().value as Pending<T>;
        if (!oldest.discarded) events.push(this.dropEvent(oldest, "datagram-limit", `more than ${this.maxDatagrams} datagrams in progress; dropped the oldest`));
        this.remove(oldest);
      }
      p = { key, v6, deadline: time + this.timeoutMs, pieces: [], tags: [], bytes: 0, total: -1, header: undefined, ipOffset: d.ipOffset, nextHeaderAt: 0, upper: f.protocol, discarded: undefined };
      this.pending.set(key, p);
      if (p.deadline < this.nextDeadline) this.nextDeadline = p.deadline;
    }
    if (p.discarded) {
      events.push({ type: "dropped", key, scope: "fragment", reason: "discarded", detail: `datagram already dropped (${p.discarded})`, tags: [tag] });
      return;
    }
    const len = f.data.length;
    const end = f.offset + len;
    if (f.moreFragments && len % 8 !== 0) {
      events.push({ type: "dropped", key, scope: "fragment", reason: "bad-length", detail: `a fragment with more to follow carries ${len} bytes, not a multiple of 8`, tags: [tag] });
      if (p.pieces.length === 0) this.remove(p);
      return;
    }
    if (end > 0xffff) {
      this.discard(p, "too-large", `fragment at offset ${f.offset} with ${len} bytes ends past 65535`, events);
      return;
    }
    const policy: OverlapPolicy = v6 ? "discard" : this.ipv4Overlap;
    for (const q of p.pieces) {
      if (f.offset < q.end && q.offset < end) {
        if (q.offset === f.offset && q.end === end && sameBytes(q.data, f.data)) {
          events.push({ type: "duplicate", key, decoded: d, tag });
          return;
        }
        if (policy === "discard") {
          p.tags.push(tag);
          this.discard(p, "overlap", `fragment ${f.offset}..${end} overlaps ${q.offset}..${q.end}${v6 ? " (RFC 5722)" : ""}`, events);
          return;
        }
      }
    }
    const lastEnd = f.moreFragments ? p.total : end;
    if (!f.moreFragments && p.total !== -1 && p.total !== end) {
      p.tags.push(tag);
      this.discard(p, "inconsistent", `last fragments disagree on the length: ${p.total} and ${end}`, events);
      return;
    }
    if (lastEnd !== -1 && (end > lastEnd || p.pieces.some((q) => q.end > lastEnd))) {
      p.tags.push(tag);
      this.discard(p, "inconsistent", `data past the end (${lastEnd}) set by the last fragment`, events);
      return;
    }
    if (p.pieces.length >= this.maxFragments) {
      p.tags.push(tag);
      this.discard(p, "fragment-limit", `more than ${this.maxFragments} fragments`, events);
      return;
    }
    let header: Uint8Array | undefined;
    let nextHeaderAt = 0;
    if (f.offset === 0 && (p.header === undefined || policy === "last")) {
      if (d.ip.type === "ipv6") {
        // the chain stops at the Fragment header, right before the data: copy what precedes it, and let its
        // predecessor's Next Header name what it named
        const ext = d.ip.extensionHeaders;
        header = frame.slice(0, ext[ext.length - 1]!.offset);
        nextHeaderAt = ext.length >= 2 ? ext[ext.length - 2]!.offset : d.ipOffset + 6;
      } else {
        header = frame.slice(0, f.dataOffset);
      }
    }
    const size = len + (header ? header.length - (p.header?.length ?? 0) : 0);
    while (this.held + size > this.maxBytes && this.pending.size > 1) {
      const oldest = this.pending.values().next().value as Pending<T>;
      const victim = oldest === p ? [...this.pending.values()][1]! : oldest;
      if (!victim.discarded) events.push(this.dropEvent(victim, "memory", `more than ${this.maxBytes} bytes held; dropped the oldest datagram`));
      this.remove(victim);
    }
    if (this.held + size > this.maxBytes) {
      p.tags.push(tag);
      this.discard(p, "memory", `datagram needs more than ${this.maxBytes} bytes`, events);
      return;
    }
    if (header) {
      p.header = header;
      p.ipOffset = d.ipOffset;
      p.nextHeaderAt = nextHeaderAt;
    }
    p.pieces.push({ offset: f.offset, end, data: f.data.slice() });
    p.tags.push(tag);
    p.bytes += size;
    this.held += size;
    if (!f.moreFragments) p.total = end;
    if (p.header && p.total !== -1 && (p.v6 ? p.header.length - p.ipOffset - 40 : p.header.length - p.ipOffset) + p.total > 0xffff) {
      this.discard(p, "too-large", `the reassembled ${p.v6 ? "payload" : "packet"} would exceed 65535 bytes`, events);
      return;
    }
    const whole = this.assemble(p, policy);
    if (whole) {
      this.remove(p);
      events.push({ type: "datagram", key, data: whole, decoded: d, tags: p.tags });
    } else {
      events.push({ type: "held", key, decoded: d, tag });
    }
  }

  /** The whole packet when every byte up to the last fragment's end has arrived, else undefined. */
  private assemble(p: Pending<T>, policy: OverlapPolicy): Uint8Array | undefined {
    if (p.total === -1 || !p.header) return undefined;
    if (holes(p).length > 0) return undefined;
    const header = p.header;
    const out = new Uint8Array(header.length + p.total);
    out.set(header);
    const order = policy === "first" ? [...p.pieces].reverse() : p.pieces;
    for (const q of order) out.set(q.data, header.length + q.offset);
    const ip = p.ipOffset;
    if (!p.v6) {
      const total = header.length - ip + p.total;
      out[ip + 2] = total >>> 8;
      out[ip + 3] = total;
      out[ip + 6] = out[ip + 6]! & 0x40; // keep DF, clear MF and the offset
      out[ip + 7] = 0;
      setIpv4Checksum(out, ip, header.length);
    } else {
      const payload = header.length - ip - 40 + p.total;
      out[ip + 4] = payload >>> 8;
      out[ip + 5] = payload;
      out[p.nextHeaderAt] = p.upper;
    }
    return out;
  }
}

/** Missing byte ranges of a datagram (up to its known end, or open-ended). */
function holes(p: Pending<unknown>): [number, number][] {
  const sorted = [...p.pieces].sort((a, b) => a.offset - b.offset);
  const out: [number, number][] = [];
  let reach = 0;
  for (const q of sorted) {
    if (q.offset > reach) out.push([reach, q.offset]);
    if (q.end > reach) reach = q.end;
  }
  if (p.total === -1) out.push([reach, Infinity]);
  else if (reach < p.total) out.push([reach, p.total]);
  return out;
}

function describeHoles(p: Pending<unknown>): string {
  const missing = holes(p)
    .map(([a, b]) => (b === Infinity ? `${a}..(last fragment)` : `${a}..${b}`))
    .join(", ");
  return `incomplete (${p.pieces.length} fragment(s); missing ${missing || "the first fragment"})`;
}

