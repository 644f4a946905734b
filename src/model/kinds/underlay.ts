/**
 * Underlay networks as Kube-OVN makes them (pkg/controller/vlan.go, provider_network.go,
 * subnet.go): a `ProviderNetwork` names a physical network (its OVS bridge mapping; no OVN rows of
 * its own), a `Vlan` is a VLAN id on a provider network, and a `Subnet` with `spec.vlan` gets a
 * `localnet` port `localnet.SUBNET` (`addresses` `unknown`, `options:network_name` = the provider,
 * `tag` = the VLAN id when 1..4095, `external_ids` `ls`, `ipv4_network`/`ipv6_network`). Such a
 * subnet is not joined to its VPC's router unless `logicalGateway: true` (the physical gateway
 * routes it).
 *
 * @module
 */
import type { NbPlan } from "../../ovn/controller/index.js";
import type { FieldReader, KindReader } from "../load.js";
import { EXTERNAL_IDS } from "../naming.js";
import type { ResolvedSubnet } from "../resolve.js";
import type { Source } from "../types.js";

/** A Kube-OVN `ProviderNetwork` (`kubeovn.io/v1`, cluster-scoped): a physical network nodes are attached to. */
export interface ProviderNetworkObject {
  /** The kind. */
  readonly kind: "ProviderNetwork";
  /** `metadata.name`: the localnet ports' `options:network_name`. */
  readonly name: string;
  /** `spec.defaultInterface` (the nodes' NIC; no OVN effect). */
  readonly defaultInterface: string;
  /** `spec.excludeNodes` (no OVN effect). */
  readonly excludeNodes: readonly string[];
  /** Where it was read. */
  readonly source: Source;
}

/** A Kube-OVN `Vlan` (`kubeovn.io/v1`, cluster-scoped): a VLAN id on a provider network. */
export interface VlanObject {
  /** The kind. */
  readonly kind: "Vlan";
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.id` (0: untagged). */
  readonly id: number;
  /** `spec.provider`: the `ProviderNetwork`. */
  readonly provider: string;
  /** Where it was read. */
  readonly source: Source;
}

/** A subnet's underlay: its VLAN and provider network. */
export interface ResolvedUnderlay {
  /** The `Vlan`. */
  readonly vlan: string;
  /** The VLAN id (0: untagged). */
  readonly tag: number;
  /** The `ProviderNetwork`. */
  readonly provider: string;
}

/** The localnet port of an underlay subnet (`ovs.GetLocalnetName`). */
export function localnetPortName(subnet: string): string {
  return `localnet.${subnet}`;
}

function readProviderNetwork(r: FieldReader, name: string, _labels: Readonly<Record<string, string>>, source: Source): ProviderNetworkObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["defaultInterface", "excludeNodes"]);
  const defaultInterface = r.str(["spec", "defaultInterface"], true) ?? "";
  if (defaultInterface !== "" && (defaultInterface.length > 15 || /[/\s]/.test(defaultInterface))) r.issue(["spec", "defaultInterface"], { kind: "bad-value", value: defaultInterface, reason: "an interface name (at most 15 characters, no '/' or space)" });
  if (name.length > 12) r.issue(["metadata", "name"], { kind: "bad-value", value: name, reason: "a provider network name has at most 12 characters (Kube-OVN's limit: its bridge is br-NAME)" });
  return { kind: "ProviderNetwork", name, defaultInterface, excludeNodes: r.strings(["spec", "excludeNodes"]), source };
}

function readVlan(r: FieldReader, name: string, _labels: Readonly<Record<string, string>>, source: Source): VlanObject {
  r.only([], ["apiVersion", "kind", "metadata", "spec"]);
  r.only(["spec"], ["id", "provider"]);
  const id = r.int(["spec", "id"]) ?? 0;
  if (id < 0 || id > 4095) r.issue(["spec", "id"], { kind: "bad-value", value: String(id), reason: "a VLAN id is 0..4095" });
  return { kind: "Vlan", name, id, provider: r.str(["spec", "provider"], true) ?? "", source };
}

/** The reader of `kubeovn.io/v1` `ProviderNetwork`. */
export const PROVIDER_NETWORK_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "ProviderNetwork", metadata: ["labels"], read: readProviderNetwork };
/** The reader of `kubeovn.io/v1` `Vlan`. */
export const VLAN_READER: KindReader = { apiVersion: "kubeovn.io/v1", kind: "Vlan", metadata: ["labels"], read: readVlan };

/** Adds an underlay subnet's localnet port to a plan (as Kube-OVN's `CreateLocalnetLogicalSwitchPort`); removes it when the subnet is no longer underlay. */
export function buildLocalnet(p: NbPlan, s: ResolvedSubnet): void {
  const ls = s.object.name;
  const name = localnetPortName(ls);
  const u = s.underlay;
  if (!u) {
    if (p.db.byName("Logical_Switch_Port", name) && p.db.owns(p.db.byName("Logical_Switch_Port", name)!)) p.deleteNamed("Logical_Switch_Port", name);
    return;
  }
  const v4 = s.cidrs.find((c) => !c.includes(":"));
  const v6 = s.cidrs.find((c) => c.includes(":"));
  p.ensureSwitchPort(ls, name, {
    type: "localnet",
    addresses: ["unknown"],
    options: { network_name: u.provider },
    tag: u.tag > 0 && u.tag < 4096 ? u.tag : [],
    external_ids: { [EXTERNAL_IDS.logicalSwitch]: ls, ...(v4 ? { ipv4_network: v4 } : {}), ...(v6 ? { ipv6_network: v6 } : {}) },
  } as unknown as Parameters<NbPlan["ensureSwitchPort"]>[2]);
}
