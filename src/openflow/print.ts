/**
 * `ovs-ofctl ofp-print`-style rendering of decoded messages.
 *
 * @module
 */
import { toHex } from "./bytes.js";
import { errorCodeName, errorTypeName, OfpType } from "./constants.js";
import { type FlowStats, type OfMessage, decodeMessage } from "./messages.js";
import { formatActions, formatFlowMod, formatInstructions, formatMatch, formatPort } from "./flowtext.js";

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
  bundle_control: "OFPT_BUNDLE_CONTROL",
  bundle_add: "OFPT_BUNDLE_ADD_MESSAGE",
  experimenter: "OFPT_EXPERIMENTER",
};

const MP_NAMES: Record<string, string> = {
  desc: "OFPST_DESC",
  flow: "OFPST_FLOW",
  aggregate: "OFPST_AGGREGATE",
  table: "OFPST_TABLE",
  port_stats: "OFPST_PORT",
  port_desc: "OFPST_PORT_DESC",
  group: "OFPST_GROUP",
  group_desc: "OFPST_GROUP_DESC",
  meter: "OFPST_METER",
  meter_config: "OFPST_METER_CONFIG",
};

function typeName(m: OfMessage): string {
  if (m.type === "multipart_request" || m.type === "multipart_reply") {
    const kind = m.body.kind === "raw" ? `OFPST_${m.body.mpType}` : (MP_NAMES[m.body.kind] ?? m.body.kind);
    return `${kind} ${m.type === "multipart_request" ? "request" : "reply"}`;
  }
  if (m.type === "unknown") return `OFPT_UNKNOWN_${m.msgType}`;
  return TYPE_NAMES[m.type] ?? m.type;
}

function duration(sec: number, nsec: number): string {
  return `${sec}.${String(Math.floor(nsec / 1e6)).padStart(3, "0")}s`;
}

/** Formats one flow-stats entry as `ovs-ofctl dump-flows` prints it (without the leading space). */
export function formatFlowStats(f: FlowStats, opts: { noStats?: boolean } = {}): string {
  const parts: string[] = [];
  if (!opts.noStats) {
    if (f.cookie !== 0n) parts.push(`cookie=0x${f.cookie.toString(16)}`);
    else parts.push("cookie=0x0");
    parts.push(`duration=${duration(f.durationSec, f.durationNsec)}`);
  } else if (f.cookie !== 0n) parts.push(`cookie=0x${f.cookie.toString(16)}`);
  if (f.tableId !== 0 || !opts.noStats) parts.push(`table=${f.tableId}`);
  if (!opts.noStats) {
    parts.push(`n_packets=${f.packetCount}`);
    parts.push(`n_bytes=${f.byteCount}`);
  }
  if (f.idleTimeout) parts.push(`idle_timeout=${f.idleTimeout}`);
  if (f.hardTimeout) parts.push(`hard_timeout=${f.hardTimeout}`);
  if (f.flags & 1) parts.push("send_flow_rem");
  if (f.flags & 2) parts.push("check_overlap");
  if (f.flags & 4) parts.push("reset_counts");
  if (f.flags & 8) parts.push("no_packet_counts");
  if (f.flags & 16) parts.push("no_byte_counts");
  const m = formatMatch(f.match, f.priority);
  let s = parts.join(", ");
  if (s) s += ", ";
  if (m) s += m + " ";
  return `${s}actions=${formatInstructions(f.instructions)}`;
}

/** Renders a decoded message like `ovs-ofctl ofp-print` (first line `OFPT_X (OF1.3) (xid=0x1): ...`). */
export function formatMessage(m: OfMessage): string {
  const head = `${typeName(m)} (${VERSION_NAMES[m.version] ?? `OF 0x${m.version.toString(16)}`}) (xid=0x${m.xid.toString(16)}):`;
  switch (m.type) {
    case "flow_mod":
      return `${head} ${formatFlowMod(m)}`;
    case "hello":
      return `${head}\n version bitmap: ${m.versions.map((v) => `0x${v.toString(16).padStart(2, "0")}`).join(", ")}`;
    case "error": {
      const name = errorCodeName(m.errType, m.code) ?? `${errorTypeName(m.errType)}(${m.code})`;
      let s = `${head} ${name}`;
      if (m.data.length >= 8) {
        try {
          s += `\n${formatMessage(decodeMessage(m.data))}`;
        } catch {
          s += `\n(***truncated to ${m.data.length} bytes from ${toHex(m.data)}***)`;
        }
      }
      return s;
    }
    case "echo_request":
    case "echo_reply":
      return `${head} ${m.data.length} bytes of payload`;
    case "features_reply":
      return `${head} dpid:${m.datapathId.toString(16).padStart(16, "0")}\nn_tables:${m.nTables}, n_buffers:${m.nBuffers}\ncapabilities: 0x${m.capabilities.toString(16)}`;
    case "get_config_reply":
    case "set_config":
      return `${head} frags=${["normal", "drop", "reassemble", "nx-match"][m.flags & 3]} miss_send_len=${m.missSendLen}`;
    case "packet_in":
      return `${head} total_len=${m.totalLen} ${formatMatch(m.match)} (via ${["no_match", "action", "invalid_ttl"][m.reason] ?? m.reason}) data_len=${m.data.length}`;
    case "packet_out":
      return `${head} in_port=${formatPort(m.inPort)} actions=${formatActions(m.actions)} data_len=${m.data.length}`;
    case "flow_removed":
      return `${head} ${formatMatch(m.match, m.priority)} reason=${["idle", "hard", "delete", "group_delete"][m.reason] ?? m.reason} table_id=${m.tableId} duration${duration(m.durationSec, m.durationNsec)} idle${m.idleTimeout} pkts${m.packetCount} bytes${m.byteCount}`;
    case "role_request":
    case "role_reply":
      return `${head} role=${["nochange", "equal", "master", "slave"][m.role] ?? m.role} generation_id=${m.generationId}`;
    case "multipart_reply":
      if (m.body.kind === "flow") return `${head}\n${m.body.flows.map((f) => " " + formatFlowStats(f)).join("\n")}`;
      if (m.body.kind === "aggregate") return `${head} packet_count=${m.body.packetCount} byte_count=${m.body.byteCount} flow_count=${m.body.flowCount}`;
      return head;
    case "multipart_request":
      if (m.body.kind === "flow" || m.body.kind === "aggregate") {
        const q = m.body.request;
        const t = q.tableId !== 255 ? ` table_id=${q.tableId}` : "";
        const mm = formatMatch(q.match);
        return `${head}${t}${mm ? " " + mm : ""}`;
      }
      return head;
    case "unknown":
      return `${head} (type ${OfpType.EXPERIMENTER === m.msgType ? "experimenter" : m.msgType}) ${toHex(m.body)}`;
    default:
      return head;
  }
}
