/**
 * Experimenter messages of OpenFlow 1.3: ONF bundles (ONFT_BUNDLE_CONTROL / ONFT_BUNDLE_ADD_MESSAGE) and the
 * Nicira messages Open vSwitch speaks (NXT_SET_PACKET_IN_FORMAT, NXT_PACKET_IN2, NXT_RESUME and the TLV table
 * messages), with their property lists.
 *
 * @module
 */
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { type MatchField, decodeOxm, encodeOxm } from "./oxm.js";
import { type OfMessageInput, type OfMessage, NxMessageSubtype, type NxPacketIn2, OnfBundleType, type TlvMapping } from "./message-types.js";
import { decodeHeader } from "./messages.js";
import { DecodeError } from "../bytes/decode-error.js";
import { NXT_CT_FLUSH, readCtFlush, writeCtFlush } from "./ct-flush.js";

/** Reads `nx_tlv_map` entries to the end of the reader (NXT_TLV_TABLE_MOD / NXT_TLV_TABLE_REPLY). */
export function readTlvMappings(r: Reader): TlvMapping[] {
  const out: TlvMapping[] = [];
  while (r.remaining > 0) {
    r.need(8, "TLV mapping");
    const optionClass = r.u16();
    const optionType = r.u8();
    const optionLen = r.u8();
    const index = r.u16();
    r.skip(2);
    out.push({ optionClass, optionType, optionLen, index });
  }
  return out;
}

/** Writes `nx_tlv_map` entries. */
export function writeTlvMappings(w: Writer, maps: readonly TlvMapping[]): void {
  for (const t of maps) w.u16(t.optionClass).u8(t.optionType).u8(t.optionLen).u16(t.index).zeros(2);
}

/** The ONF experimenter id (`ONF_EXPERIMENTER_ID`, 0x4f4e4600: bundles in OpenFlow 1.3). */
export const ONF = 0x4f4e4600;

/** The Nicira experimenter id (`NX_VENDOR_ID`, 0x00002320). */
export const NX_VENDOR = 0x00002320;

/** Reads the property list of NXT_PACKET_IN2 / NXT_RESUME (Open vSwitch `nx_packet_in2_prop_type`). */
export function readPacketIn2(r: Reader): NxPacketIn2 {
  const out: { -readonly [K in keyof NxPacketIn2]: NxPacketIn2[K] } = {};
  const extra: { propType: number; data: Uint8Array }[] = [];
  for (const { type: t, body: p } of r.properties("packet-in2 property")) {
    switch (t) {
      case 0:
        out.packet = p.take(p.remaining);
        break;
      case 1:
        out.fullLen = p.u32();
        break;
      case 2:
        out.bufferId = p.u32();
        break;
      case 3:
        out.tableId = p.u8();
        break;
      case 4:
        p.skip(4);
        out.cookie = p.u64();
        break;
      case 5:
        out.reason = p.u8();
        break;
      case 6: {
        // OXMs right after the property header (no padding)
        const fields: MatchField[] = [];
        while (p.remaining >= 4) fields.push(decodeOxm(p));
        out.metadata = fields;
        break;
      }
      case 7:
        out.userdata = p.take(p.remaining);
        break;
      case 8:
        p.skip(4);
        out.continuation = p.take(p.remaining);
        break;
      default:
        extra.push({ propType: t, data: p.take(p.remaining) });
    }
  }
  if (extra.length) out.extra = extra;
  return out;
}

/** Writes the property list of NXT_PACKET_IN2 / NXT_RESUME. */
export function writePacketIn2(w: Writer, m: NxPacketIn2): void {
  const prop = (t: number, body: () => void) => {
    const ps = w.pos;
    w.u16(t);
    const pl = w.reserve16();
    body();
    w.patch16(pl, w.pos - ps);
    w.pad(ps, 8);
  };
  if (m.packet) prop(0, () => w.bytes(m.packet!));
  if (m.fullLen !== undefined) prop(1, () => w.u32(m.fullLen!));
  if (m.bufferId !== undefined) prop(2, () => w.u32(m.bufferId!));
  if (m.tableId !== undefined) prop(3, () => w.u8(m.tableId!));
  if (m.cookie !== undefined) prop(4, () => w.zeros(4).u64(m.cookie!));
  if (m.reason !== undefined) prop(5, () => w.u8(m.reason!));
  if (m.metadata) prop(6, () => {
    for (const f of m.metadata!) encodeOxm(w, f);
  });
  if (m.userdata) prop(7, () => w.bytes(m.userdata!));
  if (m.continuation) prop(8, () => w.zeros(4).bytes(m.continuation!));
  for (const e of m.extra ?? []) prop(e.propType, () => w.bytes(e.data));
}

/** The Nicira message subtype NXT_CT_FLUSH_ZONE (an OpenFlow 1.0 vendor message has its own decoder). */
const NXT_CT_FLUSH_ZONE = 29;

/**
 * Decodes an OFPT_EXPERIMENTER body (`r` after the header): ONF bundle control and add messages, the Nicira
 * messages of {@link NxMessageSubtype}; anything else is kept as raw experimenter data.
 */
export function decodeExperimenter(r: Reader, v: number, xid: number): OfMessage {
  const experimenter = r.u32();
  const expType = r.u32();
  if (experimenter === ONF && expType === OnfBundleType.CONTROL) {
    const bundleId = r.u32();
    const bundleType = r.u16();
    const flags = r.u16();
    return { version: v, xid, type: "bundle_control", bundleId, bundleType, flags, properties: r.take(r.remaining) };
  }
  if (experimenter === ONF && expType === OnfBundleType.ADD) {
    const bundleId = r.u32();
    r.skip(2);
    const flags = r.u16();
    const inner = decodeHeader(r.bytes.subarray(r.pos, r.end), r.offset);
    const message = r.take(inner.length, "bundled message");
    r.skip(Math.min(r.remaining, ((inner.length + 7) & ~7) - inner.length));
    return { version: v, xid, type: "bundle_add", bundleId, flags, message, properties: r.take(r.remaining) };
  }
  if (experimenter === NX_VENDOR && expType === NxMessageSubtype.SET_PACKET_IN_FORMAT) {
    return { version: v, xid, type: "nx_set_packet_in_format", format: r.u32() };
  }
  if (experimenter === NX_VENDOR && expType === NXT_CT_FLUSH) {
    // a body Open vSwitch refuses is kept with its error (printed as ovs-ofctl prints it)
    const start = r.pos;
    try {
      return { version: v, xid, type: "nx_ct_flush", ...readCtFlush(r) };
    } catch (e) {
      if (!(e instanceof DecodeError) || !/^(OFPBPC_|NXBRC_)/.test(e.reason)) throw e;
      r.pos = start;
      return { version: v, xid, type: "rejected", name: "NXT_CT_FLUSH", error: e.reason, raw: r.window() };
    }
  }
  if (experimenter === NX_VENDOR && expType === NXT_CT_FLUSH_ZONE) {
    // nx_zone_id: 6 bytes of padding and the zone, the message exactly 24 bytes long
    if (r.remaining !== 8) r.fail("OFPBRC_BAD_LEN");
    r.skip(6);
    return { version: v, xid, type: "nx_ct_flush_zone", zoneId: r.u16() };
  }
  if (experimenter === NX_VENDOR && expType === NxMessageSubtype.TLV_TABLE_MOD) {
    const command = r.u16();
    r.skip(6);
    return { version: v, xid, type: "nx_tlv_table_mod", command, mappings: readTlvMappings(r) };
  }
  if (experimenter === NX_VENDOR && expType === NxMessageSubtype.TLV_TABLE_REQUEST) return { version: v, xid, type: "nx_tlv_table_request" };
  if (experimenter === NX_VENDOR && expType === NxMessageSubtype.TLV_TABLE_REPLY) {
    const maxOptionSpace = r.u32();
    const maxFields = r.u16();
    r.skip(10);
    return { version: v, xid, type: "nx_tlv_table_reply", maxOptionSpace, maxFields, mappings: readTlvMappings(r) };
  }
  if (experimenter === NX_VENDOR && (expType === NxMessageSubtype.PACKET_IN2 || expType === NxMessageSubtype.RESUME)) {
    return { version: v, xid, type: expType === NxMessageSubtype.PACKET_IN2 ? "nx_packet_in2" : "nx_resume", ...readPacketIn2(r) };
  }
  return { version: v, xid, type: "experimenter", experimenter, expType, data: r.take(r.remaining) };
}

/**
 * Writes the body of an ONF bundle or Nicira experimenter message (after the header that starts at
 * `start`); other messages are left alone.
 */
export function encodeExperimenter(w: Writer, m: OfMessageInput, start: number): void {
  switch (m.type) {
  case "bundle_control":
    w.u32(ONF).u32(OnfBundleType.CONTROL).u32(m.bundleId).u16(m.bundleType).u16(m.flags).bytes(m.properties);
    break;
  case "bundle_add":
    w.u32(ONF).u32(OnfBundleType.ADD).u32(m.bundleId).zeros(2).u16(m.flags).bytes(m.message);
    if (m.properties.length) {
      w.pad(start, 8);
      w.bytes(m.properties);
    }
    break;
  case "nx_set_packet_in_format":
    w.u32(NX_VENDOR).u32(NxMessageSubtype.SET_PACKET_IN_FORMAT).u32(m.format);
    break;
  case "nx_packet_in2":
  case "nx_resume":
    w.u32(NX_VENDOR).u32(m.type === "nx_packet_in2" ? NxMessageSubtype.PACKET_IN2 : NxMessageSubtype.RESUME);
    writePacketIn2(w, m);
    break;
  case "nx_tlv_table_mod":
    w.u32(NX_VENDOR).u32(NxMessageSubtype.TLV_TABLE_MOD).u16(m.command).zeros(6);
    writeTlvMappings(w, m.mappings);
    break;
  case "nx_ct_flush":
    w.u32(NX_VENDOR).u32(NXT_CT_FLUSH);
    writeCtFlush(w, m);
    break;
  case "nx_tlv_table_request":
    w.u32(NX_VENDOR).u32(NxMessageSubtype.TLV_TABLE_REQUEST);
    break;
  case "nx_tlv_table_reply":
    w.u32(NX_VENDOR).u32(NxMessageSubtype.TLV_TABLE_REPLY).u32(m.maxOptionSpace).u16(m.maxFields).zeros(10);
    writeTlvMappings(w, m.mappings);
    break;
    default:
      break;
  }
}
