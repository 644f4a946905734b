/**
 * OVSDB transaction operations, conditions, mutations, monitor requests and their results in the
 * JSON notation (RFC 7047 §5.1, §5.2, §4.1.5–§4.1.6; OVS's `monitor_cond`/`update2`/`update3`,
 * ovsdb-server(1) "Monitoring"). The builders here only return plain objects: nothing is sent
 * until a client's `transact()` sends them.
 *
 * @module
 */
import type { JsonOvsdbError } from "./errors.js";
import type { JsonRow, JsonUuid, JsonValue } from "./notation.js";

/** Condition functions (RFC 7047 §5.1 `<function>`). */
export type ConditionFunction = "<" | "<=" | "==" | "!=" | ">=" | ">" | "includes" | "excludes";
/** Every {@link ConditionFunction}, in RFC order. */
export const CONDITION_FUNCTIONS: readonly ConditionFunction[] = ["<", "<=", "==", "!=", ">=", ">", "includes", "excludes"];
/** A `<condition>` (RFC 7047 §5.1): `[column, function, value]`. */
export type Condition = readonly [column: string, fn: ConditionFunction, value: JsonValue];
/**
 * A `monitor_cond` condition clause (ovsdb-server(1)): a {@link Condition}, or the literal `true`
 * (match every row) / `false` (match none).
 */
export type MonitorCondition = Condition | boolean;

/** Mutators (RFC 7047 §5.1 `<mutator>`). */
export type Mutator = "+=" | "-=" | "*=" | "/=" | "%=" | "insert" | "delete";
/** Every {@link Mutator}, in RFC order. */
export const MUTATORS: readonly Mutator[] = ["+=", "-=", "*=", "/=", "%=", "insert", "delete"];
/** A `<mutation>` (RFC 7047 §5.1): `[column, mutator, value]`. */
export type Mutation = readonly [column: string, mutator: Mutator, value: JsonValue];

/** `insert` (RFC 7047 §5.2.1); `uuid` is OVS's extension to choose the new row's UUID. */
export interface InsertOperation {
  readonly op: "insert";
  readonly table: string;
  readonly row?: JsonRow;
  readonly "uuid-name"?: string;
  readonly uuid?: string;
}
/** `select` (RFC 7047 §5.2.2). */
export interface SelectOperation {
  readonly op: "select";
  readonly table: string;
  readonly where: readonly Condition[];
  readonly columns?: readonly string[];
}
/** `update` (RFC 7047 §5.2.3). */
export interface UpdateOperation {
  readonly op: "update";
  readonly table: string;
  readonly where: readonly Condition[];
  readonly row: JsonRow;
}
/** `mutate` (RFC 7047 §5.2.4). */
export interface MutateOperation {
  readonly op: "mutate";
  readonly table: string;
  readonly where: readonly Condition[];
  readonly mutations: readonly Mutation[];
}
/** `delete` (RFC 7047 §5.2.5). */
export interface DeleteOperation {
  readonly op: "delete";
  readonly table: string;
  readonly where: readonly Condition[];
}
/** `wait` (RFC 7047 §5.2.6). */
export interface WaitOperation {
  readonly op: "wait";
  readonly table: string;
  readonly where: readonly Condition[];
  readonly columns: readonly string[];
  readonly until: "==" | "!=";
  readonly rows: readonly JsonRow[];
  readonly timeout?: number;
}
/** `commit` (RFC 7047 §5.2.7). */
export interface CommitOperation {
  readonly op: "commit";
  readonly durable: boolean;
}
/** `abort` (RFC 7047 §5.2.8). */
export interface AbortOperation {
  readonly op: "abort";
}
/** `comment` (RFC 7047 §5.2.9). */
export interface CommentOperation {
  readonly op: "comment";
  readonly comment: string;
}
/** `assert` (RFC 7047 §5.2.10). */
export interface AssertOperation {
  readonly op: "assert";
  readonly lock: string;
}

/** Any transaction operation (RFC 7047 §5.2), discriminated on `op`. */
export type Operation =
  | InsertOperation
  | SelectOperation
  | UpdateOperation
  | MutateOperation
  | DeleteOperation
  | WaitOperation
  | CommitOperation
  | AbortOperation
  | CommentOperation
  | AssertOperation;

/** Every operation name. */
export const OPERATION_NAMES: readonly Operation["op"][] = [
  "insert",
  "select",
  "update",
  "mutate",
  "delete",
  "wait",
  "commit",
  "abort",
  "comment",
  "assert",
];

/** Result of `insert`: `{"uuid": ["uuid", ...]}`. */
export interface InsertResult {
  readonly uuid: JsonUuid;
}
/** Result of `select`: `{"rows": [...]}`. */
export interface SelectResult {
  readonly rows: readonly JsonRow[];
}
/** Result of `update`, `mutate` and `delete`: `{"count": N}`. */
export interface CountResult {
  readonly count: number;
}
/** Result of `wait`, `commit`, `comment` and `assert`: `{}`. */
export type EmptyResult = Readonly<Record<string, never>>;
/** One element of a `transact` reply's result array (RFC 7047 §4.1.3): a result, an error, or `null` after an error. */
export type OperationResult = InsertResult | SelectResult | CountResult | EmptyResult | JsonOvsdbError | null;

/** Which kinds of change a monitor reports (RFC 7047 §4.1.5 `<monitor-select>`). */
export interface MonitorSelect {
  readonly initial?: boolean;
  readonly insert?: boolean;
  readonly delete?: boolean;
  readonly modify?: boolean;
}
/** A `<monitor-request>` (RFC 7047 §4.1.5), with `where` for `monitor_cond` (ovsdb-server(1)). */
export interface MonitorRequest {
  readonly columns?: readonly string[];
  readonly select?: MonitorSelect;
  readonly where?: readonly MonitorCondition[];
}
/** Table name → one request or an array of them (RFC 7047 §4.1.5 `<monitor-requests>`). */
export type MonitorRequests = { readonly [table: string]: MonitorRequest | readonly MonitorRequest[] };

/** A `<row-update>` of `update` notifications (RFC 7047 §4.1.6): old and/or new contents. */
export interface RowUpdate {
  readonly old?: JsonRow;
  readonly new?: JsonRow;
}
/** `<table-updates>` (RFC 7047 §4.1.6): table → row UUID → change. */
export type TableUpdates = { readonly [table: string]: { readonly [uuid: string]: RowUpdate } };

/**
 * A `<row-update2>` of `update2`/`update3` notifications (ovsdb-server(1)): exactly one of
 * `initial` (full row), `insert` (full row), `delete` (null) or `modify` (a diff: for scalars the new
 * value; for sets the elements to toggle; for maps the pairs to add, remove or replace).
 */
export type RowUpdate2 =
  | { readonly initial: JsonRow }
  | { readonly insert: JsonRow }
  | { readonly delete: null }
  | { readonly modify: JsonRow };
/** `<table-updates2>`: table → row UUID → {@link RowUpdate2}. */
export type TableUpdates2 = { readonly [table: string]: { readonly [uuid: string]: RowUpdate2 } };

/** Options for {@link insert}. */
export interface InsertOptions {
  /** Name other operations of the same transaction use to refer to the new row (`["named-uuid", name]`). */
  readonly uuidName?: string;
  /** The UUID the new row gets (OVS extension; the server rejects duplicates). */
  readonly uuid?: string;
}

/** Builds an `insert` operation (RFC 7047 §5.2.1). */
export function insert(table: string, row: JsonRow = {}, options: InsertOptions = {}): InsertOperation {
  return {
    op: "insert",
    table,
    row,
    ...(options.uuidName !== undefined ? { "uuid-name": options.uuidName } : {}),
    ...(options.uuid !== undefined ? { uuid: options.uuid } : {}),
  };
}
/** Builds a `select` operation (RFC 7047 §5.2.2); omit `columns` to get every column. */
export function select(table: string, where: readonly Condition[] = [], columns?: readonly string[]): SelectOperation {
  return columns ? { op: "select", table, where, columns } : { op: "select", table, where };
}
/** Builds an `update` operation (RFC 7047 §5.2.3). */
export function update(table: string, where: readonly Condition[], row: JsonRow): UpdateOperation {
  return { op: "update", table, where, row };
}
/** Builds a `mutate` operation (RFC 7047 §5.2.4). */
export function mutate(table: string, where: readonly Condition[], mutations: readonly Mutation[]): MutateOperation {
  return { op: "mutate", table, where, mutations };
}
/** Builds a `delete` operation (RFC 7047 §5.2.5). */
export function del(table: string, where: readonly Condition[]): DeleteOperation {
  return { op: "delete", table, where };
}
/** Builds a `wait` operation (RFC 7047 §5.2.6); `timeout` in milliseconds (0 = fail at once if not met). */
export function wait(
  table: string,
  where: readonly Condition[],
  columns: readonly string[],
  until: "==" | "!=",
  rows: readonly JsonRow[],
  timeout?: number,
): WaitOperation {
  return timeout === undefined
    ? { op: "wait", table, where, columns, until, rows }
    : { op: "wait", table, where, columns, until, rows, timeout };
}
/** Builds a `commit` operation (RFC 7047 §5.2.7). */
export function commit(durable: boolean): CommitOperation {
  return { op: "commit", durable };
}
/** Builds an `abort` operation (RFC 7047 §5.2.8). */
export function abort(): AbortOperation {
  return { op: "abort" };
}
/** Builds a `comment` operation (RFC 7047 §5.2.9). */
export function comment(text: string): CommentOperation {
  return { op: "comment", comment: text };
}
/** Builds an `assert` operation (RFC 7047 §5.2.10). */
export function assertLock(lock: string): AssertOperation {
  return { op: "assert", lock };
}
/** Builds a condition `[column, fn, value]` (RFC 7047 §5.1). */
export function cond(column: string, fn: ConditionFunction, value: JsonValue): Condition {
  return [column, fn, value];
}
/** Builds a mutation `[column, mutator, value]` (RFC 7047 §5.1). */
export function mutation(column: string, mutator: Mutator, value: JsonValue): Mutation {
  return [column, mutator, value];
}

/** Short description of an operation for error messages, e.g. `insert Logical_Switch`. */
export function describeOperation(op: unknown): string | undefined {
  if (op === null || typeof op !== "object") return undefined;
  const o = op as { op?: unknown; table?: unknown };
  if (typeof o.op !== "string") return undefined;
  return typeof o.table === "string" ? `${o.op} ${o.table}` : o.op;
}
