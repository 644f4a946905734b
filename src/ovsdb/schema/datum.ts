/**
 * Column values (RFC 7047 §5.1 `<value>`) as native JavaScript, checked against a column's type:
 * conversion from and to the JSON notation, constraint checks (enum, ranges, lengths, set sizes),
 * canonical atom order, equality and defaults. The client, the replica and the embedded server all
 * use these functions, so a value means the same thing everywhere.
 *
 * Native forms, by {@link ColumnShape}: `scalar` → the atom; `optional` → the atom or `undefined`;
 * `set` → a readonly array of atoms; `map` → a `ReadonlyMap`. Atoms: integer → `number` when
 * |n| ≤ 2^53−1 and `bigint` beyond, up to the 64-bit range (always in that form, so that equal
 * integers are `===`; see `wire/json.ts`), real → `number`, boolean → `boolean`, string → `string`, uuid →
 * the UUID string (or, inside a transaction, a `uuid-name` that an insert of the same transaction
 * declares; the two cannot be confused since a UUID is never a valid identifier).
 *
 * @module
 */
import { invalidUtf8Detail } from "../wire/utf8.js";
import { OvsdbTypeError, safeJson } from "../wire/errors.js";
import { toInt64 } from "../wire/json.js";
import { type JsonAtom, type JsonValue, isId, isJsonMap, isJsonSet, isUuid } from "../wire/notation.js";
import { type Atom, type BaseType, type ColumnType, columnShape } from "./types.js";

/** A native column value; see the module documentation. */
export type Datum = Atom | undefined | readonly Atom[] | ReadonlyMap<Atom, Atom>;

/** A native row: column name → value. */
export type Row = { readonly [column: string]: Datum };

/** Names the table and column a value belongs to, for errors. */
export interface DatumContext {
  readonly table?: string;
  readonly column?: string;
  /**
   * Accept `["named-uuid", name]` atoms (inside transactions).
   * @default false
   */
  readonly allowNamedUuid?: boolean;
}

function fail(ctx: DatumContext, message: string): never {
  throw new OvsdbTypeError(message, ctx.table, ctx.column);
}

/** Decodes one JSON atom of base type `base` to its native atom (type check only; see {@link checkAtom}). */
export function atomFromJson(base: BaseType, json: unknown, ctx: DatumContext = {}): Atom {
  switch (base.type) {
    case "integer":
      if (typeof json === "number" && Number.isSafeInteger(json)) return json;
      if (typeof json === "bigint") {
        const v = toInt64(json);
        if (v === undefined) fail(ctx, `integer ${json} is outside the 64-bit range`);
        return v;
      }
      if (typeof json !== "number" || !Number.isInteger(json)) fail(ctx, `expected integer, got ${safeJson(json)}`);
      fail(ctx, `integer ${safeJson(json)} is beyond ±(2^53−1) as a JavaScript number, so it is not exact: give it as a bigint`);
    case "real":
      if (typeof json !== "number") fail(ctx, `expected real, got ${safeJson(json)}`);
      return json;
    case "boolean":
      if (typeof json !== "boolean") fail(ctx, `expected boolean, got ${safeJson(json)}`);
      return json;
    case "string":
      if (typeof json !== "string") fail(ctx, `expected string, got ${safeJson(json)}`);
      return json;
    case "uuid":
      if (Array.isArray(json) && json.length === 2) {
        if (json[0] === "uuid") {
          if (!isUuid(json[1])) fail(ctx, `"${safeJson(json[1])}" is not a valid UUID`);
          return (json[1] as string).toLowerCase();
        }
        if (json[0] === "named-uuid") {
          if (!ctx.allowNamedUuid) fail(ctx, `named-uuid ${safeJson(json[1])} is only allowed inside a transaction`);
          if (!isId(json[1])) fail(ctx, `${safeJson(json[1])} is not a valid uuid-name`);
          return json[1] as string;
        }
      }
      fail(ctx, `expected ["uuid", ...], got ${safeJson(json)}`);
  }
}

/** Encodes a native atom of base type `base` to JSON; throws {@link OvsdbTypeError} for the wrong native type. */
export function atomToJson(base: BaseType, atom: unknown, ctx: DatumContext = {}): JsonAtom {
  switch (base.type) {
    case "integer":
      {
        const v = toInt64(atom);
        if (v !== undefined) return v;
        if (typeof atom === "bigint") fail(ctx, `integer ${atom} is outside the 64-bit range`);
        if (typeof atom !== "number" || !Number.isInteger(atom)) fail(ctx, `expected integer, got ${safeJson(atom)}`);
        fail(ctx, `integer ${safeJson(atom)} is beyond ±(2^53−1) as a JavaScript number, so it is not exact: give it as a bigint`);
      }
    case "real":
      if (typeof atom !== "number" || !Number.isFinite(atom)) fail(ctx, `expected real, got ${safeJson(atom)}`);
      return atom;
    case "boolean":
      if (typeof atom !== "boolean") fail(ctx, `expected boolean, got ${safeJson(atom)}`);
      return atom;
    case "string":
      if (typeof atom !== "string") fail(ctx, `expected string, got ${safeJson(atom)}`);
      return atom;
    case "uuid":
      if (isUuid(atom)) return ["uuid", atom.toLowerCase()];
      if (isId(atom)) return ["named-uuid", atom];
      fail(ctx, `expected a UUID or a uuid-name, got ${safeJson(atom)}`);
  }
}

/**
 * Checks an atom against its base type's constraints (enum, integer/real range, string length);
 * returns a description of the violation, or undefined when it conforms.
 */
export function checkAtom(base: BaseType, atom: Atom): string | undefined {
  if (base.enum && !base.enum.some((e) => e === atom)) {
    const allowed = [...base.enum].sort(compareAtoms).map(atomToErrorText);
    return `${atomToErrorText(atom)} is not one of the allowed values ([${allowed.join(", ")}])`;
  }
  switch (base.type) {
    case "integer": {
      const n = atom as number | bigint;
      if (base.minInteger !== undefined && n < base.minInteger) {
        return base.maxInteger !== undefined
          ? `${n} is not in the valid range ${base.minInteger} to ${base.maxInteger} (inclusive)`
          : `${n} is less than minimum allowed value ${base.minInteger}`;
      }
      if (base.maxInteger !== undefined && n > base.maxInteger) {
        return base.minInteger !== undefined
          ? `${n} is not in the valid range ${base.minInteger} to ${base.maxInteger} (inclusive)`
          : `${n} is greater than maximum allowed value ${base.maxInteger}`;
      }
      return undefined;
    }
    case "real": {
      const n = atom as number;
      const lo = base.minReal !== undefined && n < base.minReal;
      const hi = base.maxReal !== undefined && n > base.maxReal;
      if (lo || hi) {
        if (base.minReal !== undefined && base.maxReal !== undefined) return `${n} is not in the valid range ${base.minReal} to ${base.maxReal} (inclusive)`;
        return lo ? `${n} is less than minimum allowed value ${base.minReal}` : `${n} is greater than maximum allowed value ${base.maxReal}`;
      }
      return undefined;
    }
    case "string": {
      const notUtf8 = invalidUtf8Detail(atom as string); // bytes the framer escaped (wire/utf8.ts)
      if (notUtf8) return `not a valid UTF-8 string: ${notUtf8}`;
      if (base.minLength === undefined && base.maxLength === undefined) return undefined;
      const len = codePointLength(atom as string);
      if (base.minLength !== undefined && len < base.minLength) {
        return `"${atom}" length ${len} is less than minimum allowed length ${base.minLength}`;
      }
      if (base.maxLength !== undefined && len > base.maxLength) {
        return `"${atom}" length ${len} is greater than maximum allowed length ${base.maxLength}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * An atom as ovsdb-server writes it in error details (`ovsdb_atom_to_string`): numbers and
 * booleans as is, UUIDs bare, strings bare when they look like an identifier and as a JSON
 * string otherwise.
 */
export function atomToErrorText(atom: Atom): string {
  if (typeof atom !== "string") return String(atom);
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(atom)) return atom;
  if (atom === "" || atom === "true" || atom === "false" || !/^[A-Za-z_][A-Za-z0-9_\-.]*$/.test(atom)) return JSON.stringify(atom);
  return atom;
}

/** Number of Unicode code points in `s`. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/**
 * How {@link decodeDatumWith} decodes atoms and words what it refuses. The client side uses
 * {@link clientDatumReporter} (typed {@link OvsdbTypeError}s); the embedded server passes one with
 * ovsdb-server's errors, constraint checks and named-uuid resolution (`server/codec.ts`), so a
 * value's shape is read by one function everywhere.
 */
export interface DatumReporter {
  /** Decodes (and, for the server, checks) one atom. */
  atom(base: BaseType, json: unknown): Atom;
  /** A map column's value is not `["map", [...]]`. */
  notMap(type: ColumnType, json: unknown): Error;
  /** `["set", x]` where `x` is not an array. */
  badSet(type: ColumnType, json: unknown): Error;
  /** A map element is not a `[key, value]` pair. */
  badPair(type: ColumnType, pair: unknown, json: unknown): Error;
  /** The number of elements is outside the type's `min`..`max`. */
  size(type: ColumnType, kind: "set" | "map", n: number, json: unknown): Error;
  /** A set repeats an element or a map a key (`element` is the JSON of the repeated atom). */
  duplicate(type: ColumnType, kind: "set" | "map", element: unknown): Error;
  /** Return set elements in canonical order (the server's stored form) rather than as given. */
  readonly canonicalSets: boolean;
}

/**
 * Decodes a JSON `<value>` for a column type, in ovsdb-server's order of checks
 * (`ovsdb_datum_from_json`): the shape (`["map", ...]`, `["set", ...]` or a bare atom), the number
 * of elements, each element, then duplicates; every refusal and every atom goes through `reporter`.
 */
export function decodeDatumWith(type: ColumnType, json: unknown, reporter: DatumReporter): Datum {
  const shape = columnShape(type);
  if (shape === "map") {
    if (!(Array.isArray(json) && json.length === 2 && json[0] === "map" && Array.isArray(json[1]))) throw reporter.notMap(type, json);
    const pairs = json[1] as unknown[];
    if (pairs.length < type.min || (type.max !== "unlimited" && pairs.length > type.max)) throw reporter.size(type, "map", pairs.length, json);
    const m = new Map<Atom, Atom>();
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) throw reporter.badPair(type, p, json);
      const k = reporter.atom(type.key, p[0]);
      const v = reporter.atom(type.value!, p[1]);
      if (m.has(k)) throw reporter.duplicate(type, "map", p[0]);
      m.set(k, v);
    }
    return m;
  }
  let elems: readonly unknown[];
  if (Array.isArray(json) && json.length === 2 && json[0] === "set") {
    if (!Array.isArray(json[1])) throw reporter.badSet(type, json);
    elems = json[1];
  } else {
    elems = [json];
  }
  if (elems.length < type.min || (type.max !== "unlimited" && elems.length > type.max)) throw reporter.size(type, "set", elems.length, json);
  const atoms = elems.map((a) => reporter.atom(type.key, a));
  if (shape === "scalar") return atoms[0]!;
  if (shape === "optional") return atoms[0];
  if (atoms.length > 1) {
    const seen = new Set<Atom>();
    for (let i = 0; i < atoms.length; i++) {
      if (seen.has(atoms[i]!)) throw reporter.duplicate(type, "set", elems[i]);
      seen.add(atoms[i]!);
    }
  }
  return reporter.canonicalSets ? atoms.sort(compareAtoms) : atoms;
}

/** The client-side {@link DatumReporter} for a context (table and column named in errors, named-uuids). */
export function clientDatumReporter(ctx: DatumContext = {}): DatumReporter {
  return {
    atom: (base, j) => atomFromJson(base, j, ctx),
    notMap: (_t, j) => new OvsdbTypeError(`expected ["map", [...]], got ${safeJson(j)}`, ctx.table, ctx.column),
    badSet: (_t, j) => new OvsdbTypeError(`expected ["set", [...]], got ${safeJson(j)}`, ctx.table, ctx.column),
    badPair: (_t, pair) => new OvsdbTypeError(`map element ${safeJson(pair)} is not a [key, value] pair`, ctx.table, ctx.column),
    size: (type, _kind, n) => {
      try {
        checkSize(type, n, ctx);
      } catch (e) {
        return e as Error;
      }
      return new OvsdbTypeError(`unexpected number of elements ${n}`, ctx.table, ctx.column);
    },
    duplicate: (_t, kind, element) =>
      new OvsdbTypeError(kind === "map" ? `map contains duplicate key ${safeJson(element)}` : `set contains duplicate value ${safeJson(element)}`, ctx.table, ctx.column),
    canonicalSets: false,
  };
}

const CLIENT_DATUM_REPORTER = clientDatumReporter();

/**
 * Decodes a JSON `<value>` for a column of type `type` into its native form. Checks JSON types
 * and set/map sizes; constraint checks (enum, ranges) are {@link checkDatum}'s job so that a
 * client can read whatever a server holds. The shape logic is {@link decodeDatumWith}'s.
 */
export function datumFromJson(type: ColumnType, json: unknown, ctx: DatumContext = {}): Datum {
  if (ctx.table === undefined && ctx.column === undefined && !ctx.allowNamedUuid) return decodeDatumWith(type, json, CLIENT_DATUM_REPORTER);
  // One reporter per context object (callers keep theirs: a column's, a transaction's).
  let reporter = reporters.get(ctx);
  if (!reporter) reporters.set(ctx, (reporter = clientDatumReporter(ctx)));
  return decodeDatumWith(type, json, reporter);
}

/** The reporters {@link datumFromJson} made, by context object (contexts are read-only). */
const reporters = new WeakMap<DatumContext, DatumReporter>();

function checkSize(type: ColumnType, n: number, ctx: DatumContext): void {
  if (n < type.min) fail(ctx, `expected at least ${type.min} element(s), got ${n}`);
  if (type.max !== "unlimited" && n > type.max) fail(ctx, `expected at most ${type.max} element(s), got ${n}`);
}

/**
 * Encodes a native value for a column of type `type` to JSON. Accepts the native forms, and for
 * convenience also a plain object for a string-keyed map and a single atom for a set.
 */
export function datumToJson(type: ColumnType, value: unknown, ctx: DatumContext = {}): JsonValue {
  const shape = columnShape(type);
  if (shape === "map") {
    const pairs: [JsonAtom, JsonAtom][] = [];
    const valueType = type.value!;
    if (value instanceof Map) {
      for (const [k, v] of value) pairs.push([atomToJson(type.key, k, ctx), atomToJson(valueType, v, ctx)]);
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) {
        const key = type.key.type === "integer" || type.key.type === "real" ? Number(k) : k;
        pairs.push([atomToJson(type.key, key, ctx), atomToJson(valueType, v, ctx)]);
      }
    } else if (value === undefined) {
      // an absent map is an empty map
    } else {
      fail(ctx, `expected a Map or an object, got ${safeJson(value)}`);
    }
    return ["map", pairs];
  }
  if (shape === "scalar") {
    if (Array.isArray(value)) {
      if (value.length !== 1) fail(ctx, `expected exactly one value, got ${value.length}`);
      return atomToJson(type.key, value[0], ctx);
    }
    return atomToJson(type.key, value, ctx);
  }
  if (value === undefined || value === null) return ["set", []];
  if (Array.isArray(value)) return ["set", value.map((a) => atomToJson(type.key, a, ctx))];
  if (value instanceof Set) return ["set", [...value].map((a) => atomToJson(type.key, a, ctx))];
  return ["set", [atomToJson(type.key, value, ctx)]];
}

/** The atoms of a native value: [] for undefined, the elements of a set, the keys of a map. */
export function datumAtoms(value: Datum): readonly Atom[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (value instanceof Map) return [...value.keys()];
  return [value as Atom];
}

/** Number of elements in a native value (0 or 1 for optional, the size of a set or map). */
export function datumSize(value: Datum): number {
  if (value === undefined) return 0;
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  return 1;
}

/**
 * Checks a native value against every constraint of its type: set/map size and each atom's
 * constraints. Returns a description of the first violation, or undefined.
 */
export function checkDatum(type: ColumnType, value: Datum): string | undefined {
  const n = datumSize(value);
  if (n < type.min || (type.max !== "unlimited" && n > type.max)) {
    return `${n} element(s) where the column allows ${type.min} to ${type.max}`;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const e = checkAtom(type.key, k) ?? checkAtom(type.value!, v);
      if (e) return e;
    }
    return undefined;
  }
  for (const a of datumAtoms(value)) {
    const e = checkAtom(type.key, a);
    if (e) return e;
  }
  return undefined;
}

/** The default value of a column (RFC 7047 §5.2.1): the type's default atom for min 1, else empty. */
export function defaultDatum(type: ColumnType): Datum {
  const shape = columnShape(type);
  if (shape === "map") return new Map();
  if (shape === "set") return type.min === 1 ? [defaultAtom(type.key)] : [];
  if (shape === "optional") return undefined;
  return defaultAtom(type.key);
}

/** The default atom of a base type: 0, 0.0, false, "", or the all-zero UUID. */
export function defaultAtom(base: BaseType): Atom {
  switch (base.type) {
    case "integer":
    case "real":
      return 0;
    case "boolean":
      return false;
    case "string":
      return "";
    case "uuid":
      return "00000000-0000-0000-0000-000000000000";
  }
}

/**
 * Total order of atoms of one type, as ovsdb-server sorts set elements and map keys: numbers
 * numerically, false before true, strings by UTF-8 byte order, UUIDs by their hex text.
 */
export function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === "number" || typeof a === "bigint") return a < (b as number | bigint) ? -1 : a > (b as number | bigint) ? 1 : 0;
  if (typeof a === "boolean") return a === b ? 0 : a ? 1 : -1;
  return compareUtf8(a, b as string);
}

/** Compares two strings by the byte order of their UTF-8 encodings (strcmp semantics). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // UTF-16 order differs from UTF-8 order only between surrogates and U+E000..U+FFFF.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys && x >= 0xd800 && y >= 0xd800) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * Total order of two values of one column, as ovsdb-server orders rows for `select`'s
 * `sort` (`ovsdb_datum_compare_3way`): fewer elements first, then the elements (map keys, then
 * map values) compared pairwise in canonical order.
 */
export function compareDatums(a: Datum, b: Datum): number {
  const na = datumSize(a);
  const nb = datumSize(b);
  if (na !== nb) return na < nb ? -1 : 1;
  if (a instanceof Map && b instanceof Map) {
    const ka = [...a.keys()].sort(compareAtoms);
    const kb = [...b.keys()].sort(compareAtoms);
    for (let i = 0; i < ka.length; i++) {
      const d = compareAtoms(ka[i]!, kb[i]!);
      if (d !== 0) return d;
    }
    for (let i = 0; i < ka.length; i++) {
      const d = compareAtoms(a.get(ka[i]!)!, b.get(kb[i]!)!);
      if (d !== 0) return d;
    }
    return 0;
  }
  const xa = na > 1 ? [...datumAtoms(a)].sort(compareAtoms) : datumAtoms(a);
  const xb = nb > 1 ? [...datumAtoms(b)].sort(compareAtoms) : datumAtoms(b);
  for (let i = 0; i < xa.length; i++) {
    const d = compareAtoms(xa[i]!, xb[i]!);
    if (d !== 0) return d;
  }
  return 0;
}

/** Sorts atoms in place into canonical order and returns the array. */
export function sortAtoms<T extends Atom>(atoms: T[]): T[] {
  return atoms.sort(compareAtoms);
}

/** Equality of two native values of one column type (sets and maps compared as unordered collections). */
export function datumEquals(a: Datum, b: Datum): boolean {
  if (a === b) return true;
  // Two different scalars (atoms are primitives; sets and maps are objects): no allocation.
  if (typeof a !== "object" && typeof b !== "object" && a !== undefined && b !== undefined) return false;
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || b.get(k) !== v) return false;
    }
    return true;
  }
  const as = datumAtoms(a);
  const bs = datumAtoms(b);
  if (as.length !== bs.length) return false;
  if (as.length <= 1) return as[0] === bs[0];
  const set = new Set<Atom>(as);
  return bs.every((x) => set.has(x));
}

/** Decodes a JSON row against a table's column types; unknown columns are an error naming the column. */
export function rowFromJson(
  columns: ReadonlyMap<string, { readonly type: ColumnType }>,
  json: unknown,
  ctx: DatumContext = {},
): Record<string, Datum> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) fail(ctx, `row must be a JSON object, got ${safeJson(json)}`);
  const out: Record<string, Datum> = {};
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    const c = name === "_uuid" || name === "_version" ? UUID_TYPE : columns.get(name)?.type;
    if (!c) fail({ ...ctx, column: name }, `unknown column`);
    out[name] = datumFromJson(c, v, { ...ctx, column: name });
  }
  return out;
}

const UUID_TYPE: ColumnType = { key: { type: "uuid" }, min: 1, max: 1 };

/** A compiled decoder for one column: JSON `<value>` → native value (see {@link compileDatumDecoder}). */
export type DatumDecoder = (json: unknown) => Datum;

function compileAtomDecoder(base: BaseType, ctx: DatumContext): (json: unknown) => Atom {
  switch (base.type) {
    case "string":
      return (j) => (typeof j === "string" ? j : atomFromJson(base, j, ctx));
    case "integer":
      return (j) => (typeof j === "number" && Number.isSafeInteger(j) ? j : atomFromJson(base, j, ctx));
    case "boolean":
      return (j) => (typeof j === "boolean" ? j : atomFromJson(base, j, ctx));
    case "uuid":
      // The server's form (`["uuid", "<lowercase uuid>"]`, every row's `_version` and every
      // reference) taken as it is; anything else (upper case, a named-uuid, an error) as atomFromJson.
      return (j) => (Array.isArray(j) && j.length === 2 && j[0] === "uuid" && isLowerCaseUuid(j[1]) ? j[1] : atomFromJson(base, j, ctx));
    default:
      return (j) => atomFromJson(base, j, ctx);
  }
}

/** A UUID string in lower case (what {@link atomFromJson} returns unchanged for `["uuid", s]`). */
function isLowerCaseUuid(s: unknown): s is string {
  if (typeof s !== "string" || s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * Compiles the decoder of one column type: the same result and the same errors as
 * {@link datumFromJson}, specialized once per column so that decoding many rows (a monitor's
 * initial contents) does not re-dispatch on the type for every value.
 */
export function compileDatumDecoder(type: ColumnType, ctx: DatumContext = {}): DatumDecoder {
  const shape = columnShape(type);
  const key = compileAtomDecoder(type.key, ctx);
  const sized = type.min !== 0 || type.max !== "unlimited";
  if (shape === "map") {
    const value = compileAtomDecoder(type.value!, ctx);
    return (json) => {
      if (!isJsonMap(json)) return datumFromJson(type, json, ctx);
      const pairs = json[1];
      const m = new Map<Atom, Atom>();
      for (let i = 0; i < pairs.length; i++) {
        const p = pairs[i];
        if (!Array.isArray(p) || p.length !== 2) return datumFromJson(type, json, ctx);
        const k = key(p[0]);
        if (m.has(k)) return datumFromJson(type, json, ctx);
        m.set(k, value(p[1]));
      }
      if (sized) checkSize(type, m.size, ctx);
      return m;
    };
  }
  if (shape === "scalar") {
    return (json) => (isJsonSet(json) ? datumFromJson(type, json, ctx) : key(json));
  }
  if (shape === "optional") {
    return (json) => {
      if (!isJsonSet(json)) return key(json);
      const a = json[1];
      if (a.length === 0) return undefined;
      if (a.length === 1) return key(a[0]);
      return datumFromJson(type, json, ctx);
    };
  }
  return (json) => {
    if (!isJsonSet(json)) {
      const one = [key(json)];
      if (sized) checkSize(type, 1, ctx);
      return one;
    }
    const a = json[1];
    const out: Atom[] = new Array<Atom>(a.length);
    for (let i = 0; i < a.length; i++) out[i] = key(a[i]);
    if (sized) checkSize(type, out.length, ctx);
    if (out.length > 1 && new Set(out).size !== out.length) return datumFromJson(type, json, ctx);
    return out;
  };
}
