/**
 * The runtime of typed models: {@link defineModel} turns an embedded schema into a
 * {@link DatabaseModel} whose per-table builders return typed operations (RFC 7047 §5.2) and
 * whose {@link DatabaseModel.transact} sends them and decodes the results with the model's
 * schema (inserted UUIDs, selected rows as native objects, counts).
 *
 * Builders only build: every operation is a plain wire object (what `wire/operations` builds)
 * that also carries, under a symbol and non-enumerably, how to decode its result. Values are
 * encoded with `schema/datum.ts` and checked against the column's constraints (enum, ranges,
 * lengths, set sizes) before anything is sent.
 *
 * @module
 */
import { OvsdbTypeError, ProtocolError, safeJson } from "../wire/errors.js";
import { type Json, type JsonRow, type JsonValue, isId, isJsonSet, isJsonUuid, isUuid } from "../wire/notation.js";
import type {
  Condition,
  ConditionFunction,
  DeleteOperation,
  InsertOperation,
  MutateOperation,
  Mutation,
  Mutator,
  Operation,
  OperationResult,
  SelectOperation,
  UpdateOperation,
  WaitOperation,
} from "../wire/operations.js";
import type { CallOptions } from "../wire/session.js";
import { checkDatum, datumFromJson, datumToJson, rowFromJson } from "../schema/datum.js";
import { type ColumnSchema, type DatabaseSchema, type TableSchema, columnOf, parseSchema, tableOf } from "../schema/schema.js";
import { type ColumnType, columnShape } from "../schema/types.js";
import { requiredOnInsert } from "./roles.js";
import { quickValid } from "./quick-check.js";
import type {
  InsertRow,
  NamedRef,
  RowOf,
  RowUuid,
  TableDef,
  TypedMutation,
  UpdateRow,
  ValueInput,
  Where,
} from "./types.js";

/** Key under which a typed operation keeps its result decoder (non-enumerable: never sent). */
export const OPERATION_INFO: unique symbol = Symbol("ovn-ts.model.operation");

/** What a typed operation knows besides its wire form. */
export interface OperationInfo<R> {
  /** The database the operation belongs to. */
  readonly database: string;
  /** Decodes this operation's entry of a successful `transact` reply (RFC 7047 §4.1.3). */
  decode(result: OperationResult): R;
}

/** A wire operation `O` whose result decodes to `R`. */
export type TypedOperation<O extends Operation = Operation, R = unknown> = O & { readonly [OPERATION_INFO]: OperationInfo<R> };

/** A typed `insert` (RFC 7047 §5.2.1): its result is the new row's UUID; `ref` names it for later operations. */
export type TypedInsert<N extends string> = TypedOperation<InsertOperation, RowUuid<N>> & {
  /** The uuid-name of the new row, usable in reference columns of later operations of the same transaction. */
  readonly ref: NamedRef<N>;
};
/** A typed `select` (RFC 7047 §5.2.2): its result is the matching rows as native objects. */
export type TypedSelect<R> = TypedOperation<SelectOperation, readonly R[]>;
/** A typed `update` (RFC 7047 §5.2.3): its result is the number of rows changed. */
export type TypedUpdate = TypedOperation<UpdateOperation, number>;
/** A typed `mutate` (RFC 7047 §5.2.4): its result is the number of rows mutated. */
export type TypedMutate = TypedOperation<MutateOperation, number>;
/** A typed `delete` (RFC 7047 §5.2.5): its result is the number of rows deleted. */
export type TypedDelete = TypedOperation<DeleteOperation, number>;
/** A typed `wait` (RFC 7047 §5.2.6): no result. */
export type TypedWait = TypedOperation<WaitOperation, void>;

/** The decoded result of one operation: typed for model operations, the raw result otherwise. */
export type ResultOf<O> = O extends { readonly [OPERATION_INFO]: OperationInfo<infer R> } ? R : OperationResult;

/** The decoded results of a list of operations, position by position. */
export type TransactResults<Ops extends readonly Operation[]> = { -readonly [I in keyof Ops]: ResultOf<Ops[I]> };

/** The part of a client {@link DatabaseModel.transact} needs (an `OvsdbClient` has it). */
export interface TransactClient {
  /** Sends the operations as one transaction (an `OvsdbClient`'s `transact`). */
  transact(database: string, operations: readonly Operation[], options?: CallOptions): Promise<{ readonly results: readonly OperationResult[] }>;
}

/** Options of {@link TableBuilder.insert}. */
export interface TypedInsertOptions {
  /** The uuid-name of the new row; by default a fresh one (`<table>_<n>`) is made up. */
  readonly uuidName?: string;
  /** The UUID the new row gets (OVS extension of RFC 7047 §5.2.1). */
  readonly uuid?: string;
}

/** Options of {@link TableBuilder.wait}. */
export interface TypedWaitOptions<D extends TableDef, C extends keyof RowOf<D> & string> {
  /** Columns compared (RFC 7047 §5.2.6 `"columns"`). */
  readonly columns: readonly C[];
  /** `==`: wait until the selected rows equal `rows`; `!=`: until they differ. */
  readonly until: "==" | "!=";
  /** The rows to compare with, restricted to `columns`. */
  readonly rows: readonly { readonly [K in C]: ValueInput<RowOf<D>[K]> }[];
  /** Milliseconds to wait (0 = fail at once when not met); omitted = forever. */
  readonly timeout?: number;
}

/**
 * Typed operation builders of one table (RFC 7047 §5.2). Each returns an operation and sends
 * nothing; pass operations to {@link DatabaseModel.transact}.
 */
export interface TableBuilder<D extends TableDef, N extends string> {
  /** The table name. */
  readonly name: N;
  /** The table's schema (from the model's embedded schema). */
  readonly schema: TableSchema;
  /** `insert` (RFC 7047 §5.2.1). The result is the new row's UUID; `.ref` refers to it within the transaction. */
  insert(row: InsertRow<D>, options?: TypedInsertOptions): TypedInsert<N>;
  /** `select` (RFC 7047 §5.2.2) of every model column (columns a newer server adds are not fetched). */
  select(where?: Where<D>): TypedSelect<RowOf<D>>;
  /** `select` (RFC 7047 §5.2.2) of the listed columns only. */
  select<C extends keyof RowOf<D> & string>(where: Where<D>, columns: readonly C[]): TypedSelect<Pick<RowOf<D>, C>>;
  /** `update` (RFC 7047 §5.2.3) of the mutable columns given in `row`. */
  update(where: Where<D>, row: UpdateRow<D>): TypedUpdate;
  /** `mutate` (RFC 7047 §5.2.4): typed `[column, mutator, value]` mutations of mutable columns. */
  mutate(where: Where<D>, mutations: readonly TypedMutation<D>[]): TypedMutate;
  /** `delete` (RFC 7047 §5.2.5). */
  delete(where: Where<D>): TypedDelete;
  /** `wait` (RFC 7047 §5.2.6). */
  wait<C extends keyof RowOf<D> & string>(where: Where<D>, options: TypedWaitOptions<D, C>): TypedWait;
  /** Decodes a JSON row of this table (e.g. from a monitor update) into the row type; unknown columns are an error. */
  decodeRow(json: unknown): RowOf<D>;
}

/** A typed database model; generated modules export one as `model`. */
export interface DatabaseModel<T extends { readonly [K in keyof T]: TableDef }> {
  /** The database name. */
  readonly name: string;
  /** The schema's JSON: embedded in the generated module, or loaded from its shipped file on first use. */
  readonly schemaJson: Json;
  /** The embedded schema, parsed (on first use). */
  readonly schema: DatabaseSchema;
  /** The typed builders of table `name`. */
  table<N extends keyof T & string>(name: N): TableBuilder<T[N], N>;
  /**
   * Sends `operations` as one transaction (RFC 7047 §4.1.3) and resolves with one decoded result
   * per operation: the UUID for inserts, rows for selects, counts for update/mutate/delete,
   * `undefined` for waits, and the raw result for untyped operations. Rejects with the client's
   * typed error (with `operationIndex`) when an operation or the commit fails. Operations built
   * by another database's model are refused.
   */
  transact<const Ops extends readonly Operation[]>(client: TransactClient, operations: Ops, options?: CallOptions): Promise<TransactResults<Ops>>;
}

let uuidNameCounter = 0;

/** `op`'s wire form (its own properties, in order) as an instance of `C`. */
function typed<O extends Operation, R>(C: OperationClass, op: O): TypedOperation<O, R> {
  const out = new C();
  for (const k of Object.keys(op)) out[k] = (op as unknown as Record<string, unknown>)[k];
  return out as unknown as TypedOperation<O, R>;
}

/** Makes the objects of one kind of typed operation (of one table): see {@link operationClass}. */
type OperationClass = new () => Record<string, unknown>;

/**
 * The constructor of one kind of typed operation of one table: its instances get the wire form as
 * their own (enumerable) properties, assigned by the builder, and inherit the operation's info
 * under {@link OPERATION_INFO} (and, for inserts, `ref`, the uuid-name) from a prototype made once,
 * non-enumerable: JSON, spreading and `Object.keys` see the wire form only. (Defining a property
 * on each operation instead costs more than building the rest of it.)
 */
function operationClass(info: OperationInfo<unknown>, withRef = false): OperationClass {
  const proto = Object.create(Object.prototype, {
    [OPERATION_INFO]: { value: info },
    ...(withRef
      ? {
          ref: {
            get(this: InsertOperation): string | undefined {
              return this["uuid-name"];
            },
          },
        }
      : {}),
  }) as object;
  const C = function TypedOperation() {} as unknown as OperationClass;
  C.prototype = proto;
  return C;
}

function resultObject(result: OperationResult, what: string): Record<string, unknown> {
  if (result === null || typeof result !== "object" || "error" in result) {
    throw new ProtocolError(`${what}: unexpected result ${safeJson(result)}`);
  }
  return result as Record<string, unknown>;
}

function decodeCount(what: string): (r: OperationResult) => number {
  return (r) => {
    const n = resultObject(r, what)["count"];
    if (typeof n !== "number") throw new ProtocolError(`${what}: result has no "count": ${safeJson(r)}`);
    return n;
  };
}

/** An optional column's one-element set as the bare atom (RFC 7047 §5.1 allows both); other values unchanged. */
function compact(type: ColumnType, json: JsonValue): JsonValue {
  return columnShape(type) === "optional" && isJsonSet(json) && json[1].length === 1 ? json[1][0]! : json;
}

/** A value's JSON for column `col`, checked against every constraint of `type`. */
function encodeChecked(table: string, col: ColumnSchema | { name: string; type: ColumnType }, type: ColumnType, value: unknown): JsonValue {
  const ctx = { table, column: col.name, allowNamedUuid: true };
  const json = datumToJson(type, value, ctx);
  // The usual valid value is accepted without decoding it back; anything else takes the full check.
  if (quickValid(type, json)) return compact(type, json);
  const problem = checkDatum(type, datumFromJson(type, json, ctx));
  if (problem) throw new OvsdbTypeError(problem, table, col.name);
  return compact(type, json);
}

function column(t: TableSchema, name: string): ColumnSchema {
  const c = columnOf(t, name);
  if (!c) throw new OvsdbTypeError("no such column in the model", t.name, name);
  return c;
}

const ANY_SIZE = { min: 0, max: "unlimited" } as const;

/** Each column's type with any number of elements (what `includes`, `excludes` and set/map mutations take), made once per column. */
const anySized = new WeakMap<ColumnSchema, ColumnType>();
function anySize(c: ColumnSchema): ColumnType {
  let t = anySized.get(c);
  if (!t) anySized.set(c, (t = { ...c.type, ...ANY_SIZE }));
  return t;
}

function encodeCondition(t: TableSchema, cond: unknown): Condition {
  if (!Array.isArray(cond) || cond.length !== 3) throw new OvsdbTypeError(`condition must be [column, function, value], got ${safeJson(cond)}`, t.name);
  const [name, fn, value] = cond as [string, ConditionFunction, unknown];
  const c = column(t, name);
  let type: ColumnType = c.type;
  switch (fn) {
    case "==":
    case "!=":
      break;
    case "includes":
    case "excludes":
      type = anySize(c);
      break;
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (c.type.value || c.type.max !== 1 || (c.type.key.type !== "integer" && c.type.key.type !== "real")) {
        throw new OvsdbTypeError(`"${fn}" applies only to integer or real columns with at most one value`, t.name, name);
      }
      type = { key: c.type.key, min: 1, max: 1 };
      break;
    default:
      throw new OvsdbTypeError(`unknown condition function ${safeJson(fn)}`, t.name, name);
  }
  const json = datumToJson(type, value, { table: t.name, column: name, allowNamedUuid: true });
  return [name, fn, compact(type, json)];
}

/**
 * Encodes a typed `where` (a list of `[column, function, value]` with native values, or an object
 * of `==` conditions) to RFC 7047 conditions in JSON notation, checking columns, functions and
 * value types against the table's schema. Used by the builders and by the replica's `find`.
 */
export function encodeWhere(t: TableSchema, where: unknown): Condition[] {
  if (where === undefined) return [];
  if (Array.isArray(where)) return where.map((c) => encodeCondition(t, c));
  if (where === null || typeof where !== "object") throw new OvsdbTypeError(`where must be a list of conditions or an object, got ${safeJson(where)}`, t.name);
  const out: Condition[] = [];
  for (const k of Object.keys(where)) {
    const v = (where as Record<string, unknown>)[k];
    // `{ _uuid: UUID }`, the usual target of a mutate or update: what encodeCondition makes of it.
    out.push(k === "_uuid" && isUuid(v) ? ["_uuid", "==", ["uuid", v.toLowerCase()]] : encodeCondition(t, [k, "==", v]));
  }
  return out;
}

function encodeMutation(t: TableSchema, m: unknown): Mutation {
  if (!Array.isArray(m) || m.length !== 3) throw new OvsdbTypeError(`mutation must be [column, mutator, value], got ${safeJson(m)}`, t.name);
  const [name, mutator, value] = m as [string, Mutator, unknown];
  const c = column(t, name);
  if (name === "_uuid" || name === "_version" || !c.mutable) throw new OvsdbTypeError("column is not mutable", t.name, name);
  const ctx = { table: t.name, column: name, allowNamedUuid: true };
  const shape = columnShape(c.type);
  switch (mutator) {
    case "+=":
    case "-=":
    case "*=":
    case "/=":
    case "%=": {
      const k = c.type.key.type;
      if (shape === "map" || (k !== "integer" && k !== "real") || (mutator === "%=" && k !== "integer")) {
        throw new OvsdbTypeError(`"${mutator}" does not apply to this column`, t.name, name);
      }
      return [name, mutator, datumToJson({ key: { type: k }, min: 1, max: 1 }, value, ctx)];
    }
    case "insert":
      if (shape === "scalar") throw new OvsdbTypeError(`"insert" applies only to sets and maps`, t.name, name);
      return [name, mutator, encodeChecked(t.name, c, anySize(c), value)];
    case "delete":
      if (shape === "scalar") throw new OvsdbTypeError(`"delete" applies only to sets and maps`, t.name, name);
      if (shape === "map" && Array.isArray(value)) return [name, mutator, datumToJson({ key: c.type.key, ...ANY_SIZE }, value, ctx)];
      return [name, mutator, datumToJson(anySize(c), value, ctx)];
    default:
      throw new OvsdbTypeError(`unknown mutator ${safeJson(mutator)}`, t.name, name);
  }
}

/** The columns an insert into each table must give ({@link requiredOnInsert}), found once per table. */
const requiredColumns = new WeakMap<TableSchema, readonly string[]>();
function requiredOf(t: TableSchema): readonly string[] {
  let r = requiredColumns.get(t);
  if (!r) requiredColumns.set(t, (r = [...t.columns.values()].filter((c) => requiredOnInsert(c)).map((c) => c.name)));
  return r;
}

function encodeRow(t: TableSchema, row: unknown, mode: "insert" | "update" | "wait"): JsonRow {
  if (row === null || typeof row !== "object" || Array.isArray(row)) throw new OvsdbTypeError(`row must be an object, got ${safeJson(row)}`, t.name);
  const out: Record<string, JsonValue> = {};
  for (const name of Object.keys(row)) {
    const value = (row as Record<string, unknown>)[name];
    const c = column(t, name);
    if (mode !== "wait") {
      if (name === "_uuid" || name === "_version") throw new OvsdbTypeError("column is read-only", t.name, name);
      if (mode === "update" && !c.mutable) throw new OvsdbTypeError("column is immutable: it can be set on insert only", t.name, name);
      if (mode === "insert" && value === undefined) continue;
    }
    out[name] = encodeChecked(t.name, c, c.type, value);
  }
  if (mode === "insert") {
    const missing = requiredOf(t).filter((c) => !(c in out));
    if (missing.length > 0) throw new OvsdbTypeError(`insert lacks required column(s) ${missing.join(", ")}`, t.name);
  }
  return out;
}

function makeTable<D extends TableDef, N extends string>(database: string, t: TableSchema): TableBuilder<D, N> {
  const name = t.name as N;
  const allColumns = ["_uuid", "_version", ...t.columns.keys()];
  const decodeRow = (json: unknown) => rowFromJson(t.columns, json, { table: name }) as unknown as RowOf<D>;
  let generatedIds: boolean | undefined;
  // One class per kind of operation, with its (fixed) info on the prototype.
  const Insert = operationClass(
    {
      database,
      decode: (r) => {
        const u = resultObject(r, `insert ${name}`)["uuid"];
        if (!isJsonUuid(u)) throw new ProtocolError(`insert ${name}: result has no "uuid": ${safeJson(r)}`);
        return u[1].toLowerCase() as RowUuid<N>;
      },
    },
    true,
  );
  const Select = operationClass({
    database,
    decode: (r) => {
      const rows = resultObject(r, `select ${name}`)["rows"];
      if (!Array.isArray(rows)) throw new ProtocolError(`select ${name}: result has no "rows": ${safeJson(r)}`);
      return rows.map(decodeRow);
    },
  });
  const Update = operationClass({ database, decode: decodeCount(`update ${name}`) });
  const Mutate = operationClass({ database, decode: decodeCount(`mutate ${name}`) });
  const Delete = operationClass({ database, decode: decodeCount(`delete ${name}`) });
  const Wait = operationClass({ database, decode: () => undefined });
  return {
    name,
    schema: t,
    insert(row, options = {}) {
      const uuidName = options.uuidName ?? `${name}_${++uuidNameCounter}`;
      // A made-up name is `<table>_<n>`: valid whenever `<table>_1` is (checked once per table).
      if ((options.uuidName !== undefined || !(generatedIds ??= isId(`${name}_1`))) && !isId(uuidName)) throw new OvsdbTypeError(`${safeJson(uuidName)} is not a valid uuid-name`, name);
      const encoded = encodeRow(t, row, "insert");
      const op = new Insert();
      op["op"] = "insert";
      op["table"] = name;
      op["row"] = encoded;
      op["uuid-name"] = uuidName;
      if (options.uuid !== undefined) op["uuid"] = options.uuid;
      return op as unknown as TypedInsert<N>;
    },
    select(where?: unknown, columns?: readonly string[]) {
      for (const c of columns ?? []) column(t, c);
      const op: SelectOperation = { op: "select", table: name, where: encodeWhere(t, where), columns: columns ? [...columns] : allColumns };
      return typed(Select, op);
    },
    update(where, row) {
      const op: UpdateOperation = { op: "update", table: name, where: encodeWhere(t, where), row: encodeRow(t, row, "update") };
      return typed(Update, op);
    },
    mutate(where, mutations) {
      const w = encodeWhere(t, where);
      const m = mutations.map((x) => encodeMutation(t, x));
      const op = new Mutate();
      op["op"] = "mutate";
      op["table"] = name;
      op["where"] = w;
      op["mutations"] = m;
      return op as unknown as TypedMutate;
    },
    delete(where) {
      const op: DeleteOperation = { op: "delete", table: name, where: encodeWhere(t, where) };
      return typed(Delete, op);
    },
    wait(where, options) {
      for (const c of options.columns) column(t, c);
      const op: WaitOperation = {
        op: "wait",
        table: name,
        where: encodeWhere(t, where),
        columns: [...options.columns],
        until: options.until,
        rows: options.rows.map((r) => encodeRow(t, r, "wait")),
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      };
      return typed(Wait, op);
    },
    decodeRow,
  } as TableBuilder<D, N>;
}

/**
 * Builds a typed model from a database schema's JSON (as generated modules embed it). The type
 * parameter is the generated `Tables` type; the schema is parsed on first use.
 */
export function defineModel<T extends { readonly [K in keyof T]: TableDef }>(schemaJson: Json): DatabaseModel<T> {
  const name = schemaJson !== null && typeof schemaJson === "object" && !Array.isArray(schemaJson) ? (schemaJson as { name?: unknown }).name : undefined;
  if (typeof name !== "string") throw new TypeError("defineModel: the schema has no name");
  return defineLazyModel<T>(name, () => schemaJson);
}

/**
 * Builds a typed model of database `name` whose schema JSON is obtained by `load` on first use
 * (of `schemaJson`, `schema`, `table()`), then kept. Generated modules that load their schema
 * from a shipped `.ovsschema` file use it through `defineModelFromFile`.
 */
export function defineLazyModel<T extends { readonly [K in keyof T]: TableDef }>(name: string, load: () => Json): DatabaseModel<T> {
  let json: Json | undefined;
  let parsed: DatabaseSchema | undefined;
  const builders = new Map<string, TableBuilder<TableDef, string>>();
  const model: DatabaseModel<T> = {
    name,
    get schemaJson() {
      json ??= load();
      return json;
    },
    get schema() {
      parsed ??= parseSchema(model.schemaJson);
      return parsed;
    },
    table<N extends keyof T & string>(table: N): TableBuilder<T[N], N> {
      let b = builders.get(table);
      if (!b) {
        b = makeTable(name, tableOf(model.schema, table));
        builders.set(table, b);
      }
      return b as unknown as TableBuilder<T[N], N>;
    },
    async transact<const Ops extends readonly Operation[]>(client: TransactClient, operations: Ops, options?: CallOptions) {
      operations.forEach((op, i) => {
        const info = (op as Partial<TypedOperation>)[OPERATION_INFO];
        if (info && info.database !== name) {
          throw new TypeError(`operation ${i} was built by the ${info.database} model, not ${name}`);
        }
      });
      const reply = await client.transact(name, operations, options);
      return operations.map((op, i) => {
        const info = (op as Partial<TypedOperation>)[OPERATION_INFO];
        const r = reply.results[i] ?? null;
        return info ? info.decode(r) : r;
      }) as TransactResults<Ops>;
    },
  };
  return model;
}
