/**
 * Typed unixctl calls for monitoring: each sends one command over a {@link UnixctlClient} and
 * parses the reply. Daemons answering each: `ovsdb-server` (cluster/status, storage status),
 * `ovs-vswitchd` (dpctl/..., dpif/show), `ovn-northd` (status), `ovn-controller`
 * (connection-status), any of them (memory/show, coverage/show, version).
 *
 * @module
 */
import type { UnixctlClient } from "./client.js";
import { type ClusterStatus, parseClusterStatus } from "./cluster-status.js";
import { type DatapathShow, type DpifShow, parseDpctlShow, parseDpifShow, parseDumpDps } from "./datapath.js";
import {
  type ConnectionStatus,
  type CoverageShow,
  type NorthdStatus,
  type StorageStatus,
  parseConnectionStatus,
  parseCoverageShow,
  parseMemoryShow,
  parseNorthdStatus,
  parseStorageStatus,
} from "./status.js";

/** `cluster/status DB` on an `ovsdb-server` serving a clustered database. */
export async function clusterStatus(c: UnixctlClient, database: string): Promise<ClusterStatus> {
  return parseClusterStatus(await c.call("cluster/status", [database]));
}

/** `ovsdb-server/get-db-storage-status DB`. */
export async function storageStatus(c: UnixctlClient, database: string): Promise<StorageStatus> {
  return parseStorageStatus(await c.call("ovsdb-server/get-db-storage-status", [database]));
}

/** `memory/show`: the daemon's memory usage counters. */
export async function memoryShow(c: UnixctlClient): Promise<Map<string, number>> {
  return parseMemoryShow(await c.call("memory/show"));
}

/** `coverage/show`: event counters. */
export async function coverageShow(c: UnixctlClient): Promise<CoverageShow> {
  return parseCoverageShow(await c.call("coverage/show"));
}

/** `dpctl/dump-dps` on `ovs-vswitchd`: the datapaths. */
export async function dumpDatapaths(c: UnixctlClient): Promise<{ readonly type: string; readonly name: string }[]> {
  return parseDumpDps(await c.call("dpctl/dump-dps"));
}

/** `dpctl/show [DP]` on `ovs-vswitchd`: lookups, flows, masks and ports of each datapath. */
export async function dpctlShow(c: UnixctlClient, datapath?: string): Promise<DatapathShow[]> {
  return parseDpctlShow(await c.call("dpctl/show", datapath === undefined ? [] : [datapath]));
}

/** `dpif/show` on `ovs-vswitchd`: datapaths with their bridges and port numbers. */
export async function dpifShow(c: UnixctlClient): Promise<DpifShow[]> {
  return parseDpifShow(await c.call("dpif/show"));
}

/** `ovn-northd`'s `status`: active, standby or paused. */
export async function northdStatus(c: UnixctlClient): Promise<NorthdStatus> {
  return parseNorthdStatus(await c.call("status"));
}

/** `ovn-controller`'s `connection-status`: its Southbound connection. */
export async function controllerConnectionStatus(c: UnixctlClient): Promise<ConnectionStatus> {
  return parseConnectionStatus(await c.call("connection-status"));
}

/** `version`: the daemon's version line, without the trailing newline. */
export async function daemonVersion(c: UnixctlClient): Promise<string> {
  return (await c.call("version")).trimEnd();
}
