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
  /**
   * Replicated tables whose initial rows are asked for after the others', in stages (each a list
   * of tables): the monitor starts with these tables' condition `false`, and one
   * `monitor_cond_change` per stage, sent right after the monitor request, asks for their rows.
   * ovsdb-server answers one request at a time, so it prepares a stage's rows while the client
   * decodes the rows before them, instead of preparing one reply with every row before the client
   * can decode any: for a big database (the biggest tables in stages of their own) the replica is
   * loaded sooner. The replica is `ready` once every stage is in; each stage's rows come in a
   * batch of their own (cause `update`). Ignored with the `monitor` method, which has no
   * conditions.
   * @default no stage: every row in the monitor's reply
   */
  readonly stages?: readonly (readonly string[])[];
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
