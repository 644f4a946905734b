/**
 * Type-level machinery of typed models: table-branded row UUIDs, and the input, condition and
 * mutation types derived from a generated row interface (RFC 7047 §3.2 column types, §5.1
 * `<condition>`/`<mutation>`, §5.2 operations).
 *
 * A generated model (see `generateModel`) declares one row interface per table plus a
 * {@link TableDef} per table that names the columns required on insert and the immutable ones;
 * everything else here is derived from those.
 *
 * The value forms match `schema/datum.ts` exactly: scalar → atom; optional (min 0, max 1) →
 * atom or `undefined`; set → readonly array; map → `ReadonlyMap` (inputs also accept a plain
 * object for string keys).
 *
 * @module
 */
import type { NamedUuid, Uuid } from "../wire/notation.js";

/**
 * The UUID of a row of table `T` (RFC 7047 §3.1 `<uuid>` in a `refTable` column). A plain string
 * or a plain {@link Uuid} is not assignable to it, nor is the UUID of a row of another table;
 * `RowUuid<T>` is assignable to {@link Uuid}.
 */
export type RowUuid<T extends string = string> = Uuid & { readonly __table: T };

/**
 * A uuid-name (RFC 7047 §5.2.1 `"uuid-name"`) declared by an insert into table `T` in the same
 * transaction; usable wherever a {@link RowUuid} of `T` is accepted in operation inputs.
 */
export type NamedRef<T extends string = string> = NamedUuid & { readonly __table: T };

/** A reference to a row of table `T` in an operation input: a real UUID or a uuid-name of the same transaction. */
export type Ref<T extends string = string> = RowUuid<T> | NamedRef<T>;

/**
 * Type-level description of one table, as a generated model declares it: the row interface, the
 * columns an insert must set (RFC 7047 §3.2, §5.2.1), and the columns that may only be set on
 * insert (OVS `"mutable": false`).
 */
export interface TableDef<R extends object = object, Required extends string = string, Immutable extends string = string> {
  /** The row interface (what `select` returns). */
  readonly row: R;
  /** Columns an insert must give: min 1 and a default that would break a constraint (see `requiredOnInsert`). */
  readonly required: Required;
  /** Columns declared `"mutable": false`: settable on insert only. */
  readonly immutable: Immutable;
}

/** A database's tables: table name → {@link TableDef}. */
export type TablesDef = { readonly [table: string]: TableDef };

/** The columns every row has and no operation may write (RFC 7047 §3.2: `_uuid`, `_version`). */
export type ReadOnlyColumn = "_uuid" | "_version";

/** Flattens an intersection for readable hovers and error messages. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** An atom as an operation accepts it: references may also be uuid-names of the same transaction. */
export type AtomInput<A> = A extends RowUuid<infer T> ? Ref<T> : A extends Uuid ? Uuid | NamedUuid : A;

/** A map value as an operation accepts it: a `ReadonlyMap`, or a plain object when keys are strings. */
export type MapInput<K, V> =
  | ReadonlyMap<K, V>
  | ([K] extends [string] ? (string extends K ? { readonly [key: string]: V } : { readonly [P in K]?: V }) : never);

/** A column value as an operation accepts it, derived from the row's value type `V`. */
export type ValueInput<V> = [V] extends [ReadonlyMap<infer K, infer W>]
  ? MapInput<AtomInput<K>, AtomInput<W>>
  : [V] extends [readonly (infer E)[]]
    ? readonly AtomInput<E>[]
    : AtomInput<V>;

/** The row type of a {@link TableDef}. */
export type RowOf<D extends TableDef> = D["row"];

/** Columns an operation may write on insert (every column but `_uuid`/`_version`). */
export type WritableColumn<D extends TableDef> = Exclude<keyof RowOf<D> & string, ReadOnlyColumn>;

/** Columns an update or mutate may write: not `_uuid`/`_version`, not immutable. */
export type MutableColumn<D extends TableDef> = Exclude<WritableColumn<D>, D["immutable"]>;

/**
 * The row an insert takes (RFC 7047 §5.2.1): the required columns (min 1 with a default the
 * column's constraints reject) must be given, every other column is optional (an omitted
 * column gets its default), `_uuid`/`_version` are absent.
 */
export type InsertRow<D extends TableDef> = Simplify<
  { readonly [K in Extract<D["required"], WritableColumn<D>>]: ValueInput<RowOf<D>[K]> } & {
    readonly [K in Exclude<WritableColumn<D>, D["required"]>]?: ValueInput<RowOf<D>[K]>;
  }
>;

/**
 * The row an update takes (RFC 7047 §5.2.3): any subset of the mutable columns. Immutable
 * columns and `_uuid`/`_version` are not part of the type.
 */
export type UpdateRow<D extends TableDef> = { readonly [K in MutableColumn<D>]?: ValueInput<RowOf<D>[K]> };

/** The element type of a set-like value (set or optional), or never. */
/** The element type of a set column's value (never for maps). */
export type ElementOf<V> = [V] extends [ReadonlyMap<unknown, unknown>] ? never : [V] extends [readonly (infer E)[]] ? E : Exclude<V, undefined>;

/** Value of an `includes`/`excludes` condition on a column of value type `V` (RFC 7047 §5.1). */
export type IncludesValue<V> = [V] extends [ReadonlyMap<infer K, infer W>]
  ? MapInput<AtomInput<K>, AtomInput<W>>
  : [V] extends [readonly (infer E)[]]
    ? readonly AtomInput<E>[]
    : AtomInput<V>;

/** The relational condition functions, allowed on integer and real columns with at most one value (RFC 7047 §5.1). */
export type RelationalFunction = "<" | "<=" | ">" | ">=";

/** The typed conditions on one column `K` of value type `V`. */
export type ColumnCondition<K extends string, V> =
  | readonly [column: K, fn: "==" | "!=", value: ValueInput<V>]
  | readonly [column: K, fn: "includes" | "excludes", value: IncludesValue<V>]
  | ([Exclude<V, undefined>] extends [number] ? readonly [column: K, fn: RelationalFunction, value: number] : never);

/** Any typed condition on a row type `R` (RFC 7047 §5.1 `<condition>`), as a `[column, function, value]` tuple. */
export type TypedCondition<R> = { [K in keyof R & string]-?: ColumnCondition<K, R[K]> }[keyof R & string];

/**
 * A typed `where` clause: a list of conditions (all must hold), or an object whose every entry is
 * an `==` condition (`{ name: "sw0" }`).
 */
export type Where<D extends TableDef> =
  | readonly TypedCondition<RowOf<D>>[]
  | { readonly [K in keyof RowOf<D> & string]?: ValueInput<RowOf<D>[K]> };

/** The arithmetic mutators (RFC 7047 §5.1), allowed on integer and real columns and sets of them. */
export type ArithmeticMutator = "+=" | "-=" | "*=" | "/=" | "%=";

/** The typed mutations of one column `K` of value type `V` (RFC 7047 §5.1 `<mutation>`). */
export type ColumnMutation<K extends string, V> = [V] extends [ReadonlyMap<infer MK, infer MV>]
  ?
      | readonly [column: K, mutator: "insert", value: MapInput<AtomInput<MK>, AtomInput<MV>>]
      | readonly [column: K, mutator: "delete", value: MapInput<AtomInput<MK>, AtomInput<MV>> | readonly AtomInput<MK>[]]
  :
      | ([V] extends [readonly unknown[]]
          ? readonly [column: K, mutator: "insert" | "delete", value: readonly AtomInput<ElementOf<V>>[]]
          : undefined extends V
            ? readonly [column: K, mutator: "insert" | "delete", value: readonly AtomInput<ElementOf<V>>[]]
            : never)
      | ([ElementOf<V>] extends [number]
          ? readonly [column: K, mutator: ArithmeticMutator, value: number]
          : [ElementOf<V>] extends [number | bigint]
            ? readonly [column: K, mutator: ArithmeticMutator, value: number | bigint]
            : never);

/** Any typed mutation of a table's mutable columns. */
export type TypedMutation<D extends TableDef> = {
  [K in MutableColumn<D>]-?: ColumnMutation<K, RowOf<D>[K]>;
}[MutableColumn<D>];
