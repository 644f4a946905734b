/**
 * The pending view of an {@link NbTransaction}: the Northbound database as it will be once the
 * transaction's operations so far are applied. Every operation the transaction queues is recorded
 * here (inserts, updates, mutates, deletes, on any table), and every lookup of the transaction
 * reads through the view: rows deleted in the transaction are hidden, rows inserted are found,
 * updated and mutated rows are seen with their new values. Rows of non-root tables that OVSDB
 * garbage-collects at commit (RFC 7047 §3.2 `isRoot`) are hidden too, transitively as
 * ovsdb-server collects them: a row that loses its last strong reference (a port removed from its
 * switch, the ACLs of a deleted port group, unless another row still holds them), the rows only
 * such a row referred to (a deleted router's ports, then their gateway chassis), and rows the
 * transaction inserted that nothing references.
 *
 * The view reads the committed state through an {@link NbReader} and applies the recorded
 * operations on top, with the same condition and mutation code as the replica and the embedded
 * server. A table the transaction has not touched is read straight through.
 *
 * @internal
 * @module
 */
import type { DatabaseSchema } from "../ovsdb/schema/schema.js";
import { model, type Row as NbRow, type TableName } from "../ovsdb/models/ovn-nb.js";
import { type CompiledWhere, compileWhere } from "../ovsdb/schema/condition.js";
import { type Datum, type Row, checkAtom, datumAtoms, datumFromJson, defaultDatum, rowFromJson } from "../ovsdb/schema/datum.js";
import { applyMutation, decodeMutationArgument, isMutator, mutationArgumentTypes } from "../ovsdb/schema/mutation.js";
import type { TableSchema } from "../ovsdb/schema/schema.js";
import type { Mutator, Operation } from "../ovsdb/wire/operations.js";
import { isUuid } from "../ovsdb/wire/notation.js";
import { encodeWhere } from "../ovsdb/model/model.js";
import { type NbReader, type NbReaderNow, type NbWhere, readByUuid, readNow } from "./reader.js";

const CTX = { allowNamedUuid: true } as const;

interface Mutation {
  readonly column: string;
  readonly mutator: Mutator;
  readonly value: Datum;
}

type Entry =
  | { readonly kind: "insert"; readonly uuid: string; readonly row: Row; readonly op: Operation & { readonly op: "insert" } }
  | { readonly kind: "update"; readonly where: CompiledWhere; readonly target: string | undefined; readonly row: Row; readonly op: Operation }
  | { readonly kind: "mutate"; readonly where: CompiledWhere; readonly target: string | undefined; readonly mutations: readonly Mutation[]; readonly op: Operation }
  | { readonly kind: "delete"; readonly where: CompiledWhere; readonly target: string | undefined; readonly op: Operation };

interface TableLog {
  /** Operations recorded but not decoded yet, in order (decoded at the table's next read). */
  readonly raw: { readonly op: Operation; readonly schema: DatabaseSchema | undefined; readonly uuid: string | undefined }[];
  readonly entries: Entry[];
  /** Committed rows addressed by UUID. */
  readonly targets: Set<string>;
  /** `where` clauses (native, for the reader) of operations not addressed by one UUID. */
  readonly wheres: unknown[][];
}

/** A strong reference column of some table into a non-root table. */
interface Referrer {
  readonly table: TableName;
  readonly column: string;
  readonly part: "key" | "value";
}

/** The bundled model's tables (its schema, parsed once, never changes). */
let tables: ReadonlyMap<string, TableSchema> | undefined;

function schemaOf(table: string): TableSchema {
  const t = (tables ??= model.schema.tables).get(table);
  if (!t) throw new Error(`no table ${table} in OVN_Northbound`);
  return t;
}

/** The single UUID a `where` addresses (`_uuid == X`), if that is all it says. */
function targetOf(where: CompiledWhere): string | undefined {
  const [c, more] = where.clauses;
  if (!c || more || c.column !== "_uuid" || c.fn !== "==") return undefined;
  return typeof c.value === "string" ? c.value : undefined;
}

/** The recorded operations of one transaction, and reads through them. */
export class PendingView {
  private readonly logs = new Map<string, TableLog>();
  /** `table\0name` of committed rows the view hid because the transaction deleted them. */
  private readonly hiddenNames = new Set<string>();
  /** The uuid-names of the rows inserted by the transaction. */
  private readonly inserted = new Set<string>();
  private serial = 0;

  /** @param visible which operations the view applies (default: all), asked at each read. */
  constructor(private readonly visible: (op: Operation) => boolean = () => true) {}

  /**
   * Records the effect of one operation (waits, selects and other read-only ones have none).
   * `schema` is the server's NB schema for an insert that uses columns or values the bundled
   * model lacks (e.g. `ACL.tier`); its row then carries them. The operation is decoded when a
   * read first needs its table, or at once with `now` (so that a malformed one throws here).
   */
  apply(op: Operation, schema?: DatabaseSchema, now = false): void {
    switch (op.op) {
      case "insert":
      case "update":
      case "mutate":
      case "delete": {
        // Recorded now, decoded when a read first needs the table (most calls never read back
        // what they wrote): the uuid of an insert is fixed here, so that order is kept.
        const uuid = op.op === "insert" ? (op["uuid-name"] ?? `pending_${++this.serial}`) : undefined;
        if (uuid !== undefined) this.inserted.add(uuid);
        const log = this.log(op.table);
        log.raw.push({ op, schema, uuid });
        if (now) this.decode(log);
        return;
      }
      default:
        return;
    }
  }

  /** Decodes the operations of `log` recorded since the last read into entries (see {@link apply}). */
  private decode(log: TableLog): TableLog {
    if (log.raw.length === 0) return log;
    const raw = log.raw.splice(0);
    for (const { op, schema, uuid } of raw) this.decodeOne(log, op, schema, uuid);
    return log;
  }

  private decodeOne(log: TableLog, op: Operation, schema: DatabaseSchema | undefined, uuid: string | undefined): void {
    switch (op.op) {
      case "insert": {
        const t = schema?.tables.get(op.table) ?? schemaOf(op.table);
        const given = rowFromJson(t.columns, op.row, { ...CTX, table: op.table });
        const row: Record<string, Datum> = {};
        for (const [name, c] of t.columns) row[name] = name in given ? given[name] : defaultDatum(c.type);
        row["_uuid"] = uuid!;
        log.entries.push({ kind: "insert", uuid: uuid!, row, op });
        return;
      }
      case "update":
      case "mutate":
      case "delete": {
        const t = schemaOf(op.table);
        const where = compileWhere(t, op.where, { ctx: CTX });
        const target = targetOf(where);
        if (target !== undefined) {
          if (isUuid(target)) log.targets.add(target);
        } else {
          const native = nativeWhere(where);
          if (native) log.wheres.push(native);
        }
        if (op.op === "delete") log.entries.push({ kind: "delete", where, target, op });
        else if (op.op === "update") log.entries.push({ kind: "update", where, target, row: rowFromJson(t.columns, op.row, { ...CTX, table: op.table }), op });
        else {
          const mutations = op.mutations.map(([column, mutator, arg]) => {
            const c = t.columns.get(column);
            if (!c || !isMutator(mutator)) throw new Error(`invalid mutation of ${op.table}.${column}`);
            const value = decodeMutationArgument(mutationArgumentTypes(c, mutator), arg, (type, j) => datumFromJson(type, j, CTX));
            return { column, mutator, value };
          });
          log.entries.push({ kind: "mutate", where, target, mutations, op });
        }
        return;
      }
      default:
        return;
    }
  }

  /** The decoded log of `table`, if the transaction has operations on it. */
  private logOf(table: string): TableLog | undefined {
    const l = this.logs.get(table);
    return l ? this.decode(l) : undefined;
  }

  /** Whether a committed row of `table` named `name` was hidden because this transaction deletes it. */
  deletedName(table: TableName, name: string): boolean {
    return this.hiddenNames.size > 0 && this.hiddenNames.has(`${table}\u0000${name}`);
  }

  /** A row inserted earlier in this transaction, still alive, whose `name` column is `name`. */
  insertedNamed(table: TableName, name: string): Row | undefined {
    const log = this.logs.get(table);
    if (!log) return undefined;
    const state = this.fold(table, new Map(), undefined);
    for (const r of state.values()) if (r["name"] === name && !isUuid(r["_uuid"] as string)) return r;
    return undefined;
  }

  /** Whether `uuid` is the uuid-name of a row inserted by this transaction (deleted since or not). */
  isInserted(uuid: string): boolean {
    return this.inserted.has(uuid);
  }

  /** Rows of `table` matching `where` (all rows when omitted), as the transaction will leave them. */
  async find<N extends TableName>(reader: NbReader, table: N, where?: NbWhere<N>): Promise<NbRow<N>[]> {
    const t = schemaOf(table);
    const untouched = !this.touches(table);
    if (untouched && (where === undefined || namesNoInsert(t, where))) return (await reader.find(table, where)) as NbRow<N>[];
    const compiled = where === undefined ? undefined : compileWhere(t, encodeWhere(t, where), { ctx: CTX });
    // A condition naming a row inserted by this transaction matches no committed row (and a
    // uuid-name cannot be sent in a plain select).
    const committed = compiled === undefined || nativeWhere(compiled) !== undefined;
    if (untouched) return committed ? ((await reader.find(table, where)) as NbRow<N>[]) : [];
    const test = compiled?.test;
    const base = await this.candidates(reader, table, async () => (committed ? reader.find(table, where) : []));
    const rows = await this.resolve(reader, table, base);
    return (test ? rows.filter(test) : rows) as unknown as NbRow<N>[];
  }

  /**
   * {@link find}, answered synchronously when that needs no promise: the transaction has not
   * touched `table`, `where` names no row it inserted, and `reader` reads from memory
   * ({@link readNow}); undefined otherwise (then call {@link find}).
   */
  findNow<N extends TableName>(reader: NbReader, table: N, where: NbWhere<N>): readonly NbRow<N>[] | undefined {
    const now = this.untouchedNow(reader, table, where);
    return now ? (now.find(table, where) as readonly NbRow<N>[]) : undefined;
  }

  /** {@link ids}, answered synchronously under the conditions of {@link findNow}; undefined otherwise. */
  idsNow<N extends TableName>(reader: NbReader, table: N, where: NbWhere<N>): readonly string[] | undefined {
    return this.untouchedNow(reader, table, where)?.ids(table, where);
  }

  /** The reader's synchronous reads when a read of `table` by `where` is the committed state's (as in {@link find}). */
  private untouchedNow(reader: NbReader, table: TableName, where: unknown): NbReaderNow | undefined {
    const now = readNow(reader);
    if (!now || this.touches(table) || !namesNoInsert(schemaOf(table), where)) return undefined;
    return now;
  }

  /** Rows of `table` with these UUIDs or uuid-names (absent or deleted ones left out). */
  async get<N extends TableName>(reader: NbReader, table: N, uuids: readonly string[]): Promise<NbRow<N>[]> {
    if (uuids.length === 0) return [];
    if (!this.touches(table)) return (await readByUuid(reader, table, uuids)) as NbRow<N>[];
    const want = new Set(uuids);
    const base = await this.candidates(reader, table, () => readByUuid(reader, table, uuids.filter(isUuid)));
    const rows = await this.resolve(reader, table, base);
    return rows.filter((r) => want.has(r["_uuid"] as string)) as unknown as NbRow<N>[];
  }

  /** The UUIDs (or uuid-names) of rows of `table` matching `where`. */
  async ids<N extends TableName>(reader: NbReader, table: N, where?: NbWhere<N>): Promise<string[]> {
    if (!this.touches(table)) {
      const t = schemaOf(table);
      if (where === undefined || namesNoInsert(t, where)) return [...(await reader.ids(table, where))];
      const compiled = where === undefined ? undefined : compileWhere(t, encodeWhere(t, where), { ctx: CTX });
      if (compiled !== undefined && nativeWhere(compiled) === undefined) return [];
      return [...(await reader.ids(table, where))];
    }
    return (await this.find(reader, table, where)).map((r) => r._uuid as string);
  }

  // ---------------------------------------------------------------- internals

  private log(table: string): TableLog {
    let l = this.logs.get(table);
    if (!l) this.logs.set(table, (l = { raw: [], entries: [], targets: new Set(), wheres: [] }));
    return l;
  }

  /**
   * Whether reads of `table` differ from the committed state: the table has operations, or (for
   * a non-root table) a table referring to it strongly does, transitively (a router deleted drops
   * its ports, and they their gateway chassis).
   */
  private touches(table: TableName, visiting?: Set<string>): boolean {
    if (this.logs.has(table)) return true;
    if (schemaOf(table).isRoot) return false;
    const seen = visiting ?? new Set<string>();
    seen.add(table);
    return this.referrersOf(table).some((r) => !seen.has(r.table) && this.touches(r.table, seen));
  }

  /** The committed rows a read of `table` must consider: what `first` returns, plus every row an operation touched. */
  private async candidates(reader: NbReader, table: TableName, first: () => Promise<readonly unknown[]>): Promise<Map<string, Row>> {
    const log = this.logOf(table);
    const parts = await Promise.all([first(), ...(log ? [readByUuid(reader, table, [...log.targets]), ...log.wheres.map((w) => reader.find(table, w as never))] : [])]);
    const out = new Map<string, Row>();
    for (const rows of parts) for (const r of rows as readonly Row[]) out.set(r["_uuid"] as string, r);
    return out;
  }

  /**
   * Applies the recorded operations of `table` to `base` (committed rows keyed by UUID), in
   * order; `seen`, when given, collects every reference value a row held at any point.
   */
  private fold(table: string, base: Map<string, Row>, seen: ((row: Row) => void) | undefined): Map<string, Row> {
    const state = new Map(base);
    const log = this.logOf(table);
    if (seen) for (const r of state.values()) seen(r);
    if (!log) return state;
    const t = schemaOf(table);
    const set = (uuid: string, row: Row) => {
      state.set(uuid, row);
      if (seen) seen(row);
    };
    for (const e of log.entries) {
      if (!this.visible(e.op)) continue;
      if (e.kind === "insert") {
        // A reader that previews the transaction (ovn-ts nbctl's) already shows the row, under
        // the UUID the insert was given: the recorded row replaces it.
        if (e.op.uuid !== undefined) state.delete(e.op.uuid);
        set(e.uuid, e.row);
        continue;
      }
      const hits: [string, Row][] = [];
      if (e.target !== undefined) {
        const r = state.get(e.target);
        if (r) hits.push([e.target, r]);
      } else {
        for (const [u, r] of state) if (e.where.test(r)) hits.push([u, r]);
      }
      for (const [u, r] of hits) {
        if (e.kind === "delete") {
          state.delete(u);
          if (typeof r["name"] === "string" && isUuid(u)) this.hiddenNames.add(`${table}\u0000${r["name"]}`);
        } else if (e.kind === "update") {
          set(u, { ...r, ...e.row });
        } else {
          const next: Record<string, Datum> = { ...r };
          for (const m of e.mutations) next[m.column] = applyMutation(t.columns.get(m.column)!.type, next[m.column], m.mutator, m.value, checkAtom);
          set(u, next);
        }
      }
    }
    return state;
  }

  /** The final rows of `table` from committed candidates: operations applied, garbage-collected rows left out. */
  private async resolve(reader: NbReader, table: TableName, base: Map<string, Row>): Promise<Row[]> {
    const state = this.fold(table, base, undefined);
    if (schemaOf(table).isRoot) return [...state.values()];
    const gone = await this.collected(reader, table, new Set());
    const out: Row[] = [];
    for (const [u, r] of state) {
      if (gone.has(u)) {
        if (typeof r["name"] === "string" && isUuid(u)) this.hiddenNames.add(`${table}\u0000${r["name"]}`);
      } else out.push(r);
    }
    return out;
  }

  /**
   * The rows of non-root `table` that OVSDB garbage-collects at commit (RFC 7047 §3.2 `isRoot`;
   * ovsdb-server repeats the collection until nothing more goes), keyed by UUID (or uuid-name),
   * with their last state: rows inserted by the transaction that nothing references, and rows
   * that some row the transaction changed, deleted or collected referenced (before or during it)
   * and that no row references any more, neither a row the transaction changed nor any other
   * committed row. `visiting` breaks reference cycles between non-root tables.
   */
  private async collected(reader: NbReader, table: TableName, visiting: Set<string>): Promise<Map<string, Row>> {
    const held = new Set<string>();
    const kept = new Set<string>();
    /** Per referring table: the rows the transaction accounts for (changed, deleted or collected), whose references are known. */
    const accounted = new Map<string, Set<string>>();
    const inner = new Set(visiting).add(table);
    for (const ref of this.referrersOf(table)) {
      if (inner.has(ref.table) || !this.touches(ref.table)) continue;
      const collect = (into: Set<string>) => (row: Row) => {
        for (const a of refAtoms(row[ref.column], ref.part)) into.add(a);
      };
      const goneThere = schemaOf(ref.table).isRoot ? new Map<string, Row>() : await this.collected(reader, ref.table, inner);
      const base = this.logs.has(ref.table) ? await this.candidates(reader, ref.table, async () => []) : new Map<string, Row>();
      const final = this.fold(ref.table, base, collect(held));
      for (const r of goneThere.values()) collect(held)(r);
      for (const [u, r] of final) if (!goneThere.has(u)) collect(kept)(r);
      const known = accounted.get(ref.table) ?? new Set<string>();
      for (const u of base.keys()) known.add(u);
      for (const u of goneThere.keys()) known.add(u);
      accounted.set(ref.table, known);
    }
    // The rows of `table` as the transaction leaves them: the held committed ones and its inserts.
    const base = await this.candidates(reader, table, () => readByUuid(reader, table, [...held].filter((u) => !kept.has(u) && isUuid(u))));
    const state = this.fold(table, base, undefined);
    const out = new Map<string, Row>();
    for (const [u, r] of state) {
      const inserted = !isUuid(u) || this.isInserted(u);
      if (kept.has(u) || (!held.has(u) && !inserted)) continue;
      out.set(u, r);
    }
    // A committed row is only collected when no other committed row refers to it either.
    const committed = [...out.keys()].filter(isUuid);
    if (committed.length > 0) {
      for (const ref of this.referrersOf(table)) {
        if (ref.part !== "key" || schemaOf(ref.table).columns.get(ref.column)?.type.value !== undefined) continue;
        const known = accounted.get(ref.table);
        const still = await Promise.all(
          committed.filter((u) => out.has(u)).map(async (u) => {
            const rows = (await reader.find(ref.table, [[ref.column, "includes", [u]]] as never)) as unknown as readonly Row[];
            return rows.some((r) => !known?.has(r["_uuid"] as string)) ? u : undefined;
          }),
        );
        for (const u of still) if (u !== undefined) out.delete(u);
      }
    }
    return out;
  }

  /** The strong reference columns into `table`. */
  private referrersOf(table: TableName): readonly Referrer[] {
    return referrersOf(table);
  }
}

/** The strong reference columns into each table of the bundled model (computed once per table). */
const REFERRERS = new Map<string, readonly Referrer[]>();

function referrersOf(table: TableName): readonly Referrer[] {
  let r = REFERRERS.get(table);
  if (!r) {
    const out: Referrer[] = [];
    for (const [name, t] of model.schema.tables) {
      for (const [column, c] of t.columns) {
        if (c.type.key.refTable === table && c.type.key.refType !== "weak") out.push({ table: name as TableName, column, part: "key" });
        if (c.type.value?.refTable === table && c.type.value.refType !== "weak") out.push({ table: name as TableName, column, part: "value" });
      }
    }
    REFERRERS.set(table, (r = out));
  }
  return r;
}

/**
 * Whether `where` (the model's native form) certainly names no row inserted by the transaction,
 * told without compiling it: an object form (`{ name }`, `{ _uuid }`) whose UUID-typed columns are
 * given UUIDs. False means "compile it to know" (and to check it).
 */
function namesNoInsert(t: TableSchema, where: unknown): boolean {
  if (where === null || typeof where !== "object" || Array.isArray(where)) return false;
  for (const k in where) {
    const v = (where as Record<string, unknown>)[k];
    const c = k === "_uuid" ? undefined : t.columns.get(k);
    if ((k !== "_uuid" && !c) || v === undefined) return false;
    if (c && c.type.key.type !== "uuid" && c.type.value?.type !== "uuid") continue;
    if (typeof v !== "string" || !isUuid(v)) return false;
  }
  return true;
}

/** The UUIDs (or uuid-names) a reference column's value holds, in its keys or its values. */
function refAtoms(v: Datum, part: "key" | "value"): string[] {
  const atoms = part === "key" ? (v instanceof Map ? [...v.keys()] : datumAtoms(v)) : v instanceof Map ? [...v.values()] : [];
  return atoms.filter((a): a is string => typeof a === "string");
}

/**
 * A compiled `where` back in the model's native form, for the reader; undefined when it names a
 * uuid-name (`ports includes [a row inserted in this transaction]`): no committed row can match.
 */
function nativeWhere(where: CompiledWhere): unknown[] | undefined {
  if (where.alwaysFalse) return undefined;
  const out: unknown[] = [];
  for (const c of where.clauses) {
    const atoms = c.value instanceof Map ? [...c.value.keys(), ...c.value.values()] : datumAtoms(c.value);
    if ((c.fn === "==" || c.fn === "includes") && isNamed(c) && atoms.some((a) => typeof a === "string" && !isUuid(a))) return undefined;
    out.push([c.column, c.fn, c.value]);
  }
  return out;
}

/** Whether condition `c` is on a column holding UUIDs (where a non-UUID string is a uuid-name). */
function isNamed(c: CompiledWhere["clauses"][number]): boolean {
  return c.type.key.type === "uuid" || c.type.value?.type === "uuid";
}
