/**
 * cache: the live local replica (tables, indexes, events, resync) fed by monitors.
 *
 * @module
 */
export {
  type ChangeBatch,
  Replica,
  ReplicaError,
  type ReplicaEvents,
  type ReplicaHealth,
  type ReplicaModel,
  type ReplicaOptions,
  type ReplicaTableOptions,
  type ReplicaTables,
} from "./replica.js";
export { type RowChange, rowChange } from "./row-change.js";
export { ChangeTracker, type ChangeTrackerOptions, type TrackedRow } from "./tracking.js";
export type { IndexSpec } from "./indexes.js";
export type { NativeInsert } from "./apply.js";
