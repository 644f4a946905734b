/**
 * unixctl (`ovn-ts/unixctl`): the control-socket protocol `ovs-appctl` speaks to every OVS/OVN daemon,
 * `-t TARGET` resolution, typed calls and parsers for the status commands monitoring needs, and
 * one error class per failure. See docs/monitoring.md.
 *
 * @module
 */
export { UnixctlClient, type UnixctlOptions, unixctlCall } from "./client.js";
export { type UnixctlCommand, UnixctlServer, type UnixctlServerOptions } from "./server.js";
export {
  UnixctlClosedError,
  UnixctlCommandError,
  UnixctlConnectError,
  UnixctlParseError,
  UnixctlPidfileError,
  UnixctlProtocolError,
  UnixctlTimeoutError,
  UnixctlUnknownCommandError,
} from "./errors.js";
export { DEFAULT_OVS_RUNDIR, type ResolveTargetOptions, ovsRundir, readPidfile, resolveTarget } from "./target.js";
export { type ClusterStatus, type RaftConnection, type RaftId, type RaftRole, type RaftServer, parseClusterStatus } from "./cluster-status.js";
export { type DatapathPort, type DatapathShow, type DpifBridgePort, type DpifShow, parseDpctlShow, parseDpifShow, parseDumpDps } from "./datapath.js";
export {
  type ConnectionStatus,
  type CoverageCounter,
  type CoverageShow,
  type NorthdStatus,
  type StorageStatus,
  parseConnectionStatus,
  parseCoverageShow,
  parseMemoryShow,
  parseNorthdStatus,
  parseStorageStatus,
} from "./status.js";
export {
  clusterStatus,
  controllerConnectionStatus,
  coverageShow,
  daemonVersion,
  dpctlShow,
  dpifShow,
  dumpDatapaths,
  memoryShow,
  northdStatus,
  storageStatus,
} from "./commands.js";
