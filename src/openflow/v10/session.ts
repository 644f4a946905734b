/**
 * Flow protocol negotiation on a live connection, as ovs-ofctl does it: an OpenFlow 1.0 session starts in
 * the plain OpenFlow 1.0 flow format without the table_id extension, and switches to NXM
 * (NXT_SET_FLOW_FORMAT) and/or the table_id extension (NXT_FLOW_MOD_TABLE_ID) when the flows need them;
 * each switch is one request followed by a barrier (ovs-ofctl's try_set_protocol()). Later versions have
 * one protocol each. Also builds the flow_mod and flow-stats request each protocol carries.
 *
 * @module
 */
import { OfpVersion } from "../constants.js";
import type { OpenFlowConnection } from "../connection.js";
import { OpenFlowError } from "../errors.js";
import type { FlowMod, FlowStatsRequest, MultipartRequestBody, OfMessageInput } from "../messages.js";
import { Protocol } from "../protocols.js";
import { NxFlowFormat } from "./messages.js";
import { oxmVlanFields } from "./match.js";

const OF10_STD_ANY = Protocol.OF10_STD | Protocol.OF10_STD_TID;
const OF10_NXM_ANY = Protocol.OF10_NXM | Protocol.OF10_NXM_TID;
const OF10_TID = Protocol.OF10_STD_TID | Protocol.OF10_NXM_TID;

/** The protocol a session of wire version `version` starts in (Open vSwitch's ofputil_protocol_from_ofp_version()). */
export function protocolOfVersion(version: number): number {
  switch (version) {
    case OfpVersion.OF10:
      return Protocol.OF10_STD;
    case OfpVersion.OF11:
      return Protocol.OF11_STD;
    case OfpVersion.OF12:
      return Protocol.OF12_OXM;
    case OfpVersion.OF14:
      return Protocol.OF14_OXM;
    case OfpVersion.OF15:
      return Protocol.OF15_OXM;
    default:
      return Protocol.OF13_OXM;
  }
}

/** The wire versions that can carry a set of protocols (the versions -O enables for them). */
export function versionsOfProtocols(protocols: number): number[] {
  const out: number[] = [];
  if (protocols & (OF10_STD_ANY | OF10_NXM_ANY)) out.push(OfpVersion.OF10);
  if (protocols & Protocol.OF11_STD) out.push(OfpVersion.OF11);
  if (protocols & Protocol.OF12_OXM) out.push(OfpVersion.OF12);
  if (protocols & Protocol.OF13_OXM) out.push(OfpVersion.OF13);
  if (protocols & Protocol.OF14_OXM) out.push(OfpVersion.OF14);
  if (protocols & Protocol.OF15_OXM) out.push(OfpVersion.OF15);
  return out;
}

/**
 * Moves the session from protocol `cur` to `want` (both OpenFlow 1.0 protocols, or equal): the flow format
 * first, then the table_id extension, each request followed by a barrier.
 * @returns true when the switch accepted every step, false when it answered one with an error
 */
export async function trySetProtocol(c: OpenFlowConnection, cur: number, want: number): Promise<boolean> {
  if (cur === want) return true;
  // only OpenFlow 1.0 has more than one protocol; another version cannot be reached on this session
  if ((cur | want) & ~(OF10_STD_ANY | OF10_NXM_ANY)) return false;
  const steps: OfMessageInput[] = [];
  const curNxm = (cur & OF10_NXM_ANY) !== 0;
  const wantNxm = (want & OF10_NXM_ANY) !== 0;
  // the flow format first, then the table_id extension (Open vSwitch's ofputil_encode_set_protocol())
  const tid = (cur & OF10_TID) !== 0;
  if (curNxm !== wantNxm) steps.push({ type: "nx_set_flow_format", format: wantNxm ? NxFlowFormat.NXM : NxFlowFormat.OPENFLOW10 });
  if (tid !== ((want & OF10_TID) !== 0)) steps.push({ type: "nx_flow_mod_table_id", enable: !tid });
  for (const s of steps) {
    try {
      await c.sendChecked([s]);
    } catch (e) {
      if (e instanceof OpenFlowError) return false;
      throw e;
    }
  }
  return true;
}

/** Open vSwitch's order of preference for flow dumps (ofputil_flow_dump_protocols). */
const DUMP_ORDER = [Protocol.OF15_OXM, Protocol.OF14_OXM, Protocol.OF13_OXM, Protocol.OF12_OXM, Protocol.OF11_STD, Protocol.OF10_NXM, Protocol.OF10_STD];

/** Raised when no protocol both usable for the flows and allowed can be set on the switch. */
export class NoUsableProtocolError extends Error {
  override readonly name = "NoUsableProtocolError";
  /** @param usable - the protocols the flows can be carried in; @param allowed - the protocols -O/-F allow */
  constructor(
    readonly usable: number,
    readonly allowed: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The protocol for a flow dump (ovs-ofctl's set_protocol_for_flow_dump()): the first of OpenFlow 1.5 ... 1.1,
 * NXM, OpenFlow 1.0 that is usable, allowed and can be set on the session (currently `cur`).
 * @throws NoUsableProtocolError naming the usable protocols
 */
export async function protocolForFlowDump(c: OpenFlowConnection, cur: number, usable: number, allowed: number, names: (p: number) => string): Promise<number> {
  for (const p of DUMP_ORDER) if (p & usable & allowed && (await trySetProtocol(c, cur, p))) return p;
  throw new NoUsableProtocolError(
    usable,
    allowed,
    usable & allowed
      ? `switch does not support any of the usable flow formats (${names(usable)})`
      : `none of the usable flow formats (${names(usable)}) is among the allowed flow formats (${names(allowed)})`,
  );
}

/**
 * The protocol for flow_mods (ovs-ofctl's open_vconn_for_flow_mod()): the session's own when usable and
 * allowed, else the first usable and allowed one (in protocol-bit order) the switch accepts.
 * @throws NoUsableProtocolError naming the usable protocols
 */
export async function protocolForFlowMod(c: OpenFlowConnection, cur: number, usable: number, allowed: number, names: (p: number) => string): Promise<number> {
  if (!(usable & allowed)) {
    throw new NoUsableProtocolError(usable, allowed, `none of the usable flow formats (${names(usable)}) is among the allowed flow formats (${names(allowed)})`);
  }
  if (usable & allowed & cur) return cur;
  for (let bit = 1; bit <= Protocol.OF15_OXM; bit <<= 1) {
    if (bit !== cur && bit & usable & allowed && (await trySetProtocol(c, cur, bit))) return bit;
  }
  throw new NoUsableProtocolError(usable, allowed, `switch does not support any of the usable flow formats (${names(usable)})`);
}

/**
 * The flow_mod message Open vSwitch sends for `fm` under protocol `p`: OpenFlow 1.0 (the table in the
 * command's high byte with the table_id extension, none without), NXT_FLOW_MOD for NXM, the version's own
 * flow_mod otherwise.
 */
export function flowModMessage(p: number, fm: FlowMod, xid?: number): OfMessageInput {
  const tid = (p & OF10_TID) !== 0;
  const x = xid === undefined ? {} : { xid };
  if (p & OF10_STD_ANY) return { type: "flow_mod", ...fm, tableId: tid ? fm.tableId : 0, version: OfpVersion.OF10, ...x };
  if (p & OF10_NXM_ANY) return { type: "nx_flow_mod", ...fm, tableId: tid ? fm.tableId : 0, version: OfpVersion.OF10, ...x };
  const version = p === Protocol.OF11_STD ? OfpVersion.OF11 : p === Protocol.OF12_OXM ? OfpVersion.OF12 : p === Protocol.OF14_OXM ? OfpVersion.OF14 : p === Protocol.OF15_OXM ? OfpVersion.OF15 : OfpVersion.OF13;
  // OXM has no raw TCI: the VLAN fields as Open vSwitch writes them for OXM
  return { type: "flow_mod", ...fm, ...(version >= OfpVersion.OF12 ? { match: oxmVlanFields(fm.match) } : {}), version, ...x };
}

/** The flow-stats (or aggregate) request body for protocol `p`: NXST_FLOW / NXST_AGGREGATE with NXM, OFPST otherwise. */
export function flowStatsBody(p: number, request: FlowStatsRequest, aggregate = false): MultipartRequestBody {
  if (p & OF10_NXM_ANY) return aggregate ? { kind: "nx_aggregate", request } : { kind: "nx_flow", request };
  return aggregate ? { kind: "aggregate", request } : { kind: "flow", request };
}
