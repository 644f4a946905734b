/**
 * The schema-generic database commands of OVS's db-ctl, for any database: `list`, `find`, `get`, `set`,
 * `add`, `remove`, `clear`, `create`, `destroy` and `wait-until`, with `ovs-vsctl(8)`'s syntax and
 * messages. A tool (`nbctl`, later `sbctl`/`vsctl`) spreads {@link DB_CTL_COMMANDS} into its table and
 * gives them a {@link DbCtx} over its database.
 *
 * @module
 */
import type { ColumnSchema } from "../../ovsdb/schema/schema.js";
import { columnOf } from "../../ovsdb/schema/schema.js";
import type { Atom, ColumnType } from "../../ovsdb/schema/types.js";
import { datumFromJson } from "../../ovsdb/schema/datum.js";
import { atomToText } from "../../ovsdb/text/datum-text.js";
import { topLevelEquals, unbracket } from "../../ovsdb/text/datum-parse.js";
import type { JsonAtom, JsonValue } from "../../ovsdb/wire/notation.js";
import { UsageError } from "../io.js";
import { visibleAtOnce } from "./preview.js";
import type { CommitNames, DbCtlSpec } from "./context.js";
import { parseCondition } from "./condition.js";
import { type RawRow, atomFromText, findTable, getRecord, inIdlOrder, listCols, parseColumnArg, printRows, rawRows, recordRef, textOf, uuidOf, valueFromText } from "./records.js";

const WAIT_UNTIL_POLL_MS = 100;

/** `wait-until TABLE RECORD [COLUMN[:KEY]=VALUE]...`. */
const waitUntil: DbCtlSpec = {
  readOnly: true,
  min: 2,
  max: Infinity,
  // As ovn-nbctl: waits until the record exists and every COLUMN[:KEY]=VALUE holds, for as long as
  // it takes; --timeout (the whole run's alarm) is what bounds it. It stops when the connection does.
  async run(ctx, [table, rec, ...conds]) {
    const t = findTable(ctx.schema, table!);
    const tests = conds.map((c) => parseCondition(ctx, t, c));
    for (;;) {
      const row = await getRecord(ctx, t, rec!, false);
      if (row && tests.every((f) => f(row))) return;
      await new Promise((r) => setTimeout(r, WAIT_UNTIL_POLL_MS));
    }
  },
};


/**
 * The schema-generic database commands of OVS's db-ctl (`ovn-nbctl`, `ovs-vsctl`, `ovn-sbctl` share
 * them): `list`, `find`, `get`, `set`, `add`, `remove`, `clear`, `create`, `destroy`, `wait-until`.
 */
export const DB_CTL_COMMANDS: Readonly<Record<string, DbCtlSpec>> = {
  "wait-until": waitUntil,
  list: {
    readOnly: true,
    min: 1,
    max: Infinity,
    options: ["--if-exists", "--columns"],
    async run(ctx, [table, ...recs], opts) {
      const t = findTable(ctx.schema, table!);
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
    readOnly: true,
    min: 1,
    max: Infinity,
    options: ["--columns"],
    async run(ctx, [table, ...conds], opts) {
      const t = findTable(ctx.schema, table!);
      const tests = conds.map((c) => parseCondition(ctx, t, c));
      const rows = await inIdlOrder(ctx, t, (await rawRows(ctx, t.name)).filter((r) => tests.every((f) => f(r))));
      return printRows(ctx, t, rows, listCols(ctx, opts));
    },
  },
  get: {
    readOnly: true,
    min: 2,
    max: Infinity,
    options: ["--if-exists", "--id"],
    async run(ctx, [table, rec, ...cols], opts) {
      const t = findTable(ctx.schema, table!);
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
      const t = findTable(ctx.schema, table!);
      const row = await recordRef(ctx, t, rec!, opts);
      if (!row) return;
      for (const s of sets) {
        const { col, key, rest } = parseColumnArg(t, s);
        if (!rest.startsWith("=")) throw new UsageError(`${s}: argument does not end in "=" followed by a value.`);
        const value = rest.slice(1);
        if (key === undefined) ctx.add({ op: "update", table: t.name, where: [row], row: { [col.name]: valueFromText(col.type, value, ctx, col.name) } });
        else {
          if (!col.type.value) throw new UsageError(`cannot specify key to set for non-map column ${col.name}`);
          const k = atomFromText(col.type.key, key, ctx, col.name);
          const v = atomFromText(col.type.value, value, ctx, col.name);
          ctx.add(
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
      const t = findTable(ctx.schema, table!);
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
      ctx.add(visibleAtOnce({ op: "mutate", table: t.name, where: [row], mutations: [[col.name, "insert", merged]] }));
    },
  },
  remove: {
    min: 4,
    max: Infinity,
    options: ["--if-exists"],
    async run(ctx, [table, rec, column, ...values], opts) {
      const t = findTable(ctx.schema, table!);
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
        ctx.add(visibleAtOnce({ op: "mutate", table: t.name, where: [row], mutations: [[col.name, "delete", json]] }));
      }
    },
  },
  clear: {
    min: 3,
    max: Infinity,
    options: ["--if-exists"],
    async run(ctx, [table, rec, ...columns], opts) {
      const t = findTable(ctx.schema, table!);
      const row = await recordRef(ctx, t, rec!, opts);
      if (!row) return;
      for (const c of columns) {
        const col = columnOf(t, c);
        if (!col) throw new UsageError(`${t.name} does not contain a column whose name matches "${c}"`);
        if (col.type.min > 0) throw new UsageError(`"clear" operation cannot be applied to column ${c} of table ${t.name}, which is not allowed to be empty`);
        ctx.add({ op: "update", table: t.name, where: [row], row: { [col.name]: col.type.value ? ["map", []] : ["set", []] } });
      }
    },
  },
  create: {
    min: 1,
    max: Infinity,
    options: ["--id"],
    async run(ctx, [table, ...sets], opts) {
      const t = findTable(ctx.schema, table!);
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
      ctx.add({ op: "insert", table: t.name, row, "uuid-name": name });
      return (c: CommitNames) => `${c.uuid(name)}\n`;
    },
  },
  destroy: {
    min: 1,
    max: Infinity,
    options: ["--if-exists", "--all"],
    async run(ctx, [table, ...recs], opts) {
      const t = findTable(ctx.schema, table!);
      if (opts.has("--all")) {
        if (recs.length > 0) throw new UsageError("--all and records argument should not be specified together");
        ctx.add(visibleAtOnce({ op: "delete", table: t.name, where: [] }));
        return;
      }
      // ovn-nbctl only warns (in its log) and does nothing.
      if (recs.length === 0) return void ctx.warn("db_ctl_base", "either --all or records argument should be specified");
      for (const r of recs) {
        const row = await recordRef(ctx, t, r, opts);
        if (row) ctx.add(visibleAtOnce({ op: "delete", table: t.name, where: [row] }));
      }
    },
  },
};