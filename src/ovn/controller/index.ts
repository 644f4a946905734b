/**
 * The controller layer of the OVN API: declarative calls with minimal diffs read from an indexed
 * replica, plans, ownership and garbage collection, optimistic reconcile and a keyed work queue.
 *
 * @module
 */
export {
  ConcurrentChangeError,
  ControllerError,
  DesiredStateError,
  ForeignRowError,
  MissingReferenceError,
  WorkQueueClosedError,
  WorkQueueFullError,
} from "./errors.js";
export { type ControllerIdentity, type ResolvedIdentity, resolveIdentity } from "./identity.js";
export { type ColumnChange, type Desired, type DesiredValue, type OnlyKeys, diffColumn, isOnlyKeys, normalize, onlyKeys } from "./values.js";
export type { IndexedKey } from "../index-race.js";
export { type ChangeOptions, type PlanCreateOptions, PlanBuilder } from "./plan.js";
export { type GuardedRow, type Plan, type PlanStep, formatPlan } from "./plan-types.js";
export { type ApplyResult, ControlledDb, type ControlledDbOptions, type Holder } from "./db.js";
export { type ReadLog, stalePlan } from "./stale-plan.js";
export { type TransactionEvent, type TransactionHook, indexRaceOf, isGuardFailure } from "./transaction-event.js";
export {
  type AclOwnerTarget,
  type ChassisOrderOptions,
  type HealthCheckSpec,
  type MeterBandSpec,
  type NbControllerTable,
  NbPlan,
  type NbTables,
  type PlanRef,
} from "./nb-plan.js";
export { NB_CONTROLLER_STAGES, NB_CONTROLLER_TABLES, NbController, type NbControllerOptions } from "./nb-controller.js";
export { type ReconcileOptions, type ReconcileResult, guardedRowOf, reconcileWith } from "./reconcile.js";
export { type ChassisSweepOptions, Sweeper, type SweepResult, type SweepSpec, sweepChassis } from "./gc.js";
export { WorkQueue, type WorkQueueEvents, type WorkQueueOptions } from "./queue.js";
