/**
 * NXT_CT_FLUSH (Open vSwitch `nicira-ext.h` `nx_ct_flush`, every OpenFlow version): flush the conntrack
 * entries that match an IP protocol, an original and a reply tuple (addresses, ports or ICMP id/type/code)
 * and optionally a zone. The body is `ip_proto`, 7 zero bytes, then properties: NXT_CT_ORIG_TUPLE (0) and
 * NXT_CT_REPLY_TUPLE (1), each nesting the tuple's fields as properties, and NXT_CT_ZONE_ID (2). Decoding
 * follows ofp_ct_match_decode(), encoding ofp_ct_match_encode(), the text ofp_ct_match_format() and the
 * tuple syntax of `ovs-ofctl ct-flush` ofp_ct_tuple_parse().
 *
 * @module
 */
import type { Reader } from "../bytes/reader.js";
import type { Writer } from "../bytes/writer.js";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "../net/address.js";

/** One conntrack tuple of an NXT_CT_FLUSH (`ofp_ct_tuple`); zero values are "not given". */
export interface CtTuple {
  /** Source address: IPv6, or IPv4 mapped into IPv6 (`::ffff:a.b.c.d`); 16 zero bytes when not given. */
  readonly src: Uint8Array;
  /** Destination address, as `src`. */
  readonly dst: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly icmpId: number;
  readonly icmpType: number;
  readonly icmpCode: number;
}

/** The match of an NXT_CT_FLUSH: IP protocol, both tuples and the zone. */
export interface CtFlushMatch {
  /** IP protocol (`ct_nw_proto`), 0 when not given. */
  readonly ipProto: number;
  readonly orig: CtTuple;
  readonly reply: CtTuple;
  /** The zone (NXT_CT_ZONE_ID), when given (Open vSwitch flushes zone 0 without it). */
  readonly zoneId?: number | undefined;
}

/** NXT_CT_FLUSH property types (`nx_ct_flush_tlv_type`). */
export const CtFlushProp = { ORIG_TUPLE: 0, REPLY_TUPLE: 1, ZONE_ID: 2 } as const;
/** NXT_CT_FLUSH tuple property types (`nx_ct_flush_tuple_tlv_type`). */
export const CtTupleProp = { SRC: 0, DST: 1, SRC_PORT: 2, DST_PORT: 3, ICMP_ID: 4, ICMP_TYPE: 5, ICMP_CODE: 6 } as const;

/** The Nicira message subtype NXT_CT_FLUSH (Open vSwitch `ofp-msgs.h`). */
export const NXT_CT_FLUSH = 32;

/** A tuple with nothing given. */
export function emptyCtTuple(): CtTuple {
  return { src: new Uint8Array(16), dst: new Uint8Array(16), srcPort: 0, dstPort: 0, icmpId: 0, icmpType: 0, icmpCode: 0 };
}

const isIcmp = (proto: number) => proto === 1 || proto === 58;
const isZero = (a: Uint8Array) => a.every((b) => b === 0);
const isMapped = (a: Uint8Array) => a[10] === 0xff && a[11] === 0xff && a.subarray(0, 10).every((b) => b === 0);

/**
 * Decodes an NXT_CT_FLUSH body (`r` after the experimenter id and subtype).
 * @throws the OpenFlow error Open vSwitch gives (`NXBRC_MUST_BE_ZERO`, `OFPBPC_BAD_LEN`, `OFPBPC_BAD_VALUE`)
 *   as a DecodeError reason, at the offending byte
 */
export function readCtFlush(r: Reader): CtFlushMatch {
  const ipProto = r.u8();
  const padAt = r.pos;
  if (!r.take(7).every((b) => b === 0)) r.fail("NXBRC_MUST_BE_ZERO", padAt);
  const l3 = { type: 0 };
  let orig = emptyCtTuple();
  let reply = emptyCtTuple();
  let zoneId: number | undefined;
  for (const p of props(r)) {
    if (p.type === CtFlushProp.ORIG_TUPLE || p.type === CtFlushProp.REPLY_TUPLE) {
      // nested properties start 8 bytes in (ofpprop_parse_nested)
      if (p.body.remaining < 4) p.body.fail("OFPBPC_BAD_LEN");
      p.body.skip(4);
      const t = readTuple(p.body, l3);
      if (p.type === CtFlushProp.ORIG_TUPLE) orig = t;
      else reply = t;
    } else if (p.type === CtFlushProp.ZONE_ID) {
      if (p.body.remaining < 2) p.body.fail("OFPBPC_BAD_LEN");
      zoneId = p.body.u16();
    }
  }
  return { ipProto, orig, reply, ...(zoneId !== undefined ? { zoneId } : {}) };
}

/** Properties as ofpprop_pull() takes them: 8-byte aligned, a length below 4 or past the end is OFPBPC_BAD_LEN. */
function* props(r: Reader): Generator<{ type: number; body: Reader }> {
  while (r.remaining > 0) {
    const at = r.pos;
    if (r.remaining < 4) r.fail("OFPBPC_BAD_LEN");
    const type = r.u16();
    const len = r.u16();
    const padded = (len + 7) & ~7;
    if (len < 4 || padded > r.remaining + 4) r.fail("OFPBPC_BAD_LEN", at);
    if (type === 0xffff && len < 12) r.fail("OFPBPC_BAD_LEN", at);
    const body = r.sub(len - 4, "property");
    r.skip(padded - len);
    yield { type, body };
  }
}

function readTuple(r: Reader, l3: { type: number }): CtTuple {
  const t = { ...emptyCtTuple() };
  for (const p of props(r)) {
    const need = (n: number) => {
      if (p.body.remaining < n) p.body.fail("OFPBPC_BAD_LEN");
    };
    switch (p.type) {
      case CtTupleProp.SRC:
      case CtTupleProp.DST: {
        need(16);
        const addr = p.body.take(16).slice();
        // the address's family must agree with the other addresses; a zero address resets it (ofpprop_pull_ipv6())
        const fam = isZero(addr) ? 0 : isMapped(addr) ? 4 : 6;
        if (l3.type && fam && l3.type !== fam) p.body.fail("OFPBPC_BAD_VALUE");
        l3.type = fam;
        if (p.type === CtTupleProp.SRC) t.src = addr;
        else t.dst = addr;
        break;
      }
      case CtTupleProp.SRC_PORT:
      case CtTupleProp.DST_PORT:
      case CtTupleProp.ICMP_ID: {
        need(2);
        const v = p.body.u16();
        if (p.type === CtTupleProp.SRC_PORT) t.srcPort = v;
        else if (p.type === CtTupleProp.DST_PORT) t.dstPort = v;
        else t.icmpId = v;
        break;
      }
      case CtTupleProp.ICMP_TYPE:
      case CtTupleProp.ICMP_CODE:
        need(1);
        if (p.type === CtTupleProp.ICMP_TYPE) t.icmpType = p.body.u8();
        else t.icmpCode = p.body.u8();
        break;
    }
  }
  return t;
}

/** Writes an NXT_CT_FLUSH body (after the experimenter id and subtype), as ofp_ct_match_encode() does. */
export function writeCtFlush(w: Writer, m: CtFlushMatch): void {
  w.u8(m.ipProto, "ct_flush.ip_proto").zeros(7);
  writeTuple(w, CtFlushProp.ORIG_TUPLE, m.orig, m.ipProto);
  writeTuple(w, CtFlushProp.REPLY_TUPLE, m.reply, m.ipProto);
  if (m.zoneId !== undefined) prop(w, CtFlushProp.ZONE_ID, () => w.u16(m.zoneId!, "ct_flush.zone_id").zeros(2));
}

/** A property (ofpprop_put()): 16-bit values carry 2 bytes of padding inside the length, as OpenFlow gives them (length 8). */
function prop(w: Writer, type: number, body: () => void): void {
  const start = w.pos;
  w.u16(type);
  const lenAt = w.reserve16();
  body();
  w.patch16(lenAt, w.pos - start);
  w.pad(start, 8);
}

function writeTuple(w: Writer, type: number, t: CtTuple, ipProto: number): void {
  const fields: (() => void)[] = [];
  if (!isZero(t.src)) fields.push(() => prop(w, CtTupleProp.SRC, () => w.bytes(t.src)));
  if (!isZero(t.dst)) fields.push(() => prop(w, CtTupleProp.DST, () => w.bytes(t.dst)));
  if (isIcmp(ipProto)) {
    fields.push(() => prop(w, CtTupleProp.ICMP_ID, () => w.u16(t.icmpId, "ct_flush.icmp_id").zeros(2)));
    fields.push(() => prop(w, CtTupleProp.ICMP_TYPE, () => w.u8(t.icmpType, "ct_flush.icmp_type")));
    fields.push(() => prop(w, CtTupleProp.ICMP_CODE, () => w.u8(t.icmpCode, "ct_flush.icmp_code")));
  } else {
    if (t.srcPort) fields.push(() => prop(w, CtTupleProp.SRC_PORT, () => w.u16(t.srcPort, "ct_flush.src_port").zeros(2)));
    if (t.dstPort) fields.push(() => prop(w, CtTupleProp.DST_PORT, () => w.u16(t.dstPort, "ct_flush.dst_port").zeros(2)));
  }
  if (!fields.length) return;
  // a nested property: header, 4 bytes of padding, the tuple's properties
  prop(w, type, () => {
    w.zeros(4);
    for (const f of fields) f();
  });
}

/**
 * The address family of a match: 4 or 6 from its addresses (the decoder refuses a mix), 0 when it has none.
 * (Open vSwitch also resets the family on an explicit all-zero address property, which its encoder never sends.)
 */
function l3Of(m: CtFlushMatch): number {
  let l3 = 0;
  for (const a of [m.orig.src, m.orig.dst, m.reply.src, m.reply.dst]) if (!isZero(a)) l3 = isMapped(a) ? 4 : 6;
  return l3;
}

/** An address as ipv6_format_mapped() prints it: IPv4-mapped ones dotted. */
function addrText(a: Uint8Array): string {
  return isMapped(a) ? formatIpv4(a, 12) : formatIpv6(a);
}

function tupleText(t: CtTuple, ipProto: number, l3: number): string {
  let s = `${l3 === 4 ? "ct_nw_src=" : "ct_ipv6_src="}${addrText(t.src)}${l3 === 4 ? ",ct_nw_dst=" : ",ct_ipv6_dst="}${addrText(t.dst)}`;
  s += isIcmp(ipProto) ? `,icmp_id=${t.icmpId},icmp_type=${t.icmpType},icmp_code=${t.icmpCode}` : `,ct_tp_src=${t.srcPort},ct_tp_dst=${t.dstPort}`;
  return s;
}

/**
 * The text after the message header, as ovs-ofctl prints an NXT_CT_FLUSH:
 * ` zone=Z 'ORIG-TUPLE,ct_nw_proto=P' 'REPLY-TUPLE'`. `l3` is the address family the decoder settled on
 * (by default worked out from the addresses in the order the decoder reads them).
 */
export function ctFlushText(m: CtFlushMatch, l3 = l3Of(m)): string {
  return ` zone=${m.zoneId ?? 0} '${tupleText(m.orig, m.ipProto, l3)},ct_nw_proto=${m.ipProto}' '${tupleText(m.reply, m.ipProto, l3)}'`;
}

/** A conntrack tuple that `ovs-ofctl ct-flush` refuses; `message` is ovs-ofctl's words (after "Failed to parse ct-tuple: "). */
export class CtTupleSyntaxError extends Error {
  /** The argument refused. */
  readonly text: string;
  constructor(text: string, message: string) {
    super(message);
    this.name = "CtTupleSyntaxError";
    this.text = text;
  }
}

/** A C `strtol(…, 0)` number (decimal, `0x` hex, `0` octal) within [0, max], or undefined. */
function cNumber(text: string, max: number): number | undefined {
  const m = /^\s*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const s = m[1]!;
  const v = /^0[xX]/.test(s) ? Number.parseInt(s.slice(2), 16) : s.length > 1 && s.startsWith("0") ? Number.parseInt(s, 8) : Number(s);
  return v <= max ? v : undefined;
}

/** `key=value` pairs as ofputil_parse_key_value() splits them (commas and white space between pairs). */
function keyValues(s: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  let i = 0;
  const delim = (c: string | undefined) => c === "," || c === " " || c === "\t" || c === "\r" || c === "\n";
  for (;;) {
    while (i < s.length && delim(s[i])) i++;
    if (i >= s.length) return out;
    let j = i;
    while (j < s.length && !delim(s[j]) && s[j] !== "=" && s[j] !== "(" && s[j] !== ":") j++;
    const key = s.slice(i, j);
    let value = "";
    if (s[j] === "=" || s[j] === ":") {
      let k = j + 1;
      while (k < s.length && !delim(s[k])) k++;
      value = s.slice(j + 1, k);
      j = k;
    } else if (s[j] === "(") {
      let depth = 1;
      let k = j + 1;
      while (k < s.length && depth) {
        if (s[k] === "(") depth++;
        else if (s[k] === ")") depth--;
        k++;
      }
      value = s.slice(j + 1, k - 1);
      j = k;
    }
    out.push({ key, value });
    i = j;
  }
}

/** What a tuple parse carries between the two tuples: the protocol and the address family. */
export interface CtTupleParseState {
  ipProto: number;
  l3: number;
}

/**
 * Parses a conntrack tuple of `ovs-ofctl ct-flush` (`ct_nw_src=IP,ct_nw_dst=IP,ct_ipv6_src=IP6,…,
 * ct_nw_proto=N,ct_tp_src=N,ct_tp_dst=N,icmp_type=N,icmp_code=N,icmp_id=N`), as ofp_ct_tuple_parse()
 * does; `state` (protocol, address family) is shared by the original and the reply tuple.
 * @throws CtTupleSyntaxError with ovs-ofctl's message
 */
export function parseCtTuple(text: string, state: CtTupleParseState): CtTuple {
  const t = { ...emptyCtTuple() };
  const fail = (msg: string): never => {
    throw new CtTupleSyntaxError(text, msg);
  };
  for (const { key, value } of keyValues(text)) {
    if (!value) fail(`field ${key} missing value`);
    const bad = () => fail(`failed to parse field ${key}`);
    if (key === "ct_nw_src" || key === "ct_nw_dst" || key === "ct_ipv6_src" || key === "ct_ipv6_dst") {
      const v4 = key.startsWith("ct_nw");
      const src = key.endsWith("src");
      if (state.l3 && state.l3 !== (v4 ? 4 : 6)) fail(`the L3 protocol does not match ${value}`);
      if (!isZero(src ? t.src : t.dst)) fail(`${key} is set multiple times`);
      let addr: Uint8Array;
      try {
        if (v4) {
          addr = new Uint8Array(16);
          addr[10] = 0xff;
          addr[11] = 0xff;
          addr.set(parseIpv4(value), 12);
        } else addr = parseIpv6(value);
      } catch {
        return bad();
      }
      state.l3 = v4 ? 4 : 6;
      if (src) t.src = addr;
      else t.dst = addr;
    } else if (key === "ct_nw_proto") {
      const v = cNumber(value, 255);
      if (v === undefined) bad();
      else state.ipProto = v;
    } else if (key === "ct_tp_src" || key === "ct_tp_dst") {
      const v = cNumber(value, 0xffff);
      if (v === undefined) bad();
      else if (key === "ct_tp_src") t.srcPort = v;
      else t.dstPort = v;
    } else if (key === "icmp_type" || key === "icmp_code" || key === "icmp_id") {
      if (!isIcmp(state.ipProto)) fail("invalid L4 fields");
      const v = cNumber(value, key === "icmp_id" ? 0xffff : 255);
      if (v === undefined) bad();
      else if (key === "icmp_type") t.icmpType = v;
      else if (key === "icmp_code") t.icmpCode = v;
      else t.icmpId = v;
    } else fail(`invalid conntrack tuple field: ${key}`);
  }
  if (!state.ipProto && (t.srcPort || t.dstPort)) fail("port is set without protocol");
  return t;
}
