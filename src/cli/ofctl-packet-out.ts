/**
 * The packet-out text of ovs-ofctl (`in_port=PORT packet=HEX actions=...`, with pipeline fields such as
 * `reg0=5` or `metadata=1`), parsed as Open vSwitch's parse_ofp_packet_out_str() parses it, and the
 * OFPT_PACKET_OUT it sends for it (ofputil_encode_packet_out(): OpenFlow 1.0-1.4 carry the in_port only,
 * 1.5 every pipeline field in its match). Used by the monitor's `ofctl/packet-out` command.
 *
 * @module
 */
import { fromHex } from "../bytes/hex.js";
import type { Action } from "../openflow/action-types.js";
import { OfpVersion } from "../openflow/constants.js";
import { fieldNames, parseFlow, parsePort, splitTop } from "../openflow/flowtext.js";
import { type MatchField, matchField } from "../openflow/oxm.js";
import type { OfMessageInput } from "../openflow/messages.js";
import { Protocol, usableProtocols } from "../openflow/protocols.js";

/** The pipeline fields (Open vSwitch's mf_is_pipeline_field()) a packet-out may set. */
const PIPELINE = /^(tun_(id|src|dst|ipv6_src|ipv6_dst|flags|gbp_id|gbp_flags|erspan_ver|erspan_idx|erspan_dir|erspan_hwid|gtpu_flags|gtpu_msgtype|metadata\d+)|tunnel_id|metadata|in_port|in_port_oxm|x?x?reg\d+|packet_type)$/;

/** The protocol bit of each OpenFlow version. */
const VERSION_PROTOCOL: Record<number, number> = {
  // a monitor's OpenFlow 1.0 session stays in the plain OpenFlow 1.0 format (ofputil_protocol_from_ofp_version())
  [OfpVersion.OF10]: Protocol.OF10_STD,
  [OfpVersion.OF11]: Protocol.OF11_STD,
  [OfpVersion.OF12]: Protocol.OF12_OXM,
  [OfpVersion.OF13]: Protocol.OF13_OXM,
  [OfpVersion.OF14]: Protocol.OF14_OXM,
  [OfpVersion.OF15]: Protocol.OF15_OXM,
};

/** Ports a packet-out may come from besides 1-0xff00: LOCAL, NONE, CONTROLLER (16-bit numbers). */
const SPECIAL_IN_PORTS = new Set([0xfffe, 0xffff, 0xfffd]);

/**
 * A packet-out parsed from text, or the error ovs-ofctl reports for it; `warnings` are the log messages
 * ovs-ofctl's parse logs on the way, each with its module (an OpenFlow 1.0 port number in the reserved range).
 */
export type PacketOutText = ({ readonly ok: true; readonly message: OfMessageInput } | { readonly ok: false; readonly error: string }) & { readonly warnings: readonly { module: string; message: string }[] };

/**
 * Parses `text` into the OFPT_PACKET_OUT for OpenFlow `version`.
 * @param portNames - the switch's port names, for `in_port=p1` and `output:p1`
 */
export function packetOutFromText(text: string, version: number, portNames?: ReadonlyMap<string, number>): PacketOutText {
  const warnings: { module: string; message: string }[] = [];
  const fail = (error: string): PacketOutText => ({ ok: false, error, warnings });
  const at = /(^|[\s,])actions\s*=/.exec(text);
  const actionsText = at ? text.slice(text.indexOf("=", at.index + at[1]!.length) + 1) : undefined;
  const head = at ? text.slice(0, at.index + at[1]!.length) : text;
  let inPort = 0xfffffffd;
  let packet: Uint8Array | undefined;
  const fields: string[] = [];
  const known = new Set(fieldNames());
  for (const item of splitTop(head, ", \t\r\n")) {
    const m = /^([^=:]*)[=:]?(.*)$/s.exec(item)!;
    const name = m[1]!.trim();
    const value = m[2]!.trim();
    if (!value) return fail(`field ${name} missing value`);
    if (name === "in_port") {
      let p: number;
      try {
        p = portNames?.get(value) ?? parsePort(value);
      } catch {
        return fail(`${value} is not a valid OpenFlow port`);
      }
      const p16 = p >= 0xffffff00 ? p - 0xffff0000 : p;
      // ofputil_port_from_string(): 0xff00-0xfff7 are OpenFlow 1.0's reserved numbers, taken with a warning
      if (/^\d+$/.test(value) && p16 >= 0xff00 && p16 < 0xfff8) warnings.push({ module: "ofp_port", message: `port ${p16} is a reserved OF1.0 port number that will be translated to ${p16 + 0xffff0000} when talking to an OF1.1 or later controller` });
      if (p16 > 0xff00 && !SPECIAL_IN_PORTS.has(p16)) return fail(`${value} is not a valid OpenFlow port for PACKET_OUT`);
      inPort = p;
    } else if (name === "packet") {
      try {
        packet = fromHex(value);
      } catch {
        return fail("packet: Trailing garbage in packet data");
      }
      if (packet.length < 14) return fail("packet: Packet data too short for Ethernet");
    } else if (!known.has(name)) {
      return fail(`unknown keyword ${name}`);
    } else if (!PIPELINE.test(name)) {
      return fail(`${name} is not a valid pipeline field for PACKET_OUT`);
    } else fields.push(`${name}=${value}`);
  }
  if (!packet || !packet.length) return fail("must specify packet");
  let actions: Action[] = [];
  let usable = Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID | Protocol.OF11_STD | Protocol.OF12_OXM | Protocol.OF13_OXM | Protocol.OF14_OXM | Protocol.OF15_OXM;
  let match: readonly MatchField[] = [];
  try {
    const flowText = `${fields.join(",")}${fields.length ? "," : ""}actions=${actionsText ?? "drop"}`;
    const fm = parseFlow(flowText, undefined, { portNames });
    // the actions are not checked against a match here, as ovs-ofctl's packet-out parse does not
    usable &= usableProtocols(flowText, { ...fm, of10Only: false });
    match = fm.match;
    for (const i of fm.instructions) {
      if (i.type !== "apply_actions") return fail("instructions not allowed in PACKET_OUT");
      actions = [...actions, ...i.actions];
    }
  } catch (e) {
    return fail((e as Error).message);
  }
  if (!(usable & (VERSION_PROTOCOL[version] ?? 0))) return fail("PACKET_OUT actions are incompatible with the OpenFlow connection.");
  const inPortField = matchField("in_port", new Uint8Array([inPort >>> 24, (inPort >>> 16) & 0xff, (inPort >>> 8) & 0xff, inPort & 0xff]));
  const pipeline = version >= OfpVersion.OF15 ? { match: [inPortField, ...match] } : {};
  return { ok: true, message: { type: "packet_out", version, bufferId: 0xffffffff, inPort, actions, data: packet, ...pipeline } as OfMessageInput, warnings };
}
