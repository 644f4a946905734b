/**
 * Turning snapshots into gauge values with Kube-OVN's meanings. Each function resets the families
 * it owns and sets them again synchronously, so a scrape never sees half of a refresh.
 *
 * @module
 */
import type { ClusterStatus } from "../unixctl/cluster-status.js";
import type { NorthdStatus } from "../unixctl/status.js";
import type { FamilyGauges, FamilyKey } from "./families.js";
import type { CentralSnapshot, DbServerSnapshot, OvsSnapshot, VswitchdSnapshot } from "./snapshot.js";

/** Resets the given families. */
export function resetFamilies(g: FamilyGauges, keys: readonly FamilyKey[]): void {
  for (const k of keys) g[k].reset();
}

/** Families owned by {@link applyCentral}. */
export const CENTRAL_FAMILIES: readonly FamilyKey[] = ["chassisInfo", "lsInfo", "lsExternalId", "lsPortBinding", "lsTunnelKey", "lsPortsNum", "lspInfo", "lspTunnelKey"];

/** kube-ovn-monitor's chassis and logical switch (port) families from NB/SB contents. */
export function applyCentral(g: FamilyGauges, hostname: string, s: CentralSnapshot): void {
  resetFamilies(g, CENTRAL_FAMILIES);
  for (const c of s.chassis) g.chassisInfo.set({ hostname: c.hostname, uuid: c.uuid, name: c.name, ip: c.ip }, 1);
  for (const ls of s.switches) {
    const base = { hostname, uuid: ls.uuid };
    g.lsInfo.set({ ...base, name: ls.name }, 1);
    g.lsPortsNum.set({ ...base, logical_switch_name: ls.name }, ls.ports.length);
    for (const p of ls.ports) g.lsPortBinding.set({ ...base, port: p, logical_switch_name: ls.name }, 1);
    for (const [key, value] of ls.externalIds) g.lsExternalId.set({ ...base, key, value, logical_switch_name: ls.name }, 1);
    g.lsTunnelKey.set({ ...base, logical_switch_name: ls.name }, ls.tunnelKey);
  }
  for (const p of s.ports) {
    g.lspInfo.set(
      { hostname, uuid: p.uuid, name: p.name, chassis: p.chassis, logical_switch_name: p.switchName, datapath: p.datapath, port_binding: p.portBinding, mac_address: p.mac, ip_address: p.ip },
      1,
    );
    g.lspTunnelKey.set({ hostname, uuid: p.uuid, logical_switch_name: p.switchName, port_name: p.name }, p.tunnelKey);
  }
}

/** The kube-ovn `component` label of each central database server. */
export const DB_COMPONENT = { OVN_Northbound: "ovsdb-server-northbound", OVN_Southbound: "ovsdb-server-southbound" } as const;

/** Cluster families (one database's series are replaced, the other's kept). */
export const CLUSTER_FAMILIES: readonly FamilyKey[] = [
  "clusterRole",
  "clusterStatus",
  "clusterTerm",
  "clusterLeaderSelf",
  "clusterVoteSelf",
  "clusterElectionTimer",
  "clusterLogNotCommitted",
  "clusterLogNotApplied",
  "clusterLogIndexStart",
  "clusterLogIndexNext",
  "clusterInConn",
  "clusterOutConn",
  "clusterInConnErr",
  "clusterOutConnErr",
  "clusterInPeer",
  "clusterOutPeer",
  "clusterPeerCount",
  "clusterPeerNextIndex",
  "clusterPeerMatchIndex",
  "clusterNextIndex",
  "clusterMatchIndex",
];

/**
 * kube-ovn-monitor's per-database families from a database server's control socket (or, with
 * `s` undefined, the server is unreachable: status 0, cluster series gone). `clusterLabel` is the
 * value of `cluster_enabled`'s `db_name` label (kube-ovn puts the NB file path there).
 */
export function applyDbServer(g: FamilyGauges, hostname: string, database: "OVN_Northbound" | "OVN_Southbound", clusterLabel: string, s: DbServerSnapshot | undefined): void {
  const sets = tracked(g, database);
  for (const [key, labels] of sets) g[key].remove(labels);
  sets.length = 0;
  const set: Setter = (key, labels, value) => {
    g[key].set(labels, value);
    sets.push([key, labels]);
  };
  const component = DB_COMPONENT[database];
  g.ovnStatus.set({ hostname, component }, s?.cluster ? roleValue(s.cluster) : s ? 1 : 0);
  if (s?.cluster) set("ovnStatusContent", { hostname, component, status: s.serversText }, 1);
  g.dbStatus.set({ hostname, db_name: database }, s?.storageOk ? 1 : 0);
  g.clusterEnabled.set({ hostname, db_name: clusterLabel }, s?.cluster ? 1 : 0);
  if (s?.cluster) applyCluster(set, hostname, database, s.cluster);
}

type Labels = Record<string, string>;
type Setter = (key: FamilyKey, labels: Labels, value: number) => void;

/** The label sets {@link applyDbServer} set last, per gauge set and database (so they can be removed). */
const trackedSets = new WeakMap<FamilyGauges, Map<string, [FamilyKey, Labels][]>>();

function tracked(g: FamilyGauges, database: string): [FamilyKey, Labels][] {
  let byDb = trackedSets.get(g);
  if (!byDb) trackedSets.set(g, (byDb = new Map()));
  let sets = byDb.get(database);
  if (!sets) byDb.set(database, (sets = []));
  return sets;
}

function roleValue(c: ClusterStatus): number {
  return c.role === "leader" ? 1 : c.role === "follower" ? 2 : 0;
}

function applyCluster(set: Setter, hostname: string, db: string, c: ClusterStatus): void {
  const l = { hostname, db_name: db, server_id: c.serverId.uuid, cluster_id: c.clusterId?.uuid ?? "" };
  set("clusterRole", { ...l, server_role: c.role }, 1);
  set("clusterStatus", { ...l, server_status: c.status }, 1);
  set("clusterTerm", l, c.term);
  set("clusterLeaderSelf", l, c.leader === "self" ? 1 : 0);
  set("clusterVoteSelf", l, c.vote === "self" ? 1 : 0);
  set("clusterElectionTimer", l, c.electionTimerMs);
  set("clusterLogNotCommitted", l, c.notCommitted);
  set("clusterLogNotApplied", l, c.notApplied);
  set("clusterLogIndexStart", l, c.log.start);
  set("clusterLogIndexNext", l, c.log.next);
  const count = (dir: "in" | "out", ok: boolean) => c.connections.filter((x) => x.direction === dir && x.connected === ok).length;
  set("clusterInConn", l, count("in", true));
  set("clusterOutConn", l, count("out", true));
  set("clusterInConnErr", l, count("in", false));
  set("clusterOutConnErr", l, count("out", false));
  const address = new Map(c.servers.map((s) => [s.sid, s.address]));
  for (const x of c.connections) {
    if (!x.connected || x.server === "0000") continue;
    const peer = { ...l, peer_id: x.server, peer_address: address.get(x.server) ?? "" };
    set(x.direction === "in" ? "clusterInPeer" : "clusterOutPeer", peer, 1);
  }
  set("clusterPeerCount", l, c.servers.filter((s) => !s.self).length);
  for (const s of c.servers) {
    if (s.nextIndex === undefined || s.matchIndex === undefined) continue;
    if (s.self) {
      set("clusterNextIndex", l, s.nextIndex);
      set("clusterMatchIndex", l, s.matchIndex);
    } else {
      set("clusterPeerNextIndex", { ...l, peer_id: s.sid }, s.nextIndex);
      set("clusterPeerMatchIndex", { ...l, peer_id: s.sid }, s.matchIndex);
    }
  }
}

/** `ovn_status{component="ovn-northd"}`: 1 active, 2 standby, 0 paused or unreachable. */
export function applyNorthd(g: FamilyGauges, hostname: string, s: NorthdStatus | undefined): void {
  g.ovnStatus.set({ hostname, component: "ovn-northd" }, s === "active" ? 1 : s === "standby" ? 2 : 0);
}

/** Families owned by {@link applyOvs}. */
export const OVS_FAMILIES: readonly FamilyKey[] = [
  "ovsInfo",
  "iface",
  "ifaceAdminState",
  "ifaceLinkState",
  "ifaceMacInUse",
  "ifaceMtu",
  "ifaceOfPort",
  "ifaceIfIndex",
  "ifaceTxPackets",
  "ifaceTxBytes",
  "ifaceRxPackets",
  "ifaceRxBytes",
  "ifaceRxCrcErr",
  "ifaceRxDropped",
  "ifaceRxErrors",
  "ifaceRxFrameErr",
  "ifaceRxMissedErr",
  "ifaceRxOverErr",
  "ifaceTxDropped",
  "ifaceTxErrors",
  "ifaceCollisions",
  "ifaceRxMulticast",
];

/** Interface `statistics` keys → family (kube-ovn-pinger's `interfaceStatsMetricMap`). */
const STATS: Readonly<Record<string, FamilyKey>> = {
  rx_crc_err: "ifaceRxCrcErr",
  rx_dropped: "ifaceRxDropped",
  rx_frame_err: "ifaceRxFrameErr",
  rx_missed_errors: "ifaceRxMissedErr",
  rx_over_err: "ifaceRxOverErr",
  rx_errors: "ifaceRxErrors",
  rx_packets: "ifaceRxPackets",
  rx_bytes: "ifaceRxBytes",
  tx_packets: "ifaceTxPackets",
  tx_bytes: "ifaceTxBytes",
  tx_dropped: "ifaceTxDropped",
  tx_errors: "ifaceTxErrors",
  collisions: "ifaceCollisions",
  rx_multicast_packets: "ifaceRxMulticast",
};

const stateValue = (s: string) => (s === "down" ? 0 : s === "up" ? 1 : 2);

/** kube-ovn-pinger's `ovs_info` and `interface_*` families from the Open_vSwitch database. */
export function applyOvs(g: FamilyGauges, hostname: string, rundir: string, s: OvsSnapshot | undefined): void {
  resetFamilies(g, OVS_FAMILIES);
  g.ovsStatus.set({ hostname, component: "ovsdb-server" }, s ? 1 : 0);
  if (!s) return;
  g.ovsInfo.set({ system_id: s.systemId, rundir, hostname, system_type: s.systemType, system_version: s.systemVersion, ovs_version: s.ovsVersion, db_version: s.dbVersion }, 1);
  for (const i of s.interfaces) {
    const l = { hostname, interfaceName: i.name };
    g.iface.set({ hostname, uuid: i.uuid, interfaceName: i.name }, 1);
    g.ifaceAdminState.set(l, stateValue(i.adminState));
    g.ifaceLinkState.set(l, stateValue(i.linkState));
    g.ifaceMacInUse.set({ ...l, mac_address: i.macInUse }, 1);
    g.ifaceMtu.set(l, i.mtu);
    g.ifaceOfPort.set(l, i.ofport);
    g.ifaceIfIndex.set(l, i.ifindex);
    const stat = { ...l, pod_name: i.externalIds.get("pod_name") ?? "", pod_namespace: i.externalIds.get("pod_namespace") ?? "" };
    for (const [k, v] of i.statistics) {
      const key = STATS[k];
      if (key) g[key].set(stat, v);
    }
  }
}

/** Families owned by {@link applyVswitchd}. */
export const DP_FAMILIES: readonly FamilyKey[] = ["datapath", "dpTotal", "dpIf", "dpIfTotal", "dpFlowsTotal", "dpLookupHit", "dpLookupMissed", "dpLookupLost", "dpMasksHit", "dpMasksTotal", "dpMasksHitRatio"];

/** kube-ovn-pinger's datapath families and `ovs_status{component="ovs-vswitchd"}`. */
export function applyVswitchd(g: FamilyGauges, hostname: string, s: VswitchdSnapshot | undefined): void {
  resetFamilies(g, DP_FAMILIES);
  g.ovsStatus.set({ hostname, component: "ovs-vswitchd" }, s ? 1 : 0);
  if (!s) return;
  g.dpTotal.set({ hostname }, s.datapaths.length);
  for (const dp of s.datapaths) {
    const l = { hostname, datapath: dp.name };
    g.datapath.set({ ...l, type: dp.type }, 1);
    for (const p of dp.ports) g.dpIf.set({ ...l, port: p.name, type: p.type, ofPort: String(p.number) }, 1);
    g.dpIfTotal.set(l, dp.ports.length);
    if (dp.flows !== undefined) g.dpFlowsTotal.set(l, dp.flows);
    if (dp.lookups) {
      g.dpLookupHit.set(l, dp.lookups.hit);
      g.dpLookupMissed.set(l, dp.lookups.missed);
      g.dpLookupLost.set(l, dp.lookups.lost);
    }
    if (dp.masks) {
      g.dpMasksHit.set(l, dp.masks.hit);
      g.dpMasksTotal.set(l, dp.masks.total);
      g.dpMasksHitRatio.set(l, dp.masks.hitPerPacket);
    }
  }
}

/** kube-ovn-pinger's up/down pairs. */
export function applyUpDown(g: FamilyGauges, up: "ovsUp" | "controllerUp", down: "ovsDown" | "controllerDown", nodeName: string, isUp: boolean): void {
  g[up].set({ nodeName }, isUp ? 1 : 0);
  g[down].set({ nodeName }, isUp ? 0 : 1);
}
