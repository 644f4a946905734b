/**
 * monitor (`ovn-ts/monitor`): a Prometheus exporter serving Kube-OVN's metric families
 * (kube-ovn-monitor, kube-ovn-pinger, the controller's IPAM gauges) from OVS/OVN databases and
 * control sockets, and this SDK's own client metrics. See docs/monitoring.md.
 *
 * @module
 */
export { Exporter, type ExporterOptions, type ExporterSources, type SourceState, SourceTimeoutError } from "./exporter.js";
export { FAMILIES, type FamilyGauges, type FamilyKey, type FamilySpec, SKIPPED_FAMILIES, registerFamilies } from "./families.js";
export { ClientMetrics, type ClientMetricsOptions, type ObservableWorkQueue } from "./client-metrics.js";
export { type SubnetUsage, applySubnetUsage, ipamFromNb, subnetUsage } from "./ipam-metrics.js";
export { SelectError } from "./rows.js";
export {
  type CentralSnapshot,
  type ChassisInfo,
  type DbServerSnapshot,
  type InterfaceInfo,
  NB_TABLES,
  OVS_TABLES,
  type OvsSnapshot,
  type PortInfo,
  SB_TABLES,
  type SwitchInfo,
  type VswitchdSnapshot,
  centralSnapshot,
  lspAddress,
  ovsSnapshot,
} from "./snapshot.js";
export {
  CENTRAL_FAMILIES,
  CLUSTER_FAMILIES,
  DB_COMPONENT,
  DP_FAMILIES,
  OVS_FAMILIES,
  applyCentral,
  applyDbServer,
  applyNorthd,
  applyOvs,
  applyUpDown,
  applyVswitchd,
  resetFamilies,
} from "./apply.js";
