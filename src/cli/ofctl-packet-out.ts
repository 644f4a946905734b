/**
 * The packet-out text of ovs-ofctl (`in_port=PORT packet=HEX actions=...`, with pipeline fields such as
 * `reg0=5` or `metadata=1`), parsed as Open vSwitch's parse_ofp_packet_out_str() parses it, and the
 * OFPT_PACKET_OUT it sends for it (ofputil_encode_packet_out(): OpenFlow 1.0-1.4 carry the in_port only,
 * 1.5 every pipeline field in its match). Used by the monitor's `ofctl/packet-out` command and by the
 * `packet-out` command.
 *
 * @module
 */
import { fromHex } from "../bytes/hex.js";
import type { Action } from "../openflow/action-types.js";
import { OfpVersion } from "../openflow/constants.js";
import { type ParsedFlow, UnknownPortError, fieldNames, parseFlow, parsePort, splitTop } from "../openflow/flowtext.js";
import { type MatchField, matchField } from "../openflow/oxm.js";
import type { OfMessageInput } from "../openflow/messages.js";
import { Protocol, formatProtocols, usableProtocols } from "../openflow/protocols.js";
import { protocolForFlowMod, protocolOfVersion } from "../openflow/v10/session.js";
import { type Opts, allowedProtocols } from "./ofctl-options.js";
import { portNamesOf, withSwitch } from "./ofctl-switch.js";
import { type Vlog, VlogLevel } from "./vlog.js";

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
export type PacketOutText = ({ readonly ok: true; readonly message: OfMessageInput; readonly usable: number } | { readonly ok: false; readonly error: string }) & {
  readonly warnings: readonly { module: string; message: string }[];
};

/**
 * Parses `text` into the OFPT_PACKET_OUT for OpenFlow `version`.
 * @param portNames - the switch's port names, for `in_port=p1` and `output:p1`
 * @param onConnection - refuse actions the connection's own protocol cannot carry (the monitor's
 *   `ofctl/packet-out`); the `packet-out` command picks a protocol for them instead
 */
export function packetOutFromText(text: string, version: number, portNames?: ReadonlyMap<string, number>, onConnection = true): PacketOutText {
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
  if (onConnection && !(usable & (VERSION_PROTOCOL[version] ?? 0))) return fail("PACKET_OUT actions are incompatible with the OpenFlow connection.");
  const inPortField = matchField("in_port", new Uint8Array([inPort >>> 24, (inPort >>> 16) & 0xff, (inPort >>> 8) & 0xff, inPort & 0xff]));
  const pipeline = version >= OfpVersion.OF15 ? { match: [inPortField, ...match] } : {};
  return { ok: true, message: { type: "packet_out", version, bufferId: 0xffffffff, inPort, actions, data: packet, ...pipeline } as OfMessageInput, usable, warnings };
}

/** `text`'s packet bytes as eth_from_hex() reads them, or its error. */
function ethFromHex(text: string): Uint8Array | string {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(text);
  } catch {
    return "Trailing garbage in packet data";
  }
  return bytes.length < 14 ? "Packet data too short for Ethernet" : bytes;
}

/**
 * `packet-out SWITCH "in_port=PORT packet=HEX actions=..."`, or the old `packet-out SWITCH IN_PORT ACTIONS
 * PACKET...` (one OFPT_PACKET_OUT per packet), as ovs-ofctl's ofctl_packet_out(): the session's flow
 * format set as the actions need (open_vconn_for_flow_mod()), each packet-out followed by a barrier.
 * @throws Error with ovs-ofctl's message for bad text; OpenFlowError when the switch refuses one
 */
export async function packetOutCommand(rest: readonly string[], opts: Opts, log: Vlog): Promise<void> {
  if (rest.length === 3) throw new Error(`Too many arguments (${rest.length + 1})`);
  const [name, ...args] = rest as [string, ...string[]];
  await withSwitch(
    name,
    opts,
    async (c) => {
      let names: ReadonlyMap<string, number> | undefined;
      const portNames = async () => {
        if (names) return names;
        // --no-names: only numbers and reserved names are ports
        if (!opts.acceptNames) return (names = new Map());
        const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 2 });
        names = portNamesOf(r);
        return names;
      };
      const messages: OfMessageInput[] = [];
      let usable: number;
      if (args.length === 1) {
        let po = packetOutFromText(args[0]!, c.version, undefined, false);
        if (!po.ok) po = packetOutFromText(args[0]!, c.version, await portNames(), false);
        for (const w of po.warnings) log.log(w.module, VlogLevel.WARN, w.message);
        if (!po.ok) throw new Error(po.error);
        messages.push(po.message);
        usable = po.usable;
      } else {
        const [port, actionsText, ...packets] = args as [string, string, ...string[]];
        const parse = (portNames?: ReadonlyMap<string, number>) => parseFlow(`actions=${actionsText}`, undefined, { portNames });
        let fm: ParsedFlow;
        try {
          fm = parse();
        } catch (e) {
          if (!(e instanceof UnknownPortError)) throw e;
          fm = parse(await portNames());
        }
        usable = usableProtocols(`actions=${actionsText}`, { ...fm, of10Only: false });
        let inPort: number;
        try {
          inPort = parsePort(port);
        } catch {
          const p = (await portNames()).get(port);
          if (p === undefined) throw new Error(`${name}: unknown port \`${port}'`);
          inPort = p;
        }
        const actions = fm.instructions.flatMap((i) => (i.type === "apply_actions" ? i.actions : []));
        for (const hex of packets) {
          const data = ethFromHex(hex);
          if (typeof data === "string") throw new Error(data);
          const inPortField = matchField("in_port", new Uint8Array([inPort >>> 24, (inPort >>> 16) & 0xff, (inPort >>> 8) & 0xff, inPort & 0xff]));
          const pipeline = c.version >= OfpVersion.OF15 ? { match: [inPortField] } : {};
          messages.push({ type: "packet_out", version: c.version, bufferId: 0xffffffff, inPort, actions, data, ...pipeline } as OfMessageInput);
        }
      }
      // the flow format the actions need (NXM for Nicira actions over OpenFlow 1.0), as for a flow_mod
      await protocolForFlowMod(c, protocolOfVersion(c.version), usable, allowedProtocols(opts), formatProtocols);
      for (const m of messages) await c.sendChecked([m]);
    },
    // the port and table name connections take 4 xids first, unless --no-names
    opts.acceptNames ? 5 : 1,
  );
}
