/**
 * What a committed transaction did to the rows a replica holds, worked out by the writer from the
 * operations it sent and the server's results, in the `update2` form a monitor would have sent
 * back ({@link ownUpdates}). A detached replica (`Replica.detach`: no monitor, so the server does
 * no monitor work and sends nothing back) follows its own writes through it.
 *
 * Only what the client can know exactly is worked out: inserts (the UUIDs from the results,
 * `named-uuid`s replaced), and updates and set/map mutations of rows found by `_uuid`. Anything
 * else — a `delete` (the server also drops weak references to the row, and collects orphans), a
 * strong reference to a non-root row removed (the server may collect that row), a non-root row
 * inserted that nothing of the transaction references, an arithmetic mutation, a condition other
 * than `_uuid ==`, a row the replica lacks — gives `undefined`: the caller then reads the server's
 * state again. The rows changed get the `_version` {@link UNKNOWN_VERSION} (the server makes the
 * new one at commit and does not say it): a later `_version` guard on such a row fails, and the
 * caller reads the server's state again and rebuilds, so no concurrent change is overwritten.
 *
 * @module
 */
import { type Atom, type ColumnType, columnShape } from "../../ovsdb/schema/types.js";
import { type Datum, atomToJson, datumFromJson, datumToJson } from "../../ovsdb/schema/datum.js";
import type { JsonValue } from "../../ovsdb/wire/notation.js";
import type { Operation, OperationResult, TableUpdates2 } from "../../ovsdb/wire/operations.js";
import type { NativeInsert } from "../../ovsdb/cache/apply.js";
import type { ControlledDb } from "./db.js";
import { NATIVE_ROW, type NativeInsertOperation } from "./plan-wire.js";
import type { TablesDef } from "../../ovsdb/model/types.js";

/** The `_version` given to rows a detached replica changed itself (the all-zero UUID, which the server never makes). */
export const UNKNOWN_VERSION = "00000000-0000-0000-0000-000000000000";

/** {@link UNKNOWN_VERSION}'s wire form, one for every row (the replica only reads it). */
const UNKNOWN_VERSION_JSON: JsonValue = Object.freeze(["uuid", UNKNOWN_VERSION]) as unknown as JsonValue;

type JsonRow = { readonly [column: string]: unknown };

/** A row the transaction changed: its replica contents and the columns' values after the transaction. */
interface Touched {
  readonly table: string;
  readonly old: { readonly [column: string]: Datum };
  readonly now: Map<string, Datum | Fresh>;
}

/**
 * A set column only added to, with UUIDs of rows this transaction inserted (a switch's new ports):
 * none can be in the old value, so the diff is the mutation's own value (no copy of a large set).
 */
class Fresh {
  constructor(
    /** The `update2` diff: the mutation's value with the UUIDs filled in. */
    readonly json: unknown,
    readonly atoms: readonly string[],
  ) {}
}

/** What {@link ownUpdates} gathers while it walks one transaction's operations. */
interface Echo<T extends TablesDef> {
  readonly db: ControlledDb<T>;
  readonly replicated: (table: string) => boolean;
  /** The UUID each `uuid-name` of the transaction's inserts got. */
  readonly names: Map<string, string>;
  /** The UUIDs of the rows the transaction inserted. */
  readonly inserted: Set<string>;
  /** The table updates, by table then UUID. */
  readonly out: Record<string, Record<string, unknown>>;
  /** The rows inserted whose native values the plan kept (stored as they are, not as `out`'s wire form). */
  readonly natives: NativeInsert[];
  /** Non-root rows inserted, and the UUIDs the transaction's strong references name. */
  readonly orphans: Set<string>;
  readonly referenced: Set<string>;
  /** The rows updated or mutated, by UUID. */
  readonly touched: Map<string, Touched>;
  /** The last table an insert was into, and what {@link echoInsert} looks up about it (thousands of ports in a row). */
  last: { readonly table: string; readonly isRoot: boolean; readonly refs: readonly string[]; readonly held: boolean } | undefined;
}

/**
 * The `update2` table updates of a committed transaction (`ops` as sent, `results` as the server
 * answered), for the tables `replicated` says the replica holds; `undefined` when they cannot be
 * known exactly (see the module documentation). Inserts that carry their row's native values
 * (`NATIVE_ROW`, a plan's rows without references) are given as such, not in wire form.
 */
export function ownUpdates<T extends TablesDef>(db: ControlledDb<T>, ops: readonly Operation[], results: readonly OperationResult[], replicated: (table: string) => boolean): OwnUpdates | undefined {
  const e: Echo<T> = { db, replicated, names: new Map(), inserted: new Set(), out: {}, natives: [], orphans: new Set(), referenced: new Set(), touched: new Map(), last: undefined };
  if (!nameInserts(e, ops, results)) return undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.op) {
      case "wait":
      case "comment":
      case "assert":
      case "select":
      case "commit":
      case "abort":
        continue;
      case "insert":
        if (!echoInsert(e, op, (results[i] as { uuid: readonly [string, string] }).uuid[1])) return undefined;
        continue;
      case "update":
      case "mutate":
        if (!echoChange(e, op)) return undefined;
        continue;
      default:
        return undefined; // delete: weak references and orphans the server drops too
    }
  }
  if (!echoModified(e)) return undefined;
  for (const uuid of e.orphans) if (!e.referenced.has(uuid)) return undefined; // collected by the server at commit
  return { updates: e.out as TableUpdates2, inserts: e.natives };
}

/** What {@link ownUpdates} works out: `update2` table updates, and rows inserted given in native values (the plan's own, stored first). */
export interface OwnUpdates {
  readonly updates: TableUpdates2;
  readonly inserts: readonly NativeInsert[];
}

/** Records the UUID the server gave each insert; false when a result lacks one. */
function nameInserts<T extends TablesDef>(e: Echo<T>, ops: readonly Operation[], results: readonly OperationResult[]): boolean {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.op !== "insert") continue;
    const r = results[i] as { uuid?: readonly [string, string] } | undefined;
    const uuid = r?.uuid?.[1];
    if (uuid === undefined) return false;
    if (op["uuid-name"] !== undefined) {
      e.names.set(op["uuid-name"], uuid);
      e.inserted.add(uuid);
    }
  }
  return true;
}

function put<T extends TablesDef>(e: Echo<T>, table: string, uuid: string, u: unknown): void {
  (e.out[table] ??= {})[uuid] = u;
}

/** The `insert` update of an inserted row (its references' uuid-names replaced); false when one names no row of the transaction. */
function echoInsert<T extends TablesDef>(e: Echo<T>, op: Extract<Operation, { op: "insert" }>, uuid: string): boolean {
  const db = e.db;
  let t = e.last;
  if (t === undefined || t.table !== op.table) e.last = t = { table: op.table, isRoot: db.table(op.table).isRoot, refs: db.refColumns(op.table), held: e.replicated(op.table) };
  if (!t.isRoot) e.orphans.add(uuid);
  // A row without references whose native values the plan kept: stored as they are.
  const native = (op as NativeInsertOperation)[NATIVE_ROW];
  if (native !== undefined) {
    if (t.held) e.natives.push({ table: op.table, uuid, values: native, version: UNKNOWN_VERSION });
    return true;
  }
  const row: Record<string, unknown> = {};
  const src = (op.row ?? {}) as JsonRow;
  const refs = t.refs;
  for (const c in src) {
    if (!refs.includes(c)) {
      row[c] = src[c];
      continue;
    }
    const v = named(src[c], e.names);
    if (v === undefined) return false;
    row[c] = v;
    if (strongToNonRoot(db, db.column(op.table, c).type)) collectUuids(v, e.referenced);
  }
  if (!t.held) return true;
  row["_version"] = UNKNOWN_VERSION_JSON;
  put(e, op.table, uuid, { insert: row });
  return true;
}

/** Works an `update` or `mutate` of a row found by `_uuid` into its row's new values; false when that cannot be known exactly. */
function echoChange<T extends TablesDef>(e: Echo<T>, op: Extract<Operation, { op: "update" | "mutate" }>): boolean {
  const db = e.db;
  const names = e.names;
  const uuid = targetUuid(op.where, names);
  if (uuid === undefined) return false;
  if (!e.replicated(op.table)) {
    // Not held here; its references still keep rows inserted here.
    if (op.op === "update") {
      for (const c of db.refColumns(op.table)) if (c in op.row) collectUuids(named(op.row[c], names), e.referenced);
    } else for (const [c, , v] of op.mutations) if (db.refColumns(op.table).includes(c)) collectUuids(named(v, names), e.referenced);
    return true;
  }
  let t = e.touched.get(uuid);
  if (!t) {
    const old = db.replica.get(op.table, uuid) as Touched["old"] | undefined;
    if (!old) return false;
    e.touched.set(uuid, (t = { table: op.table, old, now: new Map() }));
  }
  if (op.op === "update") {
    for (const c in op.row) {
      const type = db.column(op.table, c).type;
      const j = named(op.row[c], names);
      if (j === undefined) return false;
      t.now.set(c, datumFromJson(type, j, { table: op.table, column: c })); // (replaces a Fresh too)
    }
    return true;
  }
  for (const [c, mutator, v] of op.mutations) {
    const type = db.column(op.table, c).type;
    const j = named(v, names);
    if (j === undefined) return false;
    if (mutator === "insert" && !t.now.has(c) && columnShape(type) === "set") {
      const fresh = freshAtoms(j, e.inserted);
      if (fresh) {
        t.now.set(c, new Fresh(j, fresh));
        continue;
      }
    }
    let cur = t.now.has(c) ? t.now.get(c) : t.old[c];
    if (cur instanceof Fresh) cur = [...((t.old[c] ?? []) as readonly Atom[]), ...cur.atoms];
    const next = mutated(type, cur, mutator, j);
    if (next === NOT_KNOWN) return false;
    t.now.set(c, next);
  }
  return true;
}

/** The `modify` updates of the rows updated or mutated; false when a strong reference to a non-root row was removed (the server may collect that row). */
function echoModified<T extends TablesDef>(e: Echo<T>): boolean {
  const db = e.db;
  for (const [uuid, t] of e.touched) {
    const diff: Record<string, unknown> = {};
    let any = false;
    for (const [c, now] of t.now) {
      const type = db.column(t.table, c).type;
      const d = now instanceof Fresh ? { json: now.json as JsonValue, added: now.atoms as Atom[], removedUuids: false } : diffOf(type, t.old[c], now);
      if (d === undefined) continue;
      if (d.removedUuids && strongToNonRoot(db, type)) return false;
      if (strongToNonRoot(db, type)) collectUuids(d.added, e.referenced, true);
      diff[c] = d.json;
      any = true;
    }
    if (!any) continue;
    diff["_version"] = UNKNOWN_VERSION_JSON;
    put(e, t.table, uuid, { modify: diff });
  }
  return true;
}

const NOT_KNOWN = Symbol("not known");

/** True when the column holds strong references to a non-root table (rows the server collects once nothing references them). */
function strongToNonRoot<T extends TablesDef>(db: ControlledDb<T>, type: ColumnType): boolean {
  for (const b of [type.key, type.value]) {
    if (!b || b.type !== "uuid" || !b.refTable || b.refType === "weak") continue;
    const t = db.schema.tables.get(b.refTable);
    if (t && !t.isRoot) return true;
  }
  return false;
}

/** `json` with every `["named-uuid", n]` replaced by the UUID the insert named `n` got (undefined when a name is not of this transaction). */
function named(json: unknown, names: ReadonlyMap<string, string>): unknown {
  if (!Array.isArray(json)) return json;
  if (json[0] === "named-uuid") {
    const u = names.get(json[1] as string);
    return u === undefined ? undefined : ["uuid", u];
  }
  if (json[0] === "uuid") return json;
  let copy: unknown[] | undefined;
  for (let i = 0; i < json.length; i++) {
    const x = json[i] as unknown;
    const y = Array.isArray(x) ? named(x, names) : x;
    if (y === undefined && x !== undefined) return undefined;
    if (y !== x) (copy ??= json.slice())[i] = y;
  }
  return copy ?? json;
}

/** Adds the UUIDs of `json` (wire form, or native atoms with `native`) to `into`. */
function collectUuids(json: unknown, into: Set<string>, native = false): void {
  if (native) {
    for (const a of json as readonly Atom[]) if (typeof a === "string") into.add(a);
    return;
  }
  if (!Array.isArray(json)) return;
  if (json[0] === "uuid" && typeof json[1] === "string") {
    into.add(json[1]);
    return;
  }
  for (const x of json) collectUuids(x, into);
}

/** The `_uuid ==` target of a condition list, when that is all it says. */
function targetUuid(where: readonly unknown[], names: ReadonlyMap<string, string>): string | undefined {
  if (where.length !== 1) return undefined;
  const c = where[0] as readonly unknown[];
  if (c[0] !== "_uuid" || c[1] !== "==" || !Array.isArray(c[2])) return undefined;
  const v = c[2] as readonly unknown[];
  if (v[0] === "uuid") return v[1] as string;
  if (v[0] === "named-uuid") return names.get(v[1] as string);
  return undefined;
}

/** The UUIDs of a set value (wire form) when every one is of a row `inserted` holds, else undefined. */
function freshAtoms(json: unknown, inserted: ReadonlySet<string>): string[] | undefined {
  const list = Array.isArray(json) && json[0] === "set" ? (json[1] as unknown[]) : [json];
  const out: string[] = [];
  for (const a of list) {
    if (!Array.isArray(a) || a[0] !== "uuid" || !inserted.has(a[1] as string)) return undefined;
    out.push(a[1] as string);
  }
  return out;
}

function setType(type: ColumnType): ColumnType {
  return { key: type.key, min: 0, max: "unlimited" };
}

/** The value after a `mutate` (RFC 7047 §5.1 `<mutation>`): set and map `insert`/`delete` only. */
function mutated(type: ColumnType, cur: Datum, mutator: string, json: unknown): Datum | typeof NOT_KNOWN {
  const shape = columnShape(type);
  if (mutator !== "insert" && mutator !== "delete") return NOT_KNOWN;
  if (shape === "map") {
    const m = new Map(cur as ReadonlyMap<Atom, Atom>);
    if (mutator === "insert") {
      for (const [k, v] of datumFromJson(type, json) as ReadonlyMap<Atom, Atom>) if (!m.has(k)) m.set(k, v);
    } else if (Array.isArray(json) && json[0] === "map") {
      for (const [k, v] of datumFromJson(type, json) as ReadonlyMap<Atom, Atom>) if (m.get(k) === v) m.delete(k);
    } else for (const k of datumFromJson(setType(type), json) as readonly Atom[]) m.delete(k);
    return m;
  }
  if (shape !== "set") return NOT_KNOWN; // (a scalar or optional column is not mutated by insert/delete)
  const given = datumFromJson(setType(type), json) as readonly Atom[];
  const old = (cur ?? []) as readonly Atom[];
  if (mutator === "insert") {
    const have = new Set(old);
    const out = old.slice();
    for (const a of given) if (!have.has(a)) (have.add(a), out.push(a));
    return out;
  }
  const drop = new Set(given);
  return old.filter((a) => !drop.has(a));
}

/** The `update2` diff of one column from `old` to `now` (RFC 7047 §4.1.6 as ovsdb-server(1) words `modify`), or undefined when equal. */
function diffOf(type: ColumnType, old: Datum, now: Datum): { json: JsonValue; added: Atom[]; removedUuids: boolean } | undefined {
  const shape = columnShape(type);
  if (shape === "scalar" || shape === "optional") {
    if (old === now) return undefined;
    return { json: datumToJson(type, now), added: now === undefined ? [] : [now as Atom], removedUuids: old !== undefined && type.key.type === "uuid" };
  }
  if (shape === "set") {
    const o = (old ?? []) as readonly Atom[];
    const n = (now ?? []) as readonly Atom[];
    const inOld = new Set(o);
    const inNew = new Set(n);
    const added = n.filter((a) => !inOld.has(a));
    const removed = o.filter((a) => !inNew.has(a));
    if (added.length === 0 && removed.length === 0) return undefined;
    const atoms = [...removed, ...added].map((a) => atomToJson(type.key, a));
    return { json: ["set", atoms] as JsonValue, added, removedUuids: removed.length > 0 };
  }
  const o = (old ?? new Map()) as ReadonlyMap<Atom, Atom>;
  const n = (now ?? new Map()) as ReadonlyMap<Atom, Atom>;
  const pairs: [unknown, unknown][] = [];
  const added: Atom[] = [];
  let removedUuids = false;
  for (const [k, v] of o) {
    if (n.has(k)) continue;
    pairs.push([atomToJson(type.key, k), atomToJson(type.value!, v)]);
    removedUuids = true;
  }
  for (const [k, v] of n) {
    const was = o.get(k);
    if (was === v && o.has(k)) continue;
    pairs.push([atomToJson(type.key, k), atomToJson(type.value!, v)]);
    added.push(k, v);
    if (o.has(k)) removedUuids = true;
  }
  if (pairs.length === 0) return undefined;
  return { json: ["map", pairs] as JsonValue, added, removedUuids };
}
