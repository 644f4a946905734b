/**
 * The calls of {@link NbTransaction} implemented in the feature modules (DNS, load balancer
 * groups, forwarding groups, CoPP, IPv6 router advertisements) and the updates of existing
 * objects (`updates.ts`), as a base class over the transaction's context.
 *
 * @module
 */
import type { Row } from "../../ovsdb/models/ovn-nb.js";
import type { Ref } from "../../ovsdb/model/types.js";
import type { TxContext } from "../tx-context.js";
import { NbReads } from "../nb-reads.js";
import * as dns from "../dns.js";
import type { DnsOptions, DnsRecords } from "../dns.js";
import * as lbGroup from "../lb-group.js";
import type { LbGroupOptions } from "../lb-group.js";
import * as fwdGroup from "../fwd-group.js";
import type { FwdGroupEntry, FwdGroupOptions } from "../fwd-group.js";
import * as copp from "../copp.js";
import type { CoppProtocol } from "../copp.js";
import * as ipv6Ra from "../ipv6-ra.js";
import type { Ipv6RaConfig } from "../ipv6-ra.js";
import * as updates from "../updates.js";
import type { LoadBalancerSettings, MapChange, NatSettings, RouterPortSettings } from "../updates.js";
import type { DeleteOptions, NatType } from "./options.js";

/** The feature and update calls of {@link NbTransaction}. */
export abstract class NbFeatureCalls extends NbReads {
  /**
   * The transaction's context the modules build on.
   * @internal
   */
  protected abstract get x(): TxContext;


  // ---------------------------------------------------------------- updates of existing objects

  // Implemented in updates.ts: map columns change per key (set / remove), never replaced whole.

  /** Changes router port `name`: MAC, networks, peer (null clears), options and external ids per key. */
  lrpSet(name: string, settings: RouterPortSettings): Promise<void> {
    return updates.lrpSet(this.x, name, settings);
  }

  /** Changes router `name`'s options and external ids, per key. */
  lrSet(name: string, settings: { readonly options?: MapChange; readonly externalIds?: MapChange }): Promise<void> {
    return updates.lrSet(this.x, name, settings);
  }

  /** Changes load balancer `name`: options per key (affinity timeout, hairpin SNAT IP, `ct_flush`, ...), `ip_port_mappings` per key, selection fields, protocol. */
  lbSet(name: string, settings: LoadBalancerSettings): Promise<void> {
    return updates.lbSet(this.x, name, settings);
  }

  /** Removes the health checks of `vip` from load balancer `lb`; resolves with how many went. */
  lbHealthCheckDel(lb: string, vip: string, options: DeleteOptions = {}): Promise<number> {
    return updates.lbHealthCheckDel(this.x, lb, vip, options);
  }

  /**
   * Changes the NAT rule of `router` keyed as `lrNatAdd` keys it (`type` and the logical IP for
   * snat, the external IP otherwise): distributed (logical port + external MAC) ↔ centralized
   * (`distributed: null`), addresses, options and external ids per key.
   */
  lrNatSet(router: string, type: NatType, ip: string, settings: NatSettings): Promise<void> {
    return updates.lrNatSet(this.x, router, type, ip, settings);
  }

  /** Replaces the bands of meter `name` with one `drop` band of `rate` (and `burst`), optionally changing its unit. */
  meterSetBand(name: string, rate: number, options: { readonly burst?: number; readonly unit?: "kbps" | "pktps" } = {}): Promise<void> {
    return updates.meterSetBand(this.x, name, rate, options);
  }

  /** Sets and removes keys of port `name`'s `options` (`requested-chassis`, `virtual-parents`, `arp_proxy`, ...), leaving the others. */
  lspSetOptions(name: string, change: MapChange): Promise<void> {
    return updates.lspMapChange(this.x, name, "options", change);
  }

  /** Sets and removes keys of port `name`'s `external_ids`, leaving the others. */
  lspSetExternalIds(name: string, change: MapChange): Promise<void> {
    return updates.lspMapChange(this.x, name, "external_ids", change);
  }

  /** Sets (or clears, with null) the VLAN tag (`tag_request`) of port `name`. */
  lspSetTag(name: string, tag: number | null): Promise<void> {
    return updates.lspSetTag(this.x, name, tag);
  }

  /** Sets and removes keys of `NB_Global`'s `options` and `external_ids`. */
  nbGlobalSet(settings: { readonly options?: MapChange; readonly externalIds?: MapChange }): Promise<void> {
    return updates.nbGlobalSet(this.x, settings);
  }

  /**
   * Adds DNS records `name` (kept in `external_ids:name`): query name → addresses, or a reverse
   * name → host name for PTR. With `mayExist`, an existing set's records are replaced.
   */
  dnsAdd(name: string, records: DnsRecords, options: DnsOptions = {}): Promise<Ref<"DNS">> {
    return dns.dnsAdd(this.x, name, records, options);
  }

  /** Sets (adds or replaces) and removes single records of DNS records `name`. */
  dnsUpdate(name: string, change: { readonly set?: DnsRecords; readonly remove?: readonly string[] }): Promise<void> {
    return dns.dnsUpdate(this.x, name, change);
  }

  /** Deletes DNS records `name` (switches holding them lose them too). */
  dnsDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return dns.dnsDel(this.x, name, options);
  }

  /** Reads DNS records `name` (or undefined; undefined too when created in this transaction). */
  dnsGet(name: string): Promise<Row<"DNS"> | undefined> {
    return dns.dnsGet(this.x, name);
  }

  /** Attaches DNS records `name` to switch `sw` (`Logical_Switch.dns_records`; idempotent). */
  lsDnsAdd(sw: string, name: string): Promise<void> {
    return dns.lsDnsAdd(this.x, sw, name);
  }

  /** Detaches DNS records `name` from switch `sw`. */
  lsDnsDel(sw: string, name: string, options: DeleteOptions = {}): Promise<void> {
    return dns.lsDnsDel(this.x, sw, name, options);
  }

  /** Adds load balancer group `name`, with `loadBalancers` as members. */
  lbGroupAdd(name: string, options: LbGroupOptions = {}): Promise<Ref<"Load_Balancer_Group">> {
    return lbGroup.lbGroupAdd(this.x, name, options);
  }

  /** Deletes load balancer group `name`, detaching it from every switch and router. */
  lbGroupDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupDel(this.x, name, options);
  }

  /** Adds load balancers to group `group` (members stay members). */
  lbGroupAddLb(group: string, lbs: readonly string[]): Promise<void> {
    return lbGroup.lbGroupAddLb(this.x, group, lbs);
  }

  /** Removes load balancers from group `group`. */
  lbGroupRemoveLb(group: string, lbs: readonly string[], options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupRemoveLb(this.x, group, lbs, options);
  }

  /** Reads load balancer group `name` (or undefined). */
  lbGroupGet(name: string): Promise<Row<"Load_Balancer_Group"> | undefined> {
    return lbGroup.lbGroupGet(this.x, name);
  }

  /** Attaches load balancer group `group` to switch `sw` (idempotent). */
  lsLbGroupAdd(sw: string, group: string): Promise<void> {
    return lbGroup.lbGroupAttach(this.x, { switch: sw }, group);
  }

  /** Detaches load balancer group `group` from switch `sw`. */
  lsLbGroupDel(sw: string, group: string, options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupDetach(this.x, { switch: sw }, group, options);
  }

  /** Attaches load balancer group `group` to router `router` (idempotent). */
  lrLbGroupAdd(router: string, group: string): Promise<void> {
    return lbGroup.lbGroupAttach(this.x, { router }, group);
  }

  /** Detaches load balancer group `group` from router `router`. */
  lrLbGroupDel(router: string, group: string, options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupDetach(this.x, { router }, group, options);
  }

  /**
   * Adds forwarding group `name` on switch `sw` (`fwd-group-add`): IPv4 `vip` and `vmac`, spread
   * over child `ports` of that switch. With `mayExist`, an existing group on the same switch gets
   * these settings.
   */
  fwdGroupAdd(sw: string, name: string, vip: string, vmac: string, ports: readonly string[], options: FwdGroupOptions = {}): Promise<Ref<"Forwarding_Group">> {
    return fwdGroup.fwdGroupAdd(this.x, sw, name, vip, vmac, ports, options);
  }

  /** Deletes forwarding group `name` (`fwd-group-del`). */
  fwdGroupDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return fwdGroup.fwdGroupDel(this.x, name, options);
  }

  /** The forwarding groups of switch `sw`, or of every switch, by name (`fwd-group-list`). */
  fwdGroupList(sw?: string): Promise<FwdGroupEntry[]> {
    return fwdGroup.fwdGroupList(this.x, sw);
  }

  /** Meters `proto` packets with `meter` in CoPP policy `name`, creating the policy when needed (`copp-add`). */
  coppAdd(name: string, proto: CoppProtocol, meter: string): Promise<Ref<"Copp">> {
    return copp.coppAdd(this.x, name, proto, meter);
  }

  /** Deletes CoPP policy `name`, or only its `proto` entry (`copp-del`); a policy left empty goes. */
  coppDel(name: string, proto?: CoppProtocol, options: DeleteOptions = {}): Promise<void> {
    return copp.coppDel(this.x, name, proto, options);
  }

  /** The protocol → meter entries of CoPP policy `name` (empty when it does not exist) (`copp-list`). */
  coppList(name: string): Promise<ReadonlyMap<string, string>> {
    return copp.coppList(this.x, name);
  }

  /** Applies CoPP policy `name` to switch `sw` (`ls-copp-add`). */
  lsCoppAdd(sw: string, name: string): Promise<void> {
    return copp.coppAttach(this.x, { switch: sw }, name);
  }

  /** Removes the CoPP policy of switch `sw`. */
  lsCoppDel(sw: string, options: DeleteOptions = {}): Promise<void> {
    return copp.coppDetach(this.x, { switch: sw }, options);
  }

  /** Applies CoPP policy `name` to router `router` (`lr-copp-add`). */
  lrCoppAdd(router: string, name: string): Promise<void> {
    return copp.coppAttach(this.x, { router }, name);
  }

  /** Removes the CoPP policy of router `router`. */
  lrCoppDel(router: string, options: DeleteOptions = {}): Promise<void> {
    return copp.coppDetach(this.x, { router }, options);
  }

  /**
   * Sets the IPv6 router advertisement settings of router port `lrp` (`ipv6_ra_configs`, replaced
   * whole), after validating them; the port needs an IPv6 network.
   */
  lrpSetIpv6Ra(lrp: string, config: Ipv6RaConfig): Promise<void> {
    return ipv6Ra.lrpSetIpv6Ra(this.x, lrp, config);
  }

  /** Clears the IPv6 router advertisement settings of router port `lrp` (no more RAs). */
  lrpClearIpv6Ra(lrp: string): Promise<void> {
    return ipv6Ra.lrpClearIpv6Ra(this.x, lrp);
  }
}
