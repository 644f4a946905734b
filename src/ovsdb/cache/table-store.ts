/**
 * One replicated table's rows: decoding rows as the server sends them (RFC 7047 `<row>`,
 * `update2` diffs), and keeping the schema's unique indexes and the client-defined indexes in step
 * with every row stored or dropped. The {@link Replica} owns one per table.
 *
 * @module
 */
import { type Datum, type DatumDecoder, type Row, compileDatumDecoder, datumEquals, datumSize, defaultDatum } from "../schema/datum.js";
import { applyDecodedDiff, diffType } from "../schema/diff.js";
import { type TableSchema, columnOf } from "../schema/schema.js";
import { type ColumnType, columnShape } from "../schema/types.js";
import { ProtocolError, safeJson } from "../wire/errors.js";
import { type IndexSpec, MultiIndex, columnsKey, indexColumns, indexKey, indexKeys } from "./indexes.js";
import { LARGE_SET, SetVersion, applySetDiff } from "./large-set.js";

interface ColumnDecoder {
  name: string;
  type: ColumnType;
  decode: DatumDecoder;
  /** The column's default value (a fresh empty Map for maps, so rows never share mutable objects). */
  empty: () => Datum;
}

/** Builds a row object with every column in a fixed order (one hidden class per table). */
type RowBuilder = (decoders: readonly ColumnDecoder[], src: Record<string, unknown>, uuid: string, version: Datum) => Record<string, Datum>;

/**
 * Compiles the row builder of a table: an object literal with the table's columns in a fixed
 * order, each decoded by its compiled decoder or, when ovsdb-server left it out (it omits default
 * values), set to the column's default. Column names are schema identifiers (`[A-Za-z_][A-Za-z0-9_]*`),
 * so embedding them as string literals is safe. With `native`, the values are taken as they are
 * (already native: {@link TableStore.fromNative}), a scalar or optional column's one-element array unwrapped.
 */
function compileRowBuilder(decoders: readonly ColumnDecoder[], native = false): RowBuilder {
  const fields = decoders.map((d, i) => {
    const k = JSON.stringify(d.name);
    const shape = columnShape(d.type);
    const value = !native ? `d[${i}].decode(v)` : shape === "scalar" || shape === "optional" ? "(Array.isArray(v) ? v[0] : v)" : "v";
    return `${k}: (v = src[${k}]) === undefined ? d[${i}].empty() : ${value}`;
  });
  const body = `let v; return { _uuid: uuid, _version: version${fields.length ? ", " : ""}${fields.join(", ")} };`;
  return new Function("d", "src", "uuid", "version", body) as RowBuilder;
}

const VERSION_TYPE: ColumnType = { key: { type: "uuid" }, min: 1, max: 1 };

/**
 * Where a row with large set columns keeps their {@link SetVersion}s (a non-enumerable property:
 * spreading, `Object.keys` and `JSON.stringify` do not see it).
 */
const LARGE_SETS: unique symbol = Symbol("ovsdb.largeSets");

type LargeSets = ReadonlyMap<string, SetVersion>;

/** Builds a row with large set columns from the old row and the new row's {@link SetVersion}s. */
type LargeRowConstructor = { new (old: Row, large: LargeSets): Record<string, Datum>; prototype: object };

/** The large set columns a row holds as {@link SetVersion}s, if any. */
function largeSetsOf(row: Row): LargeSets | undefined {
  return (row as unknown as { [LARGE_SETS]?: LargeSets })[LARGE_SETS];
}

/**
 * The getter of a large set column, one per column name: every row shares it (so rows keep one
 * hidden class), and it reads the row's own {@link SetVersion} (built on first read, then kept).
 */
const getters = new Map<string, () => Datum>();
function largeSetGetter(column: string): () => Datum {
  let g = getters.get(column);
  if (!g) {
    g = function (this: Row): Datum {
      return largeSetsOf(this)!.get(column)!.elements();
    };
    getters.set(column, g);
  }
  return g;
}

/**
 * The value of a large set column of a stored row as the replica keeps it (a {@link SetVersion}),
 * or undefined when the column holds a plain array (tests and diagnostics: reading the column
 * itself always gives the array).
 */
export function largeSetOf(row: Row, column: string): SetVersion | undefined {
  return largeSetsOf(row)?.get(column);
}

/** The rows of one replicated table and their indexes. */
export class TableStore {
  /** The table's schema. */
  readonly schema: TableSchema;
  /** Rows by UUID (frozen). */
  readonly rows = new Map<string, Row>();
  /** The columns replicated, or undefined for every column. */
  readonly columns: readonly string[] | undefined;
  /** The schema's indexes whose columns are all replicated, each a map from key to row. */
  readonly uniques: { readonly columns: readonly string[]; readonly map: Map<string, Row> }[];
  /** Client-defined indexes, by name. */
  readonly indexes = new Map<string, MultiIndex>();
  private readonly decoders: ColumnDecoder[];
  /** What {@link TableStore.merge} needs of each column of the schema: its type and its name for errors. */
  private readonly diffing = new Map<
    string,
    {
      readonly type: ColumnType;
      readonly set: boolean;
      /** Scalar or optional: the diff is the new value. */
      readonly whole: boolean;
      /** Decodes the column's diff (compiled for its {@link diffType}: the same as `datumFromJson`). */
      readonly decode: DatumDecoder;
      readonly ctx: { readonly table: string; readonly column: string };
    }
  >();
  private readonly build: RowBuilder;
  /** {@link TableStore.fromNative}'s row builder (values taken as they are, a scalar's one-element array unwrapped). */
  private readonly buildNative: RowBuilder;
  /** The decoder of `_version`. */
  private readonly decodeVersion: DatumDecoder;
  /** {@link TableStore.largeRow}'s constructors, by the names of the large columns. */
  private readonly largeRows = new Map<string, LargeRowConstructor>();

  constructor(schema: TableSchema, columns: readonly string[] | undefined, indexes: { readonly [name: string]: IndexSpec } = {}) {
    this.schema = schema;
    this.columns = columns;
    const names = columns ? columns.filter((c) => c !== "_uuid" && c !== "_version") : [...schema.columns.keys()];
    this.decoders = names.map((c) => {
      const type = columnOf(schema, c)!.type;
      const def = defaultDatum(type);
      return { name: c, type, decode: compileDatumDecoder(type, { table: schema.name, column: c }), empty: def instanceof Map ? () => new Map() : () => def };
    });
    this.build = compileRowBuilder(this.decoders);
    this.buildNative = compileRowBuilder(this.decoders, true);
    this.decodeVersion = compileDatumDecoder(VERSION_TYPE, { table: schema.name, column: "_version" });
    for (const c of [...schema.columns.keys(), "_uuid", "_version"]) {
      const type = columnOf(schema, c)!.type;
      const shape = columnShape(type);
      const ctx = { table: schema.name, column: c };
      this.diffing.set(c, { type, set: shape === "set", whole: shape === "scalar" || shape === "optional", decode: compileDatumDecoder(diffType(type), ctx), ctx });
    }
    this.uniques = schema.indexes.filter((ix) => !columns || ix.every((c) => c === "_uuid" || columns.includes(c))).map((cols) => ({ columns: cols, map: new Map() }));
    for (const [name, spec] of Object.entries(indexes)) this.indexes.set(name, new MultiIndex(name, indexKeys(spec), indexKey(spec), indexColumns(spec)));
  }

  /** Decodes a full row as the server sent it (missing columns take their defaults). */
  decode(uuid: string, json: unknown): Row {
    if (json === null || typeof json !== "object") throw new ProtocolError(`${this.schema.name} ${uuid}: row is not an object: ${safeJson(json)}`);
    const src = json as Record<string, unknown>;
    const v0 = src["_version"];
    const version = v0 === undefined ? undefined : this.decodeVersion(v0);
    return Object.freeze(this.build(this.decoders, src, uuid, version));
  }

  /**
   * A full row from native values the writer already holds (its own insert, e.g. a plan's row:
   * values of the column types, as {@link TableStore.decode} would give them), with `version`:
   * the same row as decoding its wire form, without encoding and decoding it. Columns not
   * replicated are left out, missing ones take their defaults; a scalar or optional column given
   * as a one-element array takes its element (as the wire form `["set", [x]]` decodes).
   */
  fromNative(uuid: string, values: { readonly [column: string]: Datum }, version: string | undefined): Row {
    return Object.freeze(this.buildNative(this.decoders, values, uuid, version));
  }

  /**
   * Applies an `update2` `modify` diff to `old` and returns the new row (`old` is left as it was).
   * A set column of at least {@link LARGE_SET} elements is not copied: the new row holds a
   * {@link SetVersion} (the diff over the old value) behind a getter that builds the array on first
   * read (see `large-set.ts` for the rule readers can rely on: a row object never changes).
   */
  merge(old: Row, diffJson: unknown): Row {
    const diff = diffJson as Record<string, unknown>;
    const lazy = largeSetsOf(old);
    let versions: Map<string, SetVersion> | undefined;
    const cols: string[] = [];
    const vals: Datum[] = [];
    for (const c in diff) {
      const d = this.diffing.get(c);
      if (!d) continue;
      if (d.set) {
        const v = lazy?.get(c);
        if (v || datumSize(old[c]) >= LARGE_SET) {
          if (!versions) {
            versions = new Map();
            lazy?.forEach((x, k) => versions!.set(k, x));
          }
          versions.set(c, applySetDiff(d.type, v ?? old[c], diff[c], d.ctx, d.decode));
          continue;
        }
      }
      cols.push(c);
      // applyDiff, with the column's compiled decoder.
      vals.push(d.whole ? d.decode(diff[c]) : applyDecodedDiff(d.type, old[c], d.decode(diff[c]), diff[c], d.ctx));
    }
    let row: Record<string, Datum>;
    const large = versions ?? lazy;
    if (!large) row = { ...old };
    else {
      // Not a spread: spreading `old` would build its large sets through their getters.
      row = new (this.largeRow(large))(old, large);
    }
    for (let i = 0; i < cols.length; i++) row[cols[i]!] = vals[i];
    return Object.freeze(row);
  }

  /**
   * The constructor of rows whose large set columns are `large`'s: it copies every other column
   * of the old row and defines the large ones as getters, in the table's column order (compiled
   * once per table and set of large columns, so such rows share one hidden class and are built
   * without growing an empty object property by property). Its instances are plain objects
   * (prototype `Object.prototype`).
   */
  private largeRow(large: LargeSets): LargeRowConstructor {
    let sig = "";
    for (const c of large.keys()) sig += `${c},`;
    let ctor = this.largeRows.get(sig);
    if (!ctor) {
      const names = ["_uuid", "_version", ...this.decoders.map((d) => d.name)];
      const getters: (() => Datum)[] = [];
      const body = names
        .map((c) => {
          const k = JSON.stringify(c);
          if (!large.has(c)) return `this[${k}] = o[${k}];`;
          getters.push(largeSetGetter(c));
          return `Object.defineProperty(this, ${k}, { get: g[${getters.length - 1}], enumerable: true });`;
        })
        .join("\n");
      const f = new Function("g", "key", `return function LargeSetRow(o, l) {\n${body}\nObject.defineProperty(this, key, { value: l });\n};`)(getters, LARGE_SETS) as LargeRowConstructor;
      f.prototype = Object.prototype;
      this.largeRows.set(sig, (ctor = f));
    }
    return ctor;
  }

  /** An `update` (v1) `new`: it carries the changed columns only when the monitor selects all; merged over `old`. */
  replace(old: Row, json: unknown): Row {
    const fresh = this.decode(old["_uuid"] as string, json);
    return Object.freeze({ ...old, ...fresh });
  }

  /** Stores `row` (replacing `old`, the row stored under `uuid` if any) and indexes it. */
  put(uuid: string, row: Row, old: Row | undefined): void {
    this.rows.set(uuid, row);
    if (old) {
      // An update: entries whose key did not change are pointed at the new row in place.
      for (const u of this.uniques) {
        const now = columnsKey(row, u.columns);
        // The old key only when the indexed columns changed (an update copies what it leaves).
        if (!sameColumns(old, row, u.columns)) {
          const was = columnsKey(old, u.columns);
          if (was !== now && u.map.get(was) === old) u.map.delete(was);
        }
        u.map.set(now, row);
      }
      for (const ix of this.indexes.values()) ix.replace(old, row);
      return;
    }
    for (const u of this.uniques) u.map.set(columnsKey(row, u.columns), row);
    for (const ix of this.indexes.values()) ix.add(row);
  }

  /** Removes the row stored under `uuid`; returns it, or undefined when there was none. */
  drop(uuid: string): Row | undefined {
    const old = this.rows.get(uuid);
    if (!old) return undefined;
    this.unindex(old);
    this.rows.delete(uuid);
    return old;
  }

  /** Adds a client-defined index, built from the current rows. */
  addIndex(name: string, spec: IndexSpec): void {
    const ix = new MultiIndex(name, indexKeys(spec), indexKey(spec), indexColumns(spec));
    for (const r of this.rows.values()) ix.add(r);
    this.indexes.set(name, ix);
  }

  private unindex(row: Row): void {
    for (const u of this.uniques) {
      const k = columnsKey(row, u.columns);
      if (u.map.get(k) === row) u.map.delete(k);
    }
    for (const ix of this.indexes.values()) ix.remove(row);
  }
}

/** Whether `old` and `row` hold the very same values (objects) in `columns`. */
function sameColumns(old: Row, row: Row, columns: readonly string[]): boolean {
  for (let i = 0; i < columns.length; i++) if (old[columns[i]!] !== row[columns[i]!]) return false;
  return true;
}

/** True when two rows hold equal values in every column. */
export function rowsEqual(a: Row, b: Row): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!datumEquals(a[k], b[k])) return false;
  return true;
}
