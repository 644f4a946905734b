/**
 * One database of the embedded server: rows of native values keyed by UUID, unique indexes, a
 * reverse index of references, and the transaction engine of RFC 7047 §4.1.3 and §5.2 with
 * ovsdb-server's semantics — every operation, all-or-nothing commits, and the commit-time checks
 * (constraints, strong references, weak-reference removal, garbage collection of non-root
 * tables, `maxRows`, unique indexes), with ovsdb-server's error strings and details.
 *
 * @module
 */
import { type CompiledWhere, type ConditionReporter, compileWhere, evalCondition } from "../schema/condition.js";
import { type Datum, type Row, checkAtom, compareDatums, datumAtoms, datumEquals, defaultDatum } from "../schema/datum.js";
import { applyMutation, decodeMutationArgument, isMutator, mutationArgumentTypes } from "../schema/mutation.js";
import { type ColumnSchema, type DatabaseSchema, type TableSchema, columnOf } from "../schema/schema.js";
import { type Atom, type ColumnType, columnShape } from "../schema/types.js";
import { atomToErrorText } from "../schema/datum.js";
import {
  Aborted,
  ConstraintViolation,
  IoError,
  DuplicateUuidName,
  NotOwner,
  OvsdbError,
  OvsdbSyntaxError,
  ReferentialIntegrityViolation,
  TimedOut,
  errorFromJson,
  errorToJson,
} from "../wire/errors.js";
import { shashOrder } from "../text/hash-order.js";
import { stringifyJson } from "../wire/json.js";
import { type JsonRow, isId, isUuid, randomUuid } from "../wire/notation.js";
import type { Mutator, OperationResult } from "../wire/operations.js";
import { type DecodeContext, decodeDatum, encodeDatum, ovsJsonText, serverConditionReporter, syntaxError } from "./codec.js";

/** A committed row: its UUID, its `_version`, and its column values (every declared column). */
export interface DbRow {
  readonly uuid: string;
  readonly version: string;
  readonly data: Row;
}

/** One row's change in a committed transaction: `old` absent for an insert, `new` absent for a delete. */
export interface RowChange {
  readonly table: string;
  readonly uuid: string;
  readonly old: DbRow | undefined;
  readonly new: DbRow | undefined;
}

/** A committed transaction, as monitors, the history and persistence see it. */
export interface CommittedTxn {
  /** The transaction id (`monitor_cond_since`'s `last-txn-id`). */
  readonly id: string;
  readonly database: string;
  readonly changes: readonly RowChange[];
  /** Texts of the transaction's `comment` operations. */
  readonly comments: readonly string[];
  /** Commit time, milliseconds since the epoch. */
  readonly date: number;
}

/** What the executing session may do: lock ownership for `assert` (RFC 7047 §5.2.10). */
export interface TxnContext {
  /** True when the session owns lock `name`. */
  ownsLock(name: string): boolean;
  /** True when a blocked `wait` has passed its timeout: unmet waits then fail with "timed out". */
  readonly waitTimedOut?: boolean;
  /** How long the transaction has waited, in milliseconds (reported in the "timed out" details, as ovsdb-server does). */
  readonly waitElapsedMs?: number;
  /** The server itself writing (allowed on a {@link Database.reserved} database). */
  readonly internal?: boolean;
}

/** Outcome of {@link Database.execute}: a reply, or a `wait` that must be retried later. */
export type ExecuteOutcome =
  | { readonly kind: "done"; readonly results: OperationResult[]; readonly committed: CommittedTxn | undefined }
  | { readonly kind: "blocked"; readonly timeoutMs: number | undefined };

class TableData {
  readonly rows = new Map<string, DbRow>();
  /** One map per unique index: canonical key text → row UUID. */
  readonly indexes: Map<string, string>[];
  /**
   * The table's columns in ovsdb-server's iteration order of its column `shash` (`_uuid` and
   * `_version` added first, then the schema's columns in the iteration order of the parsed JSON
   * object), which decides some of its error texts.
   */
  readonly ovsColumnOrder: readonly string[];
  constructor(readonly schema: TableSchema) {
    this.indexes = schema.indexes.map(() => new Map());
    this.ovsColumnOrder = shashOrder(["_uuid", "_version", ...shashOrder(schema.columns.keys())]);
  }
}

interface Change {
  readonly table: string;
  readonly uuid: string;
  readonly old: DbRow | undefined;
  /** Column values after the transaction, or undefined when deleted. */
  new: Record<string, Datum> | undefined;
}

interface RefColumn {
  readonly column: string;
  readonly refTable: string;
  readonly strong: boolean;
  /** Which part of a map holds the reference. */
  readonly part: "key" | "value";
}

/** Canonical text of a value, for unique-index keys. */
function datumKey(v: Datum): string {
  if (v instanceof Map) {
    return stringifyJson([...v.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));
  }
  const a = [...datumAtoms(v)];
  if (a.length > 1) a.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0));
  return stringifyJson(a);
}

/** ovsdb-server's text of a value inside error details (`ovsdb_datum_to_string`). */
function datumText(type: ColumnType, v: Datum): string {
  const shape = columnShape(type);
  if (shape === "map") {
    const m = v as ReadonlyMap<Atom, Atom>;
    return `{${[...m.entries()].map(([k, x]) => `${atomToErrorText(k)}=${atomToErrorText(x)}`).join(", ")}}`;
  }
  if (shape === "scalar") return atomToErrorText(v as Atom);
  return `[${datumAtoms(v).map(atomToErrorText).join(", ")}]`;
}

const OP_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  insert: ["table", "row", "uuid-name", "uuid"],
  select: ["table", "where", "columns", "sort"],
  update: ["table", "where", "row"],
  mutate: ["table", "where", "mutations"],
  delete: ["table", "where"],
  wait: ["table", "where", "columns", "until", "rows", "timeout"],
  commit: ["durable"],
  abort: [],
  comment: ["comment"],
  assert: ["lock"],
};

/** Raised while parsing an operation: ovsdb-server prefixes these with "Parsing ovsdb operation N of M failed". */
class ParseFailure extends Error {
  constructor(readonly details: string) {
    super(details);
  }
}

/**
 * An in-memory OVSDB database (one schema). Create it with a schema; run transactions with
 * {@link Database.execute}; read rows with {@link Database.rows}; subscribe to commits with
 * {@link Database.onCommit}.
 */
export class Database {
  private _schema: DatabaseSchema;
  // Replaced as a whole by convert(); otherwise only changed in place.
  private tables = new Map<string, TableData>();
  /** target UUID → source UUID → number of weak references (to find what to clean up when a target goes). */
  private incoming = new Map<string, Map<string, number>>();
  /** target UUID → number of strong references to it in committed rows. */
  private strongIn = new Map<string, number>();
  /** Row UUID → table name, for every row of the database. */
  private tableOfRow = new Map<string, string>();
  private refColumns = new Map<string, readonly RefColumn[]>();
  private readonly listeners = new Set<(txn: CommittedTxn) => void>();
  private readonly convertListeners = new Set<() => void>();
  private _lastTxnId = "00000000-0000-0000-0000-000000000000";
  private allRoot: boolean;

  constructor(schema: DatabaseSchema) {
    this._schema = schema;
    this.allRoot = ![...schema.tables.values()].some((t) => t.isRoot);
    for (const t of schema.tables.values()) {
      this.tables.set(t.name, new TableData(t));
      const refs: RefColumn[] = [];
      for (const c of t.columns.values()) {
        if (c.type.key.refTable) refs.push({ column: c.name, refTable: c.type.key.refTable, strong: c.type.key.refType !== "weak", part: "key" });
        if (c.type.value?.refTable) refs.push({ column: c.name, refTable: c.type.value.refTable, strong: c.type.value.refType !== "weak", part: "value" });
      }
      this.refColumns.set(t.name, refs);
    }
  }

  /**
   * A reserved database (`_Server`): clients may read it, but only the server writes it
   * (ovsdb-server answers writes with "not allowed").
   */
  reserved = false;

  /** The database's schema (a new one after {@link Database.convert}). */
  get schema(): DatabaseSchema {
    return this._schema;
  }

  /** The database name. */
  get name(): string {
    return this.schema.name;
  }

  /** Id of the last committed transaction (all zeros before the first). */
  get lastTxnId(): string {
    return this._lastTxnId;
  }

  /** The committed rows of a table (live view: do not keep across commits). */
  rows(table: string): ReadonlyMap<string, DbRow> {
    const t = this.tables.get(table);
    if (!t) throw new Error(`database ${this.name} has no table ${table}`);
    return t.rows;
  }

  /** Number of rows in every table together. */
  get rowCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.rows.size;
    return n;
  }

  /** Calls `listener` after every commit (before the transaction's reply is sent); returns an unsubscribe function. */
  onCommit(listener: (txn: CommittedTxn) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Executes a transaction's operations (the `transact` params after the database name) and, when
   * every operation succeeds and the commit checks pass, commits it. Returns the per-operation
   * results in ovsdb-server's form (an error object at the failed operation, `null` after it, or
   * an extra trailing error when the commit checks fail), or `blocked` when a `wait` is unmet and
   * its timeout has not passed.
   */
  execute(operations: readonly unknown[], ctx: TxnContext): ExecuteOutcome {
    const txn = new Transaction(this, ctx);
    const results: OperationResult[] = [];
    const n = operations.length;
    for (let i = 0; i < n; i++) {
      const op = operations[i];
      try {
        results.push(txn.run(op, i, n));
      } catch (e) {
        if (e instanceof WaitBlocked) return { kind: "blocked", timeoutMs: e.timeoutMs };
        results.push(errorToJson(toOvsdbError(e, op, i, n)));
        while (results.length < n) results.push(null);
        return { kind: "done", results, committed: undefined };
      }
    }
    try {
      const committed = txn.commit();
      return { kind: "done", results, committed };
    } catch (e) {
      results.push(errorToJson(toOvsdbError(e, undefined, n, n)));
      return { kind: "done", results, committed: undefined };
    }
  }

  /**
   * Converts the database to `schema` in place, as ovsdb-server's `convert` does (ovsdb-server(1)
   * "Online database conversion"): tables and columns the new schema drops are dropped; tables and
   * columns it adds start empty / with their defaults; every kept value goes through its JSON form
   * and is read back with the new column type, so a narrowed type fails with the error
   * ovsdb-server gives (e.g. "constraint violation" for an integer out of the new range, "syntax
   * error" for a set with too many members). Rows keep their UUIDs. The converted contents then
   * pass the commit checks (strong references, weak references, garbage collection of non-root
   * rows, `maxRows`, unique indexes). On error the database is unchanged and the error
   * ({@link OvsdbError}) is thrown. Commit listeners are not called (there is no transaction);
   * {@link Database.onConvert} listeners are. The transaction id is reset to a new one.
   */
  convert(schema: DatabaseSchema): void {
    if (schema.name !== this.name) {
      throw new OvsdbError("invalid parameters", `new schema name (${schema.name}) does not match database name (${this.name})`);
    }
    const next = new Database(schema);
    const ops: unknown[] = [];
    for (const [name, t] of this.tables) {
      const nt = schema.tables.get(name);
      if (!nt) continue;
      const kept = [...t.schema.columns.values()].filter((c) => !c.name.startsWith("_") && nt.columns.has(c.name));
      for (const r of t.rows.values()) {
        const row: Record<string, unknown> = {};
        for (const c of kept) {
          const type = nt.columns.get(c.name)!.type;
          const v = decodeDatum(type, encodeDatum(c.type, r.data[c.name]));
          row[c.name] = encodeDatum(type, v);
        }
        ops.push({ op: "insert", table: name, uuid: r.uuid, row });
      }
    }
    const out = next.execute(ops, { ownsLock: () => false, internal: true });
    if (out.kind !== "done") throw new OvsdbError("internal error", "conversion blocked");
    const failed = out.results.find((x) => x !== null && typeof x === "object" && "error" in x);
    if (failed) throw errorFromJson(failed);
    this._schema = next._schema;
    this.tables = next.tables;
    this.incoming = next.incoming;
    this.strongIn = next.strongIn;
    this.tableOfRow = next.tableOfRow;
    this.refColumns = next.refColumns;
    this.allRoot = next.allRoot;
    this._lastTxnId = randomUuid();
    for (const l of [...this.convertListeners]) l();
  }

  /** Calls `listener` after each {@link Database.convert}; returns an unsubscribe function. */
  onConvert(listener: () => void): () => void {
    this.convertListeners.add(listener);
    return () => this.convertListeners.delete(listener);
  }

  /**
   * Whether rows of `table` stay without references: tables marked `isRoot`, or every table of a
   * schema that marks none (RFC 7047 §3.2, as ovsdb-server treats older schemas).
   */
  isRootTable(table: string): boolean {
    return this.allRoot || this.schema.tables.get(table)?.isRoot === true;
  }

  /** @internal */
  tableData(name: string): TableData | undefined {
    return this.tables.get(name);
  }

  /** @internal */
  refColumnsOf(table: string): readonly RefColumn[] {
    return this.refColumns.get(table) ?? [];
  }

  /** @internal Sources weakly referencing `target` in committed state. */
  incomingOf(target: string): ReadonlyMap<string, number> | undefined {
    return this.incoming.get(target);
  }

  /** @internal Strong references to `target` in committed rows. */
  strongRefsTo(target: string): number {
    return this.strongIn.get(target) ?? 0;
  }

  /** @internal */
  tableOf(uuid: string): string | undefined {
    return this.tableOfRow.get(uuid);
  }

  /**
   * Loads rows without checks or notifications (persistence replay): `changes` maps table →
   * UUID → full row values, or null to delete. Fires no listeners.
   * @internal
   */
  loadChanges(changes: readonly { table: string; uuid: string; version: string; data: Row | undefined }[], txnId?: string): void {
    for (const c of changes) {
      const t = this.tables.get(c.table);
      if (!t) continue;
      const old = t.rows.get(c.uuid);
      this.applyRow(t, c.uuid, old, c.data ? { uuid: c.uuid, version: c.version, data: c.data } : undefined);
    }
    if (txnId) this._lastTxnId = txnId;
  }

  /** @internal Applies a committed change set and notifies listeners. */
  applyCommit(changes: Change[], comments: string[]): CommittedTxn {
    const out: RowChange[] = changes.map((c) => ({
      table: c.table,
      uuid: c.uuid,
      old: c.old,
      new: c.new ? { uuid: c.uuid, version: randomUuid(), data: Object.freeze(c.new) } : undefined,
    }));
    const txn: CommittedTxn = { id: randomUuid(), database: this.name, changes: out, comments, date: Date.now() };
    if (this.writeAhead) {
      // Durable first: if the log cannot take the transaction, nothing changes (ovsdb-server's "I/O error").
      try {
        this.writeAhead(txn);
      } catch (e) {
        throw new IoError(`cannot write the transaction to the database log: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const c of out) this.applyRow(this.tables.get(c.table)!, c.uuid, c.old, c.new);
    this._lastTxnId = txn.id;
    for (const l of [...this.listeners]) l(txn);
    return txn;
  }

  private writeAhead: ((txn: CommittedTxn) => void) | undefined;

  /**
   * Installs the write-ahead hook persistence uses: it is called with each transaction before the
   * transaction changes anything, and if it throws the transaction fails with "I/O error" and the
   * database stays as it was. One hook per database; `undefined` removes it.
   */
  setWriteAhead(hook: ((txn: CommittedTxn) => void) | undefined): void {
    if (hook && this.writeAhead) throw new Error(`database ${this.name} already has a write-ahead log`);
    this.writeAhead = hook;
  }

  private applyRow(t: TableData, uuid: string, old: DbRow | undefined, row: DbRow | undefined): void {
    const refs = this.refColumns.get(t.schema.name)!;
    if (old) {
      t.schema.indexes.forEach((ix, i) => {
        const key = ix.map((c) => datumKey(old.data[c])).join("\u0000");
        if (t.indexes[i]!.get(key) === uuid) t.indexes[i]!.delete(key);
      });
    }
    // Reference bookkeeping from the per-column difference (cheap for a big set that gains one element).
    for (const r of refs) {
      const { added, removed } = refDiff(r, old?.data[r.column], row?.data[r.column], r.strong ? uuid : undefined);
      if (r.strong) {
        for (const target of removed) {
          const n = (this.strongIn.get(target) ?? 0) - 1;
          if (n > 0) this.strongIn.set(target, n);
          else this.strongIn.delete(target);
        }
        for (const target of added) this.strongIn.set(target, (this.strongIn.get(target) ?? 0) + 1);
      } else {
        for (const target of removed) {
          const m = this.incoming.get(target);
          if (!m) continue;
          const n = (m.get(uuid) ?? 0) - 1;
          if (n > 0) m.set(uuid, n);
          else m.delete(uuid);
          if (m.size === 0) this.incoming.delete(target);
        }
        for (const target of added) {
          let m = this.incoming.get(target);
          if (!m) this.incoming.set(target, (m = new Map()));
          m.set(uuid, (m.get(uuid) ?? 0) + 1);
        }
      }
    }
    if (row) {
      t.rows.set(uuid, row);
      this.tableOfRow.set(uuid, t.schema.name);
      t.schema.indexes.forEach((ix, i) => {
        t.indexes[i]!.set(ix.map((c) => datumKey(row.data[c])).join("\u0000"), uuid);
      });
    } else {
      t.rows.delete(uuid);
      this.tableOfRow.delete(uuid);
    }
  }
}

/**
 * The references one column gains and loses between two values (with repetition for maps, whose
 * values may repeat). Unchanged values cost nothing.
 */
function refDiff(r: RefColumn, oldV: Datum, newV: Datum, self?: string): { added: string[]; removed: string[] } {
  if (oldV === newV) return { added: [], removed: [] };
  const a = oldV === undefined ? [] : refAtoms(r, oldV, self);
  const b = newV === undefined ? [] : refAtoms(r, newV, self);
  if (a.length === 0) return { added: b, removed: [] };
  if (b.length === 0) return { added: [], removed: a };
  // Fast paths: mutations keep the old elements' order, so an insert appends and a delete leaves a subsequence.
  if (b.length >= a.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i === a.length) return { added: b.slice(a.length), removed: [] };
  } else {
    const removed: string[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      if (j < b.length && a[i] === b[j]) j++;
      else removed.push(a[i]!);
    }
    if (j === b.length) return { added: [], removed };
  }
  const count = new Map<string, number>();
  for (const x of a) count.set(x, (count.get(x) ?? 0) + 1);
  const added: string[] = [];
  for (const x of b) {
    const n = count.get(x);
    if (n) count.set(x, n - 1);
    else added.push(x);
  }
  const removed: string[] = [];
  for (const [x, n] of count) for (let i = 0; i < n; i++) removed.push(x);
  return { added, removed };
}

/** The UUIDs a column refers to; with `self`, a row's references to itself are left out (they do not count, as in ovsdb-server). */
function refAtoms(r: RefColumn, v: Datum, self?: string): string[] {
  const all = (v instanceof Map ? [...(r.part === "key" ? v.keys() : v.values())] : datumAtoms(v)) as string[];
  return self !== undefined && all.includes(self) ? all.filter((u) => u !== self) : all;
}

class WaitBlocked extends Error {
  constructor(readonly timeoutMs: number | undefined) {
    super("wait blocked");
  }
}

function toOvsdbError(e: unknown, op: unknown, index: number, n: number): OvsdbError {
  if (e instanceof ParseFailure) {
    return new OvsdbSyntaxError(`Parsing ovsdb operation ${index + 1} of ${n} failed: ${e.details}`, {}, ovsJsonText(op));
  }
  if (e instanceof OvsdbError) return e;
  return new OvsdbError("internal error", e instanceof Error ? e.message : String(e));
}

interface Symbol {
  uuid: string;
  created: boolean;
}

/** One transaction in progress: a copy-on-write view over the database. */
class Transaction {
  private readonly changes = new Map<string, Change>();
  private readonly order: Change[] = [];
  private readonly symbols = new Map<string, Symbol>();
  private readonly comments: string[] = [];
  private readonly decode: DecodeContext;
  private readonly reporter: ConditionReporter;
  /** `_version` of each row inserted by this transaction (ovsdb-server gives each its own). */
  private readonly insertedVersions = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly ctx: TxnContext,
  ) {
    this.decode = {
      resolve: (name) => {
        let s = this.symbols.get(name);
        if (!s) this.symbols.set(name, (s = { uuid: randomUuid(), created: false }));
        return s.uuid;
      },
    };
    this.reporter = serverConditionReporter(this.decode);
  }

  // ---- reading the transaction's view ----

  private current(table: string, uuid: string): Row | undefined {
    const c = this.changes.get(uuid);
    if (c) return c.table === table ? c.new : undefined;
    return this.db.tableData(table)?.rows.get(uuid)?.data;
  }

  private *scan(t: TableData): Iterable<[string, Row]> {
    for (const [uuid, row] of t.rows) {
      const c = this.changes.get(uuid);
      if (c) continue;
      yield [uuid, row.data];
    }
    for (const c of this.order) {
      if (c.table === t.schema.name && c.new && this.changes.get(c.uuid) === c) yield [c.uuid, c.new];
    }
  }

  private matching(t: TableData, compiled: CompiledWhere): [string, Row][] {
    if (compiled.alwaysFalse) return [];
    const where = compiled.clauses;
    // Fast path: `_uuid == U` is a lookup.
    const byUuid = where.find((c) => c.column === "_uuid" && c.fn === "==");
    const test = (uuid: string, row: Row) =>
      where.every((c) => evalCondition(c, c.column === "_uuid" ? uuid : c.column === "_version" ? this.versionOf(t, uuid) : row[c.column]));
    if (byUuid) {
      const u = byUuid.value as string;
      const row = this.current(t.schema.name, u);
      return row && test(u, row) ? [[u, row]] : [];
    }
    const out: [string, Row][] = [];
    for (const [uuid, row] of this.scan(t)) if (test(uuid, row)) out.push([uuid, row]);
    return out;
  }

  private versionOf(t: TableData, uuid: string): string {
    return t.rows.get(uuid)?.version ?? this.insertedVersions.get(uuid) ?? "00000000-0000-0000-0000-000000000000";
  }

  private write(table: string, uuid: string, data: Record<string, Datum> | undefined): void {
    const c = this.changes.get(uuid);
    if (c) {
      c.new = data;
      return;
    }
    const old = this.db.tableData(table)?.rows.get(uuid);
    const n: Change = { table, uuid, old, new: data };
    this.changes.set(uuid, n);
    this.order.push(n);
  }

  // ---- parsing helpers ----

  private member(op: Record<string, unknown>, name: string, kind: "string" | "id" | "object" | "array" | "boolean" | "number", optional = false): unknown {
    if (!(name in op)) {
      if (optional) return undefined;
      throw new ParseFailure(`Required '${name}' member is missing.`);
    }
    const v = op[name];
    const ok =
      kind === "string"
        ? typeof v === "string"
        : kind === "id"
          ? isId(v)
          : kind === "object"
            ? v !== null && typeof v === "object" && !Array.isArray(v)
            : kind === "array"
              ? Array.isArray(v)
              : typeof v === kind;
    if (!ok) throw new ParseFailure(`Type mismatch for member '${name}'.`);
    return v;
  }

  private table(op: Record<string, unknown>): TableData {
    const name = this.member(op, "table", "id") as string;
    const t = this.db.tableData(name);
    if (!t) throw new ParseFailure(`No table named ${name}.`);
    return t;
  }

  /** Parses a `where` (a conjunction; bare `true`/`false` clauses allowed, as ovsdb-server allows them) with the shared condition compiler. */
  private where(t: TableData, op: Record<string, unknown>): CompiledWhere {
    const where = this.member(op, "where", "array") as unknown[];
    return compileWhere(t.schema, where, { reporter: this.reporter });
  }

  private columns(t: TableData, op: Record<string, unknown>, required: boolean, member = "columns"): string[] | undefined {
    const cols = this.member(op, member, "array", !required) as unknown[] | undefined;
    if (!cols) return undefined;
    if (!cols.every((c) => typeof c === "string") || new Set(cols).size !== cols.length) throw syntaxError(cols, "array of distinct column names expected");
    for (const c of cols as string[]) {
      if (!columnOf(t.schema, c)) throw syntaxError(cols, `${c} is not a valid column name`);
    }
    return cols as string[];
  }

  /** Parses a `<row>`: column → native value; `forUpdate` rejects immutable columns. */
  private row(t: TableData, json: Record<string, unknown>): Map<ColumnSchema, Datum> {
    const out = new Map<ColumnSchema, Datum>();
    for (const [name, v] of Object.entries(json)) {
      const col = columnOf(t.schema, name);
      if (!col) throw syntaxError(json, `No column ${name} in table ${t.schema.name}.`, "unknown column");
      out.set(col, decodeDatum(col.type, v, this.decode));
    }
    return out;
  }

  private encodeRow(t: TableData, uuid: string, row: Row, columns: readonly string[] | undefined): JsonRow {
    const out: Record<string, unknown> = {};
    const names = columns ?? ["_uuid", "_version", ...t.schema.columns.keys()];
    for (const c of names) {
      if (c === "_uuid") out[c] = ["uuid", uuid];
      else if (c === "_version") out[c] = ["uuid", this.versionOf(t, uuid)];
      else out[c] = encodeDatum(t.schema.columns.get(c)!.type, row[c]);
    }
    return out as JsonRow;
  }

  // ---- operations ----

  run(opJson: unknown, index: number, n: number): OperationResult {
    if (opJson === null || typeof opJson !== "object" || Array.isArray(opJson)) {
      throw new OvsdbSyntaxError(`Parsing ovsdb operation ${index + 1} of ${n} failed: Object expected.`);
    }
    const op = opJson as Record<string, unknown>;
    const name = this.member(op, "op", "string") as string;
    const allowed = OP_MEMBERS[name];
    if (!allowed) throw new ParseFailure(`No operation "${name}"`);
    for (const k of Object.keys(op)) {
      if (k !== "op" && !allowed.includes(k)) throw new ParseFailure(`Member '${k}' is present but not allowed here.`);
    }
    if (this.db.reserved && !this.ctx.internal && ["insert", "update", "mutate", "delete"].includes(name)) {
      throw new OvsdbError("not allowed", `${name} operation not allowed on table in reserved database ${this.db.name}`);
    }
    switch (name) {
      case "insert":
        return this.insert(op);
      case "select":
        return this.select(op);
      case "update":
        return this.update(op);
      case "mutate":
        return this.mutate(op);
      case "delete":
        return this.delete(op);
      case "wait":
        return this.wait(op);
      case "commit":
        this.member(op, "durable", "boolean");
        return {};
      case "abort":
        throw new Aborted("aborted by request");
      case "comment":
        this.comments.push(this.member(op, "comment", "string") as string);
        return {};
      case "assert": {
        const lock = this.member(op, "lock", "id") as string;
        if (!this.ctx.ownsLock(lock)) throw new NotOwner(`Asserted lock ${lock} not held.`);
        return {};
      }
      default:
        throw new ParseFailure(`No operation "${name}"`);
    }
  }

  private insert(op: Record<string, unknown>): OperationResult {
    const t = this.table(op);
    const uuidName = this.member(op, "uuid-name", "id", true) as string | undefined;
    const uuidText = this.member(op, "uuid", "string", true) as string | undefined;
    const rowJson = this.member(op, "row", "object", true) as Record<string, unknown> | undefined;
    let uuid: string;
    if (uuidText !== undefined) {
      if (!isUuid(uuidText)) throw syntaxError(uuidText, "bad uuid");
      uuid = uuidText.toLowerCase();
      const otherTable = this.changes.get(uuid)?.table ?? this.db.tableOf(uuid);
      if (otherTable !== undefined && this.current(otherTable, uuid) !== undefined) {
        throw syntaxError(uuidText, "This UUID would duplicate a UUID already present within the table or deleted within the same transaction.", "duplicate uuid");
      }
    } else {
      uuid = randomUuid();
    }
    if (uuidName !== undefined) {
      const s = this.symbols.get(uuidName);
      if (s?.created) throw new DuplicateUuidName(`This "uuid-name" appeared on an earlier "insert" operation.`, {}, ovsJsonText(uuidName));
      if (s) {
        if (uuidText === undefined) uuid = s.uuid;
        else s.uuid = uuid;
        s.created = true;
      } else {
        this.symbols.set(uuidName, { uuid, created: true });
      }
    }
    const values = this.row(t, rowJson ?? {});
    const data: Record<string, Datum> = {};
    for (const c of t.schema.columns.values()) data[c.name] = sharedDefault(c.type);
    for (const [col, v] of values) {
      if (col.name === "_uuid" || col.name === "_version") continue;
      data[col.name] = v;
    }
    // Default values must meet the columns' constraints too (ovsdb-server checks every column of a new row).
    for (const c of t.schema.columns.values()) {
      if (values.has(c)) continue;
      for (const a of datumAtoms(data[c.name])) {
        const e = checkAtom(c.type.key, a);
        if (e) throw new ConstraintViolation(e);
      }
    }
    this.insertedVersions.set(uuid, randomUuid());
    this.write(t.schema.name, uuid, data);
    return { uuid: ["uuid", uuid] };
  }

  private select(op: Record<string, unknown>): OperationResult {
    const t = this.table(op);
    const where = this.where(t, op);
    const columns = this.columns(t, op, false);
    const sort = this.columns(t, op, false, "sort");
    let matched = this.matching(t, where);
    if (sort) {
      // OVS extension: rows in ascending order of the listed columns (ovsdb_row_set_sort).
      const cols = sort.map((c) => columnOf(t.schema, c)!);
      const value = (u: string, r: Row, c: ColumnSchema): Datum => (c.name === "_uuid" ? u : c.name === "_version" ? this.versionOf(t, u) : r[c.name]);
      matched = [...matched].sort(([ua, ra], [ub, rb]) => {
        for (const c of cols) {
          const d = compareDatums(value(ua, ra, c), value(ub, rb, c));
          if (d !== 0) return d;
        }
        return 0;
      });
    }
    const rows = matched.map(([u, r]) => this.encodeRow(t, u, r, columns));
    return { rows };
  }

  private update(op: Record<string, unknown>): OperationResult {
    const t = this.table(op);
    const where = this.where(t, op);
    const rowJson = this.member(op, "row", "object") as Record<string, unknown>;
    const values = this.row(t, rowJson);
    for (const col of values.keys()) {
      if (!col.mutable) throw syntaxError(op, `Cannot update immutable column ${col.name} in table ${t.schema.name}.`, "constraint violation");
    }
    const matched = this.matching(t, where);
    for (const [uuid, row] of matched) {
      const data: Record<string, Datum> = { ...row };
      for (const [col, v] of values) data[col.name] = v;
      this.write(t.schema.name, uuid, data);
    }
    return { count: matched.length };
  }

  private mutate(op: Record<string, unknown>): OperationResult {
    const t = this.table(op);
    const where = this.where(t, op);
    const mutationsJson = this.member(op, "mutations", "array") as unknown[];
    const mutations: { col: ColumnSchema; mutator: Mutator; arg: Datum }[] = [];
    for (const m of mutationsJson) {
      if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== "string" || typeof m[1] !== "string") throw syntaxError(m, "Parse error in mutation.");
      const [column, mutator, value] = m as [string, string, unknown];
      const col = columnOf(t.schema, column);
      if (!col) throw syntaxError(m, `No column ${column} in table ${t.schema.name}.`, "unknown column");
      if (!isMutator(mutator)) throw new OvsdbError("unknown mutator", `No mutator named ${mutator}.`);
      if (!col.mutable) throw syntaxError(m, `Cannot mutate immutable column ${column} in table ${t.schema.name}.`, "constraint violation");
      let types: readonly ColumnType[];
      try {
        types = mutationArgumentTypes(col, mutator);
      } catch (e) {
        if (e instanceof OvsdbError) throw syntaxError(m, e.details ?? "");
        throw e;
      }
      const arg = decodeMutationArgument(types, value, (ty, j) => decodeDatum(ty, j, this.decode));
      mutations.push({ col, mutator, arg });
    }
    const matched = this.matching(t, where);
    for (const [uuid, row] of matched) {
      const data: Record<string, Datum> = { ...row };
      for (const m of mutations) data[m.col.name] = applyMutation(m.col.type, data[m.col.name], m.mutator, m.arg, checkAtom);
      this.write(t.schema.name, uuid, data);
    }
    return { count: matched.length };
  }

  private delete(op: Record<string, unknown>): OperationResult {
    const t = this.table(op);
    const where = this.where(t, op);
    const matched = this.matching(t, where);
    for (const [uuid] of matched) this.write(t.schema.name, uuid, undefined);
    return { count: matched.length };
  }

  private wait(op: Record<string, unknown>): OperationResult {
    const t = this.table(op);
    const timeout = this.member(op, "timeout", "number", true) as number | undefined;
    const where = this.where(t, op);
    // Without "columns" every column is compared, _uuid and _version included.
    const columns = this.columns(t, op, false) ?? ["_uuid", "_version", ...t.schema.columns.keys()];
    const until = this.member(op, "until", "string") as string;
    const rowsJson = this.member(op, "rows", "array") as unknown[];
    if (until !== "==" && until !== "!=") throw syntaxError(until, `"until" must be "==" or "!="`);
    const colSchemas = columns.map((c) => columnOf(t.schema, c)!);
    const expected = rowsJson.map((r) => {
      if (r === null || typeof r !== "object" || Array.isArray(r)) throw syntaxError(r, "Type mismatch for row.");
      const values = this.row(t, r as Record<string, unknown>);
      return colSchemas.map((c) => values.get(c) ?? defaultDatum(c.type));
    });
    const actual = this.matching(t, where).map(([uuid, row]) =>
      colSchemas.map((c) => (c.name === "_uuid" ? uuid : c.name === "_version" ? this.versionOf(t, uuid) : row[c.name])),
    );
    const same = (a: Datum[], b: Datum[]) => a.every((v, i) => datumEquals(v, b[i]));
    const equal = actual.every((a) => expected.some((e) => same(a, e))) && expected.every((e) => actual.some((a) => same(a, e)));
    const met = until === "==" ? equal : !equal;
    if (met) return {};
    if (timeout === 0) throw new TimedOut(`"where" clause test failed`);
    if (this.ctx.waitTimedOut) throw new TimedOut(`"wait" timed out after ${this.ctx.waitElapsedMs ?? timeout} ms`);
    throw new WaitBlocked(timeout);
  }

  // ---- commit ----

  commit(): CommittedTxn | undefined {
    const db = this.db;
    // Drop rows that did not really change (ovsdb-server does not report or version them).
    for (const c of this.order) {
      if (this.changes.get(c.uuid) !== c) continue;
      if (c.old && c.new && rowEquals(db.tableData(c.table)!.schema, c.old.data, c.new)) this.changes.delete(c.uuid);
      if (!c.old && !c.new) this.changes.delete(c.uuid);
    }
    this.checkStrongRefs();
    this.collectGarbage();
    this.removeWeakRefs();
    this.checkMaxRows();
    this.checkIndexes();
    const changes = this.order.filter((c) => this.changes.get(c.uuid) === c && !(c.old === undefined && c.new === undefined));
    if (changes.length === 0 && this.comments.length === 0) return undefined;
    if (changes.length === 0) return undefined;
    return db.applyCommit(changes, this.comments);
  }

  private live(c: Change): boolean {
    return this.changes.get(c.uuid) === c;
  }

  /** Change in strong reference counts made by this transaction: target → delta. */
  private strongDelta = new Map<string, number>();

  private addDelta(targets: readonly string[], by: number): void {
    for (const t of targets) this.strongDelta.set(t, (this.strongDelta.get(t) ?? 0) + by);
  }

  /** Strong references of the post-transaction state to `target`. */
  private strongRefCount(target: string): number {
    return this.db.strongRefsTo(target) + (this.strongDelta.get(target) ?? 0);
  }

  private checkStrongRefs(): void {
    this.strongDelta = new Map();
    for (const c of [...this.order]) {
      if (!this.live(c)) continue;
      for (const r of this.db.refColumnsOf(c.table)) {
        if (!r.strong) continue;
        const { added, removed } = refDiff(r, c.old?.data[r.column], c.new?.[r.column], c.uuid);
        this.addDelta(removed, -1);
        this.addDelta(added, 1);
        for (const target of added) {
          if (!this.current(r.refTable, target)) {
            throw new ReferentialIntegrityViolation(
              `Table ${c.table} column ${r.column} row ${c.uuid} references nonexistent row ${target} in table ${r.refTable}.`,
            );
          }
        }
      }
    }
    for (const c of this.order) {
      if (!this.live(c) || c.new || !c.old) continue;
      const n = this.strongRefCount(c.uuid);
      if (n > 0) throw new ReferentialIntegrityViolation(`cannot delete ${c.table} row ${c.uuid} because of ${n} remaining reference(s)`);
    }
  }

  private strongTargets(table: string, uuid: string, data: Row): string[] {
    const out: string[] = [];
    for (const r of this.db.refColumnsOf(table)) if (r.strong) out.push(...refAtoms(r, data[r.column], uuid));
    return out;
  }

  private collectGarbage(): void {
    // Candidates: rows inserted by this transaction and rows that lost a strong reference.
    const candidates: string[] = [];
    for (const c of this.order) if (this.live(c) && c.new && !c.old) candidates.push(c.uuid);
    for (const [t, d] of this.strongDelta) if (d < 0) candidates.push(t);
    const seen = new Set<string>();
    while (candidates.length > 0) {
      const u = candidates.pop()!;
      if (seen.has(u)) continue;
      const table = this.changes.get(u)?.table ?? this.db.tableOf(u);
      if (!table) continue;
      if (this.db.isRootTable(table)) continue;
      const row = this.current(table, u);
      if (!row) continue;
      if (this.strongRefCount(u) > 0) continue;
      seen.add(u);
      const targets = this.strongTargets(table, u, row);
      this.write(table, u, undefined);
      this.addDelta(targets, -1);
      candidates.push(...targets);
    }
  }

  private removeWeakRefs(): void {
    const deleted = new Set<string>();
    for (const c of this.order) if (this.live(c) && !c.new) deleted.add(c.uuid);
    // Rows to examine: changed rows with new values, and committed rows that weakly reference a deleted row.
    const examine = new Map<string, string>();
    for (const c of this.order) if (this.live(c) && c.new) examine.set(c.uuid, c.table);
    for (const d of deleted) {
      const inc = this.db.incomingOf(d);
      if (!inc) continue;
      for (const src of inc.keys()) {
        if (this.changes.has(src)) continue;
        const table = this.db.tableOf(src);
        if (table) examine.set(src, table);
      }
    }
    for (const [uuid, table] of examine) {
      const refs = this.db.refColumnsOf(table).filter((r) => !r.strong);
      if (refs.length === 0) continue;
      const row = this.current(table, uuid);
      if (!row) continue;
      const inserted = !this.db.tableData(table)!.rows.has(uuid);
      let data: Record<string, Datum> | undefined;
      for (const r of refs) {
        const col = this.db.tableData(table)!.schema.columns.get(r.column)!;
        const v = (data ?? row)[r.column];
        const dead = (a: Atom) => !this.current(r.refTable, a as string);
        let removed = 0;
        let next: Datum;
        let zero = false;
        if (v instanceof Map) {
          const m = new Map<Atom, Atom>();
          for (const [k, x] of v) {
            if (dead(r.part === "key" ? k : x)) {
              removed++;
              if ((r.part === "key" ? k : x) === "00000000-0000-0000-0000-000000000000") zero = true;
            } else m.set(k, x);
          }
          next = m;
        } else {
          const atoms = datumAtoms(v);
          const keep = atoms.filter((a) => !dead(a));
          removed = atoms.length - keep.length;
          zero = atoms.some((a) => a === "00000000-0000-0000-0000-000000000000");
          const shape = columnShape(col.type);
          next = shape === "scalar" ? keep[0] : shape === "optional" ? keep[0] : keep;
        }
        if (removed === 0) continue;
        const n = next instanceof Map ? next.size : datumAtoms(next).length;
        if (n < col.type.min) {
          const where = `"${r.column}" in "${table}" row ${uuid}${inserted ? " (inserted within this transaction)" : ""}`;
          if (zero) {
            throw new ConstraintViolation(
              `Weak reference column ${where} contained all-zeros UUID (probably as the default value for this column) but deleting this value caused a constraint volation because this column is not allowed to be empty.`,
            );
          }
          throw new ConstraintViolation(
            `Deletion of ${removed} weak reference(s) to deleted (or never-existing) rows from column ${where} caused this column to become empty, but constraints on this column disallow an empty column.`,
          );
        }
        data ??= { ...row };
        data[r.column] = next;
      }
      if (data) this.write(table, uuid, data);
    }
  }

  private checkMaxRows(): void {
    const touched = new Set<string>();
    for (const c of this.order) if (this.live(c) && c.new && !c.old) touched.add(c.table);
    for (const name of touched) {
      const t = this.db.tableData(name)!;
      if (t.schema.maxRows === undefined) continue;
      let n = t.rows.size;
      for (const c of this.order) {
        if (!this.live(c) || c.table !== name) continue;
        if (c.new && !c.old) n++;
        else if (!c.new && c.old) n--;
      }
      if (n > t.schema.maxRows) {
        throw new ConstraintViolation(`transaction causes "${name}" table to contain ${n} rows, greater than the schema-defined limit of ${t.schema.maxRows} row(s)`);
      }
    }
  }

  /** Compares two rows of the transaction's view on every column, in the order ovsdb-server iterates a table's columns. */
  private compareAllColumns(t: TableData, ua: string, ub: string): number {
    const ra = this.current(t.schema.name, ua) ?? {};
    const rb = this.current(t.schema.name, ub) ?? {};
    const value = (u: string, r: Row, c: string): Datum => (c === "_uuid" ? u : c === "_version" ? this.versionOf(t, u) : r[c]);
    for (const c of t.ovsColumnOrder) {
      const d = compareDatums(value(ua, ra, c), value(ub, rb, c));
      if (d !== 0) return d;
    }
    return 0;
  }

  private checkIndexes(): void {
    const byTable = new Map<string, Change[]>();
    for (const c of this.order) {
      if (!this.live(c) || !c.new) continue;
      const t = this.db.tableData(c.table)!;
      if (t.schema.indexes.length === 0) continue;
      let l = byTable.get(c.table);
      if (!l) byTable.set(c.table, (l = []));
      l.push(c);
    }
    for (const [name, changed] of byTable) {
      const t = this.db.tableData(name)!;
      t.schema.indexes.forEach((ix, i) => {
        const seen = new Map<string, Change>();
        for (const c of changed) {
          const key = ix.map((col) => datumKey(c.new![col])).join("\u0000");
          const other = seen.get(key);
          const existing = t.indexes[i]!.get(key);
          const cols = ix.map((col) => t.schema.columns.get(col)!);
          const how = (x: Change): string => {
            if (!x.old) return "was inserted by this transaction";
            const old = x.old.data;
            if (cols.some((col) => !datumEquals(old[col.name], x.new![col.name]))) {
              return `had the following index values before the transaction: ${cols.map((col) => datumText(col.type, old[col.name])).join(" and ")}`;
            }
            return "existed in the database before this transaction, which modified some of the row's columns but not any columns in this index";
          };
          let first: { uuid: string; how: string } | undefined;
          if (other) first = { uuid: other.uuid, how: how(other) };
          else if (existing !== undefined && existing !== c.uuid && !this.changes.has(existing)) {
            first = { uuid: existing, how: "existed in the database before this transaction and was not modified by the transaction" };
          }
          if (first) {
            const values = cols.map((col) => datumText(col.type, c.new![col.name])).join(" and ");
            const colText = ix.length === 1 ? `column "${ix[0]}"` : `columns ${ix.map((x) => `"${x}"`).join(" and ").replace(/ and (?=[^]* and )/g, ", ")}`;
            const mine = { uuid: c.uuid, how: how(c) };
            // ovsdb-server names first the row that sorts last on all columns, compared in its column hash order (duplicate_index_row).
            const [a, b] = this.compareAllColumns(t, first.uuid, c.uuid) < 0 ? [mine, first] : [first, mine];
            throw new ConstraintViolation(
              `Transaction causes multiple rows in "${name}" table to have identical values (${values}) for index on ${colText}.  First row, with UUID ${a.uuid}, ${a.how}.  Second row, with UUID ${b.uuid}, ${b.how}.`,
            );
          }
          seen.set(key, c);
        }
      });
    }
  }
}

const EMPTY_MAP: ReadonlyMap<Atom, Atom> = new Map();
const EMPTY_SET: readonly Atom[] = Object.freeze([]);

/** A column's default value, sharing one empty map and one empty set among all rows (rows are never changed in place). */
function sharedDefault(type: ColumnType): Datum {
  if (type.min === 0) {
    if (type.value) return EMPTY_MAP;
    if (type.max !== 1) return EMPTY_SET;
  }
  return defaultDatum(type);
}

function rowEquals(t: TableSchema, a: Row, b: Row): boolean {
  for (const c of t.columns.keys()) if (!datumEquals(a[c], b[c])) return false;
  return true;
}
