/**
 * OVN's use of Geneve (OVN `ovn-architecture`(7), "Tunnel Encapsulations"): the VNI carries the 24-bit
 * logical datapath key (`Datapath_Binding.tunnel_key`), and option class 0x0102 type 0x80 carries a 32-bit
 * value = 1 reserved bit | 15-bit logical ingress port key | 16-bit logical egress port key.
 *
 * @module
 */
import { EncodeError } from "../bytes/encode-error.js";
import type { GeneveHeader, GeneveOption, OvnGeneveOption } from "./header.js";

/** Largest logical datapath tunnel key that fits the 24-bit VNI (RFC 8926 §3.4). */
export const OVN_MAX_DATAPATH_KEY = 0xffffff;
/** Largest logical ingress port key (15 bits). */
export const OVN_MAX_INGRESS_PORT = 0x7fff;
/** Largest logical egress port key (16 bits; 32768 and up are multicast groups). */
export const OVN_MAX_EGRESS_PORT = 0xffff;
/** First egress key that names a `Multicast_Group` rather than a `Port_Binding`. */
export const OVN_MULTICAST_BASE = 0x8000;

function check(field: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new EncodeError("ovn", field, `must be an integer 0..${max}, got ${String(v)}`);
  }
  return v;
}

/**
 * Builds OVN's Geneve metadata option (class 0x0102, type 0x80) from the logical ingress and egress port
 * keys. Throws {@link EncodeError} when a key is out of range (15 and 16 bits).
 */
export function ovnOption(ingressPort: number, egressPort: number): OvnGeneveOption {
  return {
    type: "ovn",
    ingressPort: check("ingressPort", ingressPort, OVN_MAX_INGRESS_PORT),
    egressPort: check("egressPort", egressPort, OVN_MAX_EGRESS_PORT),
  };
}

/** The 32-bit option value OVN writes for these port keys (reserved bit 0). */
export function ovnOptionValue(ingressPort: number, egressPort: number): number {
  const o = ovnOption(ingressPort, egressPort);
  return ((o.ingressPort << 16) | o.egressPort) >>> 0;
}

/** The fields of OVN's 32-bit option value. */
export interface OvnOptionFields {
  /** The top bit, reserved (0 on the wire from OVN). */
  readonly reserved: number;
  /** Logical ingress port key (15 bits). */
  readonly ingressPort: number;
  /** Logical egress port key (16 bits). */
  readonly egressPort: number;
}

/** Splits OVN's 32-bit option value into its fields (the reserved top bit is returned, not dropped). */
export function parseOvnOptionValue(value: number): OvnOptionFields {
  return { reserved: value >>> 31, ingressPort: (value >>> 16) & 0x7fff, egressPort: value & 0xffff };
}

/** The first OVN metadata option of a header, or undefined. */
export function findOvnOption(header: { readonly options?: readonly GeneveOption[] }): OvnGeneveOption | undefined {
  for (const o of header.options ?? []) if (o.type === "ovn") return o;
  return undefined;
}

/** The logical datapath tunnel key OVN encoded in a VNI (they are equal; 24 bits). */
export function vniToDatapathKey(vni: number): number {
  return check("vni", vni, OVN_MAX_DATAPATH_KEY);
}

/** The VNI OVN uses for a logical datapath tunnel key (`Datapath_Binding.tunnel_key`, 1..16777215). */
export function datapathKeyToVni(datapathKey: number): number {
  return check("datapathKey", datapathKey, OVN_MAX_DATAPATH_KEY);
}

/** What OVN's metadata says about a Geneve header: datapath key and, when present, port keys. */
export interface OvnMetadata {
  /** Logical datapath key (= VNI). */
  readonly datapathKey: number;
  /** Logical ingress port key, when the OVN option is present. */
  readonly ingressPort?: number;
  /** Logical egress port key, when the OVN option is present. */
  readonly egressPort?: number;
  /** True when the egress key names a multicast group (≥ 32768). */
  readonly multicast?: boolean;
}

/** Extracts OVN's logical metadata (datapath, ingress and egress port keys) from a Geneve header. */
export function ovnMetadata(header: GeneveHeader): OvnMetadata {
  const o = findOvnOption(header);
  const datapathKey = vniToDatapathKey(header.vni);
  if (!o) return { datapathKey };
  return { datapathKey, ingressPort: o.ingressPort, egressPort: o.egressPort, multicast: o.egressPort >= OVN_MULTICAST_BASE };
}

/**
 * A Geneve header as OVN sends it: VNI = datapath key, one OVN option with the port keys, Ethernet payload.
 */
export function ovnGeneveHeader(datapathKey: number, ingressPort: number, egressPort: number): GeneveHeader {
  return { vni: datapathKeyToVni(datapathKey), options: [ovnOption(ingressPort, egressPort)] };
}
