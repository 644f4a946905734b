/**
 * Action text, print side: actions as `ovs-ofctl` prints them (`ct(commit,...),resubmit(,1)`).
 *
 * @module
 */
import { type Action, CtFlags, LearnFlags, type LearnSpec, NatFlags, OfpPort, type SubField } from "../actions.js";
import { type FieldDef, type MatchField, NUM_MAX_BYTES, fieldByHeader, fieldMaskNum, fieldNum, fieldValueLength, nxWidth } from "../oxm.js";
import { formatLegacyAction } from "../v10/actions.js";
import { formatNshAction } from "../actions-nsh.js";
import { type NameMaps, formatPort, formatPort16, port16to32 } from "./ports.js";
import { formatSubField } from "./subfield.js";
import { formatIpv4BigInt, formatIpv6BigInt } from "../../net/address.js";
import { formatFlagSetField } from "./flags.js";
import { bdec, big, bytesToBigInt, dottedHex, fieldNamed, flagField, formatValue, hexBytes, hexNum, prefixLen } from "./values.js";

const SET_FIELD_NAMES: Record<string, string> = {
  dl_src: "eth_src",
  dl_dst: "eth_dst",
  dl_type: "eth_type",
  nw_src: "ip_src",
  nw_dst: "ip_dst",
  nw_frag: "ip_frag",
  in_port: "in_port",
};

/** The name ovs-ofctl prints for a field in set_field actions and OXM field lists (Open vSwitch `mf_field.name`). */
export function setFieldName(f: FieldDef): string {
  return SET_FIELD_NAMES[f.name] ?? f.name;
}

/** The packet-in reasons of `controller(reason=...)`, indexed by their OpenFlow number. */
export const CONTROLLER_REASONS = ["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"];

/** The hash field sets of `multipath`/`bundle`, indexed by their Nicira number (NX_HASH_FIELDS_*). */
export const NX_HASH_FIELDS = ["eth_src", "symmetric_l4", "symmetric_l3l4", "symmetric_l3l4+udp", "nw_src", "nw_dst", "symmetric_l3"];

/** The `multipath` algorithms, indexed by their Nicira number (NX_MP_ALG_*). */
export const MP_ALGS = ["modulo_n", "hash_threshold", "hrw", "iter_hash"];

/** The `bundle` member selection algorithms, indexed by their Nicira number (NX_BD_ALG_*). */
export const BD_ALGS = ["active_backup", "hrw"];

function fmtNatAddr4(b: Uint8Array): string {
  return formatIpv4BigInt(bytesToBigInt(b));
}

function fmtNatAddr6(b: Uint8Array): string {
  return formatIpv6BigInt(bytesToBigInt(b));
}

function formatSetField(mf: MatchField, names?: NameMaps): string {
  const f = fieldNamed(mf.field);
  if (!f) return `set_field:${hexBytes(mf.value)}->0x${mf.header.toString(16)}`;
  // a narrow value and mask read as the numbers a decoded entry carries (no view of its bytes made)
  const len = fieldValueLength(mf);
  const narrow = len <= NUM_MAX_BYTES;
  const v = narrow ? big(fieldNum(mf)) : bytesToBigInt(mf.value);
  const mn = narrow ? fieldMaskNum(mf) : undefined;
  const m = narrow ? (mn === undefined ? undefined : big(mn)) : mf.mask && bytesToBigInt(mf.mask);
  if (f.name === "vlan_vid") return `set_field:${bdec(v)}->vlan_vid`;
  if (f.name === "ip_dscp") return `set_field:${bdec(v)}->ip_dscp`;
  const flags = flagField(f);
  if (flags !== undefined) return `set_field:${formatFlagSetField(v, m, len, flags)}->${setFieldName(f)}`;
  let s = `set_field:${names !== undefined && f.format === "port" && m === undefined ? names.port(Number(v)) : formatValue(f, v, len)}`;
  // a decimal field's mask prints in hex (`8/0xc`)
  if (m !== undefined) {
    // an IP address mask that is a prefix prints as its length (`10.0.0.0/8`), as ovs-ofctl prints it
    const plen = f.format === "ipv4" || f.format === "ipv6" ? prefixLen(m, len * 8) : undefined;
    s += `/${plen !== undefined ? plen : f.format === "dec" ? hexNum(m) : formatValue(f, m, len)}`;
  }
  return `${s}->${setFieldName(f)}`;
}

function formatLoadValue(v: bigint): string {
  return hexNum(v);
}

/**
 * Formats an action list the way ovs-ofctl does (`ct(commit,...),resubmit(,1)`).
 * @param names - prints the ports and tables of `output`, `enqueue`, `resubmit`, `goto_table`, ... (ovs-ofctl's
 * port and table maps, for `--names`); default: numbers and reserved names
 */
export function formatActions(actions: readonly Action[], names?: NameMaps): string {
  // concatenated in a loop: no array of the printed actions first
  let s = "";
  for (let i = 0; i < actions.length; i++) s = i === 0 ? formatAction(actions[i]!, names) : s + "," + formatAction(actions[i]!, names);
  return s;
}

function formatAction(a: Action, names: NameMaps | undefined): string {
  const format = FORMATTERS.get(a.type);
  return format !== undefined ? format(a, names) : formatLegacyAction(a as Parameters<typeof formatLegacyAction>[0], names?.port ?? formatPort);
}

/** Action printers by action type, built once (the port printer given when ports print by name). */
const FORMATTERS = new Map<string, (a: Action, names: NameMaps | undefined) => string>();

function fmt<T extends Action["type"]>(types: readonly T[], format: (a: Extract<Action, { type: T }>, names: NameMaps | undefined) => string): void {
  for (const t of types) FORMATTERS.set(t, format as (a: Action, names: NameMaps | undefined) => string);
}

/** A 16-bit port as `names` prints it (by default as formatPort16()). */
function port16(p: number, names: NameMaps | undefined): string {
  return names === undefined ? formatPort16(p) : names.port(port16to32(p));
}

/** A table as `names` prints it (by default its number). */
function table(t: number, names: NameMaps | undefined): string {
  return names === undefined ? String(t) : names.table(t);
}

fmt(["output"], (a, names) => {
  if (a.port === OfpPort.CONTROLLER) return `CONTROLLER:${a.maxLen}`;
  if (a.port >= 0xffffff00) return formatPort(a.port);
  return names === undefined ? `output:${a.port}` : `output:${names.port(a.port)}`;
});

fmt(["copy_ttl_out"], () => "copy_ttl_out");

fmt(["copy_ttl_in"], () => "copy_ttl_in");

fmt(["set_mpls_ttl"], (a) => `set_mpls_ttl(${a.ttl})`);

fmt(["dec_mpls_ttl"], () => "dec_mpls_ttl");

fmt(["push_vlan"], (a) => `push_vlan:0x${a.ethertype.toString(16)}`);

fmt(["pop_vlan"], () => "pop_vlan");

fmt(["push_mpls"], (a) => `push_mpls:0x${a.ethertype.toString(16)}`);

fmt(["pop_mpls"], (a) => `pop_mpls:0x${a.ethertype.toString(16).padStart(4, "0")}`);

fmt(["set_queue", "nx_set_queue"], (a) => `set_queue:${a.queueId}`);

fmt(["group"], (a) => `group:${a.groupId}`);

fmt(["set_nw_ttl"], (a) => `mod_nw_ttl:${a.ttl}`);

fmt(["dec_nw_ttl"], () => "dec_ttl");

fmt(["set_field"], (a, names) => formatSetField(a.field, names));

fmt(["push_pbb"], (a) => `push_pbb:0x${a.ethertype.toString(16)}`);

fmt(["pop_pbb"], () => "pop_pbb");

fmt(["resubmit"], (a, names) => {
  if (a.table === 255 && !a.ct) return `resubmit:${port16(a.inPort, names)}`;
  const p = a.inPort === 0xfff8 ? "" : port16(a.inPort, names);
  const t = a.table === 255 ? "" : table(a.table, names);
  return `resubmit(${p},${t}${a.ct ? ",ct" : ""})`;
});

fmt(["set_tunnel"], (a) => a.wide ? `set_tunnel64:${hexNum(a.tunId)}` : `set_tunnel:${hexNum(a.tunId)}`);

fmt(["pop_queue"], () => "pop_queue");

fmt(["reg_move"], (a) => `move:${formatSubField(a.src)}->${formatSubField(a.dst)}`);

fmt(["reg_load"], (a) => `load:${formatLoadValue(a.value)}->${formatSubField(a.dst)}`);

fmt(["reg_load2"], (a, names) => formatSetField(a.field, names));

fmt(["note"], (a) => `note:${dottedHex(a.data)}`);

fmt(["output_reg"], (a) => {
  return a.maxLen !== 0 && a.maxLen !== 0xffff
    ? `output(port=${formatSubField(a.src)},max_len=${a.maxLen})`
    : `output:${formatSubField(a.src)}`;
});

fmt(["meter"], (a) => `meter:${a.meterId}`);

fmt(["output_trunc"], (a, names) => `output(port=${port16(a.port, names)},max_len=${a.maxLen})`);

fmt(["exit"], () => "exit");

fmt(["dec_ttl"], (a) => a.controllerIds === undefined ? "dec_ttl" : `dec_ttl(${a.controllerIds.join(",")})`);

fmt(["fin_timeout"], (a) => {
  let s = "";
  if (a.idle) s = `idle_timeout=${a.idle}`;
  if (a.hard) s = item(s, `hard_timeout=${a.hard}`);
  return `fin_timeout(${s})`;
});

fmt(["controller", "controller2"], (a) => {
  const maxLen = a.maxLen ?? 0xffff;
  const id = a.controllerId ?? 0;
  const reason = a.reason ?? 1;
  const userdata = a.type === "controller2" ? a.userdata : undefined;
  const pause = a.type === "controller2" && a.pause;
  const meterId = a.type === "controller2" ? a.meterId : undefined;
  if (reason === 1 && id === 0 && !userdata && !pause && meterId === undefined) return `CONTROLLER:${maxLen}`;
  let s = "";
  if (reason !== 1) s = `reason=${CONTROLLER_REASONS[reason] ?? reason}`;
  if (maxLen !== 0xffff) s = item(s, `max_len=${maxLen}`);
  if (id !== 0) s = item(s, `id=${id}`);
  if (userdata) s = item(s, `userdata=${dottedHex(userdata)}`);
  if (pause) s = item(s, "pause");
  if (meterId !== undefined) s = item(s, `meter_id=${meterId}`);
  return `controller(${s})`;
});

fmt(["stack_push"], (a) => `push:${formatSubField(a.sf)}`);

fmt(["stack_pop"], (a) => `pop:${formatSubField(a.sf)}`);

fmt(["sample"], (a, names) => {
  let s = `sample(probability=${a.probability},collector_set_id=${a.collectorSetId},obs_domain_id=${a.obsDomainId},obs_point_id=${a.obsPointId}`;
  if (a.samplingPort !== 0xffff) s += `,sampling_port=${port16(a.samplingPort, names)}`;
  if (a.direction === 1) s += ",ingress";
  else if (a.direction === 2) s += ",egress";
  return s + ")";
});

fmt(["conjunction"], (a) => `conjunction(${a.id},${a.clause + 1}/${a.nClauses})`);

fmt(["ct"], (a, names) => {
  // the arguments joined as they come (no array of them first)
  let s = "";
  if (a.flags & CtFlags.COMMIT) s = "commit";
  if (a.flags & CtFlags.FORCE) s = item(s, "force");
  if (a.recircTable !== 255) s = item(s, `table=${table(a.recircTable, names)}`);
  if (a.zoneSrc) s = item(s, `zone=${formatSubField(a.zoneSrc)}`);
  else if (a.zone) s = item(s, `zone=${a.zone}`);
  // as format_CT(): a first nested nat outside exec(...), everything after it (another nat too) inside
  const first = a.actions[0];
  const natFirst = first !== undefined && first.type === "nat";
  if (natFirst) s = item(s, formatAction(first, names));
  const others = natFirst ? a.actions.slice(1) : a.actions;
  if (others.length) s = item(s, `exec(${formatActions(others, names)})`);
  if (a.alg) s = item(s, `alg=${a.alg === 21 ? "ftp" : a.alg === 69 ? "tftp" : a.alg}`);
  return `ct(${s})`;
});

/** `s` with `part` appended after a comma, or `part` alone when `s` is empty (an argument list built as it comes). */
function item(s: string, part: string): string {
  return s === "" ? part : s + "," + part;
}

fmt(["nat"], (a) => {
  let s = "nat";
  let args = "";
  if (a.flags & (NatFlags.SRC | NatFlags.DST)) {
    let r = a.flags & NatFlags.SRC ? "src" : "dst";
    if (a.ipv4Min) {
      r += `=${fmtNatAddr4(a.ipv4Min)}`;
      if (a.ipv4Max && Buffer.compare(a.ipv4Max, a.ipv4Min) !== 0) r += `-${fmtNatAddr4(a.ipv4Max)}`;
    } else if (a.ipv6Min) {
      // as ovs-ofctl: brackets only before a port range; a maximum equal to the minimum is not printed
      const six = (b: Uint8Array) => (a.protoMin ? `[${fmtNatAddr6(b)}]` : fmtNatAddr6(b));
      r += "=" + six(a.ipv6Min);
      if (a.ipv6Max && Buffer.compare(a.ipv6Max, a.ipv6Min) !== 0) r += `-${six(a.ipv6Max)}`;
    }
    if (a.protoMin) {
      r += `:${a.protoMin}`;
      if (a.protoMax !== undefined && a.protoMax !== a.protoMin) r += `-${a.protoMax}`;
    }
    args = r;
    if (a.flags & NatFlags.PERSISTENT) args += ",persistent";
    if (a.flags & NatFlags.PROTO_HASH) args += ",hash";
    if (a.flags & NatFlags.PROTO_RANDOM) args += ",random";
  }
  if (args !== "") s += `(${args})`;
  return s;
});

fmt(["ct_clear"], () => "ct_clear");

fmt(["clone"], (a, names) => `clone(${formatActions(a.actions, names)})`);

fmt(["delete_field"], (a) => `delete_field:${a.field === "unknown" ? `0x${a.header.toString(16)}` : a.field}`);

const ENCAP_TYPES = new Map([[0, "ethernet"], [0x1894f, "nsh"], [0x18847, "mpls"], [0x18848, "mpls_mc"]]);
fmt(["encap"], (a) => {
  // a TLV value as ovs-ofctl's ds_put_hex(): 0x and its bytes from the first non-zero one, or 0
  const hex = (b: Uint8Array) => {
    const i = b.findIndex((x) => x !== 0);
    return i < 0 ? "0" : "0x" + b[i]!.toString(16) + Array.from(b.subarray(i + 1), (x) => x.toString(16).padStart(2, "0")).join("");
  };
  const props = a.props.map((p) => (p.kind === "md_type" ? `md_type=${p.mdType}` : `tlv(0x${p.tlvClass.toString(16).padStart(4, "0")},${p.tlvType},${hex(p.value)})`));
  return `encap(${ENCAP_TYPES.get(a.packetType) ?? a.packetType}${props.length ? `(${props.join(",")})` : ""})`;
});

fmt(["decap", "dec_nsh_ttl", "debug_recirc", "debug_slow"], formatNshAction);

fmt(["check_pkt_larger"], (a) => `check_pkt_larger(${a.pktLen})->${formatSubField(a.dst)}`);

fmt(["multipath"], (a) => `multipath(${NX_HASH_FIELDS[a.fields] ?? a.fields},${a.basis},${MP_ALGS[a.algorithm] ?? a.algorithm},${a.maxLink + 1},${a.arg},${formatSubField(a.dst)})`);

fmt(["bundle"], (a, names) => {
  const f = fieldByHeader(a.memberType);
  const head = `${NX_HASH_FIELDS[a.fields] ?? a.fields},${a.basis},${BD_ALGS[a.algorithm] ?? a.algorithm},${f?.name === "in_port" ? "ofport" : "0x" + a.memberType.toString(16)}`;
  const members = `members:${names === undefined ? a.members.join(",") : a.members.map((m) => port16(m, names)).join(",")}`;
  return a.load && a.dst ? `bundle_load(${head},${formatSubField(a.dst)},${members})` : `bundle(${head},${members})`;
});

fmt(["learn"], (a, names) => formatLearn(a, names));

fmt(["experimenter"], (a) => `experimenter(0x${a.experimenter.toString(16)},${hexBytes(a.data)})`);

fmt(["unknown"], (a) => `unknown_action(${a.actionType})`);


function formatLearn(a: Extract<Action, { type: "learn" }>, names: NameMaps | undefined): string {
  let p = `table=${table(a.tableId, names)}`;
  if (a.idleTimeout) p += `,idle_timeout=${a.idleTimeout}`;
  if (a.hardTimeout) p += `,hard_timeout=${a.hardTimeout}`;
  if (a.finIdleTimeout) p += `,fin_idle_timeout=${a.finIdleTimeout}`;
  if (a.finHardTimeout) p += `,fin_hard_timeout=${a.finHardTimeout}`;
  if (a.priority !== 0x8000) p += `,priority=${a.priority}`;
  if (a.flags & LearnFlags.SEND_FLOW_REM) p += ",send_flow_rem";
  if (a.flags & LearnFlags.DELETE_LEARNED) p += ",delete_learned";
  if (a.cookie) p += `,cookie=${hexNum(a.cookie)}`;
  if (a.limit) p += `,limit=${a.limit}`;
  if (a.resultDst) p += `,result_dst=${formatSubField(a.resultDst)}`;
  for (const s of a.specs) p += "," + formatLearnSpec(s);
  return `learn(${p})`;
}

function sameSf(a: SubField, b: SubField): boolean {
  return a.header === b.header && a.ofs === b.ofs && a.nbits === b.nbits;
}

function formatLearnSpec(s: LearnSpec): string {
  const imm = (v: Uint8Array, dst: SubField | undefined): string => {
    const f = dst ? fieldByHeader(dst.header, dst.experimenter) : undefined;
    const val = bytesToBigInt(v);
    if (f && dst && dst.ofs === 0 && dst.nbits === nxWidth(f)) return `${formatValue(f, val, f.len)}`;
    return hexNum(val);
  };
  if (s.dst === "match") {
    const d = s.dstField!;
    if (s.src.kind === "field") return sameSf(s.src.sf, d) ? formatSubField(d) : `${formatSubField(d)}=${formatSubField(s.src.sf)}`;
    const f = fieldByHeader(d.header, d.experimenter);
    const whole = f && d.ofs === 0 && d.nbits === nxWidth(f);
    return whole ? `${setFieldName(f)}=${imm(s.src.value, d)}` : `${formatSubField(d)}=${hexNum(bytesToBigInt(s.src.value))}`;
  }
  if (s.dst === "load") {
    const src = s.src.kind === "field" ? formatSubField(s.src.sf) : hexNum(bytesToBigInt(s.src.value));
    return `load:${src}->${formatSubField(s.dstField!)}`;
  }
  return `output:${s.src.kind === "field" ? formatSubField(s.src.sf) : hexNum(bytesToBigInt(s.src.value))}`;
}
