/**
 * Errors of the controller layer: one class per failure kind, each carrying the data a
 * controller needs to act on it (table, column, row, schema version, attempts) rather than an
 * English sentence to parse.
 *
 * @module
 */
import { OvnError } from "../errors.js";

/** Base class of every error the controller layer throws by itself. */
export class ControllerError extends OvnError {
  override readonly name: string = "ControllerError";
}

/**
 * A declarative call found a row with the object's name that does not carry this controller's
 * identity: the controller never modifies rows it does not own.
 */
export class ForeignRowError extends ControllerError {
  override readonly name = "ForeignRowError";
  constructor(
    /** The table. */
    readonly table: string,
    /** The row's key as the call named it (a name, or `key=value` pairs). */
    readonly key: string,
    /** The row's UUID. */
    readonly uuid: string,
  ) {
    super(`${table} ${key} (${uuid}) exists but is not owned by this controller: left untouched`);
  }
}

/** The desired state given to a declarative call is invalid (duplicate keys, bad values, ...). */
export class DesiredStateError extends ControllerError {
  override readonly name = "DesiredStateError";
  constructor(
    /** The table the desired rows belong to. */
    readonly table: string,
    /** What is wrong, as a discriminated union. */
    readonly problem:
      | { readonly kind: "duplicate-key"; readonly key: string }
      | { readonly kind: "missing-column"; readonly column: string }
      | { readonly kind: "bad-value"; readonly column: string; readonly reason: string },
  ) {
    super(
      problem.kind === "duplicate-key"
        ? `${table}: the desired state lists ${problem.key} twice`
        : problem.kind === "missing-column"
          ? `${table}: the desired row lacks column ${problem.column}`
          : `${table}.${problem.column}: ${problem.reason}`,
    );
  }
}

/** A declarative call references a row (a port, a switch, a router) that neither exists nor is created by the same plan. */
export class MissingReferenceError extends ControllerError {
  override readonly name = "MissingReferenceError";
  constructor(
    /** The table of the missing row. */
    readonly table: string,
    /** Its name. */
    readonly key: string,
    /** What referenced it, e.g. `Port_Group pg1`. */
    readonly referencedBy: string,
  ) {
    super(`${table} ${key} (referenced by ${referencedBy}) does not exist`);
  }
}

/**
 * A reconcile lost a race on every attempt: each time, a `wait` guard failed because another
 * client changed a row the plan was built from, or the server's unique index refused a row the
 * plan inserted because another client created one with the same key (`cause` is then the
 * `ConstraintViolation`, and `row.uuid` undefined).
 */
export class ConcurrentChangeError extends ControllerError {
  override readonly name = "ConcurrentChangeError";
  constructor(
    /** The reconcile's label. */
    readonly label: string,
    /** How many times it was built and sent. */
    readonly attempts: number,
    /** The guarded row that changed on the last attempt. */
    readonly row: { readonly table: string; readonly uuid: string | undefined },
    /** The server's error of the last attempt. */
    override readonly cause: Error,
  ) {
    super(`${label}: ${row.table} ${row.uuid ?? ""} changed concurrently on each of ${attempts} attempts`);
  }
}

/** The work queue is full: the key was not queued. */
export class WorkQueueFullError extends ControllerError {
  override readonly name = "WorkQueueFullError";
  constructor(
    /** The key that did not fit. */
    readonly key: string,
    /** The queue's capacity (distinct keys). */
    readonly capacity: number,
  ) {
    super(`work queue full (${capacity} keys): ${key} not queued`);
  }
}

/** The work queue was closed: no key is accepted any more. */
export class WorkQueueClosedError extends ControllerError {
  override readonly name = "WorkQueueClosedError";
  constructor(
    /** The key that was refused. */
    readonly key: string,
  ) {
    super(`work queue closed: ${key} not queued`);
  }
}
