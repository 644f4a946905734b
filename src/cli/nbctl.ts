/**
 * `ovn-ts nbctl [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...`: a drop-in for
 * `ovn-nbctl` built on the OVN API (`src/ovn`): the same command syntax and options (`--db`,
 * `--may-exist`, `--if-exists`, `--wait=sb|hv`, `--timeout`, the output format options), several
 * commands per run separated by `--` and committed as one transaction, and the same output
 * formats, so that scripts parsing ovn-nbctl's output keep working. Each run reads only the tables
 * its commands need (no full database sync).
 *
 * @module
 */
import { NoRemoteError, OvsdbClient } from "../ovsdb/client/client.js";
import { model } from "../ovsdb/models/ovn-nb.js";
import type { Row } from "../ovsdb/models/ovn-nb.js";
import { type Datum, compareAtoms, compareUtf8, datumEquals, datumFromJson } from "../ovsdb/schema/datum.js";
import { shashOrder } from "../ovsdb/text/hash-order.js";
import { type ColumnSchema, type TableSchema, columnOf } from "../ovsdb/schema/schema.js";
import { type Atom, type BaseType, type ColumnType, columnShape } from "../ovsdb/schema/types.js";
import { atomToText, datumToText } from "../ovsdb/text/datum-text.js";
import { type Cell, TablePrinter, type TableStyle, defaultTableStyle } from "../ovsdb/text/table.js";
import { type JsonAtom, type JsonValue, isUuid } from "../ovsdb/wire/notation.js";
import type { Condition, Operation } from "../ovsdb/wire/operations.js";
import { type CommitResult, NbTransaction, OvnNb } from "../ovn/nb.js";
import { type NbReader, selectReader } from "../ovn/reader.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnNotFoundError } from "../ovn/errors.js";
import { ipFamily, normalizePrefix, parsePrefix } from "../ovn/net.js";
import { idlTableOrders, sortByIdlOrder } from "../ovsdb/client/idl-order.js";
import { renderShow } from "../ovn/show.js";
import { renderNbctlHelp } from "./nbctl-help.js";
import { type TextParseOptions, atomFromOvsText, datumFromOvsText, topLevelEquals, unbracket } from "../ovsdb/text/datum-parse.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { Ref, RowUuid } from "../ovsdb/model/types.js";
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { closest } from "./suggest.js";
import { NBCTL_EXTRA_COMMANDS, NBCTL_EXTRA_READ_ONLY } from "./nbctl-extra.js";
import { pinInsertUuids, pinnedUuid, previewClient, transactAborted, visibleAtOnce, visibleInIdl } from "./nbctl-preview.js";

const DB = model.name;

/** Command options of one command (`--may-exist`, `--policy=src-ip`, ...). */
type Opts = ReadonlyMap<string, string | true>;

/** What a command returns: text to print after the commit (possibly needing the commit's UUIDs). */
type Output = string | ((c: CommitResult) => string) | void;

interface Ctx {
  readonly client: OvsdbClient;
  /** Reads through this see the run's pending changes, as ovn-nbctl's IDL does (see nbctl-preview). */
  readonly view: TransactClient;
  readonly tx: NbTransaction;
  readonly reader: NbReader;
  readonly style: TableStyle;
  readonly printer: TablePrinter;
  /** `--id=@name` symbols → uuid-name or UUID. */
  readonly symbols: Map<string, { named: boolean; id: string }>;
  /** `--columns` of the whole run. */
  readonly columns: string[] | undefined;
  /**
   * Ports deleted earlier in the run. ovn-nbctl deletes them from its IDL at once (lookups by
   * name fail) but their switch's or router's set of ports still lists them until the commit; the
   * preview shows the second half, this set the first.
   */
  readonly gone: Set<string>;
  /** Writes a warning to stderr as an OVS log line, where ovn-nbctl logs one. */
  warn(module: string, text: string): void;
}

/** An OVS log line as ovn-nbctl writes to stderr: `TIME|SEQ|MODULE|LEVEL|TEXT`. */
function vlogLine(module: string, level: "WARN" | "ERR", text: string): string {
  return `${new Date().toISOString().replace(/\.\d+Z$/, "Z")}|00001|${module}|${level}|${text}\n`;
}

interface Spec {
  readonly min: number;
  readonly max: number;
  readonly options?: readonly string[];
  run(ctx: Ctx, args: readonly string[], opts: Opts): Promise<Output>;
}

/** Finds the table whose name matches `name` case-insensitively, as OVS tools accept. */
function findTable(name: string): TableSchema {
  const exact = model.schema.tables.get(name);
  if (exact) return exact;
  const matches = [...model.schema.tables.values()].filter((t) => t.name.toLowerCase() === name.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  const near = closest(name, model.schema.tables.keys());
  throw new UsageError(`unknown table "${name}"`, near ? `did you mean the table "${near}"?` : undefined);
}

// ---------------------------------------------------------------- raw rows

type RawRow = Record<string, JsonValue>;

async function rawRows(ctx: Ctx, table: string, where: Condition[] = []): Promise<RawRow[]> {
  const [r] = (await ctx.view.transact(DB, [{ op: "select", table, where }])).results;
  const rows = (r as { rows?: RawRow[] } | undefined)?.rows ?? [];
  return rows;
}

function uuidOf(r: RawRow): string {
  return (r["_uuid"] as readonly [string, string])[1];
}

/** Looks a record up as ovn-nbctl does: by UUID, by `name` (when the table has one), or `.` for NB_Global. */
async function getRecord(ctx: Ctx, t: TableSchema, id: string, mustExist = true): Promise<RawRow | undefined> {
  if (id.startsWith("@")) {
    const s = ctx.symbols.get(id);
    if (!s || s.named) throw new UsageError(`row id "${id}" is not a committed row`);
    id = s.id;
  }
  if (isUuid(id)) {
    const rows = await rawRows(ctx, t.name, [["_uuid", "==", ["uuid", id]]]);
    if (rows[0]) return rows[0];
  }
  let rows: RawRow[] = [];
  if (t.name === "NB_Global" && id === ".") rows = await rawRows(ctx, t.name);
  else if (columnOf(t, "name")?.type.key.type === "string" && columnShape(columnOf(t, "name")!.type) === "scalar") rows = await rawRows(ctx, t.name, [["name", "==", id]]);
  if (rows.length > 1) throw new UsageError(`multiple rows in ${t.name} match "${id}"`);
  if (!rows[0] && mustExist) throw new UsageError(`no row "${id}" in table ${t.name}`);
  return rows[0];
}

// ---------------------------------------------------------------- text notation → JSON

/** How `@name` symbols of this run (`--id=@name`) read in the text notation. */
function textOptions(ctx: Ctx, what: string): TextParseOptions {
  return {
    what,
    symbol: (t) => {
      const s = ctx.symbols.get(t);
      if (!s) throw new UsageError(`row id "${t}" is referenced but never created (e.g. with "-- --id=${t} create ...")`);
      return s.named ? ["named-uuid", s.id] : ["uuid", s.id];
    },
  };
}

function atomFromText(base: BaseType, text: string, ctx: Ctx, what: string): JsonAtom {
  return atomFromOvsText(base, text, textOptions(ctx, what));
}

function valueFromText(type: ColumnType, text: string, ctx: Ctx, what: string): JsonValue {
  return datumFromOvsText(type, text, textOptions(ctx, what));
}

/** Parses `COLUMN[:KEY]` (+ operator and value when `withValue`). */
function parseColumnArg(t: TableSchema, arg: string): { col: ColumnSchema; key: string | undefined; rest: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::("(?:[^"\\]|\\.)*"|[^=!<>{}]*))?(.*)$/s.exec(arg);
  if (!m) throw new UsageError(`"${arg}": bad column argument`);
  const col = columnOf(t, m[1]!);
  if (!col) throw new UsageError(`${t.name} does not contain a column whose name matches "${m[1]}"`);
  let key = m[2];
  if (key !== undefined && key.startsWith('"')) key = JSON.parse(key) as string;
  return { col, key, rest: m[3] ?? "" };
}

// ---------------------------------------------------------------- printing helpers

function cellOf(col: ColumnSchema | undefined, json: JsonValue | undefined): Cell {
  if (json === undefined) return { text: "" };
  return col ? { json, type: col.type } : { json };
}

function printRows(ctx: Ctx, t: TableSchema, rows: RawRow[], columnsOpt: string[] | undefined): string {
  const cols = columnsOpt ?? ["_uuid", ...[...t.columns.keys()].sort()];
  for (const c of cols) if (c !== "_uuid" && c !== "_version" && !columnOf(t, c)) throw new UsageError(`${t.name} does not contain a column whose name matches "${c}"`);
  const uuidType: ColumnType = { key: { type: "uuid" }, min: 1, max: 1 };
  return ctx.printer.format({
    headings: cols,
    rows: rows.map((r) => cols.map((c) => (c === "_uuid" || c === "_version" ? { json: r[c]!, type: uuidType } : cellOf(columnOf(t, c), r[c])))),
  });
}

function textOf(col: ColumnSchema, json: JsonValue): string {
  const d = datumFromJson({ ...col.type, min: 0, max: "unlimited" } as ColumnType, json, { allowNamedUuid: true });
  const type = col.type;
  if (type.max === 1 && !type.value) {
    const atoms = d as Atom[];
    return atoms.length === 0 ? "[]" : atomToText(atoms[0]!, type.key.type);
  }
  return datumToText(type, d);
}

const padStart = (s: string, n: number) => s.padStart(n);

// ---------------------------------------------------------------- generic database commands

function listCols(ctx: Ctx, opts: Opts): string[] | undefined {
  const c = opts.get("--columns");
  if (typeof c === "string") return c.split(",").map((x) => x.trim()).filter(Boolean);
  return ctx.columns;
}

/** How often `wait-until` looks again. */
const WAIT_UNTIL_POLL_MS = 100;

/** `wait-until TABLE RECORD [COLUMN[:KEY]=VALUE]...`. */
const waitUntil: Spec = {
  min: 2,
  max: Infinity,
  // As ovn-nbctl: waits until the record exists and every COLUMN[:KEY]=VALUE holds, for as long as
  // it takes; --timeout (the whole run's alarm) is what bounds it. It stops when the connection does.
  async run(ctx, [table, rec, ...conds]) {
    const t = findTable(table!);
    const tests = conds.map((c) => parseCondition(ctx, t, c));
    for (;;) {
      const row = await getRecord(ctx, t, rec!, false);
      if (row && tests.every((f) => f(row))) return;
      await new Promise((r) => setTimeout(r, WAIT_UNTIL_POLL_MS));
    }
  },
};

/** `rows` of `t` in the order ovn-nbctl's IDL iterates them (rows created since go last, by UUID). */
async function inIdlOrder(ctx: Ctx, t: TableSchema, rows: RawRow[]): Promise<RawRow[]> {
  const byUuid = rows.sort((a, b) => compareAtoms(uuidOf(a), uuidOf(b)));
  const column = [...t.columns.keys()].find((c) => !c.startsWith("_"));
  if (rows.length < 2 || column === undefined) return byUuid;
  const order = (await idlTableOrders(ctx.client, DB, { [t.name]: column })).get(t.name) ?? [];
  return sortByIdlOrder(byUuid, order, uuidOf);
}

const genericCommands: Record<string, Spec> = {
  "wait-until": waitUntil,
  list: {
    min: 1,
    max: Infinity,
    options: ["--if-exists", "--columns"],
    async run(ctx, [table, ...recs], opts) {
      const t = findTable(table!);
      let rows: RawRow[];
      if (recs.length === 0) rows = await inIdlOrder(ctx, t, await rawRows(ctx, t.name));
      else {
        rows = [];
        for (const r of recs) {
          const row = await getRecord(ctx, t, r, !opts.has("--if-exists"));
          if (row) rows.push(row);
        }
      }
      return printRows(ctx, t, rows, listCols(ctx, opts));
    },
  },
  find: {
    min: 1,
    max: Infinity,
    options: ["--columns"],
    async run(ctx, [table, ...conds], opts) {
      const t = findTable(table!);
      const tests = conds.map((c) => parseCondition(ctx, t, c));
      const rows = await inIdlOrder(ctx, t, (await rawRows(ctx, t.name)).filter((r) => tests.every((f) => f(r))));
      return printRows(ctx, t, rows, listCols(ctx, opts));
    },
  },
  get: {
    min: 2,
    max: Infinity,
    options: ["--if-exists", "--id"],
    async run(ctx, [table, rec, ...cols], opts) {
      const t = findTable(table!);
      const row = await getRecord(ctx, t, rec!, !opts.has("--if-exists"));
      if (!row) return "";
      const id = opts.get("--id");
      if (typeof id === "string") ctx.symbols.set(id, { named: false, id: uuidOf(row) });
      let out = "";
      for (const c of cols) {
        if (c === "_uuid") {
          out += uuidOf(row) + "\n";
          continue;
        }
        const { col, key, rest } = parseColumnArg(t, c);
        if (rest !== "") throw new UsageError(`"${c}": trailing garbage`);
        const json = row[col.name]!;
        if (key === undefined) {
          out += textOf(col, json) + "\n";
          continue;
        }
        if (!col.type.value) throw new UsageError(`cannot specify key to get for non-map column ${col.name}`);
        const k = atomFromText(col.type.key, key, ctx, col.name);
        const m = datumFromJson(col.type, json) as Map<Atom, Atom>;
        const kAtom = Array.isArray(k) ? (k as readonly [string, string])[1] : (k as Atom);
        if (!m.has(kAtom)) {
          if (opts.has("--if-exists")) {
            out += "\n";
            continue;
          }
          throw new UsageError(`no key "${key}" in ${t.name} record "${rec}" column ${col.name}`);
        }
        out += atomToText(m.get(kAtom)!, col.type.value.type) + "\n";
      }
      return out;
    },
  },
  set: {
    min: 3,
    max: Infinity,
    options: ["--if-exists"],
    async run(ctx, [table, rec, ...sets], opts) {
      const t = findTable(table!);
      const row = await recordRef(ctx, t, rec!, opts);
      if (!row) return;
      for (const s of sets) {
        const { col, key, rest } = parseColumnArg(t, s);
        if (!rest.startsWith("=")) throw new UsageError(`${s}: argument does not end in "=" followed by a value.`);
        const value = rest.slice(1);
        if (key === undefined) ctx.tx.add({ op: "update", table: t.name, where: [row], row: { [col.name]: valueFromText(col.type, value, ctx, col.name) } });
        else {
          if (!col.type.value) throw new UsageError(`cannot specify key to set for non-map column ${col.name}`);
          const k = atomFromText(col.type.key, key, ctx, col.name);
          const v = atomFromText(col.type.value, value, ctx, col.name);
          ctx.tx.add(
            visibleAtOnce({ op: "mutate", table: t.name, where: [row], mutations: [[col.name, "delete", ["set", [k]]]] }),
            visibleAtOnce({ op: "mutate", table: t.name, where: [row], mutations: [[col.name, "insert", ["map", [[k, v]]]]] }),
          );
        }
      }
    },
  },
  add: {
    min: 4,
    max: Infinity,
    options: ["--if-exists"],
    async run(ctx, [table, rec, column, ...values], opts) {
      const t = findTable(table!);
      const row = await recordRef(ctx, t, rec!, opts);
      if (!row) return;
      const col = columnOf(t, column!);
      if (!col) throw new UsageError(`${t.name} does not contain a column whose name matches "${column}"`);
      const type: ColumnType = { ...col.type, min: 0, max: "unlimited" };
      const parts = values.map((v) => valueFromText(type, v, ctx, col.name));
      const merged: JsonValue = col.type.value
        ? ["map", parts.flatMap((p) => (p as readonly ["map", readonly (readonly [JsonAtom, JsonAtom])[]])[1])]
        : ["set", parts.flatMap((p) => (p as readonly ["set", readonly JsonAtom[]])[1])];
      // "add" never replaces an existing key of a map (as ovs-vsctl): "insert" adds only keys not present.
      ctx.tx.add(visibleAtOnce({ op: "mutate", table: t.name, where: [row], mutations: [[col.name, "insert", merged]] }));
    },
  },
  remove: {
    min: 4,
    max: Infinity,
    options: ["--if-exists"],
    async run(ctx, [table, rec, column, ...values], opts) {
      const t = findTable(table!);
      const row = await recordRef(ctx, t, rec!, opts);
      if (!row) return;
      const col = columnOf(t, column!);
      if (!col) throw new UsageError(`${t.name} does not contain a column whose name matches "${column}"`);
      for (const v of values) {
        let json: JsonValue;
        if (col.type.value) {
          json = topLevelEquals(unbracket(v, "{", "}")) >= 0
            ? valueFromText({ ...col.type, min: 0, max: "unlimited" }, v, ctx, col.name)
            : valueFromText({ key: col.type.key, min: 0, max: "unlimited" }, v, ctx, col.name);
        } else json = valueFromText({ ...col.type, min: 0, max: "unlimited" }, v, ctx, col.name);
        ctx.tx.add(visibleAtOnce({ op: "mutate", table: t.name, where: [row], mutations: [[col.name, "delete", json]] }));
      }
    },
  },
  clear: {
    min: 3,
    max: Infinity,
    options: ["--if-exists"],
    async run(ctx, [table, rec, ...columns], opts) {
      const t = findTable(table!);
      const row = await recordRef(ctx, t, rec!, opts);
      if (!row) return;
      for (const c of columns) {
        const col = columnOf(t, c);
        if (!col) throw new UsageError(`${t.name} does not contain a column whose name matches "${c}"`);
        if (col.type.min > 0) throw new UsageError(`"clear" operation cannot be applied to column ${c} of table ${t.name}, which is not allowed to be empty`);
        ctx.tx.add({ op: "update", table: t.name, where: [row], row: { [col.name]: col.type.value ? ["map", []] : ["set", []] } });
      }
    },
  },
  create: {
    min: 1,
    max: Infinity,
    options: ["--id"],
    async run(ctx, [table, ...sets], opts) {
      const t = findTable(table!);
      const id = opts.get("--id");
      const name = `row${ctx.symbols.size}_${Math.random().toString(36).slice(2, 8)}`;
      if (typeof id === "string") {
        if (!id.startsWith("@")) throw new UsageError(`row id "${id}" does not begin with "@"`);
        ctx.symbols.set(id, { named: true, id: name });
      }
      const row: Record<string, JsonValue> = {};
      const keyed: [ColumnSchema, JsonAtom, JsonAtom][] = [];
      for (const s of sets) {
        const { col, key, rest } = parseColumnArg(t, s);
        if (!rest.startsWith("=")) throw new UsageError(`"${s}": missing "=" in argument`);
        if (key === undefined) row[col.name] = valueFromText(col.type, rest.slice(1), ctx, col.name);
        else {
          if (!col.type.value) throw new UsageError(`cannot specify key to set for non-map column ${col.name}`);
          keyed.push([col, atomFromText(col.type.key, key, ctx, col.name), atomFromText(col.type.value, rest.slice(1), ctx, col.name)]);
        }
      }
      for (const [col, k, v] of keyed) {
        const prev = (row[col.name] as readonly ["map", readonly (readonly [JsonAtom, JsonAtom])[]] | undefined)?.[1] ?? [];
        row[col.name] = ["map", [...prev, [k, v]]];
      }
      ctx.tx.add({ op: "insert", table: t.name, row, "uuid-name": name });
      return (c: CommitResult) => `${c.uuid(name as never)}\n`;
    },
  },
  destroy: {
    min: 1,
    max: Infinity,
    options: ["--if-exists", "--all"],
    async run(ctx, [table, ...recs], opts) {
      const t = findTable(table!);
      if (opts.has("--all")) {
        if (recs.length > 0) throw new UsageError("--all and records argument should not be specified together");
        ctx.tx.add(visibleAtOnce({ op: "delete", table: t.name, where: [] }));
        return;
      }
      // ovn-nbctl only warns (in its log) and does nothing.
      if (recs.length === 0) return void ctx.warn("db_ctl_base", "either --all or records argument should be specified");
      for (const r of recs) {
        const row = await recordRef(ctx, t, r, opts);
        if (row) ctx.tx.add(visibleAtOnce({ op: "delete", table: t.name, where: [row] }));
      }
    },
  },
};

async function recordRef(ctx: Ctx, t: TableSchema, rec: string, opts: Opts): Promise<Condition | undefined> {
  const pending = ctx.tx.pendingRef(t.name as never, rec);
  if (pending !== undefined) return ["_uuid", "==", ["named-uuid", pending]];
  if (rec.startsWith("@")) {
    const s = ctx.symbols.get(rec);
    if (!s) throw new UsageError(`row id "${rec}" is referenced but never created`);
    return ["_uuid", "==", s.named ? ["named-uuid", s.id] : ["uuid", s.id]];
  }
  const row = await getRecord(ctx, t, rec, !opts.has("--if-exists"));
  return row ? ["_uuid", "==", row["_uuid"]!] : undefined;
}

/** A `find` condition `COLUMN[:KEY]OP VALUE` as a row predicate (OPs `=`, `!=`, `<`, `>`, `<=`, `>=`, `{=}`, `{!=}`, `{<}`, `{>}`, `{<=}`, `{>=}`). */
function parseCondition(ctx: Ctx, t: TableSchema, arg: string): (r: RawRow) => boolean {
  const { col, key, rest } = parseColumnArg(t, arg);
  const m = /^(\{!=\}|\{<=\}|\{>=\}|\{=\}|\{<\}|\{>\}|!=|<=|>=|=|<|>)(.*)$/s.exec(rest);
  if (!m) throw new UsageError(`${arg}: argument does not end in "=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}", "{>=}", "{in}", or "{not-in}" followed by a value.`);
  const op = m[1]!;
  const anyType = (type: ColumnType): ColumnType => ({ ...type, min: 0, max: "unlimited" });
  let valueType: ColumnType;
  if (key !== undefined) {
    if (!col.type.value) throw new UsageError(`cannot specify key to check for non-map column ${col.name}`);
    valueType = { key: col.type.value, min: 0, max: "unlimited" };
  } else valueType = anyType(col.type);
  const want = datumFromJson(valueType, valueFromText(valueType, m[2]!, ctx, col.name), { allowNamedUuid: true });
  const kAtom = key !== undefined ? (() => {
    const k = atomFromText(col.type.key, key, ctx, col.name);
    return Array.isArray(k) ? (k as readonly [string, string])[1] : (k as Atom);
  })() : undefined;
  return (r) => {
    let have: Datum = datumFromJson(anyType(col.type), r[col.name]!, { allowNamedUuid: true });
    if (kAtom !== undefined) {
      const mm = have as Map<Atom, Atom>;
      have = mm.has(kAtom) ? [mm.get(kAtom)!] : [];
    }
    const ha = have instanceof Map ? [...have.entries()].map(([a, b]) => `${String(a)}=${String(b)}`) : (have as Atom[]).map(String);
    const wa = want instanceof Map ? [...want.entries()].map(([a, b]) => `${String(a)}=${String(b)}`) : (want as Atom[]).map(String);
    const hs = new Set(ha);
    const ws = new Set(wa);
    const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
    const cmp = () => {
      const h = (have as Atom[])[0];
      const w = (want as Atom[])[0];
      return h === undefined || w === undefined ? NaN : compareAtoms(h, w);
    };
    switch (op) {
      case "=":
      case "{=}":
        return datumEquals(have, want);
      case "!=":
      case "{!=}":
        return !datumEquals(have, want);
      case "<":
        return cmp() < 0;
      case ">":
        return cmp() > 0;
      case "<=":
        return cmp() <= 0;
      case ">=":
        return cmp() >= 0;
      case "{<}":
        return subset(hs, ws) && hs.size < ws.size;
      case "{<=}":
        return subset(hs, ws);
      case "{>}":
        return subset(ws, hs) && hs.size > ws.size;
      case "{>=}":
        return subset(ws, hs);
    }
    return false;
  };
}

// ---------------------------------------------------------------- OVN commands

const byName = <T extends { name: string; _uuid: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : 1);

async function named<N extends "Logical_Switch" | "Logical_Switch_Port" | "Logical_Router" | "Logical_Router_Port" | "Load_Balancer" | "Port_Group" | "HA_Chassis_Group">(
  ctx: Ctx,
  table: N,
  id: string,
  kind: ConstructorParameters<typeof OvnNotFoundError>[0],
): Promise<Row<N>> {
  if (isUuid(id)) {
    const r = (await ctx.reader.find(table, { _uuid: id } as never)).filter((x) => !ctx.gone.has(x._uuid));
    if (r[0]) return r[0];
  }
  const rows = (await ctx.reader.find(table, { name: id } as never)).filter((x) => !ctx.gone.has(x._uuid));
  if (rows.length > 1) throw new UsageError(`${id}: multiple rows with this name in ${table}`);
  if (!rows[0]) throw new OvnNotFoundError(kind, id);
  return rows[0];
}

/** Refuses an IP that another port of the same switch already has in its addresses, as ovn-nbctl lsp-set-addresses does. */
async function checkDuplicateIps(ctx: Ctx, port: string, addrs: readonly string[]): Promise<void> {
  const mine = addrs.flatMap((a) => a.trim().split(/\s+/).slice(1)).map((w) => w.split("/")[0]!).filter((w) => ipFamily(w) !== undefined);
  if (mine.length === 0 || ctx.tx.pendingRef("Logical_Switch_Port", port)) return;
  const p = await named(ctx, "Logical_Switch_Port", port, "logical switch port");
  const ls = (await ctx.reader.find("Logical_Switch", [["ports", "includes", [p._uuid]]]))[0];
  if (!ls) return;
  const ids = new Set<string>(ls.ports);
  const others = (await ctx.reader.find("Logical_Switch_Port")).filter((o) => ids.has(o._uuid) && o._uuid !== p._uuid);
  for (const o of others) {
    const theirs = new Set([...o.addresses, ...(o.dynamic_addresses !== undefined ? [o.dynamic_addresses] : [])].flatMap((a) => a.trim().split(/\s+/).slice(1)).map((w) => w.split("/")[0]!));
    for (const ip of mine) {
      if (theirs.has(ip)) throw new UsageError(`Error on switch ${ls.name}: duplicate IPv${ipFamily(ip)} address '${ip}' found on logical switch port '${o.name}'`);
    }
  }
}

function keyValues(args: readonly string[], what: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq < 0) throw new UsageError(`${a}: ${what} must be KEY=VALUE`);
    o[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return o;
}

function aclLine(a: Row<"ACL"> | Row<"QoS">, tail: string): string {
  return `${padStart(a.direction, 10)} ${padStart(String(a.priority), 5)} (${a.match}) ${tail}\n`;
}

function aclSort<T extends { direction: string; priority: number; match: string; options?: ReadonlyMap<string, string> }>(a: T, b: T): number {
  if (a.direction !== b.direction) return a.direction === "from-lport" ? -1 : 1;
  const afterLb = (x: T) => (x.options?.get("apply-after-lb") === "true" ? 1 : 0);
  if (afterLb(a) !== afterLb(b)) return afterLb(a) - afterLb(b);
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.match < b.match ? -1 : a.match > b.match ? 1 : 0;
}

function aclTarget(ctx: Ctx, entity: string, opts: Opts): Promise<{ switch: string } | { portGroup: string }> {
  const type = opts.get("--type");
  if (type === "switch") return Promise.resolve({ switch: entity });
  if (type === "port-group") return Promise.resolve({ portGroup: entity });
  if (type !== undefined) throw new UsageError(`Invalid value '${String(type)}' for option --type`);
  return (async () => {
    const ls = ctx.tx.pendingRef("Logical_Switch", entity) ? [entity] : await ctx.reader.find("Logical_Switch", { name: entity });
    const pg = ctx.tx.pendingRef("Port_Group", entity) ? [entity] : await ctx.reader.find("Port_Group", { name: entity });
    if (ls.length > 0 && pg.length > 0) throw new UsageError(`Same name '${entity}' exists in both port-groups and logical switches. Specify --type=port-group or switch, or use a UUID.`);
    if (pg.length > 0) return { portGroup: entity };
    if (ls.length === 0 && !isUuid(entity)) throw new UsageError(`'${entity}' is not found for port-group or switch.`);
    return { switch: entity };
  })();
}

function lbTable(lbs: readonly Row<"Load_Balancer">[]): string {
  if (lbs.length === 0) return "";
  const vw = Math.max(...lbs.flatMap((l) => [...l.vips.keys()].map((v) => v.length)), 3) + 4;
  let out = `${"UUID".padEnd(40)}${"LB".padEnd(20)}${"PROTO".padEnd(11)}${"VIP".padEnd(vw)}IPs\n`;
  for (const lb of [...lbs].sort(byName)) {
    const vips = [...lb.vips.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (vips.length === 0) {
      out += `${lb._uuid.padEnd(40)}${lb.name.slice(0, 19).padEnd(20)}\n`;
      continue;
    }
    vips.forEach(([vip, ips], i) => {
      const hasPort = /^\[.*\]:\d+$/.test(vip) || /^[^:]+:\d+$/.test(vip);
      const proto = hasPort ? (lb.protocol ?? "tcp") : "";
      const head = i === 0 ? `${lb._uuid.padEnd(40)}${lb.name.slice(0, 19).padEnd(20)}` : " ".repeat(60);
      out += `${head}${proto.padEnd(11)}${vip.padEnd(vw)}${ips}\n`;
    });
  }
  return out;
}

function prefixKey(p: string): { fam: number; len: number; addr: bigint } {
  try {
    const pr = parsePrefix(p);
    const addr = pr.family === 4 ? BigInt(pr.network.split(".").reduce((a, b) => a * 256 + Number(b), 0)) : 0n;
    return { fam: pr.family, len: pr.length, addr };
  } catch {
    return { fam: 4, len: 0, addr: 0n };
  }
}

function routeList(routes: Row<"Logical_Router_Static_Route">[]): string {
  const sections: string[] = [];
  for (const fam of [4, 6]) {
    const mine = routes.filter((r) => prefixKey(r.ip_prefix).fam === fam);
    if (mine.length === 0) continue;
    const blocks: string[] = [];
    const tables = [...new Set(mine.map((r) => r.route_table))].sort(compareUtf8);
    for (const table of tables) {
      let s = `Route Table ${table === "" ? "<main>" : table}:\n`;
      const rs = mine
        .filter((r) => r.route_table === table)
        .sort((a, b) => {
          const ka = prefixKey(a.ip_prefix);
          const kb = prefixKey(b.ip_prefix);
          if (ka.len !== kb.len) return kb.len - ka.len;
          if (ka.addr !== kb.addr) return ka.addr < kb.addr ? -1 : 1;
          if (a.ip_prefix !== b.ip_prefix) return a.ip_prefix < b.ip_prefix ? -1 : 1;
          const pa = a.policy ?? "dst-ip";
          const pb = b.policy ?? "dst-ip";
          if (pa !== pb) return pa < pb ? -1 : 1;
          return a.nexthop < b.nexthop ? -1 : a.nexthop > b.nexthop ? 1 : 0;
        });
      rs.forEach((r, i) => {
        const same = (o: Row<"Logical_Router_Static_Route"> | undefined) => o !== undefined && o.ip_prefix === r.ip_prefix && (o.policy ?? "dst-ip") === (r.policy ?? "dst-ip");
        const ecmp = same(rs[i - 1]) || same(rs[i + 1]);
        let line = `${padStart(r.ip_prefix, 25)} ${padStart(r.nexthop, 25)} ${r.policy ?? "dst-ip"}`;
        if (r.output_port !== undefined) line += ` ${r.output_port}`;
        if (r.external_ids.has("ic-learned-route")) line += " (learned)";
        if (ecmp) line += " ecmp";
        if (r.options.get("ecmp_symmetric_reply") === "true") line += " ecmp-symmetric-reply";
        if (r.bfd !== undefined) line += " bfd";
        s += line + "\n";
      });
      blocks.push(s);
    }
    // Route tables are separated by an empty line, as are the two families.
    sections.push(`IPv${fam} Routes\n${blocks.join("\n")}`);
  }
  return sections.join("\n");
}

async function routerChildren<N extends "Logical_Router_Static_Route" | "Logical_Router_Policy" | "NAT">(ctx: Ctx, ids: readonly string[], table: N): Promise<Row<N>[]> {
  if (ids.length === 0) return [];
  const set = new Set(ids);
  return (await ctx.reader.find(table)).filter((r) => set.has(r._uuid));
}

function natList(nats: Row<"NAT">[], ports: ReadonlyMap<string, string>): string {
  if (nats.length === 0) return "";
  let out = "TYPE             GATEWAY_PORT          EXTERNAL_IP        EXTERNAL_PORT    LOGICAL_IP          EXTERNAL_MAC         LOGICAL_PORT\n";
  // As ovn-nbctl: the lines are sorted by their text up to the logical IP (its columns are the sort key).
  const lines = nats.map((n) => {
    const gw = n.gateway_port !== undefined ? (ports.get(n.gateway_port) ?? "") : "";
    const key = `${n.type.padEnd(17)}${gw.padEnd(22)}${n.external_ip.padEnd(19)}${n.external_port_range.padEnd(17)}${n.logical_ip.padEnd(20)}`;
    const tail = n.external_mac !== undefined && n.logical_port !== undefined ? `${n.external_mac.padEnd(21)}${n.logical_port}` : "";
    return { key, line: (key + tail).replace(/ +$/, "") };
  });
  lines.sort((a, b) => compareUtf8(a.key, b.key));
  return out + lines.map((l) => `${l.line}\n`).join("");
}

const flag = (opts: Opts, name: string) => opts.has(name);

/** `KEY=VALUE` lines in the iteration order of an OVS smap filled from the (sorted) column, as ovn-nbctl prints them. */
function smapLines(m: ReadonlyMap<string, string>): string {
  return shashOrder([...m.keys()].sort(compareUtf8)).map((k) => `${k}=${m.get(k)}\n`).join("");
}

/** How ovn-nbctl names object kinds in its "already exists" and "not found" messages. */
const NBCTL_NOUN: Partial<Record<string, string>> = {
  "logical switch": "switch",
  "logical switch port": "port",
  "logical router": "router",
  "logical router port": "port",
  "load balancer": "load balancer",
  "port group": "port group",
  "address set": "address set",
};

/**
 * The message ovn-nbctl prints for the same failure, so scripts that match its stderr keep
 * working: `NAME: a switch with this name already exists`, `NAME: switch name not found`. Other
 * errors keep the API's own (more detailed) message.
 */
function nbctlMessage(e: Error): string {
  if (e instanceof OvnAlreadyExistsError) {
    const noun = NBCTL_NOUN[e.kind];
    if (noun) return `${e.object}: a ${noun} with this name already exists`;
    // (ovn-nbctl says "ls" for port groups too.)
    if (e.kind === "ACL" && e.container) return `Same ACL already existed on the ls ${e.container.name}.`;
    if (e.kind === "routing policy" && e.container) return `Same routing policy already existed on the logical router ${e.container.name}.`;
    if (e.kind === "meter") return `meter with name "${e.object}" already exists`;
    if (e.kind === "QoS rule" && e.container) return `Same qos already existed on the ls ${e.container.name}.`;
    if (e.kind === "load balancer VIP" && e.container) return `${e.container.name}: a load balancer with this vip (${e.object}) already exists`;
  }
  if (e instanceof OvnConflictError && (e.kind === "logical router port" || e.kind === "logical switch port")) {
    const c = e.conflict;
    if (c.kind === "container") return `${c.name}: port already exists but in ${c.field} ${c.existing ?? "(none)"}`;
    if (c.kind === "setting" && c.field === "mac") return `${c.name}: port already exists with mac ${c.existing ?? ""}`;
    if (c.kind === "setting" && c.field === "peer") return `${c.name}: port already exists with mismatching peer`;
    if (c.kind === "setting" && c.field === "tag_request") return `${c.name}: port already exists with different tag_request ${c.existing ?? "(none)"}`;
  }
  if (e instanceof OvnNotFoundError) {
    if (e.kind === "HA chassis group") return `${e.object}: ha_chassi_group name not found`;
    if (e.kind === "mirror") return `${e.object}: mirror name not found`;
    const noun = NBCTL_NOUN[e.kind];
    if (noun) return `${e.object}: ${noun} ${isUuid(e.object) ? "UUID" : "name"} not found`;
  }
  return e.message;
}

/** `lsp-set-dhcpv4-options`/`lsp-get-dhcpv4-options` and their v6 twins. */
function dhcpOptionsCommands(v: "v4" | "v6"): Record<string, Spec> {
  const column = v === "v4" ? "dhcpv4_options" : "dhcpv6_options";
  const option = v === "v4" ? "dhcpv4Options" : "dhcpv6Options";
  return {
    [`lsp-set-dhcp${v}-options`]: {
      min: 1,
      max: 2,
      async run(ctx, [p, id]) {
        if (id !== undefined && (!isUuid(id) || (await ctx.reader.ids("DHCP_Options", { _uuid: id as never })).length === 0)) throw new UsageError(`${id}: dhcp options UUID not found`);
        await ctx.tx.lspSet(p!, { [option]: id === undefined ? null : (id as never) });
      },
    },
    [`lsp-get-dhcp${v}-options`]: {
      min: 1,
      max: 1,
      async run(ctx, [p]) {
        const port = await named(ctx, "Logical_Switch_Port", p!, "logical switch port");
        const ref = port[column];
        if (ref === undefined) return "";
        const d = (await ctx.reader.find("DHCP_Options", { _uuid: ref }))[0];
        return d ? `${d._uuid} (${d.cidr})\n` : "";
      },
    },
  };
}

// ---------------------------------------------------------------- ovn-nbctl's argument checks

/** `P: priority must in range 0...32767` (sic), as ovn-nbctl says for every priority argument. */
function priorityArg(p: string): number {
  if (!/^\d+$/.test(p) || Number(p) > 32767) throw new UsageError(`${p}: priority must in range 0...32767`);
  return Number(p);
}

/** The family of an address or `ADDR/LEN` prefix, `undefined` when it is neither. */
function prefixFamily(s: string): 4 | 6 | undefined {
  try {
    return parsePrefix(s).family;
  } catch {
    return undefined;
  }
}

/** The family of a plain address (no `/LEN`). */
const addrFamily = (s: string): 4 | 6 | undefined => (s.includes("/") ? undefined : ipFamily(s));

/** A MAC as ovn-nbctl scans it: six colon-separated hex bytes at the start of the text (what follows is not checked). */
const macScan = (s: string) => /^\s*[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}/.test(s);

/** ovn-nbctl's check of one `lsp-set-addresses` entry: only the MAC (or the `dynamic IP` form) is parsed. */
function lspAddressOk(entry: string): boolean {
  if (entry === "dynamic" || entry === "unknown" || entry === "router") return true;
  if (entry.startsWith("dynamic ")) {
    const ip = entry.slice(8).trim().split(/\s+/)[0] ?? "";
    return /^\d+\.\d+\.\d+\.\d+/.test(ip) || addrFamily(ip) === 6;
  }
  return macScan(entry);
}

/** A switch port, router port or other named row by name, pending rows of the run included; `NAME: port name not found` otherwise. */
async function portArg(ctx: Ctx, table: "Logical_Switch_Port" | "Logical_Router_Port", name: string): Promise<string> {
  const pending = ctx.tx.pendingRef(table, name);
  if (pending !== undefined) return pending;
  const [row] = (await ctx.reader.find(table, isUuid(name) ? ({ _uuid: name } as never) : ({ name } as never))).filter((x) => !ctx.gone.has(x._uuid));
  if (!row) throw new UsageError(`${name}: port name not found`);
  return row._uuid;
}

/** Splits `IP`, `IP:PORT` or `[IPv6]:PORT` as ovn-nbctl's load balancer arguments; `undefined` when malformed. */
function lbEndpoint(s: string): { ip: string; family: 4 | 6; port: boolean } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const ip = m ? m[1]! : s;
  const family = addrFamily(ip);
  if (family === undefined || (m && (Number(m[2]) < 1 || Number(m[2]) > 65535))) return undefined;
  return { ip, family, port: m !== null };
}

/** ovn-nbctl's checks of `lb-add VIP IPS`, with its messages. */
function checkLbArgs(vip: string, ips: string): void {
  const v = lbEndpoint(vip);
  if (!v) throw new UsageError(`${vip}: should be an IP address (or an IP address and a port number with : as a separator).`);
  for (const ip of ips.split(",").filter(Boolean)) {
    const b = lbEndpoint(ip);
    if (v.port && !b?.port) throw new UsageError(`${ip}: should be an IP address and a port number with : as a separator.`);
    if (!v.port && (!b || b.port)) throw new UsageError(`${ip}: should be an IP address.`);
    if (b && b.family !== v.family) throw new UsageError(`${ip}: IP address family is different from VIP ${v.ip}.`);
  }
}

/** `ls-lb-add`/`ls-lb-del` and their `lr-` twins, with ovn-nbctl's checks and messages. */
function lbAttachCommands(prefix: "ls" | "lr", table: "Logical_Switch" | "Logical_Router", kind: "logical switch" | "logical router"): Record<string, Spec> {
  const T = model.table(table);
  return {
    [`${prefix}-lb-add`]: {
      min: 2,
      max: 2,
      options: ["--may-exist"],
      async run(ctx, [c, l], opts) {
        const row = await named(ctx, table, c!, kind);
        const lb = await named(ctx, "Load_Balancer", l!, "load balancer");
        if (row.load_balancer.includes(lb._uuid as never)) {
          if (flag(opts, "--may-exist")) return;
          throw new UsageError(`${lb._uuid} : a load balancer with this UUID already exists`);
        }
        ctx.tx.add(T.mutate({ _uuid: row._uuid as never }, [["load_balancer", "insert", [lb._uuid as never]]]));
      },
    },
    [`${prefix}-lb-del`]: {
      min: 1,
      max: 2,
      options: ["--if-exists"],
      async run(ctx, [c, l], opts) {
        const row = await named(ctx, table, c!, kind);
        if (l === undefined) return void ctx.tx.add(T.update({ _uuid: row._uuid as never }, { load_balancer: [] }));
        const lb = await named(ctx, "Load_Balancer", l, "load balancer");
        if (!row.load_balancer.includes(lb._uuid as never)) {
          if (flag(opts, "--if-exists")) return;
          throw new UsageError(`load balancer ${l} is not part of any ${kind}.`);
        }
        ctx.tx.add(T.mutate({ _uuid: row._uuid as never }, [["load_balancer", "delete", [lb._uuid as never]]]));
      },
    },
  };
}

/** `lsp-del` / `lrp-del`: later commands of the run no longer find the port by name (see {@link Ctx.gone}). */
async function portDel(ctx: Ctx, table: "Logical_Switch_Port" | "Logical_Router_Port", name: string, ifExists: boolean): Promise<void> {
  const kind = table === "Logical_Switch_Port" ? "logical switch port" : "logical router port";
  const row = await named(ctx, table, name, kind).catch((e: unknown) => {
    if (ifExists && e instanceof OvnNotFoundError) return undefined;
    throw e;
  });
  if (!row) return;
  if (table === "Logical_Switch_Port") await ctx.tx.lspDel(name);
  else await ctx.tx.lrpDel(name);
  ctx.gone.add(row._uuid);
}

const ovnCommands: Record<string, Spec> = {
  init: { min: 0, max: 0, run: async () => undefined },
  sync: { min: 0, max: 0, run: async () => undefined },
  show: { min: 0, max: 1, run: (ctx, [which]) => renderShow(ctx.reader, which, { client: ctx.client }) },

  "ls-add": {
    min: 0,
    max: 1,
    options: ["--may-exist", "--add-duplicate"],
    async run(ctx, [name], opts) {
      if (name === undefined || flag(opts, "--add-duplicate")) {
        ctx.tx.add(model.table("Logical_Switch").insert({ name: name ?? "" }));
        return;
      }
      await ctx.tx.lsAdd(name, { mayExist: flag(opts, "--may-exist") });
    },
  },
  "ls-del": { min: 1, max: 1, options: ["--if-exists"], run: async (ctx, [n], o) => void (await ctx.tx.lsDel(n!, { ifExists: flag(o, "--if-exists") })) },
  "ls-list": {
    min: 0,
    max: 0,
    run: async (ctx) => [...(await ctx.reader.find("Logical_Switch"))].sort(byName).map((s) => `${s._uuid} (${s.name})\n`).join(""),
  },
  "lsp-add": {
    min: 2,
    max: 4,
    options: ["--may-exist"],
    async run(ctx, [sw, port, parent, tag], opts) {
      if (parent !== undefined && tag === undefined) throw new UsageError("lsp-add with parent must also specify a tag");
      let t: number | undefined;
      if (tag !== undefined) {
        if (!/^\d+$/.test(tag) || Number(tag) > 4095) throw new UsageError(`${tag}: invalid tag (must be in range 0 to 4095)`);
        t = Number(tag);
      }
      await ctx.tx.lspAdd(sw!, port!, { mayExist: flag(opts, "--may-exist"), ...(parent !== undefined ? { parent } : {}), ...(t !== undefined ? { tag: t } : {}) }).catch((e: unknown) => {
        // ovn-nbctl's three wordings of a parent mismatch.
        if (!(e instanceof OvnConflictError && e.conflict.kind === "setting" && e.conflict.field === "parent_name")) throw e;
        const had = e.conflict.existing;
        throw new UsageError(parent === undefined ? `${port}: port already exists but has parent ${had}` : had === undefined ? `${port}: port already exists but has no parent` : `${port}: port already exists with different parent ${had}`);
      });
    },
  },
  "lsp-del": { min: 1, max: 1, options: ["--if-exists"], run: (ctx, [n], o) => portDel(ctx, "Logical_Switch_Port", n!, flag(o, "--if-exists")) },
  "lsp-list": {
    min: 1,
    max: 1,
    async run(ctx, [sw]) {
      const ls = await named(ctx, "Logical_Switch", sw!, "logical switch");
      const ids = new Set<string>(ls.ports);
      return (await ctx.reader.find("Logical_Switch_Port")).filter((p) => ids.has(p._uuid)).sort(byName).map((p) => `${p._uuid} (${p.name})\n`).join("");
    },
  },
  "lsp-get-ls": {
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const port = await named(ctx, "Logical_Switch_Port", p!, "logical switch port");
      const ls = await ctx.reader.find("Logical_Switch", [["ports", "includes", [port._uuid]]]);
      return ls.map((s) => `${s._uuid} (${s.name})\n`).join("");
    },
  },
  "lsp-set-addresses": {
    min: 1,
    max: Infinity,
    async run(ctx, [p, ...addrs]) {
      const ref = await portArg(ctx, "Logical_Switch_Port", p!).catch(() => {
        throw new OvnNotFoundError("logical switch port", p!);
      });
      for (const a of addrs) {
        if (!lspAddressOk(a)) throw new UsageError(`${a}: Invalid address format. See ovn-nb(5). Hint: An Ethernet address must be listed before an IP address, together as a single argument.`);
      }
      await checkDuplicateIps(ctx, p!, addrs);
      ctx.tx.add(model.table("Logical_Switch_Port").update({ _uuid: ref as never }, { addresses: addrs }));
    },
  },
  "lsp-get-addresses": { min: 1, max: 1, run: async (ctx, [p]) => (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).addresses.map((a) => `${a}\n`).join("") },
  "lsp-set-port-security": { min: 1, max: Infinity, run: async (ctx, [p, ...a]) => void (await ctx.tx.lspSet(p!, { portSecurity: a })) },
  "lsp-get-port-security": { min: 1, max: 1, run: async (ctx, [p]) => (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).port_security.map((a) => `${a}\n`).join("") },
  "lsp-get-up": {
    min: 1,
    max: 1,
    run: async (ctx, [p]) => ((await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).up === true ? "up\n" : "down\n"),
  },
  "lsp-set-enabled": {
    min: 2,
    max: 2,
    async run(ctx, [p, state]) {
      if (state !== "enabled" && state !== "disabled") throw new UsageError(`${state}: state must be \"enabled\" or \"disabled\"`);
      await ctx.tx.lspSet(p!, { enabled: state === "enabled" });
    },
  },
  "lsp-get-enabled": {
    min: 1,
    max: 1,
    run: async (ctx, [p]) => ((await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).enabled === false ? "disabled\n" : "enabled\n"),
  },
  "lsp-set-type": { min: 2, max: 2, run: async (ctx, [p, type]) => void (await ctx.tx.lspSet(p!, { type: type! })) },
  "lsp-get-type": { min: 1, max: 1, run: async (ctx, [p]) => `${(await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).type}\n` },
  "lsp-set-options": { min: 1, max: Infinity, run: async (ctx, [p, ...kv]) => void (await ctx.tx.lspSet(p!, { options: keyValues(kv.filter((a) => a.includes("=")), "option") })) },
  "lsp-get-options": {
    min: 1,
    max: 1,
    run: async (ctx, [p]) => smapLines((await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).options),
  },
  "lsp-get-parent": {
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const parent = (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).parent_name;
      return parent === undefined ? "" : `${parent}\n`;
    },
  },
  "lsp-get-tag": {
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const t = (await named(ctx, "Logical_Switch_Port", p!, "logical switch port")).tag;
      return t === undefined ? "" : `${t}\n`;
    },
  },
  ...dhcpOptionsCommands("v4"),
  ...dhcpOptionsCommands("v6"),
  "dhcp-options-create": {
    min: 1,
    max: Infinity,
    async run(ctx, [cidr, ...kv]) {
      if (prefixFamily(cidr!) === undefined) throw new UsageError(`Invalid cidr format '${cidr}'`);
      ctx.tx.add(model.table("DHCP_Options").insert({ cidr: cidr!, external_ids: keyValues(kv.filter((a) => a.includes("=")), "external id") }));
    },
  },
  "dhcp-options-del": {
    min: 1,
    max: 1,
    async run(ctx, [id]) {
      if (!isUuid(id!) || (await ctx.reader.ids("DHCP_Options", { _uuid: id as never })).length === 0) throw new UsageError(`${id}: dhcp options UUID not found`);
      ctx.tx.add(model.table("DHCP_Options").delete({ _uuid: id as never }));
    },
  },
  "dhcp-options-list": {
    min: 0,
    max: 0,
    run: async (ctx) => [...(await ctx.reader.ids("DHCP_Options"))].sort().map((u) => `${u}\n`).join(""),
  },
  "dhcp-options-set-options": {
    min: 1,
    max: Infinity,
    async run(ctx, [id, ...kv]) {
      if (!isUuid(id!) || (await ctx.reader.ids("DHCP_Options", { _uuid: id as never })).length === 0) throw new UsageError(`${id}: dhcp options UUID not found`);
      ctx.tx.add(model.table("DHCP_Options").update({ _uuid: id as never }, { options: keyValues(kv, "option") }));
    },
  },
  "dhcp-options-get-options": {
    min: 1,
    max: 1,
    async run(ctx, [id]) {
      const d = isUuid(id!) ? (await ctx.reader.find("DHCP_Options", { _uuid: id as never }))[0] : undefined;
      if (!d) throw new UsageError(`${id}: dhcp options UUID not found`);
      return smapLines(d.options);
    },
  },
  "lr-add": {
    min: 0,
    max: 1,
    options: ["--may-exist", "--add-duplicate"],
    async run(ctx, [name], opts) {
      if (name === undefined || flag(opts, "--add-duplicate")) {
        ctx.tx.add(model.table("Logical_Router").insert({ name: name ?? "" }));
        return;
      }
      await ctx.tx.lrAdd(name, { mayExist: flag(opts, "--may-exist") });
    },
  },
  "lr-del": { min: 1, max: 1, options: ["--if-exists"], run: async (ctx, [n], o) => void (await ctx.tx.lrDel(n!, { ifExists: flag(o, "--if-exists") })) },
  "lr-list": { min: 0, max: 0, run: async (ctx) => [...(await ctx.reader.find("Logical_Router"))].sort(byName).map((s) => `${s._uuid} (${s.name})\n`).join("") },
  "lrp-add": {
    min: 4,
    max: Infinity,
    options: ["--may-exist"],
    async run(ctx, [router, port, mac, ...rest], opts) {
      const networks = rest.filter((a) => !a.includes("="));
      if (!macScan(mac!)) throw new UsageError(`${port}: invalid mac address ${mac}`);
      for (const n of networks) if (prefixFamily(n) === undefined) throw new UsageError(`${port}: invalid network address: ${n}`);
      const kv = keyValues(rest.filter((a) => a.includes("=")), "option");
      const peer = kv["peer"];
      delete kv["peer"];
      await ctx.tx
        .lrpAdd(router!, port!, mac!, networks, { mayExist: flag(opts, "--may-exist"), ...(peer !== undefined ? { peer } : {}), ...(Object.keys(kv).length ? { options: kv } : {}) })
        .catch(keepExisting((f) => f.startsWith("options:")));
    },
  },
  "lrp-del": { min: 1, max: 1, options: ["--if-exists"], run: (ctx, [n], o) => portDel(ctx, "Logical_Router_Port", n!, flag(o, "--if-exists")) },
  "lrp-list": {
    min: 1,
    max: 1,
    async run(ctx, [r]) {
      const lr = await named(ctx, "Logical_Router", r!, "logical router");
      const ids = new Set<string>(lr.ports);
      return (await ctx.reader.find("Logical_Router_Port")).filter((p) => ids.has(p._uuid)).sort(byName).map((p) => `${p._uuid} (${p.name})\n`).join("");
    },
  },
  "lrp-set-enabled": {
    min: 2,
    max: 2,
    async run(ctx, [p, state]) {
      if (state !== "enabled" && state !== "disabled") throw new UsageError(`${state}: state must be \"enabled\" or \"disabled\"`);
      const port = await named(ctx, "Logical_Router_Port", p!, "logical router port");
      ctx.tx.add(model.table("Logical_Router_Port").update({ _uuid: port._uuid }, { enabled: state === "enabled" }));
    },
  },
  "lrp-get-enabled": {
    min: 1,
    max: 1,
    run: async (ctx, [p]) => ((await named(ctx, "Logical_Router_Port", p!, "logical router port")).enabled === false ? "disabled\n" : "enabled\n"),
  },
  "lrp-set-options": {
    min: 1,
    max: Infinity,
    async run(ctx, [p, ...kv]) {
      const ref = await portArg(ctx, "Logical_Router_Port", p!);
      // As ovn-nbctl: the options are replaced; arguments without "=" are skipped.
      ctx.tx.add(model.table("Logical_Router_Port").update({ _uuid: ref as never }, { options: keyValues(kv.filter((a) => a.includes("=")), "option") }));
    },
  },
  "lrp-set-redirect-type": {
    min: 2,
    max: 2,
    async run(ctx, [p, type]) {
      const ref = await portArg(ctx, "Logical_Router_Port", p!);
      if (!/^(overlay|bridged)$/i.test(type!)) throw new UsageError(`Invalid redirect type: ${type}`);
      const LRP = model.table("Logical_Router_Port");
      ctx.tx.add(LRP.mutate({ _uuid: ref as never }, [["options", "delete", ["redirect-type"]]]), LRP.mutate({ _uuid: ref as never }, [["options", "insert", { "redirect-type": type! }]]));
    },
  },
  "lrp-get-redirect-type": {
    min: 1,
    max: 1,
    run: async (ctx, [p]) => `${(await named(ctx, "Logical_Router_Port", p!, "logical router port")).options.get("redirect-type") ?? "overlay"}\n`,
  },
  "static-mac-binding-add": {
    min: 3,
    max: 3,
    options: ["--may-exist"],
    async run(ctx, [port, ip, mac], opts) {
      if (addrFamily(ip!) === undefined) throw new UsageError(`${ip}: Not a valid IPv4 or IPv6 address.`);
      if (!macScan(mac!)) throw new UsageError(`invalid mac address ${mac}.`);
      await portArg(ctx, "Logical_Router_Port", port!);
      await ctx.tx
        .staticMacBindingAdd(port!, ip!, mac!, { mayExist: flag(opts, "--may-exist") })
        .catch(updateExisting(ctx, (uuid) => [model.table("Static_MAC_Binding").update({ _uuid: uuid as never }, { mac: mac! })]))
        .catch((e: unknown) => {
          if (e instanceof OvnAlreadyExistsError) throw new UsageError(`${port}, ${ip}: a Static_MAC_Binding with this logical_port and ip already exists`);
          throw e;
        });
    },
  },
  "static-mac-binding-del": {
    min: 2,
    max: 2,
    options: ["--if-exists"],
    async run(ctx, [port, ip], opts) {
      if (addrFamily(ip!) === undefined) throw new UsageError(`${ip}: Not a valid IPv4 or IPv6 address.`);
      const ids = await ctx.reader.ids("Static_MAC_Binding", { logical_port: port!, ip: ip! });
      if (ids.length === 0 && !flag(opts, "--if-exists")) throw new UsageError(`no matching Static_MAC_Binding with port ${port} and ip ${ip}`);
      for (const id of ids) ctx.tx.add(model.table("Static_MAC_Binding").delete({ _uuid: id }));
    },
  },
  "static-mac-binding-list": {
    min: 0,
    max: 0,
    async run(ctx) {
      const rows = [...(await ctx.reader.find("Static_MAC_Binding"))].sort((a, b) => compareUtf8(a.logical_port, b.logical_port) || compareUtf8(a.ip, b.ip));
      if (rows.length === 0) return "";
      return `${"LOGICAL_PORT".padEnd(25)}${"IP".padEnd(25)}MAC\n` + rows.map((r) => `${r.logical_port.padEnd(25)}${r.ip.padEnd(25)}${r.mac}\n`).join("");
    },
  },
  "get-connection": {
    min: 0,
    max: 0,
    async run(ctx) {
      const ids = new Set<string>((await ctx.reader.find("NB_Global"))[0]?.connections ?? []);
      const targets = (await ctx.reader.find("Connection")).filter((c) => ids.has(c._uuid)).map((c) => c.target);
      return targets.sort(compareUtf8).map((t) => `${t}\n`).join("");
    },
  },
  "del-connection": { min: 0, max: 0, run: async (ctx) => void ctx.tx.add(model.table("NB_Global").update([], { connections: [] })) },
  "set-connection": {
    min: 1,
    max: Infinity,
    options: ["--inactivity-probe"],
    async run(ctx, targets, opts) {
      const probe = opts.get("--inactivity-probe");
      const C = model.table("Connection");
      const refs = targets.map((target) => {
        const ins = C.insert({ target, ...(typeof probe === "string" ? { inactivity_probe: Number(probe) } : {}) });
        ctx.tx.add(ins);
        return ins.ref;
      });
      ctx.tx.add(model.table("NB_Global").update([], { connections: refs }));
    },
  },
  "get-ssl": {
    min: 0,
    max: 0,
    async run(ctx) {
      const ref = (await ctx.reader.find("NB_Global"))[0]?.ssl;
      const ssl = ref === undefined ? undefined : (await ctx.reader.find("SSL", { _uuid: ref }))[0];
      if (!ssl) return "";
      return `Private key: ${ssl.private_key}\nCertificate: ${ssl.certificate}\nCA Certificate: ${ssl.ca_cert}\nBootstrap: ${ssl.bootstrap_ca_cert}\n`;
    },
  },
  "del-ssl": { min: 0, max: 0, run: async (ctx) => void ctx.tx.add(model.table("NB_Global").update([], { ssl: [] as never })) },
  "set-ssl": {
    min: 3,
    max: 5,
    options: ["--bootstrap"],
    async run(ctx, [key, cert, ca, protocols, ciphers], opts) {
      const ins = model.table("SSL").insert({
        private_key: key!,
        certificate: cert!,
        ca_cert: ca!,
        bootstrap_ca_cert: flag(opts, "--bootstrap"),
        ...(protocols !== undefined ? { ssl_protocols: protocols } : {}),
        ...(ciphers !== undefined ? { ssl_ciphers: ciphers } : {}),
      });
      ctx.tx.add(ins, model.table("NB_Global").update([], { ssl: ins.ref }));
    },
  },
  "lrp-set-gateway-chassis": {
    min: 2,
    max: 3,
    async run(ctx, [p, chassis, prio]) {
      await ctx.tx.lrpSetGatewayChassis(p!, chassis!, prio === undefined ? 0 : priorityArg(prio));
    },
  },
  "lrp-del-gateway-chassis": {
    min: 2,
    max: 2,
    async run(ctx, [p, c]) {
      try {
        await ctx.tx.lrpDelGatewayChassis(p!, c!);
      } catch (e) {
        if (e instanceof OvnNotFoundError && e.kind === "gateway chassis") throw new UsageError(`chassis ${c} is not added to logical port ${p}`);
        throw e;
      }
    },
  },
  "lrp-get-gateway-chassis": {
    min: 1,
    max: 1,
    async run(ctx, [p]) {
      const port = await named(ctx, "Logical_Router_Port", p!, "logical router port");
      const ids = new Set<string>(port.gateway_chassis);
      const gcs = (await ctx.reader.find("Gateway_Chassis")).filter((g) => ids.has(g._uuid)).sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
      return gcs.map((g) => `${g.name} ${padStart(String(g.priority), 5)}\n`).join("");
    },
  },
  "lr-route-add": {
    min: 3,
    max: 4,
    options: ["--may-exist", "--policy", "--ecmp", "--ecmp-symmetric-reply", "--route-table", "--bfd"],
    async run(ctx, [router, prefix, nexthop, port], opts) {
      const policy = opts.get("--policy");
      if (policy !== undefined && policy !== "dst-ip" && policy !== "src-ip") throw new UsageError(`bad policy: ${String(policy)}`);
      const fam = prefixFamily(prefix!);
      if (fam === undefined) throw new UsageError(`bad prefix argument: ${prefix}`);
      if (nexthop !== "discard" && addrFamily(nexthop!) !== fam) throw new UsageError(`bad IPv${fam} nexthop argument: ${nexthop}`);
      if (port !== undefined) await portArg(ctx, "Logical_Router_Port", port);
      const table = opts.get("--route-table");
      const duplicate = (e: unknown) => {
        if (!(e instanceof OvnAlreadyExistsError)) throw e;
        throw new UsageError(`duplicate prefix: ${prefix} (policy: ${typeof policy === "string" ? policy : "dst-ip"}). Use option --ecmp to allow this for ECMP routing.`);
      };
      // --bfd: a new BFD session to the next hop through PORT; --bfd=UUID: an existing one.
      const bfdOpt = opts.get("--bfd");
      let bfd: string | undefined;
      if (typeof bfdOpt === "string") {
        if (!isUuid(bfdOpt) || (await ctx.reader.ids("BFD", { _uuid: bfdOpt as never })).length === 0) throw new UsageError("no entry found in the BFD table");
        bfd = bfdOpt;
      } else if (bfdOpt) {
        if (port === undefined) throw new UsageError("insert entry in the BFD table failed");
        const ins = model.table("BFD").insert({ logical_port: port, dst_ip: nexthop! });
        ctx.tx.add(ins);
        bfd = ins.ref;
      }
      const symmetric = flag(opts, "--ecmp-symmetric-reply");
      if ((flag(opts, "--ecmp") || symmetric) && !flag(opts, "--may-exist")) {
        const lr = await named(ctx, "Logical_Router", router!, "logical router");
        const want = { policy: typeof policy === "string" ? policy : "dst-ip", table: typeof table === "string" ? table : "" };
        const routes = await routerChildren(ctx, lr.static_routes, "Logical_Router_Static_Route");
        const ipPrefix = normalizePrefix(prefix!);
        if (routes.some((r) => r.ip_prefix === ipPrefix && r.nexthop === nexthop && (r.policy ?? "dst-ip") === want.policy && r.route_table === want.table)) throw new UsageError("duplicate nexthop for the same ECMP route");
      }
      const ref = await ctx.tx.lrRouteAdd(router!, prefix!, nexthop!, {
        mayExist: flag(opts, "--may-exist"),
        ecmp: flag(opts, "--ecmp") || symmetric,
        ...(policy !== undefined ? { policy } : {}),
        ...(port !== undefined ? { outputPort: port } : {}),
        ...(typeof table === "string" ? { routeTable: table } : {}),
      })
        .catch(updateExisting(ctx, (uuid) => [model.table("Logical_Router_Static_Route").update({ _uuid: uuid as never }, { nexthop: nexthop!, output_port: port })]))
        .catch(duplicate) as Ref<"Logical_Router_Static_Route">;
      if (symmetric || bfd !== undefined) {
        ctx.tx.add(model.table("Logical_Router_Static_Route").update({ _uuid: ref }, { ...(symmetric ? { options: { ecmp_symmetric_reply: "true" } } : {}), ...(bfd !== undefined ? { bfd: bfd as never } : {}) }));
      }
    },
  },
  "lr-route-del": {
    min: 1,
    max: 4,
    options: ["--if-exists", "--policy", "--route-table"],
    async run(ctx, [router, prefix, nexthop, port], opts) {
      const policy = opts.get("--policy");
      if (policy !== undefined && policy !== "dst-ip" && policy !== "src-ip") throw new UsageError(`bad policy: ${String(policy)}`);
      if (prefix !== undefined && prefixFamily(prefix) === undefined) throw new UsageError(`bad prefix argument: ${prefix}`);
      if (nexthop !== undefined && nexthop !== "discard" && addrFamily(nexthop) === undefined) throw new UsageError(`bad nexthop argument: ${nexthop}`);
      const removed = await ctx.tx.lrRouteDel(router!, {
        ifExists: true,
        ...(prefix !== undefined ? { prefix } : {}),
        ...(nexthop !== undefined ? { nexthop } : {}),
        ...(port !== undefined ? { outputPort: port } : {}),
        ...(policy === "dst-ip" || policy === "src-ip" ? { policy } : {}),
        ...(typeof opts.get("--route-table") === "string" ? { routeTable: opts.get("--route-table") as string } : {}),
      });
      if (removed === 0 && prefix !== undefined && !flag(opts, "--if-exists")) {
        throw new UsageError(`no matching route: policy '${policy ?? "any"}', prefix '${prefix}', nexthop '${nexthop ?? "any"}', output_port '${port ?? "any"}'.`);
      }
    },
  },
  "lr-route-list": {
    min: 1,
    max: 1,
    options: ["--route-table"],
    async run(ctx, [router], opts) {
      const lr = await named(ctx, "Logical_Router", router!, "logical router");
      const table = opts.get("--route-table");
      const routes = await routerChildren(ctx, lr.static_routes, "Logical_Router_Static_Route");
      return routeList(typeof table === "string" ? routes.filter((r) => r.route_table === table) : routes);
    },
  },
  "lr-policy-add": {
    min: 4,
    max: Infinity,
    options: ["--may-exist"],
    async run(ctx, [router, prio, match, action, ...rest], opts) {
      const priority = priorityArg(prio!);
      if (action !== "allow" && action !== "drop" && action !== "reroute") throw new UsageError(`${action}: action must be one of "allow", "drop", and "reroute"`);
      if (action === "reroute" && rest.length === 0) throw new UsageError("Nexthop is required when action is reroute.");
      const nexthops = action === "reroute" ? (rest.shift() ?? "").split(",").filter(Boolean) : [];
      for (const h of nexthops) if (addrFamily(h) === undefined) throw new UsageError(`bad next hop argument: ${h}`);
      for (const o of rest) if (!o.includes("=")) throw new UsageError(`No value specified for the option : ${o}`);
      const kv = keyValues(rest, "option");
      await ctx.tx.lrPolicyAdd(router!, priority, match!, action, { mayExist: flag(opts, "--may-exist"), nexthops, options: kv }).catch(keepExisting());
    },
  },
  "lr-policy-del": {
    min: 1,
    max: 3,
    options: ["--if-exists"],
    async run(ctx, [router, prio, match], opts) {
      if (prio !== undefined && isUuid(prio)) {
        const lr = await named(ctx, "Logical_Router", router!, "logical router");
        if (!lr.policies.includes(prio as never)) {
          if (flag(opts, "--if-exists")) return;
          throw new UsageError("Logical router policy uuid is not found.");
        }
        ctx.tx.add(model.table("Logical_Router").mutate({ _uuid: lr._uuid }, [["policies", "delete", [prio as never]]]));
        return;
      }
      // A priority (and match) that matches nothing is no error for ovn-nbctl.
      await ctx.tx.lrPolicyDel(router!, { ifExists: flag(opts, "--if-exists") || prio !== undefined, ...(prio !== undefined ? { priority: priorityArg(prio) } : {}), ...(match !== undefined ? { match } : {}) });
    },
  },
  "lr-policy-list": {
    min: 1,
    max: 1,
    async run(ctx, [router]) {
      const lr = await named(ctx, "Logical_Router", router!, "logical router");
      const ps = (await routerChildren(ctx, lr.policies, "Logical_Router_Policy")).sort((a, b) => b.priority - a.priority || (a.match < b.match ? -1 : a.match > b.match ? 1 : 0));
      if (ps.length === 0) return "";
      let out = "Routing Policies\n";
      for (const p of ps) {
        let line = `${padStart(String(p.priority), 10)} ${padStart(p.match, 50)} ${padStart(p.action, 15)}`;
        // The first next hop right-aligned in 25 columns, the others after ", "; then the options
        // after 15 spaces, comma-separated, in the order of an OVS smap.
        const hops = p.nexthop !== undefined ? [p.nexthop] : [...p.nexthops].sort(compareUtf8);
        if (hops.length > 0) line += ` ${padStart(hops[0]!, 25)}${hops.slice(1).map((h) => `, ${h}`).join("")}`;
        if (p.options.size > 0) line += " ".repeat(15) + shashOrder([...p.options.keys()].sort(compareUtf8)).map((k) => `${k}=${p.options.get(k)}`).join(",");
        out += line + "\n";
      }
      return out;
    },
  },
  "lr-nat-add": {
    min: 4,
    max: 7,
    options: ["--may-exist", "--stateless", "--portrange", "--add-route", "--gateway-port"],
    async run(ctx, [router, type, ext, logical, ...rest], opts) {
      // With --portrange the last argument is the external port range.
      const range = flag(opts, "--portrange") && rest.length % 2 === 1 ? rest.pop() : rest[2];
      const [port, mac] = rest;
      if (type !== "snat" && type !== "dnat" && type !== "dnat_and_snat") throw new UsageError(`${type}: type must be one of "dnat", "snat" and "dnat_and_snat".`);
      const fam = addrFamily(ext!);
      if (fam === undefined) throw new UsageError(`${ext}: Not a valid IPv4 or IPv6 address.`);
      if (type === "snat" ? prefixFamily(logical!) !== fam : addrFamily(logical!) !== fam) {
        throw new UsageError(type === "snat" ? `${logical}: should be an IPv${fam} address or network.` : `${logical}: Not a valid IPv${fam} address.`);
      }
      if (port !== undefined && mac === undefined) throw new UsageError("lr-nat-add with logical_port must also specify external_mac.");
      if (mac !== undefined && !macScan(mac)) throw new UsageError(`invalid mac address ${mac}.`);
      if (range !== undefined) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(range);
        const ok = m && [m[1], m[2] ?? m[1]].every((x) => Number(x) >= 1 && Number(x) <= 65535) && Number(m[1]) <= Number(m[2] ?? m[1]);
        if (!ok) throw new UsageError(`invalid port range ${range}.`);
      }
      if (port !== undefined) await portArg(ctx, "Logical_Switch_Port", port);
      const logicalKey = type === "snat" ? normalizePrefix(logical!) : logical!;
      const ref = await ctx.tx
        .lrNatAdd(router!, type, ext!, logical!, {
          mayExist: flag(opts, "--may-exist"),
          ...(port !== undefined ? { logicalPort: port } : {}),
          ...(mac !== undefined ? { externalMac: mac } : {}),
          // ovn-nbctl records the choice either way.
          options: { stateless: flag(opts, "--stateless") ? "true" : "false" },
        })
        // ovn-nbctl --may-exist: the rule of that key gets the new addresses; its other settings stay.
        .catch(updateExisting(ctx, (uuid) => [model.table("NAT").update({ _uuid: uuid as never }, { external_ip: ext!, logical_ip: logicalKey })], (f) => f === "external_ip" || f === "logical_ip"))
        .catch(keepExisting())
        .catch(async (e: unknown) => {
          if (!(e instanceof OvnAlreadyExistsError)) throw e;
          // ovn-nbctl's three messages for a NAT that is already there.
          const lr = await named(ctx, "Logical_Router", router!, "logical router");
          const nats = await routerChildren(ctx, lr.nat, "NAT");
          if (nats.some((n) => n.type === type && n.external_ip === ext && n.logical_ip === logical)) throw new UsageError(`${ext}, ${logical}: a NAT with this external_ip and logical_ip already exists`);
          throw new UsageError(type === "snat" ? `a NAT with this type (snat), logical_ip (${logical}) already exists` : `a NAT with this type (${type}), external_ip (${ext}) already exists`);
        });
      const gw = opts.get("--gateway-port");
      const gwRef = typeof gw === "string" ? await portArg(ctx, "Logical_Router_Port", gw) : undefined;
      if (range !== undefined || gwRef !== undefined) {
        ctx.tx.add(model.table("NAT").update({ _uuid: ref as Ref<"NAT"> }, { ...(range !== undefined ? { external_port_range: range } : {}), ...(gwRef !== undefined ? { gateway_port: gwRef as never } : {}) }));
      }
    },
  },
  "lr-nat-del": {
    min: 1,
    max: 3,
    options: ["--if-exists"],
    async run(ctx, [router, type, ip], _opts) {
      if (type !== undefined && type !== "snat" && type !== "dnat" && type !== "dnat_and_snat") throw new UsageError(`${type}: type must be one of "dnat", "snat" and "dnat_and_snat".`);
      // ovn-nbctl deletes what matches and is silent when nothing does; an argument that is not an
      // IP names the gateway port of the NATs to delete.
      if (ip !== undefined && prefixFamily(ip) === undefined) {
        const gw = await portArg(ctx, "Logical_Router_Port", ip);
        const lr = await named(ctx, "Logical_Router", router!, "logical router");
        const gone = (await routerChildren(ctx, lr.nat, "NAT")).filter((n) => n.type === type && n.gateway_port === gw).map((n) => n._uuid);
        if (gone.length > 0) ctx.tx.add(model.table("Logical_Router").mutate({ _uuid: lr._uuid }, [["nat", "delete", gone]]));
        return;
      }
      await ctx.tx.lrNatDel(router!, { ifExists: true, ...(type !== undefined ? { type } : {}), ...(ip !== undefined ? { ip } : {}) });
    },
  },
  "lr-nat-list": {
    min: 1,
    max: 1,
    async run(ctx, [router]) {
      const lr = await named(ctx, "Logical_Router", router!, "logical router");
      const nats = await routerChildren(ctx, lr.nat, "NAT");
      const ports = new Map(nats.some((n) => n.gateway_port !== undefined) ? (await ctx.reader.find("Logical_Router_Port")).map((p) => [p._uuid as string, p.name]) : []);
      return natList(nats, ports);
    },
  },
  "acl-add": {
    min: 5,
    // ovn-nbctl takes (and ignores) a sixth argument.
    max: 6,
    options: ["--may-exist", "--log", "--severity", "--name", "--meter", "--label", "--type", "--apply-after-lb"],
    async run(ctx, [entity, dir, prio, match, action], opts) {
      if (dir !== "from-lport" && dir !== "to-lport") throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      const actions = ["allow", "allow-related", "allow-stateless", "drop", "reject"] as const;
      if (!actions.includes(action as never)) throw new UsageError(`${action}: action must be one of "allow", "allow-related", "allow-stateless", "drop", and "reject"`);
      priorityArg(prio!);
      const severity = opts.get("--severity");
      if (severity !== undefined && !["alert", "warning", "notice", "info", "debug"].includes(String(severity))) throw new UsageError(`bad severity: ${String(severity)}`);
      const name = opts.get("--name");
      const meter = opts.get("--meter");
      const label = opts.get("--label");
      if (label !== undefined && action !== "allow" && action !== "allow-related") throw new UsageError(`label can only be set with actions "allow" or "allow-related"`);
      const log = flag(opts, "--log") || severity !== undefined || name !== undefined || meter !== undefined;
      await ctx.tx.aclAdd(await aclTarget(ctx, entity!, opts), dir, Number(prio), match!, action as (typeof actions)[number], {
        mayExist: flag(opts, "--may-exist"),
        log,
        ...(typeof severity === "string" ? { severity: severity as never } : {}),
        ...(typeof name === "string" ? { name } : {}),
        ...(typeof meter === "string" ? { meter } : {}),
        ...(typeof label === "string" ? { label: Number(label) } : {}),
        ...(flag(opts, "--apply-after-lb") ? { options: { "apply-after-lb": "true" } } : {}),
      }).catch(keepExisting());
    },
  },
  "acl-del": {
    min: 1,
    max: 4,
    options: ["--type"],
    async run(ctx, [entity, dir, prio, match], opts) {
      if (dir !== undefined && dir !== "from-lport" && dir !== "to-lport") throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      if (prio !== undefined && match === undefined) throw new UsageError("cannot specify priority without match");
      if (prio !== undefined) priorityArg(prio);
      const before = ctx.tx.operations().length;
      await ctx.tx.aclDel(await aclTarget(ctx, entity!, opts), {
        ...(dir !== undefined ? { direction: dir } : {}),
        ...(prio !== undefined ? { priority: Number(prio), match: match! } : {}),
      });
      // Without a direction ovn-nbctl empties the acls column outright: later commands see it.
      if (dir === undefined) ctx.tx.operations().slice(before).forEach((op) => visibleAtOnce(op));
    },
  },
  "acl-list": {
    min: 1,
    max: 1,
    options: ["--type"],
    async run(ctx, [entity], opts) {
      const acls = (await ctx.tx.aclList(await aclTarget(ctx, entity!, opts))).sort(aclSort);
      return acls
        .map((a) => {
          let tail: string = a.action;
          if (a.log) {
            const parts: string[] = [];
            if (a.name !== undefined) parts.push(`name=${a.name}`);
            if (a.severity !== undefined) parts.push(`severity=${a.severity}`);
            if (a.meter !== undefined) parts.push(`meter=${JSON.stringify(a.meter)}`);
            tail += ` log(${parts.join(",")})`;
          }
          if (a.label !== 0) tail += ` label=${a.label}`;
          if (a.options.get("apply-after-lb") === "true") tail += " [after-lb]";
          return aclLine(a, tail);
        })
        .join("");
    },
  },
  "qos-add": {
    min: 5,
    max: 7,
    options: ["--may-exist"],
    async run(ctx, [sw, dir, prio, match, ...rest], opts) {
      if (dir !== "from-lport" && dir !== "to-lport") throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      const prioNum = priorityArg(prio!);
      for (const a of rest) {
        const [k, v = ""] = a.split(/=(.*)/s);
        const max = k === "dscp" ? 63 : 4294967295;
        if (k !== "rate" && k !== "burst" && k !== "dscp") throw new UsageError(`${a}: supported arguments are "dscp=", "rate=", and "burst="`);
        if (!/^\d+$/.test(v) || Number(v) > max || (k !== "dscp" && Number(v) < 1)) throw new UsageError(`${v}: ${k} must be in the range ${k === "dscp" ? 0 : 1}...${max}`);
      }
      const kv = keyValues(rest, "QoS setting");
      const num = (k: string) => (kv[k] !== undefined ? Number(kv[k]) : undefined);
      const rate = num("rate");
      const burst = num("burst");
      const dscp = num("dscp");
      await ctx.tx.qosAdd(sw!, dir, prioNum, match!, {
        mayExist: flag(opts, "--may-exist"),
        ...(rate !== undefined ? { rate } : {}),
        ...(burst !== undefined ? { burst } : {}),
        ...(dscp !== undefined ? { dscp } : {}),
      }).catch(keepExisting());
    },
  },
  "qos-del": {
    min: 1,
    max: 4,
    async run(ctx, [sw, dir, prio, match]) {
      if (dir !== undefined && dir !== "from-lport" && dir !== "to-lport" && !isUuid(dir)) throw new UsageError(`${dir}: direction must be "to-lport" or "from-lport"`);
      if (prio !== undefined && match === undefined) throw new UsageError("cannot specify priority without match");
      if (prio !== undefined) priorityArg(prio);
      if (dir !== undefined && dir !== "from-lport" && dir !== "to-lport") {
        // A QoS rule's UUID.
        const ls = await named(ctx, "Logical_Switch", sw!, "logical switch");
        ctx.tx.add(model.table("Logical_Switch").mutate({ _uuid: ls._uuid }, [["qos_rules", "delete", [dir as never]]]));
        return;
      }
      await ctx.tx.qosDel(sw!, {
        ...(dir !== undefined ? { direction: dir as "from-lport" | "to-lport" } : {}),
        ...(prio !== undefined ? { priority: Number(prio) } : {}),
        ...(match !== undefined ? { match } : {}),
      });
    },
  },
  "qos-list": {
    min: 1,
    max: 1,
    async run(ctx, [sw]) {
      const ls = await named(ctx, "Logical_Switch", sw!, "logical switch");
      const ids = new Set<string>(ls.qos_rules);
      const qs = (await ctx.reader.find("QoS")).filter((q) => ids.has(q._uuid)).sort(aclSort);
      return qs
        .map((q) => {
          const parts: string[] = [];
          if (q.bandwidth.has("rate")) parts.push(`rate=${q.bandwidth.get("rate")}`);
          if (q.bandwidth.has("burst")) parts.push(`burst=${q.bandwidth.get("burst")}`);
          if (q.action.has("dscp")) parts.push(`dscp=${q.action.get("dscp")}`);
          return aclLine(q, parts.join(" "));
        })
        .join("");
    },
  },
  "lb-add": {
    min: 3,
    max: 4,
    options: ["--may-exist", "--add-duplicate"],
    async run(ctx, [name, vip, ips, proto], opts) {
      if (proto !== undefined && proto !== "tcp" && proto !== "udp" && proto !== "sctp") throw new UsageError(`${proto}: protocol must be one of "tcp", "udp",  or "sctp".`);
      checkLbArgs(vip!, ips!);
      if (flag(opts, "--add-duplicate")) {
        ctx.tx.add(model.table("Load_Balancer").insert({ name: name!, vips: { [vip!]: ips! }, ...(proto !== undefined ? { protocol: proto } : {}) }));
        return;
      }
      const backends = ips!.split(",").filter(Boolean).join(",");
      await ctx.tx
        .lbAdd(name!, vip!, ips!.split(",").filter(Boolean), { mayExist: flag(opts, "--may-exist"), ...(proto !== undefined ? { protocol: proto } : {}) })
        .catch(
          updateExisting(
            ctx,
            (uuid) => {
              const LB = model.table("Load_Balancer");
              return [LB.mutate({ _uuid: uuid as never }, [["vips", "delete", [vip!]]]), LB.mutate({ _uuid: uuid as never }, [["vips", "insert", { [vip!]: backends }]])];
            },
            (f) => f === `vips:${vip}`,
          ),
        );
    },
  },
  "lb-del": {
    min: 1,
    max: 2,
    options: ["--if-exists"],
    async run(ctx, [n, vip], o) {
      try {
        // ovn-nbctl deletes nothing, silently, for an unknown load balancer.
        await ctx.tx.lbDel(n!, { ifExists: vip === undefined || flag(o, "--if-exists"), ...(vip !== undefined ? { vip } : {}) });
      } catch (e) {
        if (e instanceof OvnNotFoundError && e.kind === "load balancer VIP") throw new UsageError(`vip ${vip} is not part of the load balancer.`);
        throw e;
      }
    },
  },
  ...lbAttachCommands("ls", "Logical_Switch", "logical switch"),
  ...lbAttachCommands("lr", "Logical_Router", "logical router"),
  "lb-list": {
    min: 0,
    max: 1,
    async run(ctx, [name]) {
      const lbs = await ctx.reader.find("Load_Balancer");
      return lbTable(name === undefined ? lbs : lbs.filter((l) => l.name === name || l._uuid === name));
    },
  },
  "ls-lb-list": {
    min: 1,
    max: 1,
    async run(ctx, [s]) {
      const ls = await named(ctx, "Logical_Switch", s!, "logical switch");
      const ids = new Set<string>(ls.load_balancer);
      return lbTable((await ctx.reader.find("Load_Balancer")).filter((l) => ids.has(l._uuid)));
    },
  },
  "lr-lb-list": {
    min: 1,
    max: 1,
    async run(ctx, [r]) {
      const lr = await named(ctx, "Logical_Router", r!, "logical router");
      const ids = new Set<string>(lr.load_balancer);
      return lbTable((await ctx.reader.find("Load_Balancer")).filter((l) => ids.has(l._uuid)));
    },
  },
  "pg-add": { min: 1, max: Infinity, run: async (ctx, [n, ...ports]) => void (await ctx.tx.pgAdd(n!, ports)) },
  "pg-set-ports": { min: 2, max: Infinity, run: async (ctx, [n, ...ports]) => void (await ctx.tx.pgSetPorts(n!, ports)) },
  "pg-del": { min: 1, max: 1, run: async (ctx, [n]) => void (await ctx.tx.pgDel(n!)) },
  "ha-chassis-group-add": { min: 1, max: 1, run: async (ctx, [n]) => void (await ctx.tx.haChassisGroupAdd(n!)) },
  "ha-chassis-group-del": { min: 1, max: 1, run: async (ctx, [n]) => void (await ctx.tx.haChassisGroupDel(n!)) },
  "ha-chassis-group-add-chassis": {
    min: 3,
    max: 3,
    async run(ctx, [g, c, p]) {
      await ctx.tx.haChassisGroupAddChassis(g!, c!, priorityArg(p!));
    },
  },
  "ha-chassis-group-remove-chassis": {
    min: 2,
    max: 2,
    async run(ctx, [g, c]) {
      const grp = await named(ctx, "HA_Chassis_Group", g!, "HA chassis group");
      const ids = new Set<string>(grp.ha_chassis);
      const hc = (await ctx.reader.find("HA_Chassis", { chassis_name: c! })).filter((h) => ids.has(h._uuid));
      if (hc.length === 0) throw new UsageError(`${c}: ha chassis not found in ${g} ha chassis group`);
      ctx.tx.add(model.table("HA_Chassis_Group").mutate({ _uuid: grp._uuid }, [["ha_chassis", "delete", hc.map((h) => h._uuid)]]));
    },
  },
  "ha-chassis-group-list": {
    min: 0,
    max: 0,
    async run(ctx) {
      const groups = [...(await ctx.reader.find("HA_Chassis_Group"))].sort(byName);
      const hcs = new Map((await ctx.reader.find("HA_Chassis")).map((h) => [h._uuid as string, h]));
      let out = "";
      for (const grp of groups) {
        out += `${grp._uuid} (${grp.name})\n`;
        for (const id of [...grp.ha_chassis].sort()) {
          const h = hcs.get(id);
          if (h) out += `    ${h._uuid} (${h.chassis_name})\n    priority ${h.priority}\n\n`;
        }
        out += "\n";
      }
      return out;
    },
  },
  "meter-add": {
    min: 4,
    max: 5,
    options: ["--fair", "--may-exist"],
    async run(ctx, [name, action, rate, unit, burst], opts) {
      if (action !== "drop") throw new UsageError(`action must be "drop"`);
      if (unit !== "kbps" && unit !== "pktps") throw new UsageError(`unit must be "kbps" or "pktps"`);
      if (!/^\d+$/.test(rate!) || Number(rate) < 1 || Number(rate) > 4294967295) throw new UsageError(`rate must be in the range 1...4294967295`);
      if (burst !== undefined && !/^\d+$/.test(burst)) throw new UsageError(`burst must be in the range 0...4294967295`);
      await ctx.tx.meterAdd(name!, Number(rate), unit, { mayExist: flag(opts, "--may-exist"), ...(burst !== undefined ? { burst: Number(burst) } : {}), ...(flag(opts, "--fair") ? { fair: true } : {}) }).catch(keepExisting());
    },
  },
  "meter-del": {
    min: 0,
    max: 1,
    async run(ctx, [name]) {
      if (name === undefined) {
        ctx.tx.add(model.table("Meter").delete([]));
        return;
      }
      await ctx.tx.meterDel(name, { ifExists: true });
    },
  },
  "meter-list": {
    min: 0,
    max: 0,
    async run(ctx) {
      const meters = [...(await ctx.reader.find("Meter"))].sort(byName);
      if (meters.length === 0) return "";
      const bands = new Map((await ctx.reader.find("Meter_Band")).map((b) => [b._uuid as string, b]));
      let out = "";
      for (const m of meters) {
        out += `${m.name}: ${m.fair === true ? "(fair) " : ""}bands:\n`;
        for (const id of m.bands) {
          const b = bands.get(id);
          if (!b) continue;
          out += `  ${b.action}: ${b.rate} ${m.unit}`;
          if (b.burst_size !== 0) out += `, ${b.burst_size} ${m.unit === "kbps" ? "kb" : "packet"} burst`;
          out += "\n";
        }
      }
      return out;
    },
  },
  "mirror-add": {
    min: 5,
    max: 5,
    async run(ctx, [name, type, index, filter, sink]) {
      if (type !== "gre" && type !== "erspan") throw new UsageError(`${type}: type must be "gre" or "erspan"`);
      if (!/^\d+$/.test(index!)) throw new UsageError("Invalid Index");
      if ((await ctx.reader.ids("Mirror", { name: name! })).length > 0) throw new UsageError(`Mirror with ${name} name already exists.`);
      if (addrFamily(sink!) === undefined) throw new UsageError(`Invalid sink ip: ${sink}`);
      // ovn-nbctl's IDL drops a filter outside the column's enum; the row then gets the default, "from-lport".
      await ctx.tx.mirrorAdd(name!, { type, index: Number(index), filter: filter === "to-lport" ? "to-lport" : "from-lport", sink: sink! });
    },
  },
  "lsp-detach-mirror": { min: 2, max: 2, run: async (ctx, [p, m]) => void (await ctx.tx.lspDetachMirror(p!, m!)) },
  "mirror-del": {
    min: 0,
    max: 1,
    async run(ctx, [name]) {
      if (name !== undefined) {
        await ctx.tx.mirrorDel(name, { ifExists: true });
        return;
      }
      for (const m of await ctx.reader.find("Mirror")) await ctx.tx.mirrorDel(m._uuid);
    },
  },
  "mirror-list": {
    min: 0,
    max: 0,
    async run(ctx) {
      const ms = [...(await ctx.reader.find("Mirror"))].sort(byName);
      return ms
        .map((m) => `${m.name}:\n  Type     :  ${m.type}\n  Sink     :  ${m.sink}\n  Filter   :  ${m.filter}\n  Index/Key:  ${m.index}\n\n`)
        .join("");
    },
  },
  "lsp-attach-mirror": { min: 2, max: 2, run: async (ctx, [p, m]) => void (await ctx.tx.lspAttachMirror(p!, m!)) },
};

const COMMANDS: Record<string, Spec> = { ...genericCommands, ...ovnCommands, ...NBCTL_EXTRA_COMMANDS };

/** Every option some command takes: ovn-nbctl accepts these before the first command, and only these. */
const COMMAND_OPTIONS = new Set(["--columns", "--id", ...Object.values(COMMANDS).flatMap((c) => c.options ?? [])]);

/** Read-only commands: a run of only these commits nothing (beyond ovn-nbctl's NB_Global creation). */
const READ_ONLY = new Set(["show", "list", "find", "get", "ls-list", "lsp-list", "lr-list", "lrp-list", "lr-route-list", "lr-policy-list", "lr-nat-list", "acl-list", "qos-list", "lb-list", "ls-lb-list", "lr-lb-list", "ha-chassis-group-list", "lsp-get-addresses", "lsp-get-port-security", "lsp-get-up", "lsp-get-enabled", "lsp-get-type", "lsp-get-options", "lsp-get-tag", "lsp-get-parent", "lsp-get-ls", "lsp-get-dhcpv4-options", "lsp-get-dhcpv6-options", "lrp-get-gateway-chassis", "lrp-get-enabled", "dhcp-options-list", "dhcp-options-get-options", "meter-list", "mirror-list", "lrp-get-redirect-type", "static-mac-binding-list", "get-connection", "get-ssl", "wait-until", ...NBCTL_EXTRA_READ_ONLY]);

/** Usage text: every command's syntax and options (see `nbctl-help.ts`). */
export function nbctlUsage(): string {
  // the tables whose rows getRecord finds by name
  const named = [...model.schema.tables.values()].filter((t) => columnOf(t, "name")?.type.key.type === "string" && columnShape(columnOf(t, "name")!.type) === "scalar").map((t) => t.name);
  return renderNbctlHelp((name) => COMMANDS[name]?.options ?? [], named);
}

interface Parsed {
  db: string;
  timeoutSec: number | undefined;
  wait: "none" | "sb" | "hv";
  style: TableStyle;
  columns: string[] | undefined;
  oneline: boolean;
  /** `--dry-run`: check the transaction but never commit it. */
  dryRun: boolean;
  commands: { name: string; args: string[]; opts: Map<string, string | true> }[];
}

const GLOBAL_VALUE = new Set(["--db", "-t", "--timeout", "--wait", "-f", "--format", "-d", "--data"]);
const GLOBAL_FLAG = new Set(["--dry-run", "--no-wait", "--no-headings", "--bare", "--pretty", "--oneline", "--no-leader-only", "--leader-only", "--no-syslog", "-v", "--verbose", "--shuffle-remotes", "--no-shuffle-remotes"]);

/** Parses ovn-nbctl's command line. */
export function parseNbctlArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Parsed {
  const p: Parsed = { db: env["OVN_NB_DB"] ?? "unix:/var/run/ovn/ovnnb_db.sock", timeoutSec: undefined, wait: "none", style: defaultTableStyle(), columns: undefined, oneline: false, dryRun: false, commands: [] };
  p.style.format = "list";
  const segments: string[][] = [[]];
  for (const a of argv) {
    if (a === "--") segments.push([]);
    else segments[segments.length - 1]!.push(a);
  }
  segments.forEach((seg, i) => {
    let j = 0;
    const opts = new Map<string, string | true>();
    for (; j < seg.length && seg[j]!.startsWith("-") && seg[j] !== "-"; j++) {
      const a = seg[j]!;
      const eq = a.indexOf("=");
      let name = eq >= 0 ? a.slice(0, eq) : a;
      let value: string | true = eq >= 0 ? a.slice(eq + 1) : true;
      if (i === 0 && !GLOBAL_VALUE.has(name) && !GLOBAL_FLAG.has(name) && !COMMAND_OPTIONS.has(name)) throw new UsageError(`unrecognized option '${name}'`);
      if (i === 0 && (GLOBAL_VALUE.has(name) || GLOBAL_FLAG.has(name))) {
        if (GLOBAL_VALUE.has(name) && value === true) {
          value = seg[++j] ?? "";
          if (j >= seg.length) throw new UsageError(`option '${name}' requires an argument`);
        }
        if (name === "-t") name = "--timeout";
        if (name === "-f") name = "--format";
        if (name === "-d") name = "--data";
        switch (name) {
          case "--db":
            p.db = value as string;
            break;
          case "--timeout":
            if (!/^\d+$/.test(String(value)) || Number(value) === 0) throw new UsageError(`value ${String(value)} on -t or --timeout is invalid`);
            p.timeoutSec = Number(value);
            break;
          case "--wait":
            if (value !== "none" && value !== "sb" && value !== "hv") throw new UsageError(`argument to --wait must be "none", "sb", or "hv"`);
            p.wait = value;
            break;
          case "--no-wait":
            p.wait = "none";
            break;
          case "--format":
            p.style.format = value as TableStyle["format"];
            break;
          case "--data":
            p.style.cell = value as TableStyle["cell"];
            break;
          case "--no-headings":
            p.style.headings = false;
            break;
          case "--bare":
            p.style.format = "list";
            p.style.cell = "bare";
            p.style.headings = false;
            break;
          case "--pretty":
            p.style.pretty = true;
            break;
          case "--oneline":
            p.oneline = true;
            break;
          case "--dry-run":
            p.dryRun = true;
            break;
        }
        continue;
      }
      if (name === "--columns" && i === 0) {
        p.columns = String(value).split(",");
      }
      opts.set(name, value);
    }
    const name = seg[j];
    // Empty segments ("A -- -- B", a trailing "--") are skipped, as ovn-nbctl does.
    if (name === undefined) {
      if (opts.size > 0 || seg.length > 0) throw new UsageError("missing command name (use --help for help)");
      return;
    }
    const spec = COMMANDS[name];
    if (!spec) {
      const near = closest(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command '${name}'; use --help for help`, near ? `did you mean '${near}'?` : undefined);
    }
    const args = seg.slice(j + 1);
    if (args.length < spec.min) throw new UsageError(`'${name}' command requires at least ${spec.min} arguments`);
    if (args.length > spec.max) {
      const note = args.some((a) => a.startsWith("-")) ? ' (note that options must precede command names and follow a "--" argument)' : "";
      throw new UsageError(`'${name}' command takes at most ${spec.max} arguments${note}`);
    }
    for (const o of opts.keys()) {
      if (o === "--columns" || o === "--id") continue;
      if (!(spec.options ?? []).includes(o)) throw new UsageError(`'${name}' command has no '${o}' option`);
    }
    p.commands.push({ name, args, opts });
  });
  if (p.commands.length === 0) throw new UsageError("missing command name (use --help for help)");
  return p;
}

/** Runs ovn-nbctl commands against an already connected client (no option parsing); returns the output. */
export async function runNbctl(client: OvsdbClient, argv: readonly string[]): Promise<string> {
  const io = { stdout: "", out(t: string) { io.stdout += t; }, err() {}, readStdin: async () => "" };
  const p = parseNbctlArgs(argv);
  await execute(client, p, io);
  return io.stdout;
}

/**
 * ovn-nbctl's `--may-exist` on commands where it keeps an existing object whatever its other
 * settings (ACLs, QoS rules, policies, meters, router port options): the API's conflict (its
 * `mayExist` is create-if-absent, a different setting is an error) is ignored. Returns the
 * existing row's UUID, or rethrows anything else.
 */
function keepExisting(fields?: (field: string) => boolean): (e: unknown) => string {
  return (e) => {
    if (e instanceof OvnConflictError && e.conflict.kind === "setting" && (!fields || fields(e.conflict.field))) return e.conflict.uuid;
    throw e;
  };
}

/**
 * ovn-nbctl's `--may-exist` on commands where it updates the existing object (routes, NAT, load
 * balancer VIPs, static MAC bindings): on the API's conflict, `update` adds the changes for the
 * existing row, whose UUID is returned.
 */
function updateExisting(ctx: Ctx, update: (uuid: string) => Operation[], fields?: (field: string) => boolean): (e: unknown) => string {
  return (e) => {
    if (!(e instanceof OvnConflictError && e.conflict.kind === "setting" && (!fields || fields(e.conflict.field)))) throw e;
    ctx.tx.add(...update(e.conflict.uuid));
    return e.conflict.uuid;
  };
}

/**
 * Membership changes ovn-nbctl tracks in its own context (which switch or router holds a port,
 * which switch holds a forwarding group) and so sees before the commit, unlike other partial
 * updates of reference sets.
 */
function inNbctlCache(op: Operation): boolean {
  if (op.op !== "mutate") return false;
  const cols = op.table === "Logical_Switch" ? ["ports", "forwarding_groups"] : op.table === "Logical_Router" ? ["ports"] : [];
  return op.mutations.every(([c]) => cols.includes(c));
}

async function execute(client: OvsdbClient, p: Parsed, io: CliIo): Promise<void> {
  let tx: NbTransaction | undefined;
  // Once the commit is on its way, reads (the --wait polling) see the database as it is.
  let sent = false;
  const view = previewClient(client, model.schema, () => (sent ? [] : (tx?.operations() ?? [])));
  const reader = selectReader(view);
  const committer: TransactClient = {
    transact(database, operations, options) {
      sent = true;
      return client.transact(database, operations, options);
    },
  };
  tx = new OvnNb(committer, { reader, visible: (op) => visibleInIdl(model.schema, op) || inNbctlCache(op) }).transaction();
  const ctx: Ctx = { client, view, tx, reader, style: p.style, printer: new TablePrinter(p.style), symbols: new Map(), columns: p.columns, gone: new Set(), warn: (m, t) => io.err(vlogLine(m, "WARN", t)) };
  // ovn-nbctl creates the NB_Global row whenever it is missing, before its commands run.
  if ((await reader.ids("NB_Global")).length === 0) tx.add(model.table("NB_Global").insert({}) as Operation);
  // Each command runs in turn and reads the state left by the ones before it (uncommitted).
  const outputs: Output[] = [];
  for (const c of p.commands) outputs.push(await COMMANDS[c.name]!.run(ctx, c.args, c.opts));
  const writes = p.commands.some((c) => !READ_ONLY.has(c.name));
  const ops = tx.operations();
  pinInsertUuids(ops);
  let commit: CommitResult;
  if (p.dryRun) {
    // As ovn-nbctl --dry-run: the transaction is sent ending in "abort", so it is checked but never committed.
    const results = ops.length > 0 ? await transactAborted(client, DB, ops) : [];
    commit = {
      results,
      uuid: <N extends string>(ref: Ref<N>) => (pinnedUuid(ops, ref) ?? ref) as RowUuid<N>,
    };
  } else {
    const wait = p.commands.some((c) => c.name === "sync") || writes ? p.wait : "none";
    // ovn-nbctl waits as long as it takes; only --timeout (the whole run's alarm) ends the wait.
    commit = await tx.commit({ wait, timeoutMs: Infinity });
  }
  for (const o of outputs) {
    const text = typeof o === "string" ? o : typeof o === "function" ? o(commit) : "";
    // --oneline: each command's output on one line, its newlines written as "\n".
    if (p.oneline) io.out(text.replace(/\n$/, "").replace(/\\/g, "\\\\").replace(/\n/g, "\\n") + "\n");
    else io.out(text);
  }
}

/** The `ovn-ts nbctl` command. */
export const nbctlCommand: CliCommand = async (argv, io) => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(nbctlUsage());
    return 0;
  }
  const p = parseNbctlArgs(argv);
  let client: OvsdbClient | undefined;
  let expiredAlready = false;
  const work = (async () => {
    try {
      client = await OvsdbClient.connect(p.db, p.timeoutSec ? { connectTimeoutMs: p.timeoutSec * 1000 } : {});
    } catch (e) {
      if (!(e instanceof NoRemoteError)) throw e;
      io.err(`ovn-ts nbctl: ${connectFailure(p.db, e)}\n`);
      return 1;
    }
    try {
      await execute(client, p, io);
      return 0;
    } catch (e) {
      if (expiredAlready) return 1;
      if (e instanceof UsageError) throw e;
      if (e instanceof Error) {
        io.err(`ovn-ts nbctl: ${nbctlMessage(e)}\n`);
        return 1;
      }
      throw e;
    } finally {
      client.close();
    }
  })();
  if (!p.timeoutSec) return work;
  // --timeout bounds the whole run, as ovn-nbctl's alarm(2) does: when it expires the run stops
  // where it is, with the message and status (128 + SIGALRM) of a process killed by the alarm.
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), p.timeoutSec! * 1000);
  });
  try {
    const r = await Promise.race([work, expired]);
    if (r !== "expired") return r;
    expiredAlready = true;
    work.catch(() => undefined);
    client?.close();
    io.err(vlogLine("fatal_signal", "WARN", "terminating with signal 14 (Alarm clock)"));
    return 128 + 14;
  } finally {
    clearTimeout(timer);
  }
};

/** ovn-nbctl's `REMOTE: database connection failed (REASON)`, REASON as strerror words it. */
function connectFailure(db: string, e: NoRemoteError): string {
  const cause = e.attempts[0]?.error.cause as NodeJS.ErrnoException | undefined;
  const reason: Partial<Record<string, string>> = { ENOENT: "No such file or directory", ECONNREFUSED: "Connection refused", EACCES: "Permission denied", ETIMEDOUT: "Connection timed out" };
  return `${db}: database connection failed (${(cause?.code !== undefined ? reason[cause.code] : undefined) ?? e.attempts[0]?.error.message ?? e.message})`;
}

/** Exposed for tests: the command table's names. */
export const NBCTL_COMMANDS: readonly string[] = Object.keys(COMMANDS);
