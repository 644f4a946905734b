/**
 * The vocabulary of a {@link Replica}: its health, change batches, options, events and error.
 *
 * @module
 */
import type { MonitorMethod, OvsdbClient } from "../client/client.js";
import type { DatabaseSchema } from "../schema/schema.js";
import type { TablesDef } from "../model/types.js";
import type { MonitorCondition } from "../wire/operations.js";
import type { IndexSpec } from "./indexes.js";
import type { Replica } from "./replica.js";
import type { RowChange } from "./row-change.js";

/**
 * Health of a replica: `syncing` (loading or re-loading contents), `ready` (in step with the
 * server), `stale` (an update could not be applied; a full resync is under way), `reconnecting`
 * (the client lost its connection; it re-issues the monitor when it is back), `lost` (the monitor
 * is gone for good: the server refused to re-issue it, e.g. after a schema change, or the client
 * closed; {@link Replica.lastError} says why and no update will come again).
 */
export type ReplicaHealth = "syncing" | "ready" | "stale" | "reconnecting" | "lost";


/** The changes of one update notification (one server transaction), or of one resync. */
export interface ChangeBatch {
  /** Why this batch exists: a live `update`, the initial contents, or a resync after reconnect. */
  readonly cause: "initial" | "update" | "resync";
  /** The transaction id (`update3` / `monitor_cond_since`), when the server sent one. */
  readonly txnId: string | undefined;
  readonly changes: readonly RowChange[];
}

/** What to replicate of one table. */
export interface ReplicaTableOptions {
  /** Columns to replicate (default: every column). `_version` is added when guards are wanted. */
  readonly columns?: readonly string[];
  /** Conditions (`monitor_cond` clauses, OR-ed): only matching rows are replicated. */
  readonly where?: readonly MonitorCondition[];
  /** Client-defined indexes, by name. */
  readonly indexes?: { readonly [name: string]: IndexSpec };
}

/** Options of {@link Replica.start}. */
export interface ReplicaOptions {
  /** Tables to replicate (default: all tables of the schema, every column). */
  readonly tables?: { readonly [table: string]: ReplicaTableOptions | true };
  /**
   * Monitor method to use; by default the newest the server supports (`monitor_cond_since`,
   * then `monitor_cond`, then `monitor`).
   */
  readonly method?: MonitorMethod;
  /**
   * Batches the async iterator may hold before the replica stops reading from the server.
   * @default 1024
   */
  readonly highWaterBatches?: number;
  /** Client to send transactions on (e.g. the leader), when reads come from another server (a relay or follower). */
  readonly writer?: OvsdbClient;
}

/** A model with a schema and a name (any generated model fits). */
export interface ReplicaModel {
  readonly name: string;
  readonly schema: DatabaseSchema;
}

/** Table name → table definition, as generated models describe them (`OVN_Northbound.Tables`). */
export type ReplicaTables = TablesDef;

/** Raised when an operation needs a table or index the replica does not have. */
export class ReplicaError extends Error {
  override readonly name = "ReplicaError";
}

/** Events of a {@link Replica}. */
export interface ReplicaEvents {
  /** Every batch, synchronously, in order. */
  batch: [ChangeBatch];
  /** The health changed. */
  health: [ReplicaHealth];
  /** A problem that did not stop the replica (e.g. a resync that had to start over). */
  error: [Error];
}
