/**
 * Action text, parse side, for the Nicira extensions with their own small languages: `bundle`, `nat` and `learn`.
 *
 * @module
 */
import { type Action, LearnFlags, type LearnSpec, NatFlags, type SubField } from "../actions.js";
import { fieldByName, nxWidth } from "../oxm.js";
import { BD_ALGS, NX_HASH_FIELDS } from "./action-format.js";
import { READ_ONLY } from "./context.js";
import { FlowSyntaxError, UnknownPortError, UnknownTableError } from "./errors.js";
import { cAtoi, cStrtoullLoose, tableFromString } from "./c-int.js";
import { parsePort, port32to16 } from "./ports.js";
import { parseNxmSubField, parseSubField, unknownSubFieldName } from "./subfield.js";
import { splitTop } from "./tokens.js";
import { bigIntToBytes, bytesToBigInt, parseBits, parseIp4, parseIp6, parseValue } from "./values.js";

/** Most members a bundle action carries (Open vSwitch's BUNDLE_MAX_MEMBERS). */
const BUNDLE_MAX_MEMBERS = 2048;

/**
 * `bundle(FIELDS,BASIS,ALGORITHM,ofport,members:PORT...)` and `bundle_load(...,DST,members:...)`, tokenized
 * as Open vSwitch's bundle_parse does: members are separated by commas, blanks or brackets (`members:[2,3]`).
 */
export function parseBundle(s: string, load: boolean, portNames?: ReadonlyMap<string, number>): Action {
  const tokens: string[] = [];
  let at = 0;
  // C strtok_r: skip delimiters, take the token, consume the one delimiter that ends it
  const next = (delims: string): string | undefined => {
    while (at < s.length && delims.includes(s[at]!)) at++;
    if (at >= s.length) return undefined;
    const start = at;
    while (at < s.length && !delims.includes(s[at]!)) at++;
    const tok = s.slice(start, at);
    if (at < s.length) at++;
    return tok;
  };
  for (let i = 0; i < (load ? 5 : 4); i++) {
    const t = next(", ");
    if (t !== undefined) tokens.push(t);
  }
  const delim = next(": ");
  if (tokens.length < (load ? 5 : 4) || delim === undefined) throw new FlowSyntaxError(`${s}: not enough arguments to bundle action`);
  const [fields, basis, algorithm, memberType, dst] = tokens as [string, string, string, string, string | undefined];
  if (delim.toLowerCase() !== "members" && delim.toLowerCase() !== "slaves") {
    throw new FlowSyntaxError(`${s}: missing member delimiter, expected \`members', got \`${delim}'`);
  }
  const members: number[] = [];
  for (let m = next(", []"); m !== undefined && members.length < BUNDLE_MAX_MEMBERS; m = next(", []")) {
    let port: number;
    try {
      port = port32to16(portNames?.get(m) ?? parsePort(m));
    } catch (e) {
      // a name: a caller that knows the switch's port names may parse again with them
      const error = e instanceof UnknownPortError && !portNames ? new UnknownPortError(m) : new FlowSyntaxError("");
      error.message = `${m}: bad port number`;
      throw error;
    }
    members.push(port);
  }
  const f = NX_HASH_FIELDS.indexOf(fields.toLowerCase());
  if (f < 0) throw new FlowSyntaxError(`${s}: unknown fields \`${fields}'`);
  const alg = BD_ALGS.indexOf(algorithm.toLowerCase());
  if (alg < 0) throw new FlowSyntaxError(`${s}: unknown algorithm \`${algorithm}'`);
  if (memberType.toLowerCase() !== "ofport") throw new FlowSyntaxError(`${s}: unknown member_type \`${memberType}'`);
  return {
    type: "bundle",
    load,
    algorithm: alg,
    fields: f,
    basis: cAtoi(basis) & 0xffff,
    memberType: 0x00000002,
    members,
    dst: load ? parseNxmSubField(dst ?? "", s) : undefined,
  };
}

/**
 * The inside of `nat(...)`: `src`/`dst` with an address range and an optional port range, and the flags
 * (`persistent`, `hash`, `random`), read as ovs-ofctl's parse_NAT() reads them.
 * @throws FlowSyntaxError for an unknown argument or a range ovs-ofctl refuses
 */
export function parseNat(s: string | undefined): Action {
  const a: { -readonly [K in keyof Extract<Action, { type: "nat" }>]: Extract<Action, { type: "nat" }>[K] } = { type: "nat", flags: 0 };
  if (!s) return a;
  for (const p of splitTop(s)) {
    if (p === "persistent") a.flags |= NatFlags.PERSISTENT;
    else if (p === "hash") a.flags |= NatFlags.PROTO_HASH;
    else if (p === "random") a.flags |= NatFlags.PROTO_RANDOM;
    else if (p.startsWith("src") || p.startsWith("dst")) {
      a.flags |= p.startsWith("src") ? NatFlags.SRC : NatFlags.DST;
      if (p.length === 3) continue;
      if (p[3] !== "=") throw new FlowSyntaxError(`invalid nat argument ${p}`);
      const range = p.slice(4);
      let rest = range;
      let ports: string | undefined;
      if (rest.startsWith("[")) {
        // [v6]-[v6]:ports
        const m = /^\[([^\]]+)\](?:-\[([^\]]+)\])?(?::(.+))?$/.exec(rest);
        if (!m) throw new FlowSyntaxError(`invalid nat range ${rest}`);
        a.ipv6Min = bigIntToBytes(parseIp6(m[1]!), 16);
        if (m[2]) a.ipv6Max = bigIntToBytes(parseIp6(m[2]), 16);
        ports = m[3];
      } else if (rest.includes(".") || !rest.includes(":") || /^[\d.]+(-[\d.]+)?:\d+(-\d+)?$/.test(rest)) {
        const c = rest.indexOf(":");
        if (c >= 0) {
          ports = rest.slice(c + 1);
          rest = rest.slice(0, c);
        }
        const [lo, hi] = rest.split("-");
        a.ipv4Min = bigIntToBytes(parseIp4(lo!), 4);
        if (hi) a.ipv4Max = bigIntToBytes(parseIp4(hi), 4);
      } else {
        const [lo, hi] = rest.split("-");
        a.ipv6Min = bigIntToBytes(parseIp6(lo!), 16);
        if (hi) a.ipv6Max = bigIntToBytes(parseIp6(hi), 16);
      }
      if (ports !== undefined) {
        const got = scanNatPorts(range, range.length - ports.length);
        a.protoMin = got.min;
        if (got.max !== undefined) a.protoMax = got.max;
      }
    } else throw new FlowSyntaxError(`invalid nat argument ${p}`);
  }
  if ((a.flags & NatFlags.SRC) !== 0 && (a.flags & NatFlags.DST) !== 0) throw new FlowSyntaxError(`May only specify one of "src" or "dst".`);
  if ((a.flags & (NatFlags.SRC | NatFlags.DST)) === 0 && a.flags !== 0) throw new FlowSyntaxError(`Flags allowed only with "src" or "dst".`);
  if ((a.flags & NatFlags.PROTO_HASH) !== 0 && (a.flags & NatFlags.PROTO_RANDOM) !== 0) throw new FlowSyntaxError(`Both "hash" and "random" are not allowed.`);
  const lo = a.ipv4Min ?? a.ipv6Min;
  const hi = a.ipv4Max ?? a.ipv6Max;
  if (lo && hi && bytesToBigInt(lo) > bytesToBigInt(hi)) throw new FlowSyntaxError(`invalid nat range "${s.replace(/^(src|dst)=/, "")}"`);
  if (a.protoMin !== undefined && a.protoMax !== undefined && a.protoMin > a.protoMax) throw new FlowSyntaxError(`invalid nat range "${s.replace(/^(src|dst)=/, "")}"`);
  return a;
}

/** One `%SCNu16` of ovs_scan() at `at`: a sign, decimal digits (at least one) kept modulo 2^16; -1 when there are none. */
function scanU16(s: string, at: number): { v: number; end: number } | undefined {
  let i = at;
  const negative = s[i] === "-";
  if (s[i] === "-" || s[i] === "+") i++;
  let v = 0;
  const from = i;
  for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) v = (v * 10 + (c - 48)) & 0xffff;
  if (i === from) return undefined;
  return { v: negative ? -v & 0xffff : v, end: i };
}

/**
 * The ports of a nat range as str_to_nat_range() reads them from `range` (the text after `src=`/`dst=`) at
 * `at`, just past the `:`: `%SCNu16`, then optionally `-` and another, no smaller; nothing may follow.
 * @throws FlowSyntaxError worded as ovs-ofctl's (`invalid nat range`, `garbage (...) after nat range`)
 */
function scanNatPorts(range: string, at: number): { min: number; max: number | undefined } {
  const invalid = () => new FlowSyntaxError(`invalid nat range "${range}"`);
  const lo = scanU16(range, at);
  if (lo === undefined) throw invalid();
  let end = lo.end;
  let max: number | undefined;
  if (range[end] === "-") {
    const hi = scanU16(range, end + 1);
    if (hi === undefined || hi.v < lo.v) throw invalid();
    max = hi.v;
    end = hi.end;
  }
  if (end !== range.length) throw new FlowSyntaxError(`garbage (${range.slice(end)}) after nat range "${range}" (pos: ${end})`);
  return { min: lo.v, max };
}

function immBytes(v: bigint, nbits: number): Uint8Array {
  return bigIntToBytes(v, 2 * Math.ceil(nbits / 16));
}

/** A learn spec's destination field; a name that is no field is `ARGS: unknown keyword NAME`, as learn_parse_spec() words it. */
function learnDst(args: string, name: string, spec: string): SubField {
  try {
    return parseNxmSubField(name, spec);
  } catch (e) {
    if (e instanceof FlowSyntaxError) throw new FlowSyntaxError(`${args}: unknown keyword ${name}`);
    throw e;
  }
}

/**
 * Parses the argument of `learn(...)` (ovs-ofctl's learn_parse()).
 * @param tableNames - the switch's table names, for `table=NAME`
 * @throws UnknownTableError for a table that is neither a number nor one of `tableNames`
 */
export function parseLearn(s: string, tableNames?: ReadonlyMap<string, number>): Action {
  const a: { -readonly [K in keyof Extract<Action, { type: "learn" }>]: Extract<Action, { type: "learn" }>[K] } = {
    type: "learn",
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0x8000,
    cookie: 0n,
    flags: 0,
    tableId: 1,
    finIdleTimeout: 0,
    finHardTimeout: 0,
    limit: 0,
    resultDst: undefined,
    specs: [],
  };
  const specs: LearnSpec[] = [];
  for (const p of splitTop(s)) {
    const eq = p.indexOf("=");
    const key = eq >= 0 ? p.slice(0, eq) : p;
    const val = eq >= 0 ? p.slice(eq + 1) : "";
    switch (key) {
      case "table":
        a.tableId = tableNames?.get(val) ?? tableFromString(val) ?? -1;
        if (a.tableId < 0) throw /^\d+$/.test(val) ? new FlowSyntaxError(`unknown table "${val}"`) : new UnknownTableError(val);
        if (a.tableId === 255) throw new FlowSyntaxError(`${p}: table id 255 not valid for \`learn' action`);
        continue;
      case "idle_timeout":
        a.idleTimeout = cAtoi(val) & 0xffff;
        continue;
      case "hard_timeout":
        a.hardTimeout = cAtoi(val) & 0xffff;
        continue;
      case "fin_idle_timeout":
        a.finIdleTimeout = cAtoi(val) & 0xffff;
        continue;
      case "fin_hard_timeout":
        a.finHardTimeout = cAtoi(val) & 0xffff;
        continue;
      case "priority":
        a.priority = cAtoi(val) & 0xffff;
        continue;
      case "cookie":
        a.cookie = cStrtoullLoose(val);
        continue;
      case "send_flow_rem":
        a.flags |= LearnFlags.SEND_FLOW_REM;
        continue;
      case "delete_learned":
        a.flags |= LearnFlags.DELETE_LEARNED;
        continue;
      case "limit":
        a.limit = cAtoi(val) >>> 0;
        continue;
      case "result_dst":
        a.resultDst = parseSubField(val);
        if (READ_ONLY.has(a.resultDst.field)) throw new FlowSyntaxError(`${READ_ONLY.get(a.resultDst.field)} is read-only`);
        if (a.resultDst.nbits !== 1) throw new FlowSyntaxError("result_dst in 'learn' action must be a single bit");
        a.flags |= LearnFlags.WRITE_RESULT;
        continue;
    }
    if (p.startsWith("load:")) {
      const m = /^load:(.*)->(.*)$/.exec(p);
      if (!m) throw new FlowSyntaxError(`${p}: bad learn load`);
      const dst = parseNxmSubField(m[2]!, p.slice(5));
      const srcText = m[1]!.trim();
      if (/^(0x[0-9a-f]+|\d+)$/i.test(srcText) && BigInt(srcText) >> BigInt(dst.nbits)) throw new FlowSyntaxError(`${srcText}->${m[2]}: value does not fit into ${dst.nbits} bits`);
      if (/^(0x[0-9a-f]+|\d+)$/i.test(srcText)) specs.push({ dst: "load", nbits: dst.nbits, src: { kind: "imm", value: immBytes(BigInt(srcText), dst.nbits) }, dstField: dst });
      else specs.push({ dst: "load", nbits: dst.nbits, src: { kind: "field", sf: parseSubField(srcText) }, dstField: dst });
      continue;
    }
    if (p.startsWith("output:")) {
      const src = parseSubField(p.slice(7));
      specs.push({ dst: "output", nbits: src.nbits, src: { kind: "field", sf: src }, dstField: undefined });
      continue;
    }
    if (eq >= 0) {
      const dst = learnDst(s, key, p);
      // as learn_parse_spec(): the value is a subfield if it reads as one, else an immediate value of the field
      // (the whole field's syntax) or of its bits (an integer); when neither reads, both errors are named
      let src: SubField | undefined;
      let subfieldError = unknownSubFieldName(val) ?? "";
      if (subfieldError === "") {
        try {
          src = parseSubField(val);
        } catch (e) {
          if (!(e instanceof FlowSyntaxError)) throw e;
          subfieldError = e.message;
        }
      }
      if (src !== undefined) {
        // (Open vSwitch names the widths the other way round: the source's after the destination's name)
        if (src.nbits !== dst.nbits) throw new FlowSyntaxError(`${s}: bit widths of ${key} (${src.nbits}) and ${val} (${dst.nbits}) differ`);
        specs.push({ dst: "match", nbits: dst.nbits, src: { kind: "field", sf: src }, dstField: dst });
      } else {
        const f = fieldByName(dst.field)!;
        const whole = dst.ofs === 0 && dst.nbits === nxWidth(f);
        let v: bigint;
        let immediateError: string | undefined;
        try {
          v = whole ? parseValue(f, val).v : parseBits(val);
          if (!whole && v >> BigInt(dst.nbits)) immediateError = `${p}: value 0x${v.toString(16)} does not fit into ${dst.nbits} bits`;
        } catch (e) {
          if (!(e instanceof FlowSyntaxError)) throw e;
          v = 0n;
          immediateError = whole ? e.message : `${p}: cannot parse integer value`;
        }
        if (immediateError !== undefined) {
          throw new FlowSyntaxError(`${s}: ${key} value ${val} cannot be parsed as a subfield (${subfieldError}) or an immediate value (${immediateError})`);
        }
        specs.push({ dst: "match", nbits: dst.nbits, src: { kind: "imm", value: immBytes(v, dst.nbits) }, dstField: dst });
      }
      continue;
    }
    const sf = learnDst(s, p, p);
    specs.push({ dst: "match", nbits: sf.nbits, src: { kind: "field", sf }, dstField: sf });
  }
  a.specs = specs;
  return a;
}
