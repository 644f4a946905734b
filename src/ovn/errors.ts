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

/** An object exists, but somewhere else or with other settings than asked, so `mayExist` cannot apply. */
export class OvnConflictError extends OvnError {
  override readonly name = "OvnConflictError";
  constructor(
    /** The object's kind. */
    readonly kind: OvnObjectKind,
    /** The object's name. */
    readonly object: string,
    /** What conflicts, e.g. "already exists on switch subnet-b". */
    readonly reason: string,
  ) {
    super(`${kind} ${object} ${reason}`);
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
