/**
 * The embedded OVSDB server (ovsdb-server(1), RFC 7047), the whole layer (`ovn-ts/ovsdb/server`):
 * in-memory databases with ovsdb-server's transaction semantics, monitors, locks, `_Server`, socket
 * and in-process serving, a persistent log in ovsdb-server's standalone file format, and the
 * pieces under them (the server's JSON codec of datums and conditions, monitor and history
 * internals, log records). `ovn-ts/ovsdb` has the server, its databases and files.
 *
 * @module
 */
export {
  type CommittedTxn,
  Database,
  type DbRow,
  type ExecuteOutcome,
  type TxnContext,
} from "./database.js";
export { Monitor, type MonitorVersion, TxnHistory } from "./monitor.js";
export { type Listener, OvsdbServer, type OvsdbServerOptions, type ServerEvents, duplexPair } from "./server.js";
export {
  SERVER_CONDITION_REPORTER,
  compileServerCondition,
  decodeAtom,
  decodeDatum,
  encodeDatum,
  isDefaultDatum,
  ovsJsonText,
  serverConditionReporter,
  serverDatumReporter,
  type DecodeContext,
  type NamedUuidResolver,
} from "./codec.js";
export {
  type DatabaseFile,
  DatabaseFileError,
  databaseFromRecords,
  fileRecord,
  type DatabaseFileOptions,
  openDatabaseFile,
  type RecordsRead,
  readRecords,
  txnIdOfRecord,
  txnRecord,
} from "./persistence.js";
