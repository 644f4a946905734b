/**
 * The object-family calls of {@link NbTransaction} (switches, ports, DHCP, routers, routes,
 * policies, NAT, ACLs, port groups, address sets, load balancers, QoS, mirrors, BFD, meters,
 * static MAC bindings), as a base class over the transaction's context: each call is implemented
 * in the module of its family and only forwards the context here.
 *
 * @module
 */
import type { Ref } from "../../ovsdb/model/types.js";
import type { AclTarget } from "../nb-reads.js";
import type { StringMap } from "../nb-types.js";
import { NbFeatureCalls } from "./feature-calls.js";
import * as switches from "./switches.js";
import * as routers from "./routers.js";
import * as routing from "./routing.js";
import * as acls from "./acls.js";
import * as loadBalancers from "./load-balancers.js";
import * as qosMirrorsMeters from "./qos-mirrors-meters.js";
import type {
  AclAction,
  AclDirection,
  AclFilter,
  AclOptions,
  BfdOptions,
  CreateOptions,
  DeleteOptions,
  LoadBalancerOptions,
  MirrorOptions,
  NatFilter,
  NatOptions,
  NatType,
  PolicyAction,
  PolicyFilter,
  PolicyOptions,
  QosFilter,
  PortOptions,
  PortSettings,
  QosOptions,
  RouteFilter,
  RouteOptions,
  RouterPortOptions,
  SwitchOptions,
  SwitchSubnet,
} from "./options.js";

/** The object-family calls of {@link NbTransaction}. */
export abstract class NbFamilyCalls extends NbFeatureCalls {
  // ---------------------------------------------------------------- switches

  /** Adds logical switch `name` (`ls-add`), with OVN IPAM settings and `external_ids`. */
  lsAdd(name: string, options: SwitchOptions = {}): Promise<Ref<"Logical_Switch">> {
    return switches.lsAdd(this.x, name, options);
  }

  /** Deletes logical switch `name` and, with it, its ports (`ls-del`). */
  lsDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return switches.lsDel(this.x, name, options);
  }

  /**
   * Updates `other_config` / `external_ids` keys of switch `name` (merged into the existing maps);
   * `removeOtherConfig` / `removeExternalIds` remove keys.
   */
  lsSet(name: string,
    settings: {
      readonly subnet?: SwitchSubnet;
      readonly otherConfig?: StringMap;
      readonly externalIds?: StringMap;
      readonly removeOtherConfig?: readonly string[];
      readonly removeExternalIds?: readonly string[];
    }): Promise<void> {
    return switches.lsSet(this.x, name, settings);
  }

  // ---------------------------------------------------------------- switch ports

  /**
   * Adds port `name` to switch `sw` (`lsp-add`) with its settings: fixed `"MAC IP"` addresses or
   * `["dynamic"]`, port security, type, options, VLAN tag, external ids. With `mayExist`, an
   * existing port of that name on the same switch is left as is; on another switch it is an error.
   */
  lspAdd(sw: string, name: string, options: PortOptions = {}): Promise<Ref<"Logical_Switch_Port">> {
    return switches.lspAdd(this.x, sw, name, options);
  }

  /** Adds a localnet port (underlay access to physical network `network`, VLAN `vlan` when given) to switch `sw`. */
  localnetPortAdd(sw: string, name: string, network: string, options: CreateOptions & { readonly vlan?: number } = {}): Promise<Ref<"Logical_Switch_Port">> {
    return switches.localnetPortAdd(this.x, sw, name, network, options);
  }

  /** Changes settings of port `name` (`lsp-set-*`); only the given fields change. */
  lspSet(name: string, settings: PortSettings): Promise<void> {
    return switches.lspSet(this.x, name, settings);
  }

  /** Deletes port `name` from its switch (`lsp-del`). */
  lspDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return switches.lspDel(this.x, name, options);
  }

  // ---------------------------------------------------------------- DHCP

  /**
   * Creates or updates the DHCP options of `cidr` identified by `externalIds` (Kube-OVN keys them
   * by switch and protocol there): an existing row with the same cidr and those external ids is
   * updated, else one is created. Returns its ref, for {@link PortSettings.dhcpv4Options}.
   */
  dhcpOptionsEnsure(cidr: string, options: StringMap, externalIds: StringMap = {}): Promise<Ref<"DHCP_Options">> {
    return switches.dhcpOptionsEnsure(this.x, cidr, options, externalIds);
  }

  // ---------------------------------------------------------------- routers

  /** Adds logical router `name` (`lr-add`). */
  lrAdd(name: string, options: CreateOptions & { readonly options?: StringMap; readonly externalIds?: StringMap } = {}): Promise<Ref<"Logical_Router">> {
    return routers.lrAdd(this.x, name, options);
  }

  /** Deletes logical router `name` with its ports, routes, policies and NATs (`lr-del`). */
  lrDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return routers.lrDel(this.x, name, options);
  }

  /** Adds router port `name` with `mac` and `networks` (`IP/LEN`) to router `router` (`lrp-add`). */
  lrpAdd(router: string, name: string, mac: string, networks: readonly string[], options: RouterPortOptions = {}): Promise<Ref<"Logical_Router_Port">> {
    return routers.lrpAdd(this.x, router, name, mac, networks, options);
  }

  /** Deletes router port `name` (`lrp-del`). */
  lrpDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return routers.lrpDel(this.x, name, options);
  }

  /**
   * Connects switch `sw` to router `router`: router port `lrpName` (`mac`, `networks`) and, on the
   * switch, port `lspName` of type `router` with `addresses` `router` (as Kube-OVN connects a
   * subnet to its VPC router). Idempotent with `mayExist`.
   */
  connectSwitchToRouter(sw: string,
    router: string,
    ports: { readonly lrpName: string; readonly lspName: string; readonly mac: string; readonly networks: readonly string[] },
    options: CreateOptions = {}): Promise<void> {
    return routers.connectSwitchToRouter(this.x, sw, router, ports, options);
  }

  /** Makes `lrp` a distributed gateway port scheduled on `chassis` with `priority` (`lrp-set-gateway-chassis`). */
  lrpSetGatewayChassis(lrp: string, chassis: string, priority = 0): Promise<void> {
    return routers.lrpSetGatewayChassis(this.x, lrp, chassis, priority);
  }

  /** Removes `chassis` from the gateway chassis of `lrp` (`lrp-del-gateway-chassis`). */
  lrpDelGatewayChassis(lrp: string, chassis: string, options: DeleteOptions = {}): Promise<void> {
    return routers.lrpDelGatewayChassis(this.x, lrp, chassis, options);
  }

  /** Adds HA chassis group `name` (`ha-chassis-group-add`). */
  haChassisGroupAdd(name: string, options: CreateOptions = {}): Promise<Ref<"HA_Chassis_Group">> {
    return routers.haChassisGroupAdd(this.x, name, options);
  }

  /** Adds (or re-prioritizes) `chassis` in HA chassis group `group` (`ha-chassis-group-add-chassis`). */
  haChassisGroupAddChassis(group: string, chassis: string, priority: number): Promise<void> {
    return routers.haChassisGroupAddChassis(this.x, group, chassis, priority);
  }

  /** Deletes HA chassis group `name` (`ha-chassis-group-del`). */
  haChassisGroupDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return routers.haChassisGroupDel(this.x, name, options);
  }

  /** Sets (or clears, with null) the HA chassis group of router port `lrp` (centralized gateway). */
  lrpSetHaChassisGroup(lrp: string, group: string | null): Promise<void> {
    return routers.lrpSetHaChassisGroup(this.x, lrp, group);
  }

  // ---------------------------------------------------------------- routes, policies, NAT

  /**
   * Adds a static route `prefix` via `nexthop` to `router` (`lr-route-add`). With `mayExist`, an
   * existing route for the same prefix and policy gets the new next hop; with `ecmp`, another next
   * hop is added.
   */
  lrRouteAdd(router: string, prefix: string, nexthop: string, options: RouteOptions = {}): Promise<Ref<"Logical_Router_Static_Route">> {
    return routing.lrRouteAdd(this.x, router, prefix, nexthop, options);
  }

  /** Deletes the static routes of `router` matching `filter` (all of them when empty) (`lr-route-del`). */
  lrRouteDel(router: string, filter: RouteFilter = {}): Promise<number> {
    return routing.lrRouteDel(this.x, router, filter);
  }

  /** Adds a routing policy to `router` (`lr-policy-add`); the same priority and match twice is an error unless `mayExist`. */
  lrPolicyAdd(router: string, priority: number, match: string, action: PolicyAction, options: PolicyOptions = {}): Promise<Ref<"Logical_Router_Policy">> {
    return routing.lrPolicyAdd(this.x, router, priority, match, action, options);
  }

  /**
   * Deletes policies of `router`: all, those of `priority`, or the one with `priority` and
   * `match`, optionally only in one `chain` where the schema has chains (`lr-policy-del`).
   */
  lrPolicyDel(router: string, filter: PolicyFilter = {}): Promise<number> {
    return routing.lrPolicyDel(this.x, router, filter);
  }

  /**
   * Adds a NAT rule to `router` (`lr-nat-add`): `snat` of `logicalIp` (an IP or CIDR) to
   * `externalIp`, `dnat` or `dnat_and_snat` (an EIP) of `externalIp` to `logicalIp`. With
   * `mayExist`, a rule with the same key (logical IP for snat, external IP otherwise) is updated.
   */
  lrNatAdd(router: string, type: NatType, externalIp: string, logicalIp: string, options: NatOptions = {}): Promise<Ref<"NAT">> {
    return routing.lrNatAdd(this.x, router, type, externalIp, logicalIp, options);
  }

  /** Deletes NAT rules of `router`: all, those of `type`, or the one of `type` keyed by `ip` (`lr-nat-del`). */
  lrNatDel(router: string, filter: NatFilter = {}): Promise<number> {
    return routing.lrNatDel(this.x, router, filter);
  }

  // ---------------------------------------------------------------- ACLs

  /**
   * Adds an ACL to a switch or port group (`acl-add`): `direction`, `priority` (0..32767),
   * `match`, `action`, logging with name/severity/meter. An ACL with the same direction, priority
   * and match is an error unless `mayExist` (then nothing changes).
   */
  aclAdd(target: AclTarget, direction: AclDirection, priority: number, match: string, action: AclAction, options: AclOptions = {}): Promise<Ref<"ACL">> {
    return acls.aclAdd(this.x, target, direction, priority, match, action, options);
  }

  /** Deletes the ACLs of a switch or port group matching `filter` (all when empty; `tier` where the schema has tiers) (`acl-del`). */
  aclDel(target: AclTarget, filter: AclFilter = {}): Promise<number> {
    return acls.aclDel(this.x, target, filter);
  }

  // ---------------------------------------------------------------- port groups and address sets

  /** Adds port group `name` with `ports` (`pg-add`). */
  pgAdd(name: string, ports: readonly string[] = [], options: CreateOptions & { readonly externalIds?: StringMap } = {}): Promise<Ref<"Port_Group">> {
    return acls.pgAdd(this.x, name, ports, options);
  }

  /** Deletes port group `name` (`pg-del`). */
  pgDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return acls.pgDel(this.x, name, options);
  }

  /** Replaces the ports of port group `name` (`pg-set-ports`). */
  pgSetPorts(name: string, ports: readonly string[]): Promise<void> {
    return acls.pgSetPorts(this.x, name, ports);
  }

  /** Adds ports to port group `name` (no-op for members), as Kube-OVN does per pod. */
  pgAddPorts(name: string, ports: readonly (string | Ref<"Logical_Switch_Port">)[]): Promise<void> {
    return acls.pgAddPorts(this.x, name, ports);
  }

  /** Removes ports from port group `name`. */
  pgRemovePorts(name: string, ports: readonly string[]): Promise<void> {
    return acls.pgRemovePorts(this.x, name, ports);
  }

  /** Adds address set `name` (addresses are IPs or CIDRs). With `mayExist`, the addresses of an existing set are replaced. */
  addressSetAdd(name: string, addresses: readonly string[], options: CreateOptions & { readonly externalIds?: StringMap } = {}): Promise<Ref<"Address_Set">> {
    return acls.addressSetAdd(this.x, name, addresses, options);
  }

  /** Adds and removes addresses of address set `name`. */
  addressSetUpdate(name: string, change: { readonly add?: readonly string[]; readonly remove?: readonly string[] }): Promise<void> {
    return acls.addressSetUpdate(this.x, name, change);
  }

  /** Deletes address set `name`. */
  addressSetDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return acls.addressSetDel(this.x, name, options);
  }

  // ---------------------------------------------------------------- load balancers

  /**
   * Adds VIP `vip` (`IP` or `IP:PORT`, `[IPv6]:PORT`) with `backends` to load balancer `name`,
   * creating it when needed (`lb-add`). An existing VIP is an error unless `mayExist` (then its
   * backends are replaced).
   */
  lbAdd(name: string, vip: string, backends: readonly string[], options: LoadBalancerOptions = {}): Promise<Ref<"Load_Balancer">> {
    return loadBalancers.lbAdd(this.x, name, vip, backends, options);
  }

  /** Deletes load balancer `name`, or only its `vip` (`lb-del`). */
  lbDel(name: string, options: DeleteOptions & { readonly vip?: string } = {}): Promise<void> {
    return loadBalancers.lbDel(this.x, name, options);
  }

  /** Attaches load balancer `lb` to switch `sw` (`ls-lb-add`; idempotent). */
  lsLbAdd(sw: string, lb: string): Promise<void> {
    return loadBalancers.lsLbAdd(this.x, sw, lb);
  }

  /** Detaches load balancer `lb` from switch `sw` (`ls-lb-del`). */
  lsLbDel(sw: string, lb: string, options: DeleteOptions = {}): Promise<void> {
    return loadBalancers.lsLbDel(this.x, sw, lb, options);
  }

  /** Attaches load balancer `lb` to router `router` (`lr-lb-add`; idempotent). */
  lrLbAdd(router: string, lb: string): Promise<void> {
    return loadBalancers.lrLbAdd(this.x, router, lb);
  }

  /** Detaches load balancer `lb` from router `router` (`lr-lb-del`). */
  lrLbDel(router: string, lb: string, options: DeleteOptions = {}): Promise<void> {
    return loadBalancers.lrLbDel(this.x, router, lb, options);
  }

  /**
   * Adds a health check for `vip` of load balancer `lb` (`options`: interval, timeout,
   * success_count, failure_count) and the backend → `logical_port:source_ip` mappings it needs.
   */
  lbHealthCheckAdd(lb: string, vip: string, options: StringMap, ipPortMappings: StringMap = {}): Promise<Ref<"Load_Balancer_Health_Check">> {
    return loadBalancers.lbHealthCheckAdd(this.x, lb, vip, options, ipPortMappings);
  }

  // ---------------------------------------------------------------- QoS, mirrors, BFD

  /** Adds a QoS rule (bandwidth limit and/or DSCP marking) to switch `sw` (`qos-add`). */
  qosAdd(sw: string, direction: AclDirection, priority: number, match: string, options: QosOptions): Promise<Ref<"QoS">> {
    return qosMirrorsMeters.qosAdd(this.x, sw, direction, priority, match, options);
  }

  /** Deletes QoS rules of switch `sw` (all, of a direction, or one by direction/priority/match) (`qos-del`). */
  qosDel(sw: string, filter: QosFilter = {}): Promise<number> {
    return qosMirrorsMeters.qosDel(this.x, sw, filter);
  }

  /** Adds mirror `name` (`mirror-add`). */
  mirrorAdd(name: string, options: MirrorOptions): Promise<Ref<"Mirror">> {
    return qosMirrorsMeters.mirrorAdd(this.x, name, options);
  }

  /** Attaches mirror `mirror` to port `lsp` (`lsp-attach-mirror`). */
  lspAttachMirror(lsp: string, mirror: string): Promise<void> {
    return qosMirrorsMeters.lspAttachMirror(this.x, lsp, mirror);
  }

  /** Detaches mirror `mirror` from port `lsp` (`lsp-detach-mirror`). */
  lspDetachMirror(lsp: string, mirror: string): Promise<void> {
    return qosMirrorsMeters.lspDetachMirror(this.x, lsp, mirror);
  }

  /** Deletes mirror `name` and detaches it from every port (`mirror-del`). */
  mirrorDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return qosMirrorsMeters.mirrorDel(this.x, name, options);
  }

  /** Adds a BFD session from router port `logicalPort` to `dstIp` (idempotent on that pair with `mayExist`). */
  bfdAdd(logicalPort: string, dstIp: string, options: BfdOptions = {}): Promise<Ref<"BFD">> {
    return qosMirrorsMeters.bfdAdd(this.x, logicalPort, dstIp, options);
  }

  /**
   * Adds meter `name` (`meter-add`): one `drop` band of `rate` in `unit` (with `burst`), e.g. to
   * rate-limit ACL logging (`aclAdd(..., { log: true, meter: name })`).
   */
  meterAdd(name: string, rate: number, unit: "kbps" | "pktps", options: CreateOptions & { readonly burst?: number; readonly fair?: boolean } = {}): Promise<Ref<"Meter">> {
    return qosMirrorsMeters.meterAdd(this.x, name, rate, unit, options);
  }

  /** Deletes meter `name` (`meter-del`). */
  meterDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return qosMirrorsMeters.meterDel(this.x, name, options);
  }

  /**
   * Adds a static MAC binding (`Static_MAC_Binding`): `ip` on router port `logicalPort` is at
   * `mac`, so the router needs no ARP/ND for it (e.g. the underlay gateway of an external
   * network). With `mayExist`, an existing binding of that port and IP gets the new MAC.
   */
  staticMacBindingAdd(logicalPort: string, ip: string, mac: string, options: CreateOptions & { readonly overrideDynamicMac?: boolean } = {}): Promise<Ref<"Static_MAC_Binding">> {
    return qosMirrorsMeters.staticMacBindingAdd(this.x, logicalPort, ip, mac, options);
  }
}
