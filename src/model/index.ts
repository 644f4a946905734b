/**
 * The Kube-OVN network model: Kube-OVN `Vpc`, `Subnet`, `Vlan`, `ProviderNetwork`, `IP`,
 * `IPPool`, `OvnEip`, `OvnFip`, `OvnSnatRule`, `OvnDnatRule`, core `Namespace`, `Pod`, `Node` and
 * `Service`, and `networking.k8s.io/v1` `NetworkPolicy` manifests, read and validated ({@link loadManifests}, {@link resolveModel}), named as Kube-OVN
 * names their OVN rows, and planned onto the Northbound database through the controller layer
 * ({@link applyModel}). The `ovn-ts apply` and `ovn-ts diff` commands are built on it.
 *
 * @module
 */
export { type ManifestIssue, type ManifestProblem, InvalidManifestError, formatIssue } from "./errors.js";
export {
  type ContainerPort,
  type GatewayType,
  type Manifest,
  type ModelKind,
  type ModelObject,
  type NamespaceObject,
  type PodObject,
  type Source,
  type SubnetObject,
  type SubnetProtocol,
  type VpcObject,
  NAMESPACED_KINDS,
  objectRef,
} from "./types.js";
export { OVN_ANNOTATION_PREFIX, POD_ANNOTATIONS, loadManifests, manifestFiles, parseManifestText } from "./load.js";
export { type LoadWorkerReply, WORKER_LOAD_MIN_BYTES, loadManifestsInWorker, manifestsWorthAWorker } from "./load-parallel.js";
export { type PackedEntries, type PlainEntry } from "./load-plain.js";
export { ACL_PRIORITY, DEFAULT_NODE_SWITCH_CIDR, DEFAULT_SUBNET, DEFAULT_VPC, EXTERNAL_IDS, KUBE_OVN_IDENTITY, KUBE_OVN_VENDOR, NETPOL_ACL_TIER, NODE_SWITCH, deterministicMac, podPortName, routerPortName, switchRouterPortName } from "./naming.js";
export { type ExistingAddresses, type ResolveOptions, type ResolvedModel, type ResolvedPod, type ResolvedSubnet, resolveModel } from "./resolve.js";
export { type ApplyModelOptions, type ApplyModelResult, type ObjectAction, type ObjectOutcome, applyModel, existingAddresses } from "./planner.js";
export { type SubnetAcl, privateSubnetAcls } from "./kinds/subnet-private.js";
export { type ModelUnit, type NatSpec, type PolicySpec, type PruneTarget, U2O_NO_LB_KEY } from "./kinds/common.js";
export { type FieldReader, type KindReader } from "./load.js";
export { type ChassisResult, EXTERNAL_GW_LABEL, NODE_ANNOTATIONS, type NodeObject, POLICY_PRIORITY, type ResolvedNode, applyChassis, nodePortGroupName, nodePortName, subnetNodePortGroupName } from "./kinds/node.js";
export { type ProviderNetworkObject, type ResolvedUnderlay, type VlanObject, localnetPortName } from "./kinds/underlay.js";
export { type IpObject, type IpPoolObject, MAX_POOL_ADDRESSES, type PoolRange, poolAddresses, poolEntry } from "./kinds/ip.js";
export { EXTERNAL_SUBNET, type OvnDnatRuleObject, type OvnEipObject, type OvnFipObject, type OvnSnatRuleObject, type ResolvedEip, type ResolvedExternal, type ResolvedNat, externalRouterPortName, orderGatewayChassis } from "./kinds/nat.js";
export { resolveGatewayNodes, subnetPolicies } from "./kinds/gateway.js";
export { type ExtraKindObject } from "./kinds/types.js";
export { type DocumentAccess, type JsonValue, Fields, valueAt } from "./kinds/fields.js";
export { type LabelSelector, type SelectorRequirement, readSelector, selectorMatches, selectorText } from "./kinds/selector.js";
export {
  NAMESPACE_NAME_LABEL,
  NETWORK_POLICY_ANNOTATIONS,
  NETWORK_POLICY_KEY,
  NETWORK_POLICY_PRIORITY,
  type NetworkPolicyObject,
  type PolicyAcl,
  type PolicyContext,
  type PolicyPeer,
  type PolicyPort,
  type PolicyRule,
  type ResolvedNetworkPolicy,
  checkPortGroupCollisions,
  cidrContains,
  networkPolicyPortGroup,
  networkPolicyRefOf,
  networkPolicyUnit,
  npName,
  podsByLabel,
  podsByNamespace,
  readNetworkPolicy,
  resolveNetworkPolicy,
} from "./kinds/network-policy.js";
export {
  SERVICE_RECORD_PREFIX,
  SERVICE_SESSION_TIMEOUT,
  type ResolvedService,
  type ServiceObject,
  type ServicePort,
  type ServiceProtocol,
  type VpcLoadBalancers,
  ensureVpcLoadBalancers,
  joinHostPort,
  loadBalancerRef,
  readService,
  resolveService,
  serviceRecordKey,
  serviceRecords,
  serviceUnit,
  vpcLoadBalancerNames,
  vpcLoadBalancers,
} from "./kinds/service.js";
export { POD_QOS_PRIORITY, POD_RATE_ANNOTATIONS, type PodQosRule, defaultBurstKbit, podQosRules, readQoSPolicy } from "./kinds/qos.js";
export { ECMP_SYMMETRIC_REPLY, type StaticRouteEcmpMode, VPC_ROUTE_MARK, type VpcPolicyRoute, type VpcRoutes, type VpcStaticRoute, buildVpcRoutes, isBfdRoute, readVpcRoutes, vpcPolicySpecs, vpcRouteCount } from "./kinds/vpc-routes.js";
export { type ResolvedPeering, type VpcPeering, peeringPortName, readVpcPeerings, resolvePeerings } from "./kinds/vpc-peering.js";
export { BFD_DEFAULTS, BFD_PORT_DEFAULT_NODES, BFD_VPC_KEY, type BfdContext, type BfdPort, type BfdSession, type ResolvedVpcBfd, bfdPortName, bfdSessionRef, readBfdPort, resolveVpcBfd } from "./kinds/bfd.js";
export { type ExternalConnection, type ResolvedVpcExtras, type VpcExtrasContext, externalConnectionsOf, resolveVpcExtras, vpcRouterOptions } from "./kinds/vpc-extras.js";
export { ALLOW_EW_TRAFFIC_PRIORITY, SUBNET_ACL_ACTIONS, type SubnetAclEntry, type SubnetSpecAcl, readSubnetAcls, subnetSpecAcls } from "./kinds/subnet-acls.js";
export { DHCP_DEFAULT_MTU, DHCP_V4_DEFAULTS, DHCP_V4_OPTION_NAMES, DHCP_V6_OPTION_NAMES, IPV6_RA_CONFIG_NAMES, IPV6_RA_DEFAULTS, POD_DHCP_ANNOTATIONS, SUBNET_DHCP_FIELDS, type SubnetDhcp, buildSubnetDhcp, dhcpOptionsOf, podDhcpColumns, readPodDhcp, readSubnetDhcp, routerPortRaColumns } from "./kinds/subnet-dhcp.js";
export {
  type ManifestWarning,
  NO_OVN_EFFECT,
  PORT_VIPS_ANNOTATION,
  SUBNET_EXTRA_FIELDS,
  type SubnetExtraFields,
  type SubnetPolicyRouting,
  buildSubnetExtraPorts,
  checkPolicyRoutingTables,
  formatWarning,
  manifestWarnings,
  mcastOtherConfig,
  mcastQuerierName,
  podVipColumns,
  readPortVips,
  readSubnetExtras,
  subnetDhcpPruneTargets,
  subnetExtraPortNames,
  vipPortName,
} from "./kinds/subnet-extras.js";
export {
  SUBNET_U2O_FIELDS,
  type SubnetU2oFields,
  U2O_OVERLAY_ONLY_KEY,
  U2O_PHYSICAL_GATEWAY_POLICY_PRIORITY,
  U2O_POLICY_KEY,
  U2O_SAME_SUBNET_POLICY_PRIORITY,
  U2O_SUBNET_POLICY_PRIORITY,
  buildSubnetU2o,
  existingU2oAddresses,
  readSubnetU2o,
  u2oExcludeAddressSet,
  u2oNetworks,
  u2oOverlayCidrsAddressSet,
  u2oOwnerName,
  u2oPolicies,
  u2oPruneTargets,
  u2oRouterPorts,
  u2oSwitchPorts,
  u2oVpcs,
} from "./kinds/subnet-u2o.js";
export { U2O_OVERLAY_CIDRS_KEY, U2O_OVERLAY_CIDRS_WEIGHT, U2O_PORT_GROUP_KEY, buildU2oOverlayCidrs, u2oNoLbPolicies, u2oNoLbUnits, u2oNodePortGroupName, u2oRoutingPruneTargets, vpcOverlayCidrs } from "./kinds/u2o-routing.js";
export { DEFAULT_SERVICE_CLUSTER_IP_RANGE, SERVICE_CIDR_READER, type ServiceCidrObject, serviceCidrs, serviceClusterIpRangeProblem } from "./kinds/service-cidr.js";
export { VPC_SPEC_FIELDS, type VpcSpecFields, readVpcSpec } from "./kinds/vpc-spec.js";
export { NAMESPACE_SYSTEM, type NamespaceVpc, type VpcNamespaceFields, namespaceSubnet, readVpcNamespaces, resolveVpcNamespaces } from "./kinds/vpc-namespaces.js";
