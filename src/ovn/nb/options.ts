/**
 * Option and result types of the OVN Northbound API calls.
 *
 * @module
 */
import type { Row } from "../../ovsdb/models/ovn-nb.js";
import type { Ref, RowUuid } from "../../ovsdb/model/types.js";
import type { OperationResult } from "../../ovsdb/wire/operations.js";
import type { StringMap } from "../nb-types.js";

export type { StringMap } from "../nb-types.js";

/** Options of creating calls. */
export interface CreateOptions {
  /** Do nothing when an equal object already exists (`--may-exist`). */
  readonly mayExist?: boolean;
}

/** Options of deleting calls. */
export interface DeleteOptions {
  /** Do nothing when the object does not exist (`--if-exists`). */
  readonly ifExists?: boolean;
}

/** A subnet's IPAM settings on a logical switch (OVN's own IPAM: `other_config`). */
export interface SwitchSubnet {
  /** IPv4 CIDR (`other_config:subnet`), IPv6 CIDR (`other_config:ipv6_prefix`), or both separated by a comma. */
  readonly cidr: string;
  /** Addresses or ranges (`a..b`) that OVN must not assign (`other_config:exclude_ips`). */
  readonly excludeIps?: readonly string[];
  /** Only assign MACs (`other_config:mac_only`). */
  readonly macOnly?: boolean;
}

/** Options of {@link NbTransaction.lsAdd}. */
export interface SwitchOptions extends CreateOptions {
  /** OVN IPAM settings (for `dynamic` addresses). */
  readonly subnet?: SwitchSubnet;
  /** More `other_config` keys. */
  readonly otherConfig?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Settable fields of a logical switch port. */
export interface PortSettings {
  /** `addresses`: `"MAC IP..."`, `"dynamic"`, `"router"`, `"unknown"`. */
  readonly addresses?: readonly string[];
  /** `port_security`: `"MAC IP..."` entries. */
  readonly portSecurity?: readonly string[];
  /** `type`: `""` (a VIF), `"router"`, `"localnet"`, `"localport"`, `"patch"`, ... */
  readonly type?: string;
  /** `options` (replaces the map). */
  readonly options?: StringMap;
  /** `external_ids` (replaces the map). */
  readonly externalIds?: StringMap;
  /** `enabled`. */
  readonly enabled?: boolean;
  /** `dhcpv4_options`. */
  readonly dhcpv4Options?: Ref<"DHCP_Options"> | null;
  /** `dhcpv6_options`. */
  readonly dhcpv6Options?: Ref<"DHCP_Options"> | null;
  /** `ha_chassis_group`. */
  readonly haChassisGroup?: Ref<"HA_Chassis_Group"> | null;
}

/** Options of {@link NbTransaction.lspAdd}. */
export interface PortOptions extends CreateOptions, PortSettings {
  /** `parent_name` (a container port nested in a VIF). */
  readonly parent?: string;
  /** `tag_request`: the VLAN tag (with `parent`), or a localnet port's VLAN (without). */
  readonly tag?: number;
}

/** Options of {@link NbTransaction.lrpAdd}. */
export interface RouterPortOptions extends CreateOptions {
  /** `peer`: the peer router port (router-to-router links). */
  readonly peer?: string;
  /** `options`. */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Options of {@link NbTransaction.lrRouteAdd}. */
export interface RouteOptions extends CreateOptions {
  /** `policy` (default `dst-ip`). */
  readonly policy?: "dst-ip" | "src-ip";
  /** `output_port`. */
  readonly outputPort?: string;
  /** Add another next hop for the same prefix (ECMP) instead of failing/replacing. */
  readonly ecmp?: boolean;
  /** `route_table`. */
  readonly routeTable?: string;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Which routes {@link NbTransaction.lrRouteDel} deletes: every given field must match. */
export interface RouteFilter extends DeleteOptions {
  /** The prefix. */
  readonly prefix?: string;
  /** The next hop. */
  readonly nexthop?: string;
  /** The output port. */
  readonly outputPort?: string;
  /** The policy. */
  readonly policy?: "dst-ip" | "src-ip";
  /** The route table (`""` is the main one). */
  readonly routeTable?: string;
}

/** A routing policy's action. */
export type PolicyAction = "allow" | "drop" | "reroute" | "jump";

/**
 * Options of {@link NbTransaction.lrPolicyAdd}. `bfdSessions` needs
 * `Logical_Router_Policy.bfd_sessions` (NB 7.3 / OVN 24.03 or later); `chain`, `jumpChain` and the
 * `jump` action need policy chains (NB 7.11 / OVN 25.03 or later).
 */
export interface PolicyOptions extends CreateOptions {
  /** Next hops of a `reroute`. */
  readonly nexthops?: readonly string[];
  /** BFD sessions (UUIDs, or refs from {@link NbTransaction.bfdAdd}) that watch the next hops of a `reroute` (`bfd_sessions`). */
  readonly bfdSessions?: readonly string[];
  /** The chain the policy belongs to (`chain`; none: the default chain). */
  readonly chain?: string;
  /** The chain a `jump` continues in (`jump_chain`; required with `jump`). */
  readonly jumpChain?: string;
  /** `options` (e.g. `pkt_mark`). */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** A NAT type. */
export type NatType = "snat" | "dnat" | "dnat_and_snat";

/** Options of {@link NbTransaction.lrNatAdd}. */
export interface NatOptions extends CreateOptions {
  /** `logical_port` (a distributed `dnat_and_snat`). */
  readonly logicalPort?: string;
  /** `external_mac` (with `logicalPort`). */
  readonly externalMac?: string;
  /** `options` (e.g. `stateless`). */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Which NATs {@link NbTransaction.lrNatDel} deletes. */
export interface NatFilter extends DeleteOptions {
  /** The type. */
  readonly type?: NatType;
  /** The external IP (for dnat/dnat_and_snat) or the logical IP (for snat), as ovn-nbctl keys them. */
  readonly ip?: string;
}


/** An ACL direction. */
export type AclDirection = "from-lport" | "to-lport";
/**
 * An ACL verdict. `pass` (hand the packet to the next tier) needs a server with ACL tiers
 * (`ACL.action=pass`, NB 7.3 / OVN 24.03 or later).
 */
export type AclAction = Row<"ACL">["action"] | "pass";
/** An ACL log severity. */
export type AclSeverity = NonNullable<Row<"ACL">["severity"]>;

/** Options of {@link NbTransaction.aclAdd}. */
export interface AclOptions extends CreateOptions {
  /** Log packets that match (`log`). */
  readonly log?: boolean;
  /** `name` (shown in logs). */
  readonly name?: string;
  /** `severity`. */
  readonly severity?: AclSeverity;
  /** `meter` (rate-limits logging). */
  readonly meter?: string;
  /** `label`. */
  readonly label?: number;
  /**
   * `tier` (0..3; the tiers are evaluated in order, `pass` goes on to the next one). Needs a
   * server with `ACL.tier` (NB 7.3 / OVN 24.03 or later); omitted, the server's default (0).
   */
  readonly tier?: number;
  /** `options` (e.g. `apply-after-lb`). */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Which ACLs {@link NbTransaction.aclDel} deletes: every given field must match. */
export interface AclFilter {
  /** The direction. */
  readonly direction?: AclDirection;
  /** The priority (with `match`). */
  readonly priority?: number;
  /** The match (with `priority`). */
  readonly match?: string;
  /**
   * Only ACLs of this tier (0..3; `ovn-nbctl acl-del --tier`). Only where the server's NB schema
   * has `ACL.tier` (OVN 24.03 and later); elsewhere `OvnFeatureUnavailableError`, nothing sent.
   */
  readonly tier?: number;
}

/** Which QoS rules {@link NbTransaction.qosDel} deletes: an {@link AclFilter} without `tier` (QoS rules have none). */
export type QosFilter = Omit<AclFilter, "tier">;

/** Which routing policies {@link NbTransaction.lrPolicyDel} deletes (every given field must match; all of the router's when empty). */
export interface PolicyFilter extends DeleteOptions {
  /** The priority. */
  readonly priority?: number;
  /** The match (usually with `priority`). */
  readonly match?: string;
  /**
   * Only policies of this chain (`ovn-nbctl lr-policy-del --chain`); `""` is the default chain
   * (policies without one). Only where the server's NB schema has `Logical_Router_Policy.chain`
   * (OVN 25.03 and later); elsewhere `OvnFeatureUnavailableError`, nothing sent.
   */
  readonly chain?: string;
}

/** A load balancer protocol. */
export type LbProtocol = "tcp" | "udp" | "sctp";

/** Options of {@link NbTransaction.lbAdd}. */
export interface LoadBalancerOptions extends CreateOptions {
  /** `protocol` (default tcp, as ovn-nbctl sets it; it only matters for VIPs with a port). */
  readonly protocol?: LbProtocol;
  /** `options`. */
  readonly options?: StringMap;
  /** `selection_fields`. */
  readonly selectionFields?: Row<"Load_Balancer">["selection_fields"];
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Options of {@link NbTransaction.qosAdd}. */
export interface QosOptions extends CreateOptions {
  /** Bandwidth limit in kbps (`bandwidth:rate`). */
  readonly rate?: number;
  /** Burst in kbits (`bandwidth:burst`). */
  readonly burst?: number;
  /** DSCP marking (`action:dscp`). */
  readonly dscp?: number;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Options of {@link NbTransaction.mirrorAdd}. */
export interface MirrorOptions extends CreateOptions {
  /** Tunnel type. */
  readonly type: "gre" | "erspan";
  /** Tunnel key / ERSPAN index. */
  readonly index: number;
  /** Mirrored direction. */
  readonly filter: "from-lport" | "to-lport";
  /** The remote IP. */
  readonly sink: string;
}

/** Options of {@link NbTransaction.bfdAdd}. */
export interface BfdOptions extends CreateOptions {
  /** `min_tx` (ms). */
  readonly minTx?: number;
  /** `min_rx` (ms). */
  readonly minRx?: number;
  /** `detect_mult`. */
  readonly detectMult?: number;
}

/** Options of {@link NbTransaction.commit}. */
export interface CommitOptions {
  /**
   * After committing, wait until ovn-northd has processed the change into the Southbound DB
   * (`sb`) or until every chassis has applied it (`hv`), as `ovn-nbctl --wait`.
   */
  readonly wait?: "none" | "sb" | "hv";
  /** Milliseconds to wait for `wait` (default 30 s). */
  readonly timeoutMs?: number;
}

/** What a commit returns. */
export interface CommitResult {
  /** The raw results, one per operation. */
  readonly results: readonly OperationResult[];
  /** The real UUID of a row created in the transaction (by the ref a call returned), or the ref itself when it already was a UUID. */
  uuid<N extends string>(ref: Ref<N>): RowUuid<N>;
}
