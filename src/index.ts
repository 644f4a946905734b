/**
 * ovn-ts: TypeScript SDK for the Open vSwitch / OVN control protocols.
 *
 * The names a script or a controller starts with are exported here: the OVSDB client, the
 * replica, the bundled typed models, the embedded server, the OVN Northbound API and the
 * controller layer, tracing, and the errors to catch. Each area's whole API is also here as a
 * namespace (`ovsdb`, `ovn`, ...) and on its own entry point: `ovn-ts/ovsdb`, `ovn-ts/ovn`,
 * `ovn-ts/model`, `ovn-ts/openflow`, `ovn-ts/geneve`, `ovn-ts/unixctl`, `ovn-ts/monitor`,
 * `ovn-ts/testing`. The byte-level codecs are in `ovn-ts/ovsdb/wire`, `ovn-ts/ovsdb/server`,
 * `ovn-ts/openflow/wire` and `ovn-ts/geneve/wire`.
 *
 * @module ovn-ts
 */
// OVSDB: connect, transact, monitor and replicate, typed models, serve
export {
  type ClientOptions,
  OvsdbClient,
  type TransactReply,
  type Operation,
  Replica,
  type ReplicaOptions,
  OvsdbServer,
  OVN_Northbound,
  OVN_Southbound,
  Open_vSwitch,
  OVN_IC_Northbound,
  OVN_IC_Southbound,
  ovnModels,
  bundledSchema,
  OvsdbError,
  ConstraintViolation,
  ReferentialIntegrityViolation,
  ConnectError,
  ConnectionClosedError,
  RequestTimeoutError,
} from "./ovsdb/index.js";
// OVN: scripting the Northbound database, writing a controller, tracing
export {
  OvnNb,
  NbTransaction,
  startNbReplica,
  selectReader,
  replicaReader,
  NbController,
  WorkQueue,
  Sweeper,
  reconcileWith,
  formatPlan,
  detectOvnSchema,
  requireFeature,
  traceFromPort,
  Ipam,
  OvnError,
  OvnAlreadyExistsError,
  OvnNotFoundError,
  OvnConflictError,
} from "./ovn/index.js";
// Each area's whole API, as a namespace
export * as ovsdb from "./ovsdb/index.js";
export * as openflow from "./openflow/index.js";
export * as geneve from "./geneve/index.js";
export * as ovn from "./ovn/index.js";
export * as unixctl from "./unixctl/index.js";
export * as monitor from "./monitor/index.js";
export * as model from "./model/index.js";
