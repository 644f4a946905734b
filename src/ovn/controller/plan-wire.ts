/**
 * The wire form of what a {@link PlanBuilder} holds: the rows it creates and the mutations it
 * accumulates, and how they become `insert` and `mutate` operations (RFC 7047 §5.2.1, §5.2.4)
 * when the plan is built; the per-table and per-column facts looked up once per server schema.
 *
 * @module
 */
import { type Datum, atomToJson, checkDatum, datumToJson } from "../../ovsdb/schema/datum.js";
import type { ColumnSchema, TableSchema } from "../../ovsdb/schema/schema.js";
import type { Atom, ColumnType } from "../../ovsdb/schema/types.js";
import { OvsdbTypeError } from "../../ovsdb/wire/errors.js";
import { type JsonAtom, type JsonValue, isJsonSet } from "../../ovsdb/wire/notation.js";
import type { InsertOperation, MutateOperation, Mutation } from "../../ovsdb/wire/operations.js";
import type { ControlledDb } from "./db.js";
import type { PlanBuilder } from "./plan.js";
import { normalize, plainStrings } from "./values.js";

/** A row a {@link PlanBuilder} creates, as it holds it until the plan is built. */
export interface PendingInsert {
  readonly table: string;
  readonly key: string;
  readonly row: Record<string, Datum>;
  /** The wire form of columns as the create took them (a column changed afterwards has none). */
  readonly json: Record<string, JsonValue | null>;
  /**
   * True while `json` is the whole row in its final wire form, in `row`'s column order (the
   * insert's `row` as is): no reference column, and nothing changed since the create.
   */
  whole: boolean;
  /** The number of the last {@link PlanBuilder.build} that put its insert in a plan (0: none yet). */
  built: number;
}

/** The mutations of one column of an existing row a plan changes: elements (or keys) removed and added. */
export interface MutationAcc {
  readonly map: boolean;
  readonly remove: Set<Atom>;
  readonly add: Map<Atom, Atom>;
}

/**
 * Where an `insert` a plan built keeps its row's native values, when its wire form is that row
 * exactly (a row without references, unchanged since its create): the writer's own echo stores
 * them as they are instead of decoding the wire form again (`own-echo.ts`). A symbol key, so
 * `JSON.stringify` leaves it out of what is sent.
 */
export const NATIVE_ROW: unique symbol = Symbol("ovn-ts.controller.nativeRow");

/** An `insert` that may carry its row's native values (see {@link NATIVE_ROW}). */
export type NativeInsertOperation = InsertOperation & { readonly [NATIVE_ROW]?: { readonly [column: string]: Datum } };

/** The table part of the uuid-names of rows a plan creates, by table (a uuid-name is `[A-Za-z_][A-Za-z0-9_]*`). */
const refSuffixes = new Map<string, string>();

/** The table part of the uuid-names of rows a plan creates in `table`. */
export function refSuffix(table: string): string {
  let s = refSuffixes.get(table);
  if (s === undefined) refSuffixes.set(table, (s = table.replace(/[^A-Za-z0-9_]/g, "_")));
  return s;
}

/**
 * The `insert` of a row this plan creates (RFC 7047 §5.2.1), in the form the typed model's
 * builder gives it. Its values were checked against the server's column types when the plan
 * took them ({@link normalize}), so only reference columns, which {@link PlanBuilder.link} grows
 * afterwards, are checked again; required columns are checked as the builder does.
 */
export function insertOf(
  db: ControlledDb,
  table: string,
  row: { readonly [column: string]: Datum },
  ref: string,
  taken: { readonly [column: string]: JsonValue | null },
  whole: boolean,
): InsertOperation {
  const ts = db.table(table);
  const refs = db.refColumns(table);
  let json: Record<string, JsonValue> = taken as Record<string, JsonValue>;
  if (!whole) {
    json = {};
    for (const c in row) {
      const v = row[c];
      if (v === undefined) continue;
      const type = db.column(table, c).type;
      const isRef = refs.includes(c);
      if (isRef) {
        const problem = checkDatum(type, v);
        if (problem) throw new OvsdbTypeError(problem, table, c);
      }
      const t = isRef ? undefined : taken[c];
      json[c] = t !== undefined && t !== null ? t : wireValue(type, datumToJson(type, v, { table, column: c, allowNamedUuid: true }));
    }
  }
  const required = db.requiredColumns(table);
  for (const c of required) {
    if (c in json) continue;
    const missing = required.filter((x) => !(x in json));
    throw new OvsdbTypeError(`insert lacks required column(s) ${missing.join(", ")}`, ts.name);
  }
  // (a whole row: its wire form as taken, and its native values kept for the own echo)
  if (whole) return { op: "insert", table, row: json, "uuid-name": ref, [NATIVE_ROW]: row } as NativeInsertOperation;
  return { op: "insert", table, row: json, "uuid-name": ref };
}

/**
 * The `mutate` of a row whose mutations are all on mutable sets of references (a switch's or a
 * router's `ports`, a port group's `ports`): the operation the typed model's builder gives, its
 * elements encoded once (UUIDs and this plan's uuid-names, each checked as the builder checks it)
 * instead of encoded, decoded and checked again per element. Undefined when any mutation is on
 * another kind of column (the builder does those).
 */
export function refSetMutate(db: ControlledDb, table: string, uuid: string, mutations: ReadonlyMap<string, MutationAcc>, inserts: ReadonlyMap<string, PendingInsert>): MutateOperation | undefined {
  for (const [c, acc] of mutations) {
    const col = db.column(table, c);
    if (acc.map || !col.mutable || col.type.value || col.type.key.type !== "uuid" || col.type.key.enum) return undefined;
  }
  const out: Mutation[] = [];
  for (const [c, acc] of mutations) {
    const key = db.column(table, c).type.key;
    const ctx = { table, column: c, allowNamedUuid: true };
    const enc = (atoms: Iterable<Atom>): JsonValue => {
      const list: JsonAtom[] = [];
      // (this plan's own uuid-names, made valid, as the builder gives them; anything else checked)
      for (const a of atoms) list.push(typeof a === "string" && inserts.has(a) ? ["named-uuid", a] : atomToJson(key, a, ctx));
      return ["set", list];
    };
    if (acc.remove.size > 0) out.push([c, "delete", enc(acc.remove)]);
    if (acc.add.size > 0) out.push([c, "insert", enc(acc.add.keys())]);
  }
  return { op: "mutate", table, where: [["_uuid", "==", atomToJson({ type: "uuid" }, uuid, { table, column: "_uuid" })]], mutations: out };
}

/** What {@link PlanBuilder} looks up about a column of a row it creates, once per table schema and column. */
export interface ColumnFacts {
  readonly col: ColumnSchema;
  /** Its keys or values are enumerated (checked against the server's schema). */
  readonly enumerated: boolean;
  /** It references rows (a key or value of type uuid). */
  readonly isRef: boolean;
  /** An optional value (at most one, no map): sent as its atom when present ({@link wireValue}). */
  readonly optionalAtom: boolean;
}

/** What {@link PlanBuilder} looks up about a table it creates rows in, once per table schema. */
export interface TableFacts {
  readonly columns: Map<string, ColumnFacts>;
  /** The `external_ids` column, if the table has one. */
  readonly external: ColumnSchema | undefined;
  /** `external_ids` is a map of plain strings ({@link plainStrings}). */
  readonly externalPlain: boolean;
  /** The table part of its rows' uuid-names. */
  readonly refSuffix: string;
  /** Whether the server's schema has a unique index on exactly this column. */
  readonly unique: Map<string, boolean>;
}

/** Per server table schema (immutable): its {@link TableFacts}. */
const tableFacts = new WeakMap<TableSchema, TableFacts>();

/** The {@link TableFacts} of `table` on the server (made once per table schema). */
export function factsOf(db: ControlledDb, table: string): TableFacts {
  const ts = db.table(table);
  let f = tableFacts.get(ts);
  if (f === undefined) {
    const external = ts.columns.get("external_ids");
    f = { columns: new Map(), external, externalPlain: external !== undefined && plainStrings(external.type), refSuffix: refSuffix(table), unique: new Map() };
    tableFacts.set(ts, f);
  }
  return f;
}

/** The facts of a column (`OvnFeatureUnavailableError` when the server's table lacks it, as `db.column`). */
export function columnFacts(db: ControlledDb, table: string, c: string): ColumnFacts {
  const col = db.column(table, c);
  const t = col.type;
  return {
    col,
    enumerated: !!(t.key.enum || t.value?.enum),
    isRef: db.refColumns(table).includes(c),
    optionalAtom: t.max === 1 && t.min === 0 && !t.value,
  };
}

/** A value's wire form as an insert sends it: an optional value (at most one, no map) that is present, as its atom. */
export function wireValue(type: ColumnType, j: JsonValue): JsonValue {
  return type.max === 1 && type.min === 0 && !type.value && isJsonSet(j) && j[1].length === 1 ? j[1][0]! : j;
}

/** The atoms of a value: a set's elements, a map's keys then values, or the atom itself. */
export function atomsOf(v: Datum): readonly Atom[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v as readonly Atom[];
  if (v instanceof Map) return [...v.keys(), ...v.values()] as Atom[];
  return [v as Atom];
}

