/**
 * The typed Kube-OVN network model: the `Vpc` and `Subnet` custom resources of Kube-OVN
 * (`kubeovn.io/v1`, pkg/apis/kubeovn/v1) and the core `Namespace` and `Pod` objects, reduced to
 * the fields that map to OVN Northbound rows (`NetworkPolicy` and `Service` are typed in
 * `src/model/kinds`). Every object remembers where it was read from.
 *
 * @module
 */
import type { BfdPort } from "./kinds/bfd.js";
import type { LabelSelector } from "./kinds/selector.js";
import type { SubnetAclEntry } from "./kinds/subnet-acls.js";
import type { SubnetDhcp } from "./kinds/subnet-dhcp.js";
import type { SubnetPolicyRouting } from "./kinds/subnet-extras.js";
import type { SubnetU2oFields } from "./kinds/subnet-u2o.js";
import type { ExtraKindObject } from "./kinds/types.js";
import type { VpcPeering } from "./kinds/vpc-peering.js";
import type { VpcRoutes } from "./kinds/vpc-routes.js";

/** Where an object (or a field of it) was read: file, 0-based document index in the file, 1-based line. */
export interface Source {
  /** The file path as given (or `-` for standard input). */
  readonly file: string;
  /** The 0-based index of the YAML document in the file. */
  readonly document: number;
  /** The 1-based line of the object (or field); 0 when unknown. */
  readonly line: number;
}

/** A Kube-OVN `Vpc` (`kubeovn.io/v1`): one logical router named after it. */
export interface VpcObject {
  /** The kind. */
  readonly kind: "Vpc";
  /** `metadata.name`: the logical router's name. */
  readonly name: string;
  /**
   * `spec.enableExternal`: connect the router to the external subnet (`external`) through a
   * gateway port `VPC-external`, as Kube-OVN's `handleAddVpcExternalSubnet` does (src/model/kinds/nat.ts).
   */
  readonly enableExternal?: boolean;
  /** `spec.staticRoutes` and `spec.policyRoutes` (src/model/kinds/vpc-routes.ts); absent when both are empty. */
  readonly routes?: VpcRoutes;
  /** `spec.vpcPeerings`: router ports peering with other VPCs (src/model/kinds/vpc-peering.ts); absent when empty. */
  readonly peerings?: readonly VpcPeering[];
  /**
   * `spec.extraExternalSubnets`: underlay subnets the VPC is connected to (a router port
   * `VPC-SUBNET` each) instead of the default external subnet, with `enableExternal`; absent when empty.
   */
  readonly extraExternalSubnets?: readonly string[];
  /** `spec.enableBfd`: a BFD session from the external router port to the external gateway (src/model/kinds/bfd.ts). */
  readonly enableBfd?: boolean;
  /** `spec.bfdPort` when enabled: the BFD router port `bfd@VPC` and its HA chassis group (src/model/kinds/bfd.ts). */
  readonly bfdPort?: BfdPort;
  /** `spec.namespaces`: the namespaces whose pods use this VPC (src/model/kinds/vpc-namespaces.ts); absent when empty. */
  readonly namespaces?: readonly string[];
  /** `spec.defaultSubnet`: the subnet of this VPC the pods of its namespaces use (src/model/kinds/vpc-namespaces.ts). */
  readonly defaultSubnet?: string;
  /** Where it was read. */
  readonly source: Source;
}

/** `Subnet.spec.gatewayType` (Kube-OVN `GWDistributedType` / `GWCentralizedType`). */
export type GatewayType = "distributed" | "centralized";

/** `Subnet.spec.protocol`. */
export type SubnetProtocol = "IPv4" | "IPv6" | "Dual";

/** A Kube-OVN `Subnet` (`kubeovn.io/v1`): one logical switch named after it, connected to its VPC's router. */
export interface SubnetObject extends SubnetU2oFields {
  /** The kind. */
  readonly kind: "Subnet";
  /** `metadata.name`: the logical switch's name. */
  readonly name: string;
  /** `spec.default`: the subnet of pods whose namespace no subnet claims. */
  readonly default: boolean;
  /** `spec.vpc`; the default VPC (`ovn-cluster`) when absent. */
  readonly vpc: string | undefined;
  /** `spec.protocol`; derived from `cidrBlock` when absent. */
  readonly protocol: SubnetProtocol | undefined;
  /** `spec.cidrBlock`: one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma. */
  readonly cidrBlock: string;
  /** `spec.gateway`; the first address of each CIDR when absent (as Kube-OVN defaults it). */
  readonly gateway: string | undefined;
  /** `spec.excludeIps`: addresses (`a`) or ranges (`a..b`) never handed out. */
  readonly excludeIps: readonly string[];
  /** `spec.namespaces`: namespaces whose pods use this subnet. */
  readonly namespaces: readonly string[];
  /** `spec.gatewayType`. */
  readonly gatewayType: GatewayType;
  /** `spec.gatewayNode`: comma-separated gateway node names, in order (`""` when absent). */
  readonly gatewayNode: string;
  /** `spec.gatewayNodeSelectors`: the gateway nodes when `gatewayNode` is absent (every node one of them matches). */
  readonly gatewayNodeSelectors?: readonly LabelSelector[];
  /** `spec.natOutgoing` (Kube-OVN implements it with node iptables rules, not OVN rows). */
  readonly natOutgoing: boolean;
  /** `spec.private`. */
  readonly private: boolean;
  /** `spec.allowSubnets`. */
  readonly allowSubnets: readonly string[];
  /** `spec.vlan`: the `Vlan` of an underlay subnet (a localnet port on the switch; src/model/kinds/underlay.ts). */
  readonly vlan?: string;
  /** `spec.logicalGateway`: an underlay subnet that is still joined to its VPC's router. */
  readonly logicalGateway?: boolean;
  /** `spec.enableEcmp`: a centralized subnet's reroute policy has every gateway node as next hop (ECMP) instead of the first. */
  readonly enableEcmp?: boolean;
  /**
   * `spec.routeTable`: the VPC route table its traffic is routed by (`options:route_table` of its
   * router port, as Kube-OVN's `reconcileRouteTableForSubnet`); the main table when absent.
   */
  readonly routeTable?: string;
  /**
   * `spec.enableLb`: `false` keeps the VPC's load balancers off this subnet's switch (Kube-OVN
   * removes them, `LogicalSwitchUpdateLoadBalancers` delete); absent or true: on it.
   */
  readonly enableLb?: false;
  /** `spec.namespaceSelectors`: the namespaces whose labels one of them matches use this subnet too (as `namespaces`). */
  readonly namespaceSelectors?: readonly LabelSelector[];
  /** `spec.acls`: ACLs on the subnet's switch (src/model/kinds/subnet-acls.ts); absent when empty. */
  readonly acls?: readonly SubnetAclEntry[];
  /** `spec.allowEWTraffic`: with `acls`, allow the subnet's traffic to itself at priority 1900. */
  readonly allowEWTraffic?: boolean;
  /** `spec.enableDHCP`, `dhcpV4Options`, `dhcpV6Options`, `mtu`, `enableIPv6RA`, `ipv6RAConfigs` (src/model/kinds/subnet-dhcp.ts); absent when off. */
  readonly dhcp?: SubnetDhcp;
  /** `spec.enableMulticastSnoop`: a querier port and the switch's `mcast_*` options (src/model/kinds/subnet-extras.ts). */
  readonly enableMulticastSnoop?: true;
  /** `spec.vips`: a virtual port per address (src/model/kinds/subnet-extras.ts); absent when empty. */
  readonly vips?: readonly string[];
  /** The fields set that have no OVN effect (accepted with a warning; src/model/kinds/subnet-extras.ts). */
  readonly noEffect?: readonly { readonly field: string; readonly source: Source }[];
  /** `externalEgressGateway` with its `policyRoutingTableID`, checked against the other subnets' (src/model/kinds/subnet-extras.ts). */
  readonly policyRouting?: SubnetPolicyRouting;
  /** Where it was read. */
  readonly source: Source;
}

/** A core `Namespace` (`v1`). */
export interface NamespaceObject {
  /** The kind. */
  readonly kind: "Namespace";
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.labels`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where it was read. */
  readonly source: Source;
}

/** A core `Pod` (`v1`): one logical switch port named `NAME.NAMESPACE` (Kube-OVN's `PodNameToPortName`). */
export interface PodObject {
  /** The kind. */
  readonly kind: "Pod";
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace` (`default` when absent, as kubectl does). */
  readonly namespace: string;
  /** `metadata.labels`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotation `ovn.kubernetes.io/ip_address`: fixed IPs (one per family; comma-separated in the annotation). */
  readonly ipAddress: readonly string[] | undefined;
  /** Annotation `ovn.kubernetes.io/mac_address`: a fixed MAC. */
  readonly macAddress: string | undefined;
  /** Annotation `ovn.kubernetes.io/logical_switch`: the subnet, overriding the namespace's. */
  readonly logicalSwitch: string | undefined;
  /** Annotation `ovn.kubernetes.io/ip_pool`: the IPs (`;` or `,` separated) the pod takes the first free of, or an `IPPool` name (src/model/kinds/ip.ts). */
  readonly ipPool?: readonly string[];
  /** `spec.nodeName`: the chassis the port is requested on (`options:requested-chassis`). */
  readonly nodeName: string | undefined;
  /** `spec.containers[].ports`: for named ports of NetworkPolicies and Service target ports. */
  readonly containerPorts?: readonly ContainerPort[];
  /** Annotation `ovn.kubernetes.io/ingress_rate`: the pod's ingress limit in Mbit/s. */
  readonly ingressRate?: number;
  /** Annotation `ovn.kubernetes.io/egress_rate`: the pod's egress limit in Mbit/s. */
  readonly egressRate?: number;
  /** Annotation `ovn.kubernetes.io/port_vips`: the VIPs (a subnet's `vips`) the pod's port may send from (src/model/kinds/subnet-extras.ts). */
  readonly portVips?: readonly string[];
  /** Annotation `ovn.kubernetes.io/dhcp-v4-options`, parsed: the port's own DHCPv4 options (src/model/kinds/subnet-dhcp.ts). */
  readonly dhcpV4Options?: Readonly<Record<string, string>>;
  /** Annotation `ovn.kubernetes.io/dhcp-v6-options`, parsed: the port's own DHCPv6 options. */
  readonly dhcpV6Options?: Readonly<Record<string, string>>;
  /** Where it was read. */
  readonly source: Source;
}

/** A container port of a pod (`spec.containers[].ports[]`). */
export interface ContainerPort {
  /** `name`, when given. */
  readonly name: string | undefined;
  /** `containerPort`. */
  readonly containerPort: number;
  /** `protocol` (default TCP). */
  readonly protocol: "TCP" | "UDP" | "SCTP";
}

/** One object of the model. */
export type ModelObject = VpcObject | SubnetObject | NamespaceObject | PodObject | ExtraKindObject;

/** The kinds of the model. */
export type ModelKind = ModelObject["kind"];

/** A set of objects read from manifests. */
export interface Manifest {
  /** The objects, in file order. */
  readonly objects: readonly ModelObject[];
}

/** The name the CLI prints for an object, as kubectl does: `subnet/ovn-default`, `pod/default/web-0`. */
export function objectRef(o: { readonly kind: ModelKind; readonly name: string; readonly namespace?: string }): string {
  const kind = o.kind.toLowerCase();
  return NAMESPACED_KINDS.has(o.kind) ? `${kind}/${o.namespace ?? "default"}/${o.name}` : `${kind}/${o.name}`;
}

/** The kinds whose objects live in a namespace (named `NAMESPACE/NAME`). */
export const NAMESPACED_KINDS: ReadonlySet<ModelKind> = new Set<ModelKind>(["Pod", "NetworkPolicy", "Service"]);
