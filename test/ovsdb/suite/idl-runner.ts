/**
 * Runs an `ovsdb-idl.at` scenario (idl-cases.json) with a {@link Replica} in the role of the IDL,
 * as `test-ovsdb idl` runs it: the pre-transactions, then each step (a JSON transaction on a second
 * connection, a `condition` change, a `reconnect`, or an IDL write such as `verify 1 r, set 1 r 3`),
 * printing the replica's contents whenever the IDL would (after every change it waits for), in
 * the format of OVS's `test-ovsdb.py` (`table simple: i=1 r=2 b=true ... uuid=...`). The output is
 * sorted and `uuidfilt`-ed as OVS's test does before it is compared.
 *
 * The IDL only sees updates when it runs; so the rows an IDL write reads (`verify`, `set`) are the
 * replica's contents as last printed or after the runner's last commit, not updates that arrived
 * meanwhile (OVS's "handling verification failure" case depends on that).
 */
import { Replica } from "../../../src/ovsdb/cache/replica.js";
import { ChangeTracker, type TrackedRow } from "../../../src/ovsdb/cache/tracking.js";
import { OvsdbClient } from "../../../src/ovsdb/client/client.js";
import type { Datum, Row } from "../../../src/ovsdb/schema/datum.js";
import type { DatabaseSchema } from "../../../src/ovsdb/schema/schema.js";
import type { MonitorCondition, Operation, OperationResult } from "../../../src/ovsdb/wire/operations.js";
import { TimedOut } from "../../../src/ovsdb/wire/errors.js";
import type { IdlCase } from "./extract-idl.js";
import { PARTIAL_COMMANDS, idlModel, notifyEvent, partialOperations } from "./idl-partial.js";
import { uuidfilt } from "./runner.js";
import { schemaToJson } from "../../../src/ovsdb/schema/schema.js";
import type { RowChange } from "../../../src/ovsdb/cache/row-change.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The IDL write commands the runner translates to operations (test-ovsdb's `idl_set`). */
const WRITES = new Set(["set", "insert", "delete", "verify", "increment", "abort", "destroy", "linktest", "getattrtest"]);

/** Why a scenario cannot run through the replica, or undefined when it can. */
export function untranslatable(c: IdlCase): string | undefined {
  for (const [n, raw] of c.steps.entries()) {
    if (n === 0 && registration(raw)) continue;
    const s = raw.replace(/^[?+^]/, "");
    if (s.startsWith("[") || s === "reconnect" || s.startsWith("condition ") || s.startsWith("set-remote ")) continue;
    for (const cmd of s.split(",")) {
      const words = cmd.trim().split(/\s+/);
      const verb = words[0] === "notifytest" ? words[1]! : words[0]!;
      if (!WRITES.has(verb) && !PARTIAL_COMMANDS.has(verb)) return `IDL write command "${verb}" (test-ovsdb.py idl_set) has no translation`;
    }
  }
  return undefined;
}

/**
 * test-ovsdb.py's first-command column registration `?T1:c1,c2?T2:c3` (only those tables and
 * columns are replicated), or undefined when `step` is not one.
 */
function registration(step: string): Map<string, string[]> | undefined {
  if (!/^\?[A-Za-z_][A-Za-z0-9_]*:/.test(step)) return undefined;
  return new Map(
    step
      .slice(1)
      .split("?")
      .map((part) => {
        const [table, columns] = part.split(":") as [string, string];
        return [table, columns.split(",").map((c) => c.replace(/!$/, ""))];
      }),
  );
}

type View = Map<string, Map<string, Row>>;

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

const str = (a: unknown) => (typeof a === "number" ? String(a) : String(a));
const numSort = (xs: readonly unknown[]) => [...xs].sort((a, b) => Number(a) - Number(b)).map(str);
const textSort = (xs: readonly string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const set = (d: Datum): readonly unknown[] => (d === undefined ? [] : Array.isArray(d) ? d : [d]);

/** One row as test-ovsdb.py prints it (without the step and uuid). */
function rowText(view: View, table: string, r: Row): string | undefined {
  const ref = (t: string, u: unknown) => view.get(t)?.get(u as string);
  const refs = (t: string, d: Datum) => set(d).filter((u) => ref(t, u)) as string[];
  switch (table) {
    case "simple":
      return [
        `i=${str(r.i)} r=${str(r.r)} b=${str(r.b)} s=${str(r.s)} u=${str(r.u)}`,
        `ia=[${numSort(set(r.ia)).join(" ")}]`,
        `ra=[${numSort(set(r.ra)).join(" ")}]`,
        `ba=[${set(r.ba).map(str).join(" ")}]`,
        `sa=[${textSort(set(r.sa) as string[]).join(" ")}]`,
        `ua=[${textSort(set(r.ua) as string[]).join(" ")}]`,
      ].join(" ");
    case "simple2": {
      const pairs = (d: Datum) => [...((d as ReadonlyMap<unknown, unknown>) ?? new Map())].sort((a, b) => (str(a[0]) < str(b[0]) ? -1 : 1)).map(([k, v]) => `(${str(k)} ${str(v)})`).join(" ");
      return `name=${str(r.name)} smap=[${pairs(r.smap)}] imap=[${pairs(r.imap)}]`;
    }
    case "simple3":
      return `name=${str(r.name)} uset=[${textSort(set(r.uset) as string[]).join(" ")}] uref=[${textSort(refs("simple4", r.uref)).join(" ")}]`;
    case "simple4":
    case "singleton":
      return `name=${str(r.name)}`;
    case "simple5":
      return `name=${str(r.name)} irefmap=[${[...((r.irefmap as ReadonlyMap<unknown, unknown>) ?? new Map())].filter(([, v]) => ref("simple3", v)).map(([k, v]) => `(${str(k)} ${str(v)})`).join(" ")}]`;
    case "simple6":
      return `name=${str(r.name)} weak_ref=[${textSort(refs("simple", r.weak_ref)).join(" ")}]`;
    case "link1": {
      const k = ref("link1", r.k);
      const ka = refs("link1", r.ka).map((u) => ref("link1", u)!.i);
      const l2 = refs("link2", r.l2).map((u) => ref("link2", u)!.i);
      return `i=${str(r.i)} k=${k ? str(k.i) : ""} ka=[${numSort(ka).join(" ")}] l2=${l2.length ? str(l2[0]) : ""}`;
    }
    case "link2": {
      const l1 = refs("link1", r.l1).map((u) => ref("link1", u)!.i);
      return `i=${str(r.i)} l1=${l1.length ? str(l1[0]) : ""}`;
    }
    default:
      return undefined; // test-ovsdb.py prints no other table (indexed, simple7)
  }
}

/** The replica's contents as test-ovsdb.py prints them at `step`. */
export function printView(view: View, step: number): string[] {
  const out: string[] = [];
  const p = String(step).padStart(3, "0");
  for (const [table, rows] of view) {
    for (const [uuid, r] of rows) {
      const text = rowText(view, table, r);
      if (text !== undefined) out.push(`${p}: table ${table}: ${text} uuid=${uuid}`);
    }
  }
  if (out.length === 0) out.push(`${p}: empty`);
  return out;
}

/** The tables test-ovsdb's C `print_idl_track` prints (`print_idl` adds singleton). */
const C_TRACK_TABLES = ["simple", "link1", "link2", "simple3", "simple4", "simple6"];

/** One tracked row as test-ovsdb (C, `-c`) prints it: the row with its change, then its updated columns. */
function trackedLines(view: View, deleted: View, t: TrackedRow, p: string): string[] {
  const change = t.inserted && t.deleted ? "inserted/deleted row: " : t.inserted ? "inserted row: " : t.deleted ? "deleted row: " : "";
  // A deleted row's references resolve against what was there before this step's deletions too.
  const refView: View = t.deleted ? new Map([...view].map(([k, m]) => [k, new Map([...m, ...(deleted.get(k) ?? new Map())])])) : view;
  const text = rowText(refView, t.table, t.row);
  if (text === undefined) return [];
  const out = [`${p}: table ${t.table}: ${change}${text} uuid=${t.uuid}`];
  if (t.updated.length > 0) out.push(`${p}: table ${t.table}: updated columns: ${t.updated.join(" ")}`);
  return out;
}

/** test-ovsdb `-c`'s `print_idl_track`: the rows tracked since the last clear. */
export function printTracked(view: View, tracker: ChangeTracker, step: number): string[] {
  const p = String(step).padStart(3, "0");
  const rows = tracker.rows().filter((t) => C_TRACK_TABLES.includes(t.table));
  const deleted: View = new Map();
  for (const t of rows) if (t.deleted) (deleted.get(t.table) ?? deleted.set(t.table, new Map()).get(t.table)!).set(t.uuid, t.row);
  const out = rows.flatMap((t) => trackedLines(view, deleted, t, p));
  if (out.length === 0) out.push(`${p}: empty`);
  return out;
}

/** test-ovsdb `-c`'s final `print_idl`: every row, with the change flags not yet cleared. */
function printFinalTracked(view: View, tracker: ChangeTracker, step: number): string[] {
  const p = String(step).padStart(3, "0");
  const out: string[] = [];
  for (const table of [...C_TRACK_TABLES, "singleton"]) {
    for (const [uuid, row] of view.get(table) ?? []) {
      const t = tracker.get(table, uuid) ?? { table, uuid, inserted: false, deleted: false, updated: [], row };
      out.push(...trackedLines(view, new Map(), { ...t, row }, p));
    }
  }
  if (out.length === 0) out.push(`${p}: empty`);
  return out;
}

function snapshot(replica: Replica): View {
  const v: View = new Map();
  for (const t of replica.schema.tables.keys()) {
    try {
      replica.count(t);
    } catch {
      continue; // not registered (test-ovsdb.py's `?T:columns`): the IDL has no such table
    }
    v.set(t, new Map([...(replica.rows(t) as Iterable<Row>)].map((r) => [r["_uuid"] as string, r])));
  }
  return v;
}

/**
 * `condition T1 C1;T2 C2` (test-ovsdb's syntax) → table → condition. An empty list means "no row"
 * to the IDL, which sends it as `[false]` (to ovsdb-server an empty `where` matches every row).
 */
function parseConditions(step: string): [string, MonitorCondition[]][] {
  return step
    .slice("condition ".length)
    .split(";")
    .map((part) => {
      const sp = part.indexOf(" ");
      return [part.slice(0, sp), JSON.parse(part.slice(sp + 1)) as MonitorCondition[]];
    });
}

const wire = (cond: readonly MonitorCondition[]): MonitorCondition[] => (cond.length === 0 ? [false as unknown as MonitorCondition] : [...cond]);
/** test-ovsdb's symbol table: every UUID in a transaction reply becomes `#n#`, substituted in later transactions. */
function collectUuids(json: unknown, symtab: Map<string, string>): void {
  if (typeof json === "string" && UUID.test(json)) symtab.set(`#${symtab.size}#`, json);
  else if (Array.isArray(json)) for (const x of json) collectUuids(x, symtab);
  else if (json !== null && typeof json === "object") for (const x of Object.values(json)) collectUuids(x, symtab);
}

function substitute(json: unknown, symtab: Map<string, string>): unknown {
  if (typeof json === "string") return symtab.get(json) ?? json;
  if (Array.isArray(json)) return json.map((x) => substitute(x, symtab));
  if (json !== null && typeof json === "object") return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, substitute(v, symtab)]));
  return json;
}

const byUuid = (uuid: string) => [["_uuid", "==", ["uuid", uuid]]] as const;

/**
 * Translates one IDL write step (`set 0 b 1, insert 2, verify 1 r, ...`) into the operations the
 * IDL would send, then commits them through the replica. Returns the line test-ovsdb prints.
 */
async function idlWrite(replica: Replica, view: View, step: string, at: number): Promise<{ line: string; status: string }> {
  const p = String(at).padStart(3, "0");
  const simple = view.get("simple") ?? new Map<string, Row>();
  // notifytest: the IDL's notify callback records the next row change it processes, once per use.
  let notifies = 0;
  const partial: Operation[] = [];
  // Rows inserted by this transaction (the IDL finds them among the table's rows too).
  const fresh: { i: string; row: Record<string, unknown> }[] = [];
  const find = (i: string): { uuid: string; r: Row; fresh?: Record<string, unknown> } => {
    const f = fresh.find((x) => x.i === i);
    if (f) return { uuid: "", r: f.row as Row, fresh: f.row };
    for (const [uuid, r] of simple) if (String(r.i) === i) return { uuid, r };
    throw new Error(`idl write asks for nonexistent i=${i}`);
  };
  const waits: Operation[] = [];
  const updates = new Map<string, Record<string, unknown>>();
  const inserts: Operation[] = [];
  const deletes: Operation[] = [];
  let increment: string | undefined;
  let named = 0;
  const update = (uuid: string) => {
    let u = updates.get(uuid);
    if (!u) updates.set(uuid, (u = {}));
    return u;
  };
  for (const cmd of step.split(",")) {
    let [verb, ...args] = cmd.trim().split(/\s+/);
    if (verb === "notifytest") {
      notifies++;
      [verb, ...args] = args as [string, ...string[]];
    }
    if (PARTIAL_COMMANDS.has(verb!)) {
      partial.push(...partialOperations(idlModel(schemaToJson(replica.schema)), view, verb!));
      continue;
    }
    switch (verb) {
      case "set": {
        const { uuid, fresh: row } = find(args[0]!);
        const [col, value] = [args[1]!, args.slice(2).join(" ")];
        (row ?? update(uuid))[col] = col === "b" ? value === "1" : col === "r" ? Number(value) : col === "u" ? ["uuid", value] : value;
        break;
      }
      case "insert": {
        const row: Record<string, unknown> = { i: Number(args[0]) };
        fresh.push({ i: args[0]!, row });
        inserts.push({ op: "insert", table: "simple", "uuid-name": `row${named++}`, row } as never);
        break;
      }
      case "delete":
        deletes.push({ op: "delete", table: "simple", where: byUuid(find(args[0]!).uuid) as never });
        break;
      case "verify": {
        const { uuid, r, fresh: isNew } = find(args[0]!);
        if (isNew) break; // verifying a row this transaction inserts checks nothing
        const col = args[1]!;
        const v = r[col];
        waits.push({ op: "wait", table: "simple", timeout: 0, where: byUuid(uuid) as never, columns: [col], until: "==", rows: [{ [col]: col === "u" ? ["uuid", v] : v } as never] });
        break;
      }
      case "increment":
        increment = find(args[0]!).uuid;
        break;
      case "abort":
        return { line: `${p}: commit, status=aborted`, status: "aborted" };
      case "destroy":
        return { line: `${p}: destroy`, status: "destroy" };
      case "linktest": {
        // Two link1 rows: i=1 pointing at itself, i=2 pointing at the first and at both.
        inserts.push({ op: "insert", table: "link1", "uuid-name": "l0", row: { i: 1, k: ["named-uuid", "l0"], ka: ["set", [["named-uuid", "l0"]]] } } as never);
        inserts.push({ op: "insert", table: "link1", "uuid-name": "l1", row: { i: 2, k: ["named-uuid", "l0"], ka: ["set", [["named-uuid", "l0"], ["named-uuid", "l1"]]] } } as never);
        break;
      }
      case "getattrtest":
        inserts.push({ op: "insert", table: "link1", "uuid-name": "l0", row: { i: 2, k: ["named-uuid", "l0"] } } as never);
        break;
      default:
        throw new Error(`untranslated IDL write ${verb}`);
    }
  }
  const ops: Operation[] = [...waits, ...inserts, ...partial];
  for (const [uuid, row] of updates) ops.push({ op: "update", table: "simple", where: byUuid(uuid) as never, row: row as never });
  ops.push(...deletes);
  if (increment) {
    ops.push({ op: "mutate", table: "simple", where: byUuid(increment) as never, mutations: [["i", "+=", 1]] as never });
    ops.push({ op: "select", table: "simple", where: byUuid(increment) as never, columns: ["i"] });
  }
  if (ops.length === 0) return { line: `${p}: commit, status=unchanged`, status: "unchanged" };
  let results: OperationResult[];
  const events: RowChange[] = [];
  const onBatch = (b: { readonly cause: string; readonly changes: readonly RowChange[] }) => {
    if (b.cause === "update") events.push(...b.changes);
  };
  if (notifies) replica.on("batch", onBatch);
  try {
    results = await replica.transact(ops);
    if (notifies) await replica.waitUntil(() => events.length >= notifies, 5_000);
  } catch (e) {
    const status = e instanceof TimedOut && typeof e.operationIndex === "number" && ops[e.operationIndex]?.op === "wait" ? "try again" : "error";
    return { line: `${p}: commit, status=${status}`, status };
  }
  let line = `${p}: commit, status=success`;
  if (increment) line += `, increment=${str(((results.at(-1) as { rows: { i: unknown }[] }).rows[0]!).i)}`;
  if (notifies) {
    replica.off("batch", onBatch);
    const columns = (t: string) => [...(replica.schema.tables.get(t)?.columns.keys() ?? [])];
    line += `, events=${textSort(events.slice(0, notifies).map((c) => notifyEvent(c, columns(c.table)))).join(", ")}`;
  }
  return { line, status: "success" };
}

/** Runs one scenario against `remote`; returns the output sorted and `uuidfilt`-ed, as OVS compares it. */
export async function runIdlCase(c: IdlCase, remote: string, schema: DatabaseSchema): Promise<string> {
  const lines: string[] = [];
  const pre = await OvsdbClient.connect(remote, { reconnect: false });
  try {
    for (const t of c.pre) await pre.call("transact", JSON.parse(t) as unknown[]);
  } finally {
    pre.close();
  }
  const steps = [...c.steps];
  const registered = steps[0] !== undefined ? registration(steps[0]) : undefined;
  if (registered) steps.shift();
  const conditions = new Map<string, MonitorCondition[]>();
  const current = (t: string) => JSON.stringify(conditions.get(t) ?? [true]);
  let step = 0;
  const conditionLines = (s: string) => {
    const changed: [string, MonitorCondition[]][] = [];
    for (const [t, cond] of parseConditions(s)) {
      const same = current(t) === JSON.stringify(cond);
      lines.push(`${String(step).padStart(3, "0")}: ${t}: ${same ? "conditions unchanged" : "change conditions"}`);
      if (!same) changed.push([t, cond]);
      conditions.set(t, cond);
    }
    step++;
    return changed;
  };
  if (steps[0]?.includes("condition")) conditionLines(steps.shift()!);

  const client = await OvsdbClient.connect(remote);
  const other = steps.length ? await OvsdbClient.connect(remote, { reconnect: false }) : undefined;
  const tables: Record<string, { where?: MonitorCondition[] }> = {};
  for (const t of schema.tables.keys()) {
    if (registered && !registered.has(t)) continue;
    tables[t] = { ...(conditions.has(t) ? { where: wire(conditions.get(t)!) } : {}), ...(registered ? { columns: registered.get(t)! } : {}) };
  }
  const replica = await Replica.start(client, schema, { tables, ...(c.noMonitorCond ? { method: "monitor" as const } : {}) });
  // Batches that arrived, and those the IDL has processed: it only takes in updates when it runs
  // (its wait loops and commit_block), so `seen` catches up with `arrived` only there. The initial
  // contents are the first change (Replica.start resolves once they are in).
  let arrived = 1;
  let seen = 1;
  replica.on("batch", () => arrived++);
  // test-ovsdb -c: the IDL tracks every table from its first contents on.
  const tracker = c.output === "track" ? new ChangeTracker(replica, { includeCurrent: true }) : undefined;
  const print = (v: View, at: number) => {
    if (!tracker) return printView(v, at);
    const out = printTracked(v, tracker, at);
    tracker.clear();
    return out;
  };
  // The IDL's change_seqno when the current step began.
  let seqno = 0;
  let view = snapshot(replica);
  const symtab = new Map<string, string>();
  const waitForChange = async () => {
    const from = seqno;
    await replica.waitUntil(() => arrived !== from, 5_000);
    // An IDL run takes in everything already received: an echo round trip on the replica's
    // connection brings in whatever the server sent before it.
    await client.echo();
    seen = arrived;
  };
  try {
    for (let s of steps) {
      if (s.startsWith("+")) s = s.slice(1);
      else if (s.startsWith("^")) s = s.slice(1);
      else {
        await waitForChange();
        view = snapshot(replica);
        lines.push(...print(view, step++));
      }
      seqno = seen;
      if (s === "reconnect") {
        lines.push(`${String(step++).padStart(3, "0")}: reconnect`);
        const resynced = new Promise<void>((resolve) => {
          const on = () => {
            if (replica.health !== "ready") return;
            replica.off("health", on);
            resolve();
          };
          replica.on("health", on);
        });
        client.rpc.close();
        await resynced;
      } else if (s.startsWith("set-remote ")) {
        // test-ovsdb's set-remote: ovsdb_idl_set_remote, then whether the IDL is connected. The
        // scenario's unix:socket is the server under test; unix:bad_socket is nowhere.
        const list = s.slice("set-remote ".length);
        client.setRemotes(list.split(",").map((r) => (r === "unix:socket" ? remote : r === "unix:bad_socket" ? "unix:/nonexistent/ovn-ts-idl/bad_socket" : r)));
        lines.push(`${String(step++).padStart(3, "0")}: new remotes: ${list}, is connected: ${client.state === "ready"}`);
      } else if (s.startsWith("condition ")) {
        const changed = conditionLines(s);
        if (changed.length) await replica.setWhere(Object.fromEntries(changed.map(([t, cond]) => [t, wire(cond)])));
      } else if (!s.startsWith("[")) {
        const { line, status } = await idlWrite(replica, view, s, step++);
        lines.push(line);
        if (status === "success" || status === "try again" || status === "error") {
          // commit_block ran the IDL until the reply came.
          seen = arrived;
          view = snapshot(replica);
        }
        if (status === "error") seqno = -1;
      } else {
        const json = substitute(JSON.parse(s), symtab);
        const result = await other!.call("transact", json as unknown[]);
        collectUuids(result, symtab);
        lines.push(`${String(step++).padStart(3, "0")}: ${JSON.stringify({ error: null, result: sortKeys(result) })}`);
      }
    }
    other?.close();
    await waitForChange();
    lines.push(...(tracker ? printFinalTracked(snapshot(replica), tracker, step++) : printView(snapshot(replica), step++)));
    lines.push(`${String(step).padStart(3, "0")}: done`);
  } finally {
    tracker?.close();
    await replica.close();
    client.close();
    other?.close();
  }
  return normalizeIdl(lines, c.filter);
}

/** OVS's comparison: `sort` (bytewise, LC_ALL=C), `uuidfilt`, then the case's own `sed` filter. */
export function normalizeIdl(lines: readonly string[], filter: string | null): string {
  const sorted = [...lines].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  let text = uuidfilt(`${sorted.join("\n")}\n`);
  if (filter) {
    const m = /^\/([^/]+)\/s\/(.*)\/(.*)\/$/.exec(filter);
    if (!m) throw new Error(`unsupported filter ${filter}`);
    const [, address, from, to] = m;
    text = text
      .split("\n")
      .map((l) => (new RegExp(address!).test(l) ? l.replace(new RegExp(from!), to!) : l))
      .join("\n");
  }
  return text;
}
