/**
 * OVSDB errors: one class per error string a server sends (RFC 7047 §4.1.3 and §5.2, plus the
 * strings OVS's `ovsdb-server` adds), and the client-side conditions (closed connection, timeout,
 * protocol violation). {@link errorFromJson} and {@link errorToJson} convert between the wire
 * `{"error": ..., "details": ...}` object and these classes, for the client and the server alike.
 *
 * @module
 */
import { stringifyJson } from "./json.js";
import type { Json } from "./notation.js";

/** The wire form of an OVSDB error (RFC 7047 §4.1.3: `"error"` string, optional `"details"`, `"syntax"`). */
export interface JsonOvsdbError {
  readonly error: string;
  readonly details?: string;
  readonly syntax?: string;
  readonly [extra: string]: Json | undefined;
}

/** Where an error happened inside a transaction. */
export interface ErrorContext {
  /** Database the call went to. */
  readonly database?: string;
  /** Index of the failed operation in the transaction's operation list. */
  readonly operationIndex?: number;
  /** The failed operation's `"op"` (and table, when it has one), e.g. `insert Logical_Switch`. */
  readonly operation?: string;
}

/** Base class of every error a server reports: carries the exact error string and the server's details. */
export class OvsdbError extends Error {
  override name = "OvsdbError";
  /** The server's `"error"` string, e.g. `"constraint violation"`. */
  readonly error: string;
  /** The server's `"details"`, when it sent one. */
  readonly details: string | undefined;
  /** The server's `"syntax"` member (the offending JSON text), when it sent one. */
  readonly syntax: string | undefined;
  /** Index of the failed operation, for errors reported inside a transaction result. */
  readonly operationIndex: number | undefined;
  /** The failed operation, e.g. `insert Logical_Switch`. */
  readonly operation: string | undefined;
  /** The database the call went to. */
  readonly database: string | undefined;

  constructor(error: string, details?: string, context: ErrorContext = {}, syntax?: string) {
    const where =
      context.operationIndex !== undefined
        ? ` (operation ${context.operationIndex}${context.operation ? `: ${context.operation}` : ""}${context.database ? ` on ${context.database}` : ""})`
        : context.database
          ? ` (database ${context.database})`
          : "";
    super(`${error}${details ? `: ${details}` : ""}${where}`);
    this.error = error;
    this.details = details;
    this.syntax = syntax;
    this.operationIndex = context.operationIndex;
    this.operation = context.operation;
    this.database = context.database;
  }
}

function errorClass(errorString: string, className: string) {
  const C = class extends OvsdbError {
    /** The error string this class stands for. */
    static readonly errorString = errorString;
    constructor(details?: string, context: ErrorContext = {}, syntax?: string) {
      super(errorString, details, context, syntax);
      this.name = className;
    }
  };
  Object.defineProperty(C, "name", { value: className });
  return C;
}

/** `"referential integrity violation"`: a strong reference would dangle, or a root-less row would be left (RFC 7047 §4.1.3). */
export class ReferentialIntegrityViolation extends errorClass("referential integrity violation", "ReferentialIntegrityViolation") {}
/** `"constraint violation"`: a value breaks its column's constraints, a unique index, or `maxRows` (RFC 7047 §4.1.3). */
export class ConstraintViolation extends errorClass("constraint violation", "ConstraintViolation") {}
/** `"resources exhausted"`: the server ran out of memory or another resource (RFC 7047 §4.1.3). */
export class ResourcesExhausted extends errorClass("resources exhausted", "ResourcesExhausted") {}
/** `"I/O error"`: the commit could not be written (RFC 7047 §4.1.3). */
export class IoError extends errorClass("I/O error", "IoError") {}
/** `"duplicate uuid-name"`: two inserts of one transaction used the same `uuid-name` (RFC 7047 §5.2.1). */
export class DuplicateUuidName extends errorClass("duplicate uuid-name", "DuplicateUuidName") {}
/** `"domain error"`: a mutation's arithmetic is undefined, e.g. division by zero (RFC 7047 §5.2.4). */
export class DomainError extends errorClass("domain error", "DomainError") {}
/** `"range error"`: a mutation's result is out of range (RFC 7047 §5.2.4). */
export class OvsdbRangeError extends errorClass("range error", "OvsdbRangeError") {}
/** `"timed out"`: a `wait` operation's condition did not hold within its timeout (RFC 7047 §5.2.6). */
export class TimedOut extends errorClass("timed out", "TimedOut") {}
/** `"not supported"`: a durable commit on a server that cannot do it (RFC 7047 §5.2.7). */
export class NotSupported extends errorClass("not supported", "NotSupported") {}
/** `"aborted"`: an `abort` operation ended the transaction (RFC 7047 §5.2.8). */
export class Aborted extends errorClass("aborted", "Aborted") {}
/** `"not owner"`: an `assert` operation named a lock the client does not own (RFC 7047 §5.2.10). */
export class NotOwner extends errorClass("not owner", "NotOwner") {}
/** `"syntax error"`: the request or an operation was malformed (OVS's ovsdb-server; RFC 7047 §3.1 JSON errors). */
export class OvsdbSyntaxError extends errorClass("syntax error", "OvsdbSyntaxError") {}
/** `"unknown database"`: the named database does not exist on the server (RFC 7047 §4.1). */
export class UnknownDatabase extends errorClass("unknown database", "UnknownDatabase") {}
/** `"unknown method"`: the server does not implement the JSON-RPC method (OVS's jsonrpc-server). */
export class UnknownMethod extends errorClass("unknown method", "UnknownMethod") {}
/** `"permission error"`: role-based access control refused the operation (OVS RBAC). */
export class PermissionError extends errorClass("permission error", "PermissionError") {}
/** `"not leader"`: a clustered server is not the leader and cannot take the request (OVS Raft). */
export class NotLeader extends errorClass("not leader", "NotLeader") {}
/** `"internal error"`: the server hit an unexpected condition (OVS). */
export class InternalError extends errorClass("internal error", "InternalError") {}
/** `"canceled"`: a request was canceled with the `cancel` method (RFC 7047 §4.1.4). */
export class Canceled extends errorClass("canceled", "Canceled") {}

/** Every error string → class that this library maps. */
export const ERROR_CLASSES: ReadonlyMap<string, new (details?: string, context?: ErrorContext, syntax?: string) => OvsdbError> =
  new Map(
    [
      ReferentialIntegrityViolation,
      ConstraintViolation,
      ResourcesExhausted,
      IoError,
      DuplicateUuidName,
      DomainError,
      OvsdbRangeError,
      TimedOut,
      NotSupported,
      Aborted,
      NotOwner,
      OvsdbSyntaxError,
      UnknownDatabase,
      UnknownMethod,
      PermissionError,
      NotLeader,
      InternalError,
      Canceled,
    ].map((C) => [C.errorString, C] as const),
  );

/**
 * Converts a wire error (`{"error": "...", "details": "..."}`, or a bare string as some servers send
 * for JSON-RPC errors) into the matching class; unknown strings give a plain {@link OvsdbError}.
 */
export function errorFromJson(value: unknown, context: ErrorContext = {}): OvsdbError {
  if (typeof value === "string") {
    const C = ERROR_CLASSES.get(value);
    return C ? new C(undefined, context) : new OvsdbError(value, undefined, context);
  }
  if (value !== null && typeof value === "object" && typeof (value as { error?: unknown }).error === "string") {
    const o = value as { error: string; details?: unknown; syntax?: unknown };
    const details = typeof o.details === "string" ? o.details : undefined;
    const syntax = typeof o.syntax === "string" ? o.syntax : undefined;
    const C = ERROR_CLASSES.get(o.error);
    return C ? new C(details, context, syntax) : new OvsdbError(o.error, details, context, syntax);
  }
  return new OvsdbError("unexpected error", `malformed error object ${safeJson(value)}`, context);
}

/** Converts an error to its wire form (the inverse of {@link errorFromJson}). */
export function errorToJson(e: OvsdbError): JsonOvsdbError {
  const out: { error: string; details?: string; syntax?: string } = { error: e.error };
  if (e.details !== undefined) out.details = e.details;
  if (e.syntax !== undefined) out.syntax = e.syntax;
  return out;
}

export { ConnectionClosedError, RequestTimeoutError } from "../../rpc/errors.js";

/** The peer broke the JSON-RPC 1.0 protocol as OVSDB uses it (RFC 7047 §4): a message of the wrong shape. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(message: string) {
    super(message);
  }
}

/** A value did not fit its column's type in the schema; names the table, column and value. */
export class OvsdbTypeError extends Error {
  override readonly name = "OvsdbTypeError";
  /** Table the value belongs to, when known. */
  readonly table: string | undefined;
  /** Column the value belongs to, when known. */
  readonly column: string | undefined;
  constructor(message: string, table?: string, column?: string) {
    const where = table ? `${table}${column ? `.${column}` : ""}: ` : column ? `${column}: ` : "";
    super(`${where}${message}`);
    this.table = table;
    this.column = column;
  }
}

/** JSON text of `v`, shortened for error messages. */
export function safeJson(v: unknown, max = 200): string {
  let s: string;
  try {
    s = stringifyJson(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
