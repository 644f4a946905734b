/**
 * testing: sandboxes of real and embedded OVS/OVN peers for integration tests (`ovn-ts/testing`):
 * an embedded OVSDB server, real `ovsdb-server`s (standalone or Raft), an OVN central sandbox
 * (NB + SB + `ovn-northd`), `ovs-vswitchd` with userspace bridges, a multi-chassis dataplane
 * sandbox, and helpers to wait for rows, for northd, and to run `ovn-trace`. See docs/testing.md.
 *
 * @module
 */
export {
  type Daemon,
  type RunOptions,
  type RunResult,
  SandboxError,
  alive,
  freePort,
  keepSandboxesFromEnv,
  killDaemon,
  logTail,
  makeTempDir,
  removeDir,
  run,
  sleep,
  startDaemon,
  stopDaemon,
  waitFor,
} from "./process.js";
export {
  type OvsdbServerOptions,
  type OvsdbServerSandbox,
  type RaftClusterOptions,
  type RaftClusterSandbox,
  type RaftMember,
  type SchemaSource,
  schemaFile,
  schemaLabel,
  startOvsdbServer,
  startRaftCluster,
} from "./ovsdb-server.js";
export { type DropRule, type DroppingProxy, type ProxiedRequest, startDroppingProxy } from "./dropping-proxy.js";
export { type MisbehavingPeer, type PeerConnection, type PeerRequest, type PeerScript, startMisbehavingPeer } from "./misbehaving-peer.js";
export { type EmbeddedServerSandbox, type EmbeddedServerSandboxOptions, startEmbeddedServer } from "./embedded.js";
export { type StopOptions, ovsEnv } from "./group.js";
export { type OvnSandbox, type OvnSandboxOptions, installedSchemaFile, startOvnSandbox } from "./ovn.js";
export { IC_SANDBOX_PROGRAMS, type IcAzSandbox, type IcSandbox, type IcSandboxOptions, startIcSandbox } from "./ic.js";
export { type Chassis, type ChassisSandbox, type ChassisSandboxOptions, type Pod, type UdpFlowSpec, parseUdpFrame, startChassisSandbox, udpFlow } from "./chassis.js";
export { type BridgeInfo, type BridgeSpec, type VswitchdOptions, type VswitchdSandbox, startVswitchd } from "./vswitchd.js";
export { type OvnTrace, type OvnTraceOptions, type TraceSection, type TraceStage, ovnTrace, parseOvnTrace } from "./trace.js";
export { type MonitoredRow, type NorthdWait, type RowSource, type WaitForRowOptions, type WaitOptions, waitForDbRow, waitForNorthd, waitForRow } from "./wait.js";
export { type RequirePeersOptions, SANDBOX_PROGRAMS, onPath, requirePeers } from "./peers.js";
