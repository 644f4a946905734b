/**
 * Errors of the OVN logical-network API: one class per failure kind, each naming the object
 * (kind and name, and its container when there is one), so that a controller's log says what
 * went wrong without a stack trace.
 *
 * @module
 */

/** The kinds of OVN Northbound objects the API manages, as they are named in messages. */
export type OvnObjectKind =
  | "logical switch"
  | "logical switch port"
  | "logical router"
  | "logical router port"
  | "static route"
  | "routing policy"
  | "NAT"
  | "ACL"
  | "port group"
  | "address set"
  | "load balancer"
  | "load balancer VIP"
  | "health check"
  | "QoS rule"
  | "mirror"
  | "BFD session"
  | "gateway chassis"
  | "HA chassis group"
  | "HA chassis"
  | "DHCP options"
  | "static MAC binding"
  | "meter"
  | "DNS records"
  | "load balancer group"
  | "forwarding group"
  | "CoPP"
  | "transit switch"
  | "availability zone"
  | "row";

/** The container an object lives in, for messages ("on switch subnet-a"). */
export interface OvnContainer {
  /** "switch", "router", "port group", "load balancer", ... */
  readonly kind: string;
  /** The container's name. */
  readonly name: string;
}

/** Base class of every error the OVN API throws by itself (server errors keep their OVSDB classes). */
export class OvnError extends Error {
  override readonly name: string = "OvnError";
}

function where(c: OvnContainer | undefined): string {
  return c ? ` on ${c.kind} ${c.name}` : "";
}

/** An object to create already exists (and `mayExist` was not given). */
export class OvnAlreadyExistsError extends OvnError {
  override readonly name = "OvnAlreadyExistsError";
  constructor(
    /** The object's kind. */
    readonly kind: OvnObjectKind,
    /** The object's name (or key, e.g. a route's prefix). */
    readonly object: string,
    /** Where it exists. */
    readonly container?: OvnContainer,
  ) {
    super(`${kind} ${object} already exists${where(container)}`);
  }
}

/**
 * What an {@link OvnConflictError} is about, as data:
 * - `container`: the object exists, but in another switch or router than asked;
 * - `setting`: the object exists with another value of a setting the call gave (`field` names
 *   the column, or `column:key` for one key of a map column), so `mayExist` cannot apply;
 * - `member`: a port asked to join a group lives in another switch than the group's.
 *
 * `existing`/`requested` are the values as text (`undefined`: not set); `uuid` is the existing
 * row's, so that a caller that wants to change it can.
 */
export type OvnConflict =
  | {
      readonly kind: "container";
      readonly object: OvnObjectKind;
      readonly name: string;
      readonly field: "switch" | "router";
      readonly existing: string | undefined;
      readonly requested: string;
    }
  | {
      readonly kind: "setting";
      readonly object: OvnObjectKind;
      readonly name: string;
      readonly field: string;
      readonly existing: string | undefined;
      readonly requested: string | undefined;
      readonly uuid: string;
    }
  | {
      readonly kind: "member";
      readonly object: OvnObjectKind;
      readonly name: string;
      readonly field: "switch";
      readonly existing: string | undefined;
      readonly requested: string;
      /** The group the object was to join. */
      readonly group: OvnContainer;
    };

function conflictText(c: OvnConflict): string {
  switch (c.kind) {
    case "container":
      return `already exists on ${c.field} ${c.existing ?? "(none)"}, not ${c.requested}`;
    case "setting":
      return `already exists with ${c.field} ${c.existing ?? "(none)"}, not ${c.requested ?? "(none)"}`;
    case "member":
      return `is on ${c.field} ${c.existing ?? "(none)"}, not on ${c.requested}, so it cannot join ${c.group.kind} ${c.group.name}`;
  }
}

/**
 * An object exists, but somewhere else or with other settings than asked, so `mayExist`
 * (create if absent) cannot apply. {@link OvnConflictError.conflict} says what, as data.
 */
export class OvnConflictError extends OvnError {
  override readonly name = "OvnConflictError";
  /** The object's kind. */
  readonly kind: OvnObjectKind;
  /** The object's name. */
  readonly object: string;
  constructor(
    /** What conflicts. */
    readonly conflict: OvnConflict,
  ) {
    super(`${conflict.object} ${conflict.name} ${conflictText(conflict)}`);
    this.kind = conflict.object;
    this.object = conflict.name;
  }
}

/**
 * The database changed between the transaction's reads and its commit: a `wait` guard of the
 * transaction failed (RFC 7047 §5.2.6), e.g. another client created an object of the same name,
 * or the server's unique index refused a name the transaction creates because another client
 * created it meanwhile (then {@link OvnConcurrentChangeError.key} names it). Nothing was
 * committed; build the transaction again from fresh reads.
 */
export class OvnConcurrentChangeError extends OvnError {
  override readonly name = "OvnConcurrentChangeError";
  constructor(
    /** The table the failed guard watched. */
    readonly table: string,
    /** The index of the failed `wait` (or of the refused `insert`) in the transaction's operations. */
    readonly operationIndex: number,
    /** The server's error (a `TimedOut`, or a `ConstraintViolation` from a unique index). */
    override readonly cause: Error,
    /** The indexed column and value another client created meanwhile (unique-index races only). */
    readonly key?: { readonly column: string; readonly value: string | number | bigint | boolean },
  ) {
    super(
      key
        ? `${table} changed concurrently (a row with ${key.column} ${String(key.value)} appeared; the server's unique index refused operation ${operationIndex}); nothing was committed`
        : `${table} changed concurrently (guard at operation ${operationIndex} failed); nothing was committed`,
    );
  }
}

/** An object to change or delete does not exist (and `ifExists` was not given). */
export class OvnNotFoundError extends OvnError {
  override readonly name = "OvnNotFoundError";
  constructor(
    /** The object's kind. */
    readonly kind: OvnObjectKind,
    /** The name or UUID looked up. */
    readonly object: string,
    /** Where it was looked up. */
    readonly container?: OvnContainer,
  ) {
    super(`${kind} ${object} not found${where(container)}`);
  }
}

/** A name matches several rows (names are not unique in every NB table), so the object is ambiguous. */
export class OvnAmbiguousNameError extends OvnError {
  override readonly name = "OvnAmbiguousNameError";
  constructor(
    /** The object's kind. */
    readonly kind: OvnObjectKind,
    /** The ambiguous name. */
    readonly object: string,
    /** How many rows have it. */
    readonly count: number,
  ) {
    super(`${count} ${kind}s are named ${object}; use a UUID`);
  }
}

/** An argument is malformed: a CIDR, an IP, a MAC, a priority out of range, an unknown type. */
export class OvnInvalidArgumentError extends OvnError {
  override readonly name = "OvnInvalidArgumentError";
  constructor(
    /** What the argument is ("MAC address", "priority", ...). */
    readonly argument: string,
    /** The offending value. */
    readonly value: string,
    /** Why it is refused. */
    readonly reason: string,
  ) {
    super(`invalid ${argument} ${JSON.stringify(value)}: ${reason}`);
  }
}

/** The transaction was already committed (or is being committed); build a new one. */
export class OvnTransactionStateError extends OvnError {
  override readonly name = "OvnTransactionStateError";
}
