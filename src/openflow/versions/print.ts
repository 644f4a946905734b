/**
 * `ovs-ofctl ofp-print` rendering of what differs by OpenFlow version (1.1, 1.2, 1.4, 1.5): the
 * version-only messages of {@link VersionedMessage}, feature capability names, OpenFlow 1.5 groups
 * with bucket ids and selection methods, table-mod configuration, port statistics extensions, error
 * names; the raw multipart bodies are in bodies.ts.
 *
 * @module
 */
import { OfpVersion } from "../constants.js";
import { fieldByHeader } from "../oxm.js";
import { type NameMaps, formatActions, formatMatch, formatPort, formatValue, setFieldName } from "../flowtext.js";
import { formatQueueConfigs, tableDescs } from "./bodies.js";
import { type Bucket, type GroupProps, type MeterBand, type OfMessage, type PortStats, decodeMessage, encodeMessage } from "../messages.js";
import type { VersionedMessage } from "./types.js";

const flagNames = (v: number, names: ReadonlyArray<readonly [number, string]>): string[] => names.filter(([b]) => v & b).map(([, n]) => n);

/** `ofp_capabilities` names as Open vSwitch prints them for `version`. */
export function capabilityNames(version: number, caps: number): string {
  const names: [number, string][] = [
    [0x1, "FLOW_STATS"],
    [0x2, "TABLE_STATS"],
    [0x4, "PORT_STATS"],
  ];
  if (version >= OfpVersion.OF11) names.push([0x8, "GROUP_STATS"]);
  if (version === OfpVersion.OF10) names.push([0x8, "STP"]);
  names.push([0x20, "IP_REASM"], [0x40, "QUEUE_STATS"]);
  if (version <= OfpVersion.OF11) names.push([0x80, "ARP_MATCH_IP"]);
  if (version >= OfpVersion.OF12) names.push([0x100, "PORT_BLOCKED"]);
  if (version >= OfpVersion.OF14) names.push([0x200, "BUNDLES"], [0x400, "FLOW_MONITORING"]);
  return flagNames(caps, names).join(" ");
}

/** The text after ` table_id=N` of a table_mod, as Open vSwitch prints it for `version`. */
export function tableModText(version: number, tableId: number, config: number): string {
  let s = tableId === 0xff ? " table_id: ALL_TABLES" : ` table_id=${tableId}`;
  if (version === OfpVersion.OF11 || version === OfpVersion.OF12) s += `, flow_miss_config=${["controller", "continue", "drop", "controller"][config & 3]}`;
  if (version >= OfpVersion.OF14) s += `, eviction=${config & 4 ? "on" : "off"}, vacancy=${config & 8 ? "on" : "off"}`;
  return s;
}

/** Open vSwitch's field order (`enum mf_field_id`) for the fields a selection method can hash. */
const FIELD_ORDER = [
  "in_port", "dl_src", "dl_dst", "dl_type", "vlan_tci", "vlan_vid", "vlan_pcp", "mpls_label", "mpls_tc", "mpls_bos",
  "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "ipv6_label", "nw_proto", "ip_dscp", "nw_ecn", "arp_op", "arp_spa", "arp_tpa",
  "arp_sha", "arp_tha", "tcp_src", "tcp_dst", "udp_src", "udp_dst", "sctp_src", "sctp_dst", "icmp_type", "icmp_code",
  "icmpv6_type", "icmpv6_code", "nd_target", "nd_sll", "nd_tll",
];

function fieldRank(name: string): number {
  const i = FIELD_ORDER.indexOf(name);
  return i < 0 ? FIELD_ORDER.length : i;
}

const GROUP_TYPE_NAMES = ["all", "select", "indirect", "ff", "unknown"];

function bucketId(prefix: string, id: number, version: number): string {
  // OpenFlow 1.5 and Open vSwitch's NXT_GROUP_MOD (OpenFlow 1.0) carry bucket ids
  if (version < OfpVersion.OF15 && version !== OfpVersion.OF10) return "";
  const name = id === 0xfffffffd ? "first" : id === 0xfffffffe ? "last" : id === 0xffffffff ? "all" : String(id);
  return `${prefix}${name},`;
}

/** One group as Open vSwitch's ofp_print_group() prints it (bucket ids and selection method from OpenFlow 1.5; `names` for `--names`). */
export function formatGroup(version: number, groupId: number, groupType: number, buckets: readonly Bucket[], props: GroupProps, suppressType = false, names?: NameMaps): string {
  let s = `group_id=${groupId}`;
  if (!suppressType) s += `,type=${GROUP_TYPE_NAMES[Math.min(groupType, 4)]}`;
  if (props.selectionMethod) {
    s += `,selection_method=${props.selectionMethod}`;
    if (props.selectionMethodParam) s += `,selection_method_param=${props.selectionMethodParam}`;
    // hash fields carry their masks as values; printed in Open vSwitch's field order, all-ones masks bare
    const fields = [...(props.fields ?? [])]
      .sort((a, b) => fieldRank(a.field) - fieldRank(b.field))
      .map((f) => {
        const def = fieldByHeader(f.header, f.experimenter);
        const name = def ? setFieldName(def) : f.field;
        const mask = f.mask ?? f.value;
        if (mask.every((x) => x === 0xff) || !def) return name;
        let v = 0n;
        for (const x of mask) v = (v << 8n) | BigInt(x);
        return `${name}=${formatValue(def, v, mask.length)}`;
      });
    if (fields.length === 1) s += `,fields=${fields[0]}`;
    else if (fields.length > 1) s += `,fields(${fields.join(",")})`;
  }
  s += ",";
  for (const b of buckets) {
    s += "bucket=" + bucketId("bucket_id:", b.bucketId ?? 0, version);
    if (b.weight !== (groupType === 1 ? 1 : 0)) s += `weight:${b.weight},`;
    if (b.watchPort !== 0xffffffff) s += `watch_port:${(names?.port ?? formatPort)(b.watchPort)},`;
    if (b.watchGroup !== 0xffffffff) s += `watch_group:${b.watchGroup},`;
    s += `actions=${b.actions.length ? formatActions(b.actions, names) : "drop"},`;
  }
  return s.replace(/,$/, "");
}

const GROUP_COMMANDS: Record<number, string> = { 0: "ADD", 1: "MOD", 2: "DEL", 3: "INSERT_BUCKET", 5: "REMOVE_BUCKET", 0x8000: "ADD_OR_MOD" };

/** The body of a group_mod as Open vSwitch prints it (a line break, then the command and the group). */
export function formatGroupMod(m: Extract<OfMessage, { type: "group_mod" }>): string {
  const bucketCommand = m.command === 3 || m.command === 5;
  let s = `\n ${GROUP_COMMANDS[m.command] ?? `cmd:${m.command}`} `;
  if (bucketCommand) s += bucketId("command_bucket_id:", m.commandBucketId ?? 0, m.version);
  return s + formatGroup(m.version, m.groupId, m.groupType, m.buckets, m, bucketCommand);
}

/** A meter configuration as Open vSwitch's ofputil_format_meter_config() prints it (without the final line break). */
export function formatMeterConfig(meterId: number, flags: number, bands: readonly MeterBand[]): string {
  const id = meterId === 0xffff0000 ? "slowpath" : meterId === 0xffff0001 ? "controller" : meterId === 0xffffffff ? "all" : String(meterId);
  let s = `meter=${id} `;
  for (const [bit, name] of [
    [1, "kbps"],
    [2, "pktps"],
    [4, "burst"],
    [8, "stats"],
  ] as const)
    if (flags & bit) s += `${name} `;
  if (flags & ~0xf) s += `flags:0x${(flags & ~0xf).toString(16)} `;
  s += "bands=";
  for (const b of bands) {
    s += `\ntype=${b.bandType === 1 ? "drop" : b.bandType === 2 ? "dscp_remark" : b.bandType} rate=${b.rate}`;
    if (flags & 4) s += ` burst_size=${b.burstSize}`;
    if (b.bandType === 2) s += ` prec_level=${b.precLevel ?? 0}`;
  }
  return s;
}

const ROLES = ["nochange", "equal", "primary", "secondary"];
const ROLE_STATUS_REASONS = ["primary_request", "configuration_changed", "experimenter_data_changed"];

/** Role status text (OpenFlow 1.4 OFPT_ROLE_STATUS and the ONF extension of 1.3). */
export function roleStatusText(role: number, reason: number, generationId: bigint): string {
  const r = ROLE_STATUS_REASONS[reason] ?? `unknown_reason(${reason})`;
  return ` role=${ROLES[role] ?? role}${generationId === 0xffffffffffffffffn ? "" : ` generation_id=${generationId}`} reason=${r}`;
}

/**
 * Renders a version-only message after its header line `head` (`NAME (OFx.y) (xid=0x..):`).
 * @param format - renders a whole message (for the request carried in a request-forward)
 */
export function formatVersioned(m: VersionedMessage, head: string, hexDump: (b: Uint8Array) => string): string {
  switch (m.type) {
    case "role_status":
      return head + roleStatusText(m.role, m.reason, m.generationId);
    case "requestforward": {
      let inner: OfMessage | undefined;
      try {
        inner = decodeMessage(m.request);
      } catch {
        inner = undefined;
      }
      if (inner?.type === "group_mod") return `${head} reason=group_mod${formatGroupMod(inner)}`;
      if (inner?.type === "meter_mod") {
        const cmd = ["ADD", "MOD", "DEL"][inner.command] ?? `cmd:${inner.command}`;
        return `${head} reason=meter_mod ${cmd} ${formatMeterConfig(inner.meterId, inner.flags, inner.bands)}`;
      }
      return `${head} ***decode error: OFPBRC_BAD_TYPE***\n${hexDump(m.request)}`;
    }
    case "table_status": {
      const desc = tableDescs(m.table);
      if (desc === undefined) return `${head} ***decode error: OFPBPC_BAD_LEN***\n${hexDump(encodeMessage(m))}`;
      return `${head} reason=${m.reason === 3 ? "VACANCY_DOWN" : "VACANCY_UP"}\ntable_desc:-${desc}`;
    }
    case "queue_get_config_request":
      return `${head} port=${formatPort(m.portNo)}`;
    case "queue_get_config_reply":
      return (
        head +
        formatQueueConfigs(
          m.queues.map((q) => ({
            portNo: m.portNo,
            queueId: q.queueId,
            minRate: q.properties.find((p) => p.propType === 1)?.rate,
            maxRate: q.properties.find((p) => p.propType === 2)?.rate,
          })),
        )
      );
    case "rejected":
      return `${head} ***decode error: ${m.error}***\n${hexDump(m.raw)}`;
  }
}

/** The packet-out text before ` actions=`: OpenFlow 1.5 prints its pipeline match, earlier versions `in_port=`. */
export function packetOutInPort(m: Extract<OfMessage, { type: "packet_out" }>): string {
  return m.match ? formatMatch(m.match) : `in_port=${formatPort(m.inPort)}`;
}

const RFC2819_RX = ["1_to_64_packets", "65_to_127_packets", "128_to_255_packets", "256_to_511_packets", "512_to_1023_packets", "1024_to_1522_packets", "1523_to_max_packets"];

/**
 * The lines Open vSwitch adds after a port's counters in OpenFlow 1.4+ (ofputil_format_port_stats): the
 * RFC 2819 counters it reports (all-ones = not reported) and its custom counters, three to a row.
 */
export function portStatsExtra(p: PortStats): string {
  let s = "";
  const r = p.rfc2819;
  if (r) {
    const cond = (pairs: [string, bigint | undefined][]) =>
      pairs
        .filter(([, v]) => v !== undefined && v !== 0xffffffffffffffffn)
        .map(([n, v]) => `${n}=${v}, `)
        .join("");
    const rx = cond([
      ...RFC2819_RX.map((n, i) => [n, r[i]] as [string, bigint | undefined]),
      ["broadcast_packets", r[15]],
      ["undersized_errors", r[17]],
      ["oversize_errors", r[18]],
      ["rx_fragmented_errors", r[19]],
      ["rx_jabber_errors", r[20]],
    ]);
    if (rx) s += `\n           rx rfc2819 ${rx}`;
    const tx = cond([...RFC2819_RX.map((n, i) => [n, r[7 + i]] as [string, bigint | undefined]), ["multicast_packets", r[14]], ["broadcast_packets", r[16]]]);
    if (tx) s += `\n           tx rfc2819 ${tx}`;
  }
  if (p.custom?.length) {
    s += "\n           CUSTOM Statistics";
    p.custom.forEach((k, i) => {
      if (!k.name) return;
      s += i % 3 === 0 ? "\n                      " : " ";
      s += `${k.name}=${k.value},`;
    });
  }
  return s;
}

/** OFPT_* names by type code for OpenFlow 1.1+ (1.3 names; 26-29 from 1.3, 30-34 from 1.4). */
const OFPT_NAMES = [
  "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER", "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
  "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
  "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST",
  "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST", "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD",
  "ROLE_STATUS", "TABLE_STATUS", "REQUESTFORWARD", "BUNDLE_CONTROL", "BUNDLE_ADD_MESSAGE",
];
/** The last type code each version defines (OpenFlow 1.1: 23, 1.2: 25, 1.3: 29, 1.4/1.5: 34). */
const LAST_TYPE: Record<number, number> = { 2: 23, 3: 25, 4: 29, 5: 34, 6: 34 };

/**
 * The header line ovs-ofctl prints above `(***truncated ...***)` for a message cut short whose type its
 * header alone names (ofpraw_decode_partial): OpenFlow 1.1-1.5, not multipart or experimenter messages.
 */
export function truncatedHeaderLine(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const [version, type] = [bytes[0]!, bytes[1]!];
  const last = LAST_TYPE[version];
  if (last === undefined || type > last || type === 4 || type === 18 || type === 19) return undefined;
  const xid = ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0;
  return `OFPT_${OFPT_NAMES[type]} (OF1.${version - 1}) (xid=0x${xid.toString(16)}):`;
}

/** Error types OpenFlow 1.4 added (OpenFlow 1.4.1 §7.5.4), with their code names. */
const ERRORS14: Record<number, { prefix: string; codes: readonly string[] }> = {
  14: { prefix: "OFPBPC", codes: ["BAD_TYPE", "BAD_LEN", "BAD_VALUE", "TOO_MANY", "DUP_TYPE", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_EXP_VALUE", "EPERM"] },
  15: { prefix: "OFPACFC", codes: ["INVALID", "UNSUPPORTED", "EPERM"] },
  16: { prefix: "OFPMOFC", codes: ["UNKNOWN", "MONITOR_EXISTS", "INVALID_MONITOR", "UNKNOWN_MONITOR", "BAD_COMMAND", "BAD_FLAGS", "BAD_TABLE_ID", "BAD_OUT"] },
  17: {
    prefix: "OFPBFC",
    codes: ["UNKNOWN", "EPERM", "BAD_ID", "BUNDLE_EXIST", "BUNDLE_CLOSED", "OUT_OF_BUNDLES", "BAD_TYPE", "BAD_FLAGS", "MSG_BAD_LEN", "MSG_BAD_XID", "MSG_UNSUP", "MSG_CONFLICT", "MSG_TOO_MANY", "MSG_FAILED", "TIMEOUT", "BUNDLE_IN_PROGRESS"],
  },
};

/** The name of an error of a type OpenFlow 1.4 added (bad property, async config, flow monitor, bundle), in 1.4+; else undefined. */
export function errorName14(version: number, type: number, code: number): string | undefined {
  // OpenFlow 1.5's group_mod codes for insert/remove bucket (Open vSwitch's "OF1.5+(6,15)" and "(6,16)")
  if (version >= OfpVersion.OF15 && type === 6 && (code === 15 || code === 16)) return code === 15 ? "OFPGMFC_UNKNOWN_BUCKET" : "OFPGMFC_BUCKET_EXISTS";
  const t = version >= OfpVersion.OF14 ? ERRORS14[type] : undefined;
  const c = t?.codes[code];
  return t && c ? `${t.prefix}_${c}` : undefined;
}
