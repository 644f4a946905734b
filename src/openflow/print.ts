/**
 * `ovs-ofctl ofp-print`-style rendering of decoded messages.
 *
 * @module
 */
import { errorCodeName, errorTypeName, nxErrorName } from "./constants.js";
import { type OfMessage, type TlvMapping, OFP_HEADER_LEN, decodeMessage, encodeMessage } from "./messages.js";
import { decodeContinuation, formatContinuation } from "./continuation.js";
import { DecodeError } from "../bytes/decode-error.js";
import { type NameMaps, formatActions, formatFlowMod, formatMatch } from "./flowtext.js";
import { hex32 } from "./text/values.js";
import { formatOf10Message } from "./v10/print.js";
import { formatOf10RawMatch } from "./v10/raw-match.js";
import { NXET_VENDOR, nx10ErrorName } from "./v10/nicira-errors.js";
import type { Of10Message } from "./v10/messages.js";
import { errorName14, formatGroupMod, formatVersioned, packetOutInPort, roleStatusText, tableModText } from "./versions/print.js";
import { duration, flagNames, hexDump } from "./print-common.js";
import { featuresReplyText, formatPortDesc, portModText } from "./print-ports.js";
import { groupText, meterText, multipartName, multipartReplyText, multipartRequestText } from "./print-multipart.js";
import { packetSummary, withPacketDump } from "./print-packet.js";
import { ctFlushText } from "./ct-flush.js";

export { formatDuration, hexDump } from "./print-common.js";
export { formatPortDesc } from "./print-ports.js";
export { formatFlowStats } from "./print-multipart.js";
export { packetSummary } from "./print-packet.js";

const VERSION_NAMES: Record<number, string> = { 1: "OF1.0", 2: "OF1.1", 3: "OF1.2", 4: "OF1.3", 5: "OF1.4", 6: "OF1.5" };

const TYPE_NAMES: Record<string, string> = {
  hello: "OFPT_HELLO",
  error: "OFPT_ERROR",
  echo_request: "OFPT_ECHO_REQUEST",
  echo_reply: "OFPT_ECHO_REPLY",
  features_request: "OFPT_FEATURES_REQUEST",
  features_reply: "OFPT_FEATURES_REPLY",
  get_config_request: "OFPT_GET_CONFIG_REQUEST",
  get_config_reply: "OFPT_GET_CONFIG_REPLY",
  set_config: "OFPT_SET_CONFIG",
  packet_in: "OFPT_PACKET_IN",
  flow_removed: "OFPT_FLOW_REMOVED",
  port_status: "OFPT_PORT_STATUS",
  packet_out: "OFPT_PACKET_OUT",
  flow_mod: "OFPT_FLOW_MOD",
  group_mod: "OFPT_GROUP_MOD",
  port_mod: "OFPT_PORT_MOD",
  table_mod: "OFPT_TABLE_MOD",
  barrier_request: "OFPT_BARRIER_REQUEST",
  barrier_reply: "OFPT_BARRIER_REPLY",
  role_request: "OFPT_ROLE_REQUEST",
  role_reply: "OFPT_ROLE_REPLY",
  get_async_request: "OFPT_GET_ASYNC_REQUEST",
  get_async_reply: "OFPT_GET_ASYNC_REPLY",
  set_async: "OFPT_SET_ASYNC",
  meter_mod: "OFPT_METER_MOD",
  bundle_control: "ONFT_BUNDLE_CONTROL",
  bundle_add: "ONFT_BUNDLE_ADD_MESSAGE",
  nx_set_packet_in_format: "NXT_SET_PACKET_IN_FORMAT",
  nx_ct_flush: "NXT_CT_FLUSH",
  nx_tlv_table_mod: "NXT_TLV_TABLE_MOD",
  nx_tlv_table_request: "NXT_TLV_TABLE_REQUEST",
  nx_tlv_table_reply: "NXT_TLV_TABLE_REPLY",
  nx_packet_in2: "NXT_PACKET_IN2",
  nx_resume: "NXT_RESUME",
  experimenter: "OFPT_EXPERIMENTER",
  role_status: "OFPT_ROLE_STATUS",
  requestforward: "OFPT_REQUESTFORWARD",
  table_status: "OFPT_TABLE_STATUS",
  queue_get_config_request: "OFPT_QUEUE_GET_CONFIG_REQUEST",
  queue_get_config_reply: "OFPT_QUEUE_GET_CONFIG_REPLY",
};

/** The ONF experimenter ID ("ONF\0"). */
const ONF_EXPERIMENTER = 0x4f4e4600;
/** ONF experimenter messages of OpenFlow 1.3 that Open vSwitch prints (ONF extension numbers). */
const ONF_MESSAGES: Record<number, string> = {
  1870: "ONFT_FLOW_MONITOR_CANCEL",
  1871: "ONFT_FLOW_MONITOR_PAUSED",
  1872: "ONFT_FLOW_MONITOR_RESUMED",
  1911: "ONFT_ROLE_STATUS",
};

/** The body of an ONF experimenter message as ovs-ofctl prints it, or undefined for one it refuses. */
function onfText(expType: number, data: Uint8Array): string | undefined {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (expType) {
    case 1870:
      return data.length === 4 ? ` id=${v.getUint32(0)}` : undefined;
    case 1871:
    case 1872:
      return data.length === 0 ? "" : undefined;
    case 1911: {
      if (data.length !== 16) return undefined;
      return roleStatusText(v.getUint32(0), data[4]!, v.getBigUint64(8));
    }
  }
  return undefined;
}

const GROUP_COMMANDS: Record<number, string> = { 0: "ADD", 1: "MOD", 2: "DEL", 0x8000: "ADD_OR_MOD" };

function typeName(m: OfMessage): string {
  if (m.type === "multipart_request" || m.type === "multipart_reply") return multipartName(m);
  if (m.type === "rejected") return m.name;
  // OpenFlow 1.4 made bundles standard messages
  if ((m.type === "bundle_control" || m.type === "bundle_add") && m.version >= 5) return m.type === "bundle_control" ? "OFPT_BUNDLE_CONTROL" : "OFPT_BUNDLE_ADD_MESSAGE";
  if (m.type === "experimenter" && m.experimenter === ONF_EXPERIMENTER && ONF_MESSAGES[m.expType]) return ONF_MESSAGES[m.expType]!;
  return TYPE_NAMES[m.type] ?? m.type;
}

const ASYNC_NAMES: readonly (readonly string[])[] = [
  ["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"],
  ["add", "delete", "modify"],
  ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"],
];

function fmtAsync(masks: readonly number[]): string {
  const out: string[] = [];
  for (const [role, off] of [
    ["primary", 0],
    ["secondary", 1],
  ] as const) {
    out.push(` ${role}:`);
    const labels = ["       PACKET_IN:", "     PORT_STATUS:", "    FLOW_REMOVED:"];
    for (let k = 0; k < 3; k++) {
      const m = masks[k * 2 + off] ?? 0;
      const names = ASYNC_NAMES[k]!.filter((_, i) => m & (1 << i));
      out.push(`${labels[k]}${names.length ? names.map((n) => " " + n).join("") : " (off)"}`);
    }
    out.push("     ROLE_STATUS: (off)", "    TABLE_STATUS: (off)", "  REQUESTFORWARD: (off)");
    if (role === "primary") out.push("");
  }
  return out.join("\n");
}

const BUNDLE_TYPES = ["OPEN_REQUEST", "OPEN_REPLY", "CLOSE_REQUEST", "CLOSE_REPLY", "COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY"];

function bundleFlags(f: number): string {
  const n = flagNames(f, [
    [1, "atomic"],
    [2, "ordered"],
  ]);
  return n.length ? n.join(" ") : "0";
}

/** The NXTTMFC_* error OVS reports for a TLV mapping list it refuses, if any. */
function tlvMappingError(maps: readonly TlvMapping[]): string | undefined {
  for (const t of maps) {
    if (t.optionLen % 4 || t.optionLen > 124) return "NXTTMFC_BAD_OPT_LEN";
    if (t.index >= 64) return "NXTTMFC_BAD_FIELD_IDX";
  }
  return undefined;
}

/** ovs-ofctl's TLV mapping table (`dump-tlv-map`, and NXT_TLV_TABLE_MOD/REPLY printing). */
export function formatTlvMappings(maps: readonly TlvMapping[]): string {
  const hx = (v: number) => (v ? `0x${v.toString(16)}` : "0");
  const rows = maps.map((t) => ` ${hx(t.optionClass).padStart(6)}  ${hx(t.optionType).padStart(4)}  ${String(t.optionLen).padStart(6)}  tun_metadata${t.index}`);
  return ["  class  type  length  match field", " ------  ----  ------  --------------", ...rows].join("\n");
}

/**
 * The OpenFlow error Open vSwitch's meter_mod decoder gives a METER_MOD (OpenFlow 1.3.5 §7.3.4.4), if any:
 * an unknown command (`OFPMMFC_BAD_COMMAND`), both KBPS and PKTPS (`OFPMMFC_BAD_FLAGS`), a band other than
 * drop or dscp_remark (`OFPMMFC_BAD_BAND`). A DELETE's flags and bands are not looked at.
 */
export function meterModError(m: Extract<OfMessage, { type: "meter_mod" }>): string | undefined {
  if (m.command > 2) return "OFPMMFC_BAD_COMMAND";
  if (m.command === 2) return undefined;
  if ((m.flags & 1) !== 0 && (m.flags & 2) !== 0) return "OFPMMFC_BAD_FLAGS";
  if (m.bands.some((b) => b.bandType !== 1 && b.bandType !== 2)) return "OFPMMFC_BAD_BAND";
  return undefined;
}

/** True when a hello (whole message) carries a version bitmap element whose first word names a version. */
function helloBitmapUsable(msg: Uint8Array): boolean {
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  let usable = false;
  for (let at = OFP_HEADER_LEN; at + 4 <= msg.length; ) {
    const type = v.getUint16(at);
    const len = v.getUint16(at + 2);
    if (len < 4 || at + ((len + 7) & ~7) > msg.length + 0) break;
    if (type === 1 && len >= 8 && (len - 4) % 4 === 0 && (v.getUint32(at + 4) & ~1) !== 0) usable = true;
    at += (len + 7) & ~7;
  }
  return usable;
}

/** Options of {@link formatMessage}. */
export interface FormatOptions {
  /**
   * ovs-ofctl's verbosity: above 2, packet-ins and packet-outs are followed by a hex dump of the packet.
   * @default 2
   */
  readonly verbosity?: number | undefined;
  /**
   * The message's bytes: at verbosity 3 and above, OpenFlow 1.0 and NXT_FLOW_MOD flow_mods print their
   * match as sent (the ofp10_match or the raw NXM entries) from them, as ovs-ofctl does.
   */
  readonly raw?: Uint8Array | undefined;
  /**
   * Prints the ports and tables of flow stats (table, match and actions) and port stats replies: ovs-ofctl's
   * port and table maps, for `--names`. Default: numbers and reserved names.
   */
  readonly names?: NameMaps | undefined;
}

/** Renders a decoded message like `ovs-ofctl ofp-print` does. */
export function formatMessage(m: OfMessage, opts: FormatOptions = {}): string {
  const ver = m.version === 1 ? "" : ` (${VERSION_NAMES[m.version] ?? `OF 0x${m.version.toString(16).padStart(2, "0")}`})`;
  // the most common message first: a flow_mod is its header and its body (no OpenFlow 1.0 form, no flags)
  if (m.type === "flow_mod") {
    // OpenFlow 1.0's ofp10_match at verbosity 3: after the 8-byte header
    const raw = m.version === 1 && (opts.verbosity ?? 2) >= 3 && opts.raw && opts.raw.length >= 48 ? formatOf10RawMatch(opts.raw, 8) : undefined;
    return `OFPT_FLOW_MOD${ver} (xid=0x${hex32(m.xid)}): ${formatFlowMod(m, raw)}`;
  }
  const verbosity = opts.verbosity ?? 2;
  let head = `${typeName(m)}${ver} (xid=0x${hex32(m.xid)}):`;
  let tail = `${ver} (xid=0x${hex32(m.xid)}):`;
  if ((m.type === "multipart_request" || m.type === "multipart_reply") && m.flags) {
    const flags = " flags=" + (m.flags & 1 ? "[more]" : "") + (m.flags & ~1 ? `[***unknown flags 0x${(m.flags & ~1).toString(16).padStart(4, "0")}***]` : "");
    head += flags;
    tail += flags;
  }
  // OpenFlow 1.0 and its Nicira messages where they print differently (v10/print.ts)
  const of10 = formatOf10Message(m, tail, opts);
  if (of10 !== undefined) return of10;
  switch (m.type) {
    case "hello": {
      // Open vSwitch keeps the first 32 bits of the bitmap, never version 0; without a usable bitmap, every
      // version up to the header's (at most 0x1f)
      let vs = m.versions.filter((v) => v >= 1 && v < 32);
      if (!vs.length || (m.unknownData && !helloBitmapUsable(m.unknownData))) vs = Array.from({ length: Math.min(m.version, 31) }, (_, i) => i + 1);
      const text = `${head}\n version bitmap: ${vs.map((v) => `0x${v.toString(16).padStart(2, "0")}`).join(", ")}`;
      return m.unknownData ? `${text}\n unknown data in hello:\n${hexDump(m.unknownData)}` : text;
    }
    case "error": {
      const nx = m.errType === 0xffff && m.experimenter === 0x2320 ? nxErrorName(m.code) : undefined;
      // OpenFlow 1.0/1.1 Nicira vendor error: nx_vendor_error (vendor, type, code), then the request
      const v = m.version <= 2 && m.errType === NXET_VENDOR && m.data.length >= 8 ? new DataView(m.data.buffer, m.data.byteOffset, 8) : undefined;
      const nx10 = v && v.getUint32(0) === 0x2320 ? nx10ErrorName(v.getUint16(4), v.getUint16(6)) : undefined;
      const data = nx10 ? m.data.subarray(8) : m.data;
      const name = nx10 ?? nx ?? errorName14(m.version, m.errType, m.code) ?? errorCodeName(m.errType, m.code) ?? `${errorTypeName(m.errType)}(${m.code})`;
      let s = `${head} ${name}`;
      if (data.length >= 8) {
        let inner: OfMessage | undefined;
        try {
          inner = decodeMessage(data);
        } catch {
          inner = undefined;
        }
        s += "\n" + (inner ? formatMessage(inner) : `***decode error: OFPBRC_BAD_LEN***\n${hexDump(data)}`);
      } else if (data.length) s += `\nOpenFlow packet too short (only ${data.length} bytes):\n${hexDump(data)}`;
      return s;
    }
    case "echo_request":
    case "echo_reply":
      // the payload's hex dump only above verbosity 1 (ofp_print_echo())
      return `${head} ${m.data.length} bytes of payload${m.data.length && verbosity > 1 ? "\n" + hexDump(m.data) : ""}`;
    case "features_request":
    case "get_config_request":
    case "barrier_request":
    case "barrier_reply":
    case "get_async_request":
      return head;
    case "features_reply":
      return featuresReplyText(head, m);
    case "get_config_reply":
    case "set_config":
      return `${head} frags=${["normal", "drop", "reassemble", "nx-match"][m.flags & 3]} miss_send_len=${m.missSendLen}`;
    case "packet_in": {
      let s = head;
      if (m.tableId !== 0) s += ` table_id=${m.tableId}`;
      if (m.cookie !== 0xffffffffffffffffn) s += ` cookie=0x${m.cookie.toString(16)}`;
      s += ` total_len=${m.totalLen} ${formatMatch(m.match)} (via ${["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"][m.reason] ?? m.reason}) data_len=${m.data.length}`;
      s += m.bufferId === 0xffffffff ? " (unbuffered)" : ` buffer=0x${m.bufferId.toString(16).padStart(8, "0")}`;
      const sum = packetSummary(m.data);
      return withPacketDump(sum ? `${s}\n${sum}` : s, m.data, verbosity);
    }
    case "packet_out": {
      let s = `${head} ${packetOutInPort(m)} actions=${m.actions.length ? formatActions(m.actions) : "drop"}`;
      if (m.bufferId !== 0xffffffff) return `${s} buffer=0x${m.bufferId.toString(16).padStart(8, "0")}`;
      s += ` data_len=${m.data.length}`;
      // the packet itself from verbosity 1 on (ofputil_packet_out_format())
      const sum = verbosity > 0 ? packetSummary(m.data) : undefined;
      return withPacketDump(sum ? `${s}\n${sum}` : s, m.data, verbosity);
    }
    case "flow_removed": {
      const reasons = ["idle", "hard", "delete", "group_delete", "meter_delete", "eviction"];
      return `${head} ${formatMatch(m.match, m.priority)} reason=${reasons[m.reason] ?? m.reason}${m.tableId !== 255 ? ` table_id=${m.tableId}` : ""}${m.cookie !== 0n ? ` cookie:0x${m.cookie.toString(16)}` : ""} duration${duration(m.durationSec, m.durationNsec)} idle${m.idleTimeout}${m.hardTimeout ? ` hard${m.hardTimeout}` : ""} pkts${m.packetCount} bytes${m.byteCount}`;
    }
    case "port_status":
      return `${head} ${["ADD", "DEL", "MOD"][m.reason] ?? m.reason}: ${formatPortDesc(m.port)}`;
    case "group_mod":
      if (m.version >= 5) return head + formatGroupMod(m);
      return `${head}\n ${GROUP_COMMANDS[m.command] ?? m.command} ${groupText(m.groupId, m.groupType, m.buckets)}`;
    case "port_mod":
      return portModText(head, m);
    case "table_mod":
      if (m.version !== 4) return head + tableModText(m.version, m.tableId, m.config);
      return `${head} table_id=${m.tableId === 255 ? "ALL" : m.tableId}`;
    case "role_request":
    case "role_reply":
      return `${head} role=${["nochange", "equal", "primary", "secondary"][m.role] ?? m.role}${m.role === 0 ? "" : ` generation_id=${m.generationId}`}`;
    case "get_async_reply":
    case "set_async":
      return `${head}\n${fmtAsync(m.masks)}`;
    case "meter_mod": {
      const bad = meterModError(m);
      if (bad) return `${head} ***decode error: ${bad}***\n${hexDump(encodeMessage(m))}`;
      return `${head} ${["ADD", "MOD", "DEL"][m.command] ?? m.command} ${meterText(m.meterId, m.flags, m.bands)}`;
    }
    case "bundle_control":
      return `${head}\n bundle_id=${m.bundleId ? `0x${m.bundleId.toString(16)}` : "0"} type=${BUNDLE_TYPES[m.bundleType] ?? m.bundleType} flags=${bundleFlags(m.flags)}`;
    case "bundle_add": {
      let inner: string;
      try {
        inner = formatMessage(decodeMessage(m.message));
      } catch {
        inner = hexDump(m.message);
      }
      return `${head}\n bundle_id=${m.bundleId ? `0x${m.bundleId.toString(16)}` : "0"} flags=${bundleFlags(m.flags)}\n${inner}`;
    }
    case "multipart_request":
      return multipartRequestText(head, m);
    case "multipart_reply":
      return multipartReplyText(head, m, opts.names);
    case "nx_ct_flush":
      return head + ctFlushText(m);
    case "nx_set_packet_in_format":
      return `${head} format=${["standard", "nxt_packet_in", "nxt_packet_in2"][m.format] ?? m.format}`;
    case "nx_packet_in2":
    case "nx_resume": {
      let cont: string[] = [];
      if (m.continuation) {
        try {
          cont = formatContinuation(decodeContinuation(m.continuation));
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          return `${head} ***decode error: OFPBPC_BAD_LEN***\n${hexDump(encodeMessage(m))}`;
        }
      }
      let s = head;
      if (m.tableId) s += ` table_id=${m.tableId}`;
      if (m.cookie !== undefined && m.cookie !== 0xffffffffffffffffn) s += ` cookie=0x${m.cookie.toString(16)}`;
      s += ` total_len=${m.fullLen ?? m.packet?.length ?? 0}`;
      const md = m.metadata ? formatMatch(m.metadata) : "";
      if (md) s += ` ${md}`;
      s += ` (via ${["no_match", "action", "invalid_ttl", "action_set", "group", "packet_out"][m.reason ?? 0] ?? m.reason})`;
      s += ` data_len=${m.packet?.length ?? 0}`;
      if (m.bufferId !== undefined) s += ` buffer=0x${m.bufferId.toString(16).padStart(8, "0")}`;
      else s += " (unbuffered)";
      if (m.userdata) s += `\n userdata=${Array.from(m.userdata, (x) => x.toString(16).padStart(2, "0")).join(".")}`;
      if (cont.length) s += "\n" + cont.join("\n");
      const sum = m.packet ? packetSummary(m.packet) : undefined;
      return sum ? `${s}\n${sum}` : s;
    }
    case "nx_tlv_table_request":
      return head;
    case "nx_tlv_table_mod":
    case "nx_tlv_table_reply": {
      const bad = m.type === "nx_tlv_table_mod" && m.command > 2 ? "NXTTMFC_BAD_COMMAND" : tlvMappingError(m.mappings);
      if (bad) return `${head} ***decode error: ${bad}***\n${hexDump(encodeMessage(m))}`;
      if (m.type === "nx_tlv_table_mod") {
        const cmd = ["ADD", "DEL", "CLEAR"][m.command]!;
        return m.command === 2 ? `${head}\n ${cmd}` : `${head}\n ${cmd} mapping table:\n${formatTlvMappings(m.mappings)}`;
      }
      const used = m.mappings.reduce((n, t) => n + t.optionLen, 0);
      return `${head}\n max option space=${m.maxOptionSpace} max fields=${m.maxFields}\n allocated option space=${used}\n\n mapping table:\n${formatTlvMappings(m.mappings)}`;
    }
    case "experimenter": {
      const onf = m.experimenter === ONF_EXPERIMENTER && m.version >= 4 && ONF_MESSAGES[m.expType] ? onfText(m.expType, m.data) : undefined;
      if (onf !== undefined) return head + onf;
      // a known ONF message of the wrong length is OFPBRC_BAD_LEN, an unknown experimenter OFPBRC_BAD_VENDOR
      const bad = m.experimenter === ONF_EXPERIMENTER && m.version >= 4 && ONF_MESSAGES[m.expType] ? "OFPBRC_BAD_LEN" : "OFPBRC_BAD_VENDOR";
      return `***decode error: ${bad}***\n${hexDump(encodeMessage(m))}`;
    }
    case "unknown":
      return `***decode error: OFPBRC_BAD_TYPE***\n${hexDump(encodeMessage(m))}`;
    default:
      // the OpenFlow 1.0 / Nicira-only messages were printed by formatOf10Message above
      return formatVersioned(m as Exclude<typeof m, Of10Message>, head, hexDump);
  }
}
