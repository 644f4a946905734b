/**
 * ovn: the OVN logical-network API on top of the typed Northbound model — switches, ports,
 * routers, routes, NAT, ACLs, port groups, address sets, load balancers, QoS, mirrors, BFD as
 * short typed idempotent calls composed into one transaction, Kube-OVN-style IPAM, and detection
 * of the OVN release and schema features a server has (`detectOvnSchema`, `requireFeature`).
 *
 * @module
 */
export {
  type OvnConflict,
  type OvnContainer,
  type OvnObjectKind,
  OvnAlreadyExistsError,
  OvnConcurrentChangeError,
  OvnAmbiguousNameError,
  OvnConflictError,
  OvnError,
  OvnInvalidArgumentError,
  OvnNotFoundError,
  OvnTransactionStateError,
} from "./errors.js";
export type { NbReader, NbWhere } from "./reader.js";
export { readByUuid, replicaReader, selectReader } from "./reader.js";
export { type ShowOptions, renderShow } from "./show.js";
export type { IpFamily, Prefix } from "./net.js";
export { checkIp, checkIpWithPrefix, checkMac, ipFamily, isIp, isMac, normalizePrefix, parsePrefix } from "./net.js";
export type {
  AclAction,
  AclDirection,
  AclFilter,
  AclOptions,
  AclSeverity,
  AclTarget,
  BfdOptions,
  CommitOptions,
  CommitResult,
  CreateOptions,
  DeleteOptions,
  LbProtocol,
  LoadBalancerOptions,
  LoadBalancerSettings,
  MapChange,
  NatSettings,
  RouterPortSettings,
  MirrorOptions,
  NatFilter,
  NatOptions,
  NatType,
  OvnNbOptions,
  PolicyAction,
  PolicyFilter,
  PolicyOptions,
  PortOptions,
  PortSettings,
  QosFilter,
  QosOptions,
  RouteFilter,
  RouteOptions,
  RouterPortOptions,
  StringMap,
  SwitchOptions,
  SwitchSubnet,
} from "./nb.js";
export { NbTransaction, OvnNb, checkAddressEntry } from "./nb.js";
export type { ExternalIdsTable } from "./nb-reads.js";
export { NbReads } from "./nb-reads.js";
export { type DuplicateIndex, type DuplicateIndexRow, duplicateIndexOf, hasUniqueIndex, lostIndexRace } from "./index-race.js";
export { EXTERNAL_ID_SEPARATOR, nbReplicaTables, startNbReplica } from "./nb-replica.js";
export { DNS_NAME_KEY, type DnsOptions, type DnsRecords, dnsRecordsColumn } from "./dns.js";
export type { LbGroupOptions } from "./lb-group.js";
export type { FwdGroupEntry, FwdGroupOptions } from "./fwd-group.js";
export { COPP_PROTOCOLS, type CoppProtocol, checkCoppProtocol } from "./copp.js";
export { type Ipv6RaConfig, type RaPreference, type RaRouteInfo, ipv6RaConfigs } from "./ipv6-ra.js";
export type { AllocateOptions, Allocation, MacGenerator, RebuildConflict, RebuildReport, SubnetIpamMemory, SubnetIpamOptions } from "./ipam.js";
export {
  IPAM_MEMORY_KEY,
  Ipam,
  IpamConflictError,
  IpamError,
  IpamExcludedError,
  IpamExhaustedError,
  IpamOutOfRangeError,
  IpamUnknownSubnetError,
  SubnetIpam,
  addressesEntry,
  canonicalIp,
  randomMacGenerator,
} from "./ipam.js";
export type { Microflow, TraceOptions, TraceRequest, TraceResult, TraceVerdict } from "./trace.js";
export { OvnTraceError, buildMicroflow, runOvnTrace, traceFromPort, traceVerdict } from "./trace.js";
export { type OvnTrace, type TraceSection, type TraceStage, parseOvnTrace } from "./trace-text.js";
export type { OvsReader, PodInterface } from "./node.js";
export { OvsNode, OvsTransaction, ovsSelectReader } from "./node.js";
export {
  IcTimeoutError,
  IcTransaction,
  IcZone,
  icAvailabilityZones,
  icGateways,
  icPortBindings,
  icRoutes,
  parseIcAddress,
  readIcSouthbound,
  renderIcSbShow,
  renderTransitSwitchList,
  transitSwitches,
  waitForIcPortBinding,
  waitForIcRoute,
} from "./ic.js";
export type {
  IcAvailabilityZone,
  IcDatapathBinding,
  IcEncap,
  IcGateway,
  IcGatewayChassis,
  IcPortBinding,
  IcRoute,
  IcRouteFilter,
  IcSbFilter,
  IcSouthboundSnapshot,
  IcWaitOptions,
  IcZoneSettings,
  IcZoneState,
  LearnedRoute,
  LearnedRouteFilter,
  TransitLink,
} from "./ic.js";
export {
  type DatabaseListClient,
  type FeatureReleases,
  type OvnFeature,
  type OvnSchemaInfos,
  type OvnSchemaInfo,
  type OvnSchemaMatch,
  type TableAndColumnNames,
  type TablesIn,
  OVN_DATABASE_KEYS,
  OVN_FEATURE_CHANGES,
  OvnFeatureUnavailableError,
  OvnInvalidSchemaError,
  describeOvnSchema,
  detectOvnSchema,
  detectOvnSchemas,
  matchedOvnModel,
  ovnFeatureReleases,
  requireFeature,
} from "./schema-features.js";
export { type FeatureParts, parseFeatureName, schemaFeatureNames, schemaHasFeature } from "./schema-feature-names.js";
// The controller layer (declarative calls, ownership, GC, reconcile runtime): see docs/ovn.md "Writing a controller".
export * from "./controller/index.js";
