/**
 * The transaction engine of the embedded server (RFC 7047 §5.2 with ovsdb-server's semantics):
 * parses each operation with ovsdb-server's errors, executes it on a copy-on-write view of the
 * database, and at commit runs the integrity checks (`integrity.ts`) before the database applies
 * the changes.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { type CompiledCondition, type CompiledWhere, type ConditionReporter, evalCondition } from "../schema/condition.js";
import { type Datum, type DatumReporter, type Row, checkAtom, compareDatums, datumAtoms, datumEquals, decodeDatumWith, defaultDatum } from "../schema/datum.js";
import { applyMutation, decodeMutationArgument, isMutator, mutationArgumentTypes } from "../schema/mutation.js";
import { type ColumnSchema, columnOf } from "../schema/schema.js";
import type { ColumnType } from "../schema/types.js";
import { Aborted, ConstraintViolation, DuplicateUuidName, NotOwner, OvsdbError, OvsdbSyntaxError, TimedOut } from "../wire/errors.js";
import { type JsonRow, isId, isUuid } from "../wire/notation.js";
import type { Mutator, OperationResult } from "../wire/operations.js";
import { type DecodeContext, compileTxnWhere, encodeDatum, ovsJsonText, serverConditionReporter, serverDatumReporter, syntaxError } from "./codec.js";
import type { Database } from "./database.js";
import { type TxnView, checkCommit } from "./integrity.js";
import { type Change, type CommittedTxn, type DbRow, type TableData, type TxnContext, datumKey, rowEquals, sharedDefault } from "./storage.js";


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

/** @internal A `wait` whose condition is unmet and whose timeout has not passed. */
export class WaitBlocked extends Error {
  constructor(readonly timeoutMs: number | undefined) {
    super("wait blocked");
  }
}

/** @internal The OVSDB error a failure of operation `index` of `n` (or of the commit, index n) reports. */
export function toOvsdbError(e: unknown, op: unknown, index: number, n: number): OvsdbError {
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
export class Transaction implements TxnView {
  /** @internal */
  readonly changes = new Map<string, Change>();
  /** @internal */
  readonly order: Change[] = [];
  // Made on first use (a read-only transaction needs none of these).
  /** The changes of {@link order}, table by table. */
  private changesByTable: Map<string, Change[]> | undefined;
  private symbols: Map<string, Symbol> | undefined;
  private comments: string[] | undefined;
  private durable = false;
  /** Decoding context, datum reporter and condition reporter with this transaction's named-uuids, made on first use. */
  private decodeCtx: DecodeContext | undefined;
  private datumReporter: DatumReporter | undefined;
  private conditionReporter: ConditionReporter | undefined;
  /** `_version` of the rows inserted by this transaction that were asked for (ovsdb-server gives each its own), made when first read. */
  private insertedVersions: Map<string, string> | undefined;

  constructor(
    readonly db: Database,
    private readonly ctx: TxnContext,
  ) {}

  private get decode(): DecodeContext {
    return (this.decodeCtx ??= {
      resolve: (name) => {
        const symbols = (this.symbols ??= new Map());
        let s = symbols.get(name);
        if (!s) symbols.set(name, (s = { uuid: randomUUID(), created: false }));
        return s.uuid;
      },
    });
  }

  /** Decodes a value with ovsdb-server's checks and errors (see {@link decodeDatum}), named-uuids resolved in this transaction. */
  private decodeValue(type: ColumnType, json: unknown): Datum {
    return decodeDatumWith(type, json, (this.datumReporter ??= serverDatumReporter(this.decode)));
  }

  private get reporter(): ConditionReporter {
    return (this.conditionReporter ??= serverConditionReporter(this.decode));
  }

  // ---- reading the transaction's view ----

  /** @internal */
  current(table: string, uuid: string): Row | undefined {
    const c = this.changes.get(uuid);
    if (c) return c.table === table ? c.new : undefined;
    return this.db.tableData(table)?.rows.get(uuid)?.data;
  }

  /** The rows of `t` this transaction inserted or updated (not those it deleted), in the order of their first change. */
  private *changedRows(t: TableData): Iterable<[string, Row]> {
    const changed = this.changesByTable?.get(t.schema.name);
    if (!changed) return;
    for (const c of changed) if (c.new && this.changes.get(c.uuid) === c) yield [c.uuid, c.new];
  }

  /**
   * The rows of `t` that can satisfy `where`, a superset of those that do, in the order of a
   * scan of the transaction's view (committed rows it has not changed, in storage order, then the
   * rows it changed, in the order of their first change); undefined when no conjunct narrows them (then every row is a candidate).
   *
   * A conjunct `_uuid == U` narrows them to row U of the view. Equality conjuncts on every column
   * of a unique index narrow them to the committed row the index gives for those values (unless
   * this transaction changed it) plus the rows this transaction changed: the committed index
   * holds exactly one entry per committed row and no two committed rows share a key (the commit
   * checks refuse duplicates), and `datumKey` is equal exactly when `datumEquals` is, so no
   * matching row is missed. Rows inserted, renamed or deleted earlier in the same transaction are
   * seen through the view, so the candidates are those the scan would find, in the same order.
   */
  private candidates(t: TableData, where: readonly CompiledCondition[]): Iterable<[string, Row]> | undefined {
    const byUuid = where.find((c) => c.column === "_uuid" && c.fn === "==");
    if (byUuid) {
      const u = byUuid.value as string;
      const row = this.current(t.schema.name, u);
      return row ? [[u, row]] : [];
    }
    const indexes = t.schema.indexes;
    for (let i = 0; i < indexes.length; i++) {
      const ix = indexes[i]!;
      const parts: string[] = [];
      for (const col of ix) {
        const c = t.schema.columns.has(col) ? where.find((w) => w.column === col && w.fn === "==") : undefined;
        if (!c) break;
        parts.push(datumKey(c.value));
      }
      if (parts.length !== ix.length) continue;
      const hit = t.indexes[i]!.get(parts.join("\u0000"));
      const committed = hit !== undefined && !this.changes.has(hit) ? t.rows.get(hit) : undefined;
      if (this.changesByTable?.has(t.schema.name) !== true) return committed ? [[committed.uuid, committed.data]] : [];
      return this.withChanged(committed, t);
    }
    return undefined;
  }

  private *withChanged(committed: DbRow | undefined, t: TableData): Iterable<[string, Row]> {
    if (committed) yield [committed.uuid, committed.data];
    yield* this.changedRows(t);
  }

  private matching(t: TableData, compiled: CompiledWhere): [string, Row][] {
    if (compiled.alwaysFalse) return [];
    const where = compiled.clauses;
    const test = (uuid: string, row: Row) =>
      where.every((c) => evalCondition(c, c.column === "_uuid" ? uuid : c.column === "_version" ? this.versionOf(t, uuid) : row[c.column]));
    const out: [string, Row][] = [];
    const candidates = this.candidates(t, where);
    if (candidates) {
      for (const [uuid, row] of candidates) if (test(uuid, row)) out.push([uuid, row]);
      return out;
    }
    // The whole view: committed rows the transaction has not changed (storage order), then the rows
    // it changed (order of first change); no generator, tuple or closure per row, since this loop
    // is what a `where` on a column without an index costs.
    const plain = where.every((c) => c.column !== "_uuid" && c.column !== "_version");
    const rowTest = plain ? plainTest(where) : undefined;
    const changes = this.changes;
    const changed = changes.size > 0;
    for (const [uuid, r] of t.rows) {
      if (changed && changes.has(uuid)) continue;
      const row = r.data;
      if (rowTest ? rowTest(row) : test(uuid, row)) out.push([uuid, row]);
    }
    for (const [uuid, row] of this.changedRows(t)) if (test(uuid, row)) out.push([uuid, row]);
    return out;
  }

  /** @internal */
  versionOf(t: TableData, uuid: string): string {
    const committed = t.rows.get(uuid)?.version;
    if (committed !== undefined) return committed;
    // Not committed: a row this transaction inserted (its change has no old row) gets its own
    // `_version` when first asked for.
    const c = this.changes.get(uuid);
    if (c === undefined || c.old !== undefined) return "00000000-0000-0000-0000-000000000000";
    const versions = (this.insertedVersions ??= new Map());
    let v = versions.get(uuid);
    if (v === undefined) versions.set(uuid, (v = randomUUID()));
    return v;
  }

  /** @internal */
  write(table: string, uuid: string, data: Record<string, Datum> | undefined): void {
    const c = this.changes.get(uuid);
    if (c) {
      c.new = data;
      return;
    }
    const old = this.db.tableData(table)?.rows.get(uuid);
    const n: Change = { table, uuid, old, new: data };
    this.changes.set(uuid, n);
    this.order.push(n);
    const byTable = (this.changesByTable ??= new Map());
    const list = byTable.get(table);
    if (list) list.push(n);
    else byTable.set(table, [n]);
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
    return compileTxnWhere(t.schema, where, () => this.reporter);
  }

  private columns(t: TableData, op: Record<string, unknown>, required: boolean, member = "columns"): string[] | undefined {
    const cols = this.member(op, member, "array", !required) as unknown[] | undefined;
    if (!cols) return undefined;
    if (!cols.every((c) => typeof c === "string") || !distinct(cols)) throw syntaxError(cols, "array of distinct column names expected");
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
      out.set(col, this.decodeValue(col.type, v));
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
        if (this.member(op, "durable", "boolean") === true) this.durable = true;
        return {};
      case "abort":
        throw new Aborted("aborted by request");
      case "comment":
        (this.comments ??= []).push(this.member(op, "comment", "string") as string);
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
      uuid = randomUUID();
    }
    if (uuidName !== undefined) {
      const s = this.symbols?.get(uuidName);
      if (s?.created) throw new DuplicateUuidName(`This "uuid-name" appeared on an earlier "insert" operation.`, {}, ovsJsonText(uuidName));
      if (s) {
        if (uuidText === undefined) uuid = s.uuid;
        else s.uuid = uuid;
        s.created = true;
      } else {
        (this.symbols ??= new Map()).set(uuidName, { uuid, created: true });
      }
    }
    const values = this.row(t, rowJson ?? {});
    const defaults = tableDefaults(t);
    // Built column by column (as compact as before): a spread copy of the default row takes ~500 bytes more per row.
    const data: Record<string, Datum> = {};
    const { names, values: initial } = defaults;
    for (let i = 0; i < names.length; i++) data[names[i]!] = initial[i];
    for (const [col, v] of values) {
      if (col.name === "_uuid" || col.name === "_version") continue;
      data[col.name] = v;
    }
    // Default values must meet the columns' constraints too (ovsdb-server checks every column of a new row).
    for (const [c, e] of defaults.violations) if (!values.has(c)) throw new ConstraintViolation(e);
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
      const arg = decodeMutationArgument(types, value, (ty, j) => this.decodeValue(ty, j));
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
    // Nothing written (a read-only transaction): nothing to check or commit.
    if (this.order.length === 0) return undefined;
    const db = this.db;
    // Drop rows that did not really change (ovsdb-server does not report or version them).
    for (const c of this.order) {
      if (this.changes.get(c.uuid) !== c) continue;
      if (c.old && c.new && rowEquals(db.tableData(c.table)!.schema, c.old.data, c.new)) this.changes.delete(c.uuid);
      if (!c.old && !c.new) this.changes.delete(c.uuid);
    }
    checkCommit(this);
    const changes = this.order.filter((c) => this.changes.get(c.uuid) === c && !(c.old === undefined && c.new === undefined));
    if (changes.length === 0) return undefined;
    return db.applyCommit(changes, this.comments ?? [], this.durable);
  }
}

/** True when no two elements of `xs` are equal (`columns` lists are short: pairwise, no set made). */
function distinct(xs: readonly unknown[]): boolean {
  if (xs.length > 16) return new Set(xs).size === xs.length;
  for (let i = 1; i < xs.length; i++) for (let j = 0; j < i; j++) if (xs[i] === xs[j]) return false;
  return true;
}

/** A table's columns with their default values, and the columns whose default breaks their constraints, with the error (in column order). */
interface TableDefaults {
  /** The columns' names and default values, in column order. */
  readonly names: readonly string[];
  readonly values: readonly Datum[];
  readonly violations: readonly (readonly [ColumnSchema, string])[];
}

const DEFAULTS = new WeakMap<TableData, TableDefaults>();

/** The {@link TableDefaults} of `t`, worked out once per table (a converted database has new `TableData`). */
function tableDefaults(t: TableData): TableDefaults {
  let d = DEFAULTS.get(t);
  if (d === undefined) {
    const names: string[] = [];
    const values: Datum[] = [];
    const violations: [ColumnSchema, string][] = [];
    for (const c of t.schema.columns.values()) {
      const v = sharedDefault(c.type);
      names.push(c.name);
      values.push(v);
      for (const a of datumAtoms(v)) {
        const e = checkAtom(c.type.key, a);
        if (e) {
          violations.push([c, e]);
          break;
        }
      }
    }
    DEFAULTS.set(t, (d = { names, values, violations }));
  }
  return d;
}

/**
 * A row predicate for clauses on ordinary columns: `==` against a scalar (a primitive, compared
 * with `===`, which is {@link datumEquals} for two scalars of one column's type) is tested inline,
 * any other clause through `evalCondition`.
 */
function plainTest(where: readonly CompiledCondition[]): (row: Row) => boolean {
  const n = where.length;
  const cols = where.map((c) => c.column);
  const fast = where.map((c) => c.fn === "==" && c.value !== null && typeof c.value !== "object" && c.value !== undefined);
  const vals = where.map((c) => c.value);
  if (n === 1 && fast[0]) {
    const col = cols[0]!;
    const v = vals[0];
    return (row) => row[col] === v;
  }
  return (row) => {
    for (let i = 0; i < n; i++) {
      const a = row[cols[i]!];
      if (fast[i] ? a !== vals[i] : !evalCondition(where[i]!, a)) return false;
    }
    return true;
  };
}
