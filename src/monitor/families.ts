/**
 * The metric families the exporter serves, with Kube-OVN's names, help texts, types and labels
 * (`pkg/ovnmonitor/metric.go` of kube-ovn-monitor, `pkg/pinger/metrics.go` of kube-ovn-pinger,
 * namespace `kube_ovn`), so that Kube-OVN's Grafana dashboards and alerts read them unchanged,
 * plus the exporter's own source-health families (`ovn_ts_exporter_*`).
 *
 * @module
 */
import { Gauge, type Registry } from "prom-client";

/** A family: Prometheus name, help text and label names (all Kube-OVN families are gauges). */
export interface FamilySpec {
  /** Full metric name, e.g. `kube_ovn_cluster_role`. */
  readonly name: string;
  /** HELP text. */
  readonly help: string;
  /** Label names, in Kube-OVN's order. */
  readonly labels: readonly string[];
}

const CLUSTER = ["hostname", "db_name", "server_id", "cluster_id"] as const;
const IFACE_STAT = ["hostname", "interfaceName", "pod_name", "pod_namespace"] as const;

/** Every family the exporter serves, keyed by a short name used in the code. */
export const FAMILIES = {
  // kube-ovn-monitor (pkg/ovnmonitor/metric.go)
  ovnStatus: { name: "kube_ovn_ovn_status", help: "OVN Health Status. The values are:(2) for standby or follower, (1) for active or leader, (0) for unhealthy.", labels: ["hostname", "component"] },
  ovnStatusContent: { name: "kube_ovn_ovn_status_content", help: "OVN Health Status. The values are always 1. While the value of status label is the actual status report.", labels: ["hostname", "component", "status"] },
  failedReqCount: { name: "kube_ovn_failed_req_count", help: "The number of failed requests to OVN stack.", labels: ["hostname"] },
  logFileSize: { name: "kube_ovn_log_file_size_bytes", help: "The size of a log file associated with an OVN component. The unit is Bytes.", labels: ["hostname", "component", "filename"] },
  dbFileSize: { name: "kube_ovn_db_file_size_bytes", help: "The size of a database file associated with an OVN component. The unit is Bytes.", labels: ["hostname", "db_name"] },
  chassisInfo: { name: "kube_ovn_chassis_info", help: "The information about the chassis. This metric is always up (1).", labels: ["hostname", "uuid", "name", "ip"] },
  lsInfo: { name: "kube_ovn_logical_switch_info", help: "The information about OVN logical switch. This metric is always up (1).", labels: ["hostname", "uuid", "name"] },
  lsExternalId: { name: "kube_ovn_logical_switch_external_id", help: "Provides the external IDs and values associated with OVN logical switches. This metric is always up (1).", labels: ["hostname", "uuid", "key", "value", "logical_switch_name"] },
  lsPortBinding: { name: "kube_ovn_logical_switch_port_binding", help: "Provides the association between a logical switch and a logical switch port. This metric is always up (1).", labels: ["hostname", "uuid", "port", "logical_switch_name"] },
  lsTunnelKey: { name: "kube_ovn_logical_switch_tunnel_key", help: "The value of the tunnel key associated with the logical switch.", labels: ["hostname", "uuid", "logical_switch_name"] },
  lsPortsNum: { name: "kube_ovn_logical_switch_ports_num", help: "The number of logical switch ports connected to the OVN logical switch.", labels: ["hostname", "uuid", "logical_switch_name"] },
  lspInfo: {
    name: "kube_ovn_logical_switch_port_info",
    help: "The information about OVN logical switch port. This metric is always up (1).",
    labels: ["hostname", "uuid", "name", "chassis", "logical_switch_name", "datapath", "port_binding", "mac_address", "ip_address"],
  },
  lspTunnelKey: { name: "kube_ovn_logical_switch_port_tunnel_key", help: "The value of the tunnel key associated with the logical switch port.", labels: ["hostname", "uuid", "logical_switch_name", "port_name"] },
  clusterEnabled: { name: "kube_ovn_cluster_enabled", help: "Is OVN clustering enabled (1) or not (0).", labels: ["hostname", "db_name"] },
  clusterRole: { name: "kube_ovn_cluster_role", help: "A metric with a constant '1' value labeled by server role.", labels: [...CLUSTER, "server_role"] },
  clusterStatus: { name: "kube_ovn_cluster_status", help: "A metric with a constant '1' value labeled by server status.", labels: [...CLUSTER, "server_status"] },
  clusterTerm: { name: "kube_ovn_cluster_term", help: "The current raft term known by this server.", labels: CLUSTER },
  clusterLeaderSelf: { name: "kube_ovn_cluster_leader_self", help: "Is this server consider itself a leader (1) or not (0).", labels: CLUSTER },
  clusterVoteSelf: { name: "kube_ovn_cluster_vote_self", help: "Is this server voted itself as a leader (1) or not (0).", labels: CLUSTER },
  clusterElectionTimer: { name: "kube_ovn_cluster_election_timer", help: "The current election timer value.", labels: CLUSTER },
  clusterLogNotCommitted: { name: "kube_ovn_cluster_log_not_committed", help: "The number of log entries not yet committed by this server.", labels: CLUSTER },
  clusterLogNotApplied: { name: "kube_ovn_cluster_log_not_applied", help: "The number of log entries not yet applied by this server.", labels: CLUSTER },
  clusterLogIndexStart: { name: "kube_ovn_cluster_log_index_start", help: "The log entry index start value associated with this server.", labels: CLUSTER },
  clusterLogIndexNext: { name: "kube_ovn_cluster_log_index_next", help: "The log entry index next value associated with this server.", labels: CLUSTER },
  clusterInConn: { name: "kube_ovn_cluster_inbound_connections_total", help: "The total number of inbound connections to the server.", labels: CLUSTER },
  clusterOutConn: { name: "kube_ovn_cluster_outbound_connections_total", help: "The total number of outbound connections from the server.", labels: CLUSTER },
  clusterInConnErr: { name: "kube_ovn_cluster_inbound_connections_error_total", help: "The total number of failed inbound connections to the server.", labels: CLUSTER },
  clusterOutConnErr: { name: "kube_ovn_cluster_outbound_connections_error_total", help: "The total number of failed outbound connections from the server.", labels: CLUSTER },
  clusterInPeer: { name: "kube_ovn_cluster_inbound_peer_connected", help: "This metric appears when a cluster peer is connected to this server. This metric is always 1.", labels: [...CLUSTER, "peer_id", "peer_address"] },
  clusterOutPeer: { name: "kube_ovn_cluster_outbound_peer_connected", help: "This metric appears when this server connects to a cluster peer. This metric is always 1.", labels: [...CLUSTER, "peer_id", "peer_address"] },
  clusterPeerCount: { name: "kube_ovn_cluster_peer_count", help: "The total number of peers in this server's cluster.", labels: CLUSTER },
  clusterPeerNextIndex: { name: "kube_ovn_cluster_peer_next_index", help: "The raft's next index associated with this cluster peer.", labels: [...CLUSTER, "peer_id"] },
  clusterPeerMatchIndex: { name: "kube_ovn_cluster_peer_match_index", help: "The raft's match index associated with this cluster peer.", labels: [...CLUSTER, "peer_id"] },
  clusterNextIndex: { name: "kube_ovn_cluster_next_index", help: "The raft's next index associated with this server.", labels: CLUSTER },
  clusterMatchIndex: { name: "kube_ovn_cluster_match_index", help: "The raft's match index associated with this server.", labels: CLUSTER },
  dbStatus: { name: "kube_ovn_db_status", help: "The status of OVN NB/SB DB, (1) for healthy, (0) for unhealthy.", labels: ["hostname", "db_name"] },
  // kube-ovn-pinger (pkg/pinger/metrics.go)
  ovsUp: { name: "pinger_ovs_up", help: "If the ovs on the node is up", labels: ["nodeName"] },
  ovsDown: { name: "pinger_ovs_down", help: "If the ovs on the node is down", labels: ["nodeName"] },
  controllerUp: { name: "pinger_ovn_controller_up", help: "If the ovn_controller on the node is up", labels: ["nodeName"] },
  controllerDown: { name: "pinger_ovn_controller_down", help: "If the ovn_controller on the node is down", labels: ["nodeName"] },
  inconsistentPortBinding: { name: "pinger_inconsistent_port_binding", help: "The number of mismatch port bindings between ovs and ovn-sb", labels: ["nodeName"] },
  ovsStatus: { name: "kube_ovn_ovs_status", help: "OVS Health Status. The values are: healthy(1), unhealthy(0).", labels: ["hostname", "component"] },
  ovsInfo: { name: "kube_ovn_ovs_info", help: "This metric provides basic information about OVS. It is always set to 1.", labels: ["system_id", "rundir", "hostname", "system_type", "system_version", "ovs_version", "db_version"] },
  datapath: { name: "kube_ovn_datapath", help: "Represents an existing datapath. This metric is always 1.", labels: ["hostname", "datapath", "type"] },
  dpTotal: { name: "kube_ovn_dp_total", help: "Represents total number of datapaths on the system.", labels: ["hostname"] },
  dpIf: { name: "kube_ovn_dp_if", help: "Represents an existing datapath interface. This metric is always 1.", labels: ["hostname", "datapath", "port", "type", "ofPort"] },
  dpIfTotal: { name: "kube_ovn_dp_if_total", help: "Represents the number of ports connected to the datapath.", labels: ["hostname", "datapath"] },
  dpFlowsTotal: { name: "kube_ovn_dp_flows_total", help: "The number of flows in a datapath.", labels: ["hostname", "datapath"] },
  dpLookupHit: { name: "kube_ovn_dp_flows_lookup_hit", help: "The number of incoming packets in a datapath matching existing flows in the datapath.", labels: ["hostname", "datapath"] },
  dpLookupMissed: { name: "kube_ovn_dp_flows_lookup_missed", help: "The number of incoming packets in a datapath not matching any existing flow in the datapath.", labels: ["hostname", "datapath"] },
  dpLookupLost: { name: "kube_ovn_dp_flows_lookup_lost", help: "The number of incoming packets in a datapath destined for userspace process but subsequently dropped before reaching userspace.", labels: ["hostname", "datapath"] },
  dpMasksHit: { name: "kube_ovn_dp_masks_hit", help: "The total number of masks visited for matching incoming packets.", labels: ["hostname", "datapath"] },
  dpMasksTotal: { name: "kube_ovn_dp_masks_total", help: "The number of masks in a datapath.", labels: ["hostname", "datapath"] },
  dpMasksHitRatio: { name: "kube_ovn_dp_masks_hit_ratio", help: "The average number of masks visited per packet. It is the ratio between hit and total number of packets processed by a datapath.", labels: ["hostname", "datapath"] },
  iface: { name: "kube_ovn_interface", help: "Represents OVS interface. This is the primary metric for all other interface metrics. This metric is always 1.", labels: ["hostname", "uuid", "interfaceName"] },
  ifaceAdminState: { name: "kube_ovn_interface_admin_state", help: "The administrative state of the physical network link of OVS interface. The values are: down(0), up(1), other(2).", labels: ["hostname", "interfaceName"] },
  ifaceLinkState: { name: "kube_ovn_interface_link_state", help: "The state of the physical network link of OVS interface. The values are: down(0), up(1), other(2).", labels: ["hostname", "interfaceName"] },
  ifaceMacInUse: { name: "kube_ovn_interface_mac_in_use", help: "The MAC address in use by OVS interface.", labels: ["hostname", "interfaceName", "mac_address"] },
  ifaceMtu: { name: "kube_ovn_interface_mtu", help: "The currently configured MTU for OVS interface.", labels: ["hostname", "interfaceName"] },
  ifaceOfPort: { name: "kube_ovn_interface_of_port", help: "Represents the OpenFlow port ID associated with OVS interface.", labels: ["hostname", "interfaceName"] },
  ifaceIfIndex: { name: "kube_ovn_interface_if_index", help: "Represents the interface index associated with OVS interface.", labels: ["hostname", "interfaceName"] },
  ifaceTxPackets: { name: "kube_ovn_interface_tx_packets", help: "Represents the number of transmitted packets by OVS interface.", labels: IFACE_STAT },
  ifaceTxBytes: { name: "kube_ovn_interface_tx_bytes", help: "Represents the number of transmitted bytes by OVS interface.", labels: IFACE_STAT },
  ifaceRxPackets: { name: "kube_ovn_interface_rx_packets", help: "Represents the number of received packets by OVS interface.", labels: IFACE_STAT },
  ifaceRxBytes: { name: "kube_ovn_interface_rx_bytes", help: "Represents the number of received bytes by OVS interface.", labels: IFACE_STAT },
  ifaceRxCrcErr: { name: "kube_ovn_interface_rx_crc_err", help: "Represents the number of CRC errors for the packets received by OVS interface.", labels: IFACE_STAT },
  ifaceRxDropped: { name: "kube_ovn_interface_rx_dropped", help: "Represents the number of input packets dropped by OVS interface.", labels: IFACE_STAT },
  ifaceRxErrors: { name: "kube_ovn_interface_rx_errors", help: "Represents the total number of packets with errors received by OVS interface.", labels: IFACE_STAT },
  ifaceRxFrameErr: { name: "kube_ovn_interface_rx_frame_err", help: "Represents the number of frame alignment errors on the packets received by OVS interface.", labels: IFACE_STAT },
  ifaceRxMissedErr: { name: "kube_ovn_interface_rx_missed_err", help: "Represents the number of packets with RX missed received by OVS interface.", labels: IFACE_STAT },
  ifaceRxOverErr: { name: "kube_ovn_interface_rx_over_err", help: "Represents the number of packets with RX overrun received by OVS interface.", labels: IFACE_STAT },
  ifaceTxDropped: { name: "kube_ovn_interface_tx_dropped", help: "Represents the number of output packets dropped by OVS interface.", labels: IFACE_STAT },
  ifaceTxErrors: { name: "kube_ovn_interface_tx_errors", help: "Represents the total number of transmit errors by OVS interface.", labels: IFACE_STAT },
  ifaceCollisions: { name: "kube_ovn_interface_collisions", help: "Represents the number of collisions on OVS interface.", labels: IFACE_STAT },
  ifaceRxMulticast: { name: "kube_ovn_interface_rx_multicast_packets", help: "Represents the count of multicast packets received by OVS interface.", labels: IFACE_STAT },
  // kube-ovn-controller (pkg/controller/net_metrics.go)
  subnetAvailable: { name: "subnet_available_ip_count", help: "The available num of ip address in subnet.", labels: ["subnet_name", "protocol", "subnet_cidr"] },
  subnetUsed: { name: "subnet_used_ip_count", help: "The used num of ip address in subnet.", labels: ["subnet_name", "protocol", "subnet_cidr"] },
  // this exporter's own
  sourceUp: { name: "ovn_ts_exporter_source_up", help: "Whether the exporter's last refresh of this source succeeded (1) or not (0).", labels: ["source", "target"] },
  sourceLastSuccess: { name: "ovn_ts_exporter_source_last_success_timestamp_seconds", help: "Unix time of this source's last successful refresh.", labels: ["source", "target"] },
  sourceDuration: { name: "ovn_ts_exporter_source_refresh_seconds", help: "How long this source's last refresh took.", labels: ["source", "target"] },
} as const satisfies Record<string, FamilySpec>;

/** The short names of {@link FAMILIES}. */
export type FamilyKey = keyof typeof FAMILIES;

/** The gauges of every family, registered in one prom-client registry. */
export type FamilyGauges = { readonly [K in FamilyKey]: Gauge<string> };

/** Creates and registers a gauge for every family of {@link FAMILIES} in `registry`. */
export function registerFamilies(registry: Registry): FamilyGauges {
  const out: Partial<Record<FamilyKey, Gauge<string>>> = {};
  for (const [key, spec] of Object.entries(FAMILIES) as [FamilyKey, FamilySpec][]) {
    out[key] = new Gauge({ name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] });
  }
  return out as FamilyGauges;
}

/** Kube-OVN families this exporter does not serve, with why (see docs/monitoring.md). */
export const SKIPPED_FAMILIES: Readonly<Record<string, string>> = {
  pinger_apiserver_healthy: "Kubernetes API checks: this SDK talks to OVS/OVN, not to Kubernetes",
  pinger_apiserver_unhealthy: "Kubernetes API checks",
  pinger_apiserver_latency_ms: "Kubernetes API checks",
  pinger_internal_dns_healthy: "cluster DNS checks: no Kubernetes",
  pinger_internal_dns_unhealthy: "cluster DNS checks",
  pinger_internal_dns_latency_ms: "cluster DNS checks",
  pinger_external_dns_healthy: "external DNS checks",
  pinger_external_dns_unhealthy: "external DNS checks",
  pinger_external_dns_latency_ms: "external DNS checks",
  pinger_pod_ping_latency_ms: "ICMP pings between pods need pods and raw sockets",
  pinger_pod_ping_lost_total: "ICMP pings between pods",
  pinger_pod_ping_count_total: "ICMP pings between pods",
  pinger_node_ping_latency_ms: "ICMP pings between nodes",
  pinger_node_ping_lost_total: "ICMP pings between nodes",
  pinger_node_ping_count_total: "ICMP pings between nodes",
  pinger_external_ping_latency_ms: "ICMP pings to an external address",
  pinger_external_ping_lost_total: "ICMP pings to an external address",
};
