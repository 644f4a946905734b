/**
 * ovsdb: OVSDB (RFC 7047 and OVS 3.x extensions) — wire notation and JSON-RPC, schemas and native
 * data, the client, typed models, the live replica, the embedded server and the text notation of
 * OVS tools (`ovn-ts/ovsdb`). The bundled models are namespaces: `OVN_Northbound`, `OVN_Southbound`,
 * `Open_vSwitch`, `OVN_IC_Northbound`, `OVN_IC_Southbound`, `_Server` (OVN 23.03), and the OVN
 * databases of later releases (`OVN_Northbound_24_03`, ..., or by release: `ovnModels["25.09"].nb`).
 *
 * The wire layer's low-level pieces (the JSON-RPC session, framing, message codecs, exact JSON)
 * are in `ovn-ts/ovsdb/wire`, and the embedded server's (its JSON codec, monitors, log records) in
 * `ovn-ts/ovsdb/server`; most programs never need them.
 *
 * @module
 */
// From the wire layer: what a client program names (values, operations, errors, remotes, call options).
export * from "./wire/notation.js";
export * from "./wire/errors.js";
export * from "./wire/operations.js";
export { FramingError } from "./wire/framer.js";
// (`OvsdbClient.rpc` is a session: its type is here, the class to construct one is in ovn-ts/ovsdb/wire)
export type { CallEnded, CallObserver, CallOptions, JsonRpcSession, SessionOptions, SessionState } from "./wire/session.js";
export {
  type ActiveRemote,
  ConnectError,
  type ConnectOptions,
  DEFAULT_OVSDB_PORT,
  type PassiveRemote,
  RemoteSyntaxError,
  type TlsOptions,
  connectRemote,
  formatRemote,
  parseActiveRemote,
  parsePassiveRemote,
  parseRemoteList,
  readPem,
} from "./wire/remote.js";
export * from "./schema/index.js";
export * from "./client/index.js";
export * from "./model/index.js";
export * from "./cache/index.js";
// The embedded server: the server, its databases and files (the whole layer, with its JSON codec,
// monitors and log records, is ovn-ts/ovsdb/server).
export { type CommittedTxn, Database, type DbRow, type ExecuteOutcome, type TxnContext } from "./server/database.js";
export { type Listener, OvsdbServer, type OvsdbServerOptions, type ServerEvents } from "./server/server.js";
export { type DatabaseFile, DatabaseFileError, type DatabaseFileOptions, openDatabaseFile } from "./server/persistence.js";
export * from "./models/index.js";
export * from "./text/index.js";
