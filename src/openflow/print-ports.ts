/**
 * Printing of ports as ovs-ofctl does: port descriptions (features reply, port status, port-desc reply),
 * port mods and port statistics.
 *
 * @module
 */
import { capabilityNames, portStatsExtra } from "./versions/print.js";
import { formatMac } from "../net/index.js";
import { type PortFormatter, formatPort } from "./flowtext.js";
import { port32to16 } from "./ports.js";
import type { OfMessage, PortDesc } from "./messages.js";
import { flagNames, formatDuration } from "./print-common.js";

const CAPABILITIES: ReadonlyArray<readonly [number, string]> = [
  [0x1, "FLOW_STATS"],
  [0x2, "TABLE_STATS"],
  [0x4, "PORT_STATS"],
  [0x8, "GROUP_STATS"],
  [0x20, "IP_REASM"],
  [0x40, "QUEUE_STATS"],
  [0x100, "PORT_BLOCKED"],
];
const PORT_CONFIG: ReadonlyArray<readonly [number, string]> = [
  [0x1, "PORT_DOWN"],
  [0x2, "NO_STP"],
  [0x4, "NO_RECV"],
  [0x8, "NO_RECV_STP"],
  [0x10, "NO_FLOOD"],
  [0x20, "NO_FWD"],
  [0x40, "NO_PACKET_IN"],
];
const PORT_STATE: ReadonlyArray<readonly [number, string]> = [
  [0x1, "LINK_DOWN"],
  [0x2, "BLOCKED"],
  [0x4, "LIVE"],
];
const PORT_FEATURES: ReadonlyArray<readonly [number, string]> = [
  [0x1, "10MB-HD"],
  [0x2, "10MB-FD"],
  [0x4, "100MB-HD"],
  [0x8, "100MB-FD"],
  [0x10, "1GB-HD"],
  [0x20, "1GB-FD"],
  [0x40, "10GB-FD"],
  [0x80, "40GB-FD"],
  [0x100, "100GB-FD"],
  [0x200, "1TB-FD"],
  [0x400, "OTHER"],
  [0x800, "COPPER"],
  [0x1000, "FIBER"],
  [0x2000, "AUTO_NEG"],
  [0x4000, "AUTO_PAUSE"],
  [0x8000, "AUTO_PAUSE_ASYM"],
];

/** One port as ovs-ofctl prints it in a features reply, port status or port description (without the leading space). */
export function formatPortDesc(p: PortDesc): string {
  // the name ends at its first unprintable character (ofputil_phy_port_format)
  const lines = [`${formatPort(p.portNo)}(${p.name.replace(/[^\x20-\x7e][^]*$/, "")}): addr:${formatMac(p.hwAddr)}`];
  const cfg = flagNames(p.config, PORT_CONFIG);
  lines.push(`     config:     ${cfg.length ? cfg.join(" ") : "0"}`);
  // the OpenFlow 1.0 spanning-tree state is a 2-bit field (STP_LISTEN, 0, is not printed)
  const stp = ["", "STP_LEARN", "STP_FORWARD", "STP_BLOCK"][(p.state >> 8) & 3]!;
  const st = [...(stp ? [stp] : []), ...flagNames(p.state, PORT_STATE)];
  lines.push(`     state:      ${st.length ? st.join(" ") : "0"}`);
  const feat = (label: string, v: number) => {
    if (v) lines.push(`     ${label}${flagNames(v, PORT_FEATURES).join(" ")}`);
  };
  feat("current:    ", p.curr);
  feat("advertised: ", p.advertised);
  feat("supported:  ", p.supported);
  feat("peer:       ", p.peer);
  lines.push(`     speed: ${Math.floor(p.currSpeed / 1000)} Mbps now, ${Math.floor(p.maxSpeed / 1000)} Mbps max`);
  return lines.join("\n");
}

/** Port numbers in ovs-ofctl's print order: the 16-bit OpenFlow 1.0 space (reserved ports last). */
function portOrder(p: number): number {
  return port32to16(p);
}

/** A features reply after its header line; OpenFlow 1.0-1.2 replies list their ports sorted by number. */
export function featuresReplyText(head: string, m: Extract<OfMessage, { type: "features_reply" }>): string {
  const caps = m.version === 4 ? flagNames(m.capabilities, CAPABILITIES).join(" ") : capabilityNames(m.version, m.capabilities);
  const s = `${head} dpid:${m.datapathId.toString(16).padStart(16, "0")}\nn_tables:${m.nTables}, n_buffers:${m.nBuffers}${m.auxiliaryId ? `, auxiliary_id:${m.auxiliaryId}` : ""}\ncapabilities: ${caps}`;
  if (!m.ports) return s;
  return [s, ...[...m.ports].sort((x, y) => portOrder(x.portNo) - portOrder(y.portNo)).map((p) => " " + formatPortDesc(p))].join("\n");
}

/** A port mod after its header line. */
export function portModText(head: string, m: Extract<OfMessage, { type: "port_mod" }>): string {
  const cfg = flagNames(m.config, PORT_CONFIG);
  const mask = flagNames(m.mask, PORT_CONFIG);
  return `${head} port: ${formatPort(m.portNo)}: addr:${formatMac(m.hwAddr)}\n     config: ${cfg.length ? cfg.join(" ") : "0"}\n     mask:   ${mask.length ? mask.join(" ") : "0"}\n     advertise: ${m.advertise ? flagNames(m.advertise, PORT_FEATURES).join(" ") : "UNCHANGED"}`;
}

type PortStatsEntry = Extract<Extract<OfMessage, { type: "multipart_reply" }>["body"], { kind: "port_stats" }>["ports"][number];

/** A port-stats reply after its header line: a count, then two or three lines per port. */
export function portStatsText(head: string, ports: readonly PortStatsEntry[], port?: PortFormatter): string {
  return [
    `${head} ${ports.length} ports`,
    ...ports.map((p) => {
      // an all-ones counter is one the switch does not report: "?"
      const c = p.counters.map((x) => (x === 0xffffffffffffffffn ? "?" : String(x)));
      // a space before ports 0-9 (ofputil_format_port_stats()), by number or by name
      const name = port === undefined ? formatPort(p.portNo).padStart(2) : `${port32to16(p.portNo) < 10 ? " " : ""}${port(p.portNo)}`;
      return `  port ${name}: rx pkts=${c[0]}, bytes=${c[2]}, drop=${c[4]}, errs=${c[6]}, frame=${c[8]}, over=${c[9]}, crc=${c[10]}\n           tx pkts=${c[1]}, bytes=${c[3]}, drop=${c[5]}, errs=${c[7]}, coll=${c[11]}${p.durationSec === 0xffffffff ? "" : `\n           duration=${formatDuration(p.durationSec, p.durationNsec)}`}${portStatsExtra(p)}`;
    }),
  ].join("\n");
}

/** A port-desc reply after its header line: ports sorted by number (LOCAL and the other reserved ports last). */
export function portDescText(head: string, ports: readonly PortDesc[]): string {
  return [head, ...[...ports].sort((x, y) => x.portNo - y.portNo).map((p) => " " + formatPortDesc(p))].join("\n");
}
