/**
 * Plans: the operations a declarative call builds, kept apart from sending them (the builder
 * returns a {@link Plan}; only {@link ControlledDb.apply} sends). A {@link PlanBuilder} collects
 * creates, per-column changes, links, unlinks and deletes from any number of calls, sees its own
 * pending inserts (a port created in the same plan can join a port group), merges every change
 * of one row into one `update` and one `mutate`, orders inserts so referenced rows come first,
 * and puts the `wait` guards in front (RFC 7047 §5.2). The plan's types are in `plan-types.ts`,
 * the wire form of its inserts and mutations in `plan-wire.ts`.
 *
 * @module
 */
import type { Datum, Row } from "../../ovsdb/schema/datum.js";
import { type Atom, columnShape } from "../../ovsdb/schema/types.js";
import type { JsonValue } from "../../ovsdb/wire/notation.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import type { ControlledDb } from "./db.js";
import type { IndexedKey } from "../index-race.js";
import { ForeignRowError } from "./errors.js";
import { UNKNOWN_VERSION } from "./own-echo.js";
import type { GuardedRow, Plan, PlanStep } from "./plan-types.js";
import { type MutationAcc, type PendingInsert, type TableFacts, atomsOf, columnFacts, factsOf, insertOf, refSetMutate, wireValue } from "./plan-wire.js";
import { type ColumnChange, diffColumn, isOnlyKeys, normalize, normalized, normalizedStrings, normalizedValue, onlyKeys } from "./values.js";

interface PendingChange {
  readonly table: string;
  readonly key: string;
  readonly update: Record<string, Datum>;
  readonly mutations: Map<string, MutationAcc>;
}

/** The uuid-name prefix of rows a plan creates. */
const REF_PREFIX = "ctl";

/** Options of {@link PlanBuilder.create}. */
export interface PlanCreateOptions {
  /** A guard that no row has `column == value` (see {@link PlanBuilder.create}). */
  readonly absent?: { readonly column: string; readonly value: Atom };
  /** The owner stamped in `external_ids` (the identity's owner key). */
  readonly owner?: string;
  /** The row's name in the plan's steps, instead of its key. */
  readonly display?: string;
}

/** What to do with a row that exists but lacks the controller's identity. */
export interface ChangeOptions {
  /**
   * Change the row even if it lacks the controller's identity. Only the generic layer uses this
   * (e.g. for rows that have no `external_ids`); declarative calls never do.
   * @default false
   */
  readonly foreign?: boolean;
  /**
   * Guard each changed column with {@link PlanBuilder.guardColumn} instead of the row's
   * `_version` (for shared rows others write often, e.g. `NB_Global`, whose counters ovn-northd
   * bumps: only a concurrent change of a managed column fails the transaction).
   * @default false
   */
  readonly columnGuards?: boolean;
}

/**
 * Collects the changes of declarative calls into one {@link Plan}. Reads come from the
 * database's replica plus this builder's pending inserts; nothing is sent.
 */
export class PlanBuilder {
  private n = 0;
  /** Plans built so far (see {@link PendingInsert.built}). */
  private builds = 0;
  private readonly inserts = new Map<string, PendingInsert>();
  /** The uuid-names of the rows this plan creates, by table and key (no `TABLE\0KEY` string built per lookup). */
  private readonly insertKeys = new Map<string, Map<string, string>>();
  private readonly changes = new Map<string, PendingChange>();
  /** Rows deleted; `op` is false for non-root rows the server collects once unreferenced. */
  private readonly deletes = new Map<string, { table: string; op: boolean }>();
  private readonly versionGuards = new Map<string, GuardedRow>();
  private readonly absentWhere: { readonly table: string; readonly where: readonly (readonly [string, string, unknown])[] }[] = [];
  private readonly columnGuards = new Map<string, GuardedRow & { readonly column: string; readonly value: Datum }>();
  private readonly absentGuards = new Map<string, { table: string; column: string; value: Atom }>();
  private readonly matchingGuards = new Map<string, { readonly table: string; readonly where: readonly (readonly [string, string, unknown])[]; readonly columns: readonly string[]; readonly rows: readonly { readonly [column: string]: Datum }[] }>();
  /** The keys inserted under the protection of a unique index, in order, each once (by table, column and value as text: no key string built per insert). */
  private readonly indexedKeys: IndexedKey[] = [];
  private readonly indexedAt = new Map<string, Map<string, Map<string, number>>>();
  private lastIndexed: { readonly table: string; readonly column: string; readonly byValue: Map<string, number> } | undefined;
  private readonly steps: PlanStep[] = [];
  private readonly stepOf = new Map<string, { columns: Set<string> }>();
  /** The reference lists {@link PlanBuilder.link} grew on rows this plan creates (`ref\0column`): this plan's own arrays, and their members. */
  private readonly pendingLinks = new Map<string, { readonly list: Atom[]; readonly members: Set<Atom> }>();

  constructor(
    /** The database the plan is for. */
    readonly db: ControlledDb,
    /** A label for logs and the transaction hook. */
    readonly label?: string,
  ) {}

  /** The uuid-name of a row this plan creates under `key` in `table`, if any. */
  pending(table: string, key: string): string | undefined {
    // A plan that creates nothing (a no-op apply) builds no key.
    if (this.insertKeys.size === 0) return undefined;
    return this.insertKeys.get(table)?.get(key);
  }

  /** The key a row this plan creates was given, by its uuid-name. */
  pendingKey(ref: string): string | undefined {
    return this.inserts.get(ref)?.key;
  }

  /** True when `ref` is the uuid-name of a row this plan creates. */
  isPending(ref: string): boolean {
    return this.inserts.has(ref);
  }

  /** True when this plan deletes the row. */
  isDeleted(uuid: string): boolean {
    return this.deletes.has(uuid);
  }

  /** The row's key for messages and steps: its name when it has one, else its UUID. */
  keyOf(table: string, row: Row): string {
    const name = row["name"];
    return typeof name === "string" && name !== "" ? name : `${table}:${row["_uuid"] as string}`;
  }

  /**
   * Creates a row (stamped with the controller's identity when the table has `external_ids`);
   * returns its uuid-name. `key` names it for {@link PlanBuilder.pending} and the plan's steps
   * (`display`, when given, names it in the steps instead);
   * `absent` adds a guard that no row has `column == value` (so a retried create never duplicates);
   * when the server's schema has a unique index on exactly `column`, no `wait` is sent (ovsdb-server
   * scans the whole table to evaluate one) and the index refuses the duplicate instead (the key is
   * listed in {@link Plan.indexed}).
   */
  create(table: string, key: string, row: { readonly [column: string]: unknown }, options: PlanCreateOptions = {}): string {
    return this.createRow(table, key, row, undefined, options);
  }

  /**
   * {@link PlanBuilder.create} of the row `{ ...row, name }` under key `name`, without building that
   * copy of `row` (thousands of ports are created by name).
   */
  protected createNamed(table: string, name: string, row: { readonly [column: string]: unknown }, options: PlanCreateOptions = {}): string {
    return this.createRow(table, name, row, name, options);
  }

  private createRow(table: string, key: string, row: { readonly [column: string]: unknown }, name: string | undefined, options: PlanCreateOptions): string {
    const f = factsOf(this.db, table);
    const out: Record<string, Datum> = {};
    const json: Record<string, JsonValue | null> = {};
    const columns: string[] = [];
    // The row's wire form is built here once, in its final shape, when nothing needs it built again.
    let whole = true;
    // (`name`, when given, takes the place `row`'s own `name` has, else comes last: as `{ ...row, name }`)
    let named = name === undefined;
    for (const c of Object.keys(row)) {
      let v = row[c];
      if (!named && c === "name") {
        named = true;
        v = name;
      } else if (v === undefined) continue;
      if (!this.take(f, table, c, v, out, json, columns)) whole = false;
    }
    if (!named && !this.take(f, table, "name", name, out, json, columns)) whole = false;
    if (!this.stamp(f, row, out, json, columns, options.owner)) whole = false;
    const ref = `${REF_PREFIX}${++this.n}_${f.refSuffix}`;
    this.inserts.set(ref, { table, key, row: out, json, whole, built: 0 });
    let keys = this.insertKeys.get(table);
    if (keys === undefined) this.insertKeys.set(table, (keys = new Map()));
    keys.set(key, ref);
    if (options.absent && this.db.guards) this.guardCreate(f, table, options.absent);
    this.steps.push({ kind: "create", table, key: options.display ?? key, columns });
    return ref;
  }

  /**
   * Stamps a row created with the controller's identity (and `owner`) in `external_ids`, when its
   * table has that column, and puts the column's wire form in `json` when it is plain strings.
   * False when the insert's wire form must be made when the plan is built (see {@link insertOf}).
   */
  private stamp(f: TableFacts, row: { readonly [column: string]: unknown }, out: Record<string, Datum>, json: Record<string, JsonValue | null>, columns: string[], owner: string | undefined): boolean {
    const extCol = f.external;
    if (!extCol) return !("external_ids" in json);
    // A map the caller gave is copied; one the normalisation built (from an object) is this plan's own.
    const given = out["external_ids"] as Map<Atom, Atom> | undefined;
    const ext = given === undefined || row["external_ids"] === given ? new Map(given ?? []) : given;
    ext.set(this.db.identity.vendorKey, this.db.identity.vendor);
    if (owner !== undefined) ext.set(this.db.identity.ownerKey, owner);
    if (given === undefined) columns.push("external_ids");
    out["external_ids"] = ext;
    // Its wire form now, when it is plain strings (else insertOf encodes it).
    const j = f.externalPlain ? normalizedStrings(extCol.type, ext) : undefined;
    if (j) {
      json["external_ids"] = j.json;
      return true;
    }
    delete json["external_ids"];
    return false;
  }

  /** The guard that no row of `table` has `column == value` for a row created: the server's unique index on the column when it has one, else a `wait`. */
  private guardCreate(f: TableFacts, table: string, absent: { readonly column: string; readonly value: Atom }): void {
    const guard = { table, column: absent.column, value: absent.value };
    let unique = f.unique.get(absent.column);
    if (unique === undefined) f.unique.set(absent.column, (unique = this.db.hasUniqueIndex(table, [absent.column])));
    if (unique) this.addIndexed(guard);
    else this.absentGuards.set(`${table}\u0000${absent.column}\u0000${String(absent.value)}`, guard);
  }

  /**
   * Takes column `c` of a row created: its value (checked) into `out`, its wire form into `json`
   * (`external_ids` only keeps its place there: its value is completed and encoded by the caller).
   * False when the column references rows (the insert's wire form is then made when the plan is built).
   */
  private take(f: TableFacts, table: string, c: string, v: unknown, out: Record<string, Datum>, json: Record<string, JsonValue | null>, columns: string[]): boolean {
    let cf = f.columns.get(c);
    if (cf === undefined) f.columns.set(c, (cf = columnFacts(this.db, table, c)));
    const type = cf.col.type;
    // (only enumerated columns have values a server's schema may lack)
    if (cf.enumerated) this.db.requireValues(table, c, v);
    columns.push(c);
    if (c === "external_ids") {
      out[c] = normalizedValue(type, v, table, c);
      json[c] = null;
    } else {
      const n = normalized(type, v, table, c);
      out[c] = n.value;
      json[c] = cf.optionalAtom ? wireValue(type, n.json) : n.json;
    }
    return !cf.isRef;
  }

  /** Lists a key inserted under a unique index's protection (a later one of the same table, column and value replaces it in its place). */
  private addIndexed(key: IndexedKey): void {
    // (thousands of ports in a row: the last table and column's values kept at hand)
    let byValue = this.lastIndexed !== undefined && this.lastIndexed.table === key.table && this.lastIndexed.column === key.column ? this.lastIndexed.byValue : undefined;
    if (byValue === undefined) {
      let byColumn = this.indexedAt.get(key.table);
      if (byColumn === undefined) this.indexedAt.set(key.table, (byColumn = new Map()));
      byValue = byColumn.get(key.column);
      if (byValue === undefined) byColumn.set(key.column, (byValue = new Map()));
      this.lastIndexed = { table: key.table, column: key.column, byValue };
    }
    const text = String(key.value);
    const at = byValue.get(text);
    if (at === undefined) {
      byValue.set(text, this.indexedKeys.length);
      this.indexedKeys.push(key);
    } else this.indexedKeys[at] = key;
  }

  /**
   * Brings the managed columns of an existing row to `desired` with the fewest changes: an
   * `update` for scalar columns, per-element/per-key mutations for sets and maps. `external_ids`
   * is always managed key by key (the identity keys stay). Returns true when something changed.
   * Throws {@link ForeignRowError} for a row without the controller's identity.
   */
  change(table: string, row: Row, desired: { readonly [column: string]: unknown }, options: ChangeOptions = {}): boolean {
    const uuid = row["_uuid"] as string;
    if (this.inserts.has(uuid)) return this.changePending(uuid, desired);
    this.db.table(table);
    if (!options.foreign && this.db.column(table, "external_ids") && !this.db.owns(row)) throw new ForeignRowError(table, this.keyOf(table, row), uuid);
    let changed = false;
    for (const c of Object.keys(desired)) {
      const v = desired[c];
      const col = this.db.column(table, c);
      // (only enumerated columns have values a server's schema may lack)
      if (col.type.key.enum || col.type.value?.enum) this.db.requireValues(table, c, v);
      // The common case of a no-op apply: every given key already has its value.
      if (c === "external_ids" && hasKeys(row[c], v)) continue;
      const want = c === "external_ids" && !isOnlyKeys(v) && v !== undefined ? onlyKeys(toEntries(v)) : v;
      const change = diffColumn(col.type, row[c], want, table, c);
      if (!change) continue;
      if (options.columnGuards) this.guardColumn(table, row, c);
      this.record(table, row, c, change, !options.columnGuards);
      changed = true;
    }
    return changed;
  }

  private changePending(ref: string, desired: { readonly [column: string]: unknown }): boolean {
    const p = this.inserts.get(ref)!;
    for (const [c, v] of Object.entries(desired)) {
      if (v === undefined) continue;
      const col = this.db.column(p.table, c);
      this.db.requireValues(p.table, c, v);
      delete p.json[c];
      p.whole = false;
      if (isOnlyKeys(v) || c === "external_ids") {
        const m = new Map((p.row[c] as ReadonlyMap<Atom, Atom> | undefined) ?? []);
        for (const [k, x] of isOnlyKeys(v) ? v.entries : toEntries(v)) x === undefined ? m.delete(k) : m.set(k, x);
        p.row[c] = normalize(col.type, m, p.table, c);
      } else p.row[c] = normalize(col.type, v, p.table, c);
    }
    return true;
  }

  /**
   * The pending change of a row. `guard`: the change was computed from the row's contents, so
   * pin its version (adding or removing one reference commutes with other writers: no guard).
   */
  private pendingChange(table: string, row: Row, guard: boolean): PendingChange {
    const uuid = row["_uuid"] as string;
    let p = this.changes.get(uuid);
    if (!p) {
      p = { table, key: this.keyOf(table, row), update: {}, mutations: new Map() };
      this.changes.set(uuid, p);
    }
    const v = row["_version"];
    if (guard && this.db.guards && typeof v === "string" && !this.versionGuards.has(uuid)) this.versionGuards.set(uuid, { table, uuid, version: v });
    return p;
  }

  private markStep(table: string, row: Row, column: string): void {
    const uuid = row["_uuid"] as string;
    let s = this.stepOf.get(uuid);
    if (!s) {
      s = { columns: new Set() };
      this.stepOf.set(uuid, s);
      const cols = s.columns;
      const step = { kind: "update", table, key: this.keyOf(table, row), uuid, get columns() { return [...cols]; } } as const;
      this.steps.push(step);
    }
    s.columns.add(column);
  }

  private record(table: string, row: Row, column: string, change: ColumnChange, guard = true): void {
    const p = this.pendingChange(table, row, guard);
    this.markStep(table, row, column);
    if (change.kind === "set") {
      p.update[column] = change.value;
      return;
    }
    const acc = this.acc(p, table, column);
    for (const k of change.remove) acc.remove.add(k);
    if (change.add instanceof Map) for (const [k, v] of change.add) acc.add.set(k, v);
    else for (const a of change.add as readonly Atom[]) acc.add.set(a, a);
  }

  private acc(p: PendingChange, table: string, column: string): MutationAcc {
    let acc = p.mutations.get(column);
    if (!acc) {
      const col = this.db.column(table, column);
      acc = { map: columnShape(col.type) === "map", remove: new Set(), add: new Map() };
      p.mutations.set(column, acc);
    }
    return acc;
  }

  /**
   * Adds reference `child` (a UUID or a uuid-name of this plan) to set column `column` of
   * `parent` (a replica row, or the uuid-name of a row this plan creates). No-op when present.
   */
  link(table: string, parent: Row | string, column: string, child: string): void {
    if (typeof parent === "string") {
      const p = this.inserts.get(parent);
      if (!p) throw new TypeError(`${parent} is not a row of this plan`);
      // The references linked so far, as a set beside this plan's own copy of the list: hundreds of
      // ports joining a switch created in the same plan (a dry run) are each looked up and appended
      // in constant time, not copied and scanned.
      const k = `${parent}\u0000${column}`;
      let linked = this.pendingLinks.get(k);
      if (linked === undefined || p.row[column] !== linked.list) {
        const list = [...((p.row[column] as readonly Atom[] | undefined) ?? [])];
        linked = { list, members: new Set(list) };
        this.pendingLinks.set(k, linked);
      }
      if (!linked.members.has(child)) {
        linked.members.add(child);
        linked.list.push(child);
        p.row[column] = linked.list;
        delete p.json[column];
        p.whole = false;
      }
      return;
    }
    const p = this.changes.get(parent["_uuid"] as string);
    const acc = p?.mutations.get(column);
    // A row this plan creates is in no replica row (which hold UUIDs): no scan of the parent's set.
    if (this.inserts.has(child)) {
      // Thousands of new ports joining one switch: after the first, each is added to the mutation
      // the first made (its step already names the column), without a change built per port.
      if (acc !== undefined) {
        if (acc.remove.size > 0) acc.remove.delete(child);
        acc.add.set(child, child); // (a child linked again keeps its place)
        return;
      }
      this.record(table, parent, column, { kind: "mutate", remove: [], add: [child] }, false);
      return;
    }
    const cur = parent[column] as readonly Atom[] | Atom | undefined;
    const has = Array.isArray(cur) ? cur.includes(child) : cur === child;
    if (acc?.remove.has(child)) {
      acc.remove.delete(child);
      if (has) return;
    }
    if (has || acc?.add.has(child)) return;
    this.record(table, parent, column, { kind: "mutate", remove: [], add: [child] }, false);
  }

  /** Removes reference `child` from set column `column` of `parent` (no-op when absent). */
  unlink(table: string, parent: Row, column: string, child: string): void {
    const cur = parent[column];
    const has = Array.isArray(cur) ? cur.includes(child) : cur === child;
    const acc = this.changes.get(parent["_uuid"] as string)?.mutations.get(column);
    if (acc?.add.has(child)) acc.add.delete(child);
    if (!has) return;
    this.record(table, parent, column, { kind: "mutate", remove: [child], add: [] }, false);
  }

  /**
   * Deletes a row: removes every strong reference to it (held by rows in the replica) and, for a
   * root table, deletes it (a non-root row without references is collected by the server,
   * RFC 7047 §3.2 `isRoot`). Throws {@link ForeignRowError} for a row without the identity.
   */
  remove(table: string, row: Row, options: ChangeOptions = {}): void {
    const uuid = row["_uuid"] as string;
    if (this.deletes.has(uuid)) return;
    const ts = this.db.table(table);
    if (!options.foreign && ts.columns.has("external_ids") && !this.db.owns(row)) throw new ForeignRowError(table, this.keyOf(table, row), uuid);
    const holders = this.db.holders(table, uuid);
    for (const h of holders) if (!this.deletes.has(h.row["_uuid"] as string)) this.unlink(h.table, h.row, h.column, uuid);
    this.deletes.set(uuid, { table, op: ts.isRoot || holders.length === 0 });
    this.steps.push({ kind: "delete", table, key: this.keyOf(table, row), uuid });
  }

  /**
   * Pins column `column` of an existing row to its replica value: the transaction fails (and a
   * reconcile rebuilds) if another writer changed it meanwhile. Declarative calls that add a keyed
   * child (NAT, route, policy) guard the parent's set this way, so two writers racing to add the
   * same child never both insert it.
   */
  guardColumn(table: string, row: Row, column: string): void {
    const uuid = row["_uuid"] as string;
    const v = row["_version"];
    if (!this.db.guards || this.inserts.has(uuid) || typeof v !== "string") return;
    this.db.column(table, column);
    const key = `${uuid}\u0000${column}`;
    if (!this.columnGuards.has(key)) this.columnGuards.set(key, { table, uuid, version: v, column, value: row[column] });
  }

  /**
   * Adds a guard that no row of `table` matches `where` (RFC 7047 conditions over the server's
   * columns), for creates keyed by more than a name: the transaction fails (and a reconcile
   * rebuilds) if another writer created such a row meanwhile.
   */
  guardAbsent(table: string, where: readonly (readonly [string, string, unknown])[]): void {
    if (!this.db.guards) return;
    for (const [c] of where) this.db.column(table, c);
    this.absentWhere.push({ table, where });
  }

  /**
   * Pins the rows of `table` that match `where` (RFC 7047 conditions over the server's columns),
   * projected on `columns`, to `rows` (values as the replica holds them): the transaction fails (and
   * a reconcile rebuilds) if another writer created, deleted or changed such a row meanwhile. `key`
   * names the guard: asked again in the same plan, it is sent once (the first one's rows). For
   * keyed children of a parent with thousands of them (a router's policies): one owner's children
   * are pinned, not the parent's whole set, so the guard does not grow with the parent.
   */
  guardMatching(key: string, table: string, where: readonly (readonly [string, string, unknown])[], columns: readonly string[], rows: readonly { readonly [column: string]: Datum }[]): void {
    if (!this.db.guards || this.matchingGuards.has(key)) return;
    for (const [c] of where) this.db.column(table, c);
    for (const c of columns) this.db.column(table, c);
    this.matchingGuards.set(key, { table, where, columns, rows });
  }

  /** True when nothing has been planned. */
  get empty(): boolean {
    return this.inserts.size === 0 && this.changes.size === 0 && this.deletes.size === 0;
  }

  /** The plan: guards, then inserts (referenced rows first), then per-row update and mutate, then deletes. */
  build(): Plan {
    const ops: Operation[] = [];
    const guarded: GuardedRow[] = [];
    const m = this.db.model;
    const body: Operation[] = [];
    // Inserts, referenced rows first.
    // (each insert marked with this build's number once in the plan: no set of the done ones)
    const stamp = ++this.builds;
    const visit = (ref: string, p: PendingInsert, depth: number): void => {
      if (p.built === stamp || depth > this.inserts.size) return;
      // Only uuid-typed columns can name another insert of this plan (a row still whole has none).
      if (!p.whole)
        for (const c of this.db.refColumns(p.table)) {
          const v = p.row[c];
          if (v !== undefined)
            for (const a of atomsOf(v)) {
              const q = typeof a === "string" && a !== ref ? this.inserts.get(a) : undefined;
              if (q !== undefined) visit(a as string, q, depth + 1);
            }
        }
      p.built = stamp;
      body.push(insertOf(this.db, p.table, p.row, ref, p.json, p.whole));
    };
    for (const [ref, p] of this.inserts) visit(ref, p, 0);
    for (const [uuid, p] of this.changes) {
      // A row deleted by an operation needs no change; one only unreferenced (a non-root row the
      // server collects at commit) still drops its references first: the server checks references
      // before it collects, so a root row deleted with it (an HA chassis group of a router port) must
      // no longer be referenced by it.
      if (this.deletes.get(uuid)?.op) continue;
      const where = [["_uuid", "==", uuid]] as never;
      if (Object.keys(p.update).length > 0) body.push(m.table(p.table).update(where, p.update as never));
      const muts: unknown[] = [];
      for (const [c, acc] of p.mutations) {
        if (acc.remove.size > 0) muts.push([c, "delete", [...acc.remove]]);
        if (acc.add.size > 0) muts.push([c, "insert", acc.map ? new Map(acc.add) : [...acc.add.keys()]]);
      }
      if (muts.length > 0) body.push(refSetMutate(this.db, p.table, uuid, p.mutations, this.inserts) ?? m.table(p.table).mutate(where, muts as never));
      else if (Object.keys(p.update).length === 0) continue;
      const g = this.versionGuards.get(uuid);
      if (g) guarded.push(g);
    }
    for (const [uuid, d] of this.deletes) if (d.op) body.push(m.table(d.table).delete([["_uuid", "==", uuid]] as never));
    this.guardOperations(ops, guarded);
    ops.push(...body);
    const steps = body.length === 0 ? [] : this.steps.filter((s) => s.kind !== "update" || s.columns.length > 0).map((s) => (s.kind === "update" ? { ...s, columns: [...s.columns] } : s));
    return { database: this.db.database, label: this.label, operations: body.length === 0 ? [] : ops, steps, guarded: body.length === 0 ? [] : guarded, indexed: body.length === 0 ? [] : this.indexedKeys.slice() };
  }

  /** The plan's `wait` guards, in `ops` (absence, rows matching, columns, then versions); the rows they pin added to `guarded`. */
  private guardOperations(ops: Operation[], guarded: GuardedRow[]): void {
    const m = this.db.model;
    for (const g of this.absentGuards.values()) {
      ops.push(m.table(g.table).wait([[g.column, "==", g.value]] as never, { columns: [g.column] as never, until: "==", rows: [], timeout: 0 }));
    }
    for (const g of this.absentWhere) {
      ops.push(m.table(g.table).wait(g.where as never, { columns: [g.where[0]![0]] as never, until: "==", rows: [], timeout: 0 }));
    }
    for (const g of this.matchingGuards.values()) {
      ops.push(m.table(g.table).wait(g.where as never, { columns: g.columns as never, until: "==", rows: g.rows as never, timeout: 0 }));
    }
    for (const g of this.columnGuards.values()) {
      if (this.deletes.has(g.uuid)) continue;
      ops.push(m.table(g.table).wait([["_uuid", "==", g.uuid]] as never, { columns: [g.column] as never, until: "==", rows: [{ [g.column]: g.value }] as never, timeout: 0 }));
      guarded.push({ table: g.table, uuid: g.uuid, version: g.version, column: g.column });
    }
    for (const g of guarded) {
      if (g.column !== undefined) continue;
      if (g.version === UNKNOWN_VERSION) {
        // A row this controller changed itself, detached (its new `_version` is the server's
        // secret): pinned by its whole contents instead, which the replica knows exactly.
        const row = this.db.replica.get(g.table, g.uuid) as Row | undefined;
        if (row) {
          const columns = [...this.db.table(g.table).columns.keys()].filter((c) => c !== "_uuid" && c !== "_version");
          const pinned: Record<string, Datum> = {};
          for (const c of columns) pinned[c] = row[c];
          ops.push(m.table(g.table).wait([["_uuid", "==", g.uuid]] as never, { columns: columns as never, until: "==", rows: [pinned] as never, timeout: 0 }));
          continue;
        }
      }
      ops.push(m.table(g.table).wait([["_uuid", "==", g.uuid]] as never, { columns: ["_version"] as never, until: "==", rows: [{ _version: g.version }] as never, timeout: 0 }));
    }
  }
}

/**
 * True when map `current` already holds every key of plain object `desired` with its value (and
 * none of its keys given as `undefined`): managed key by key, such a column needs no change.
 * False for anything else (a map, `onlyKeys`, ...), which the general diff then compares.
 */
function hasKeys(current: Datum, desired: unknown): boolean {
  if (!(current instanceof Map) || desired === null || typeof desired !== "object" || desired instanceof Map || isOnlyKeys(desired)) return false;
  const want = desired as Record<string, unknown>;
  for (const k in want) {
    const v = want[k];
    if (v === undefined ? current.has(k) : current.get(k) !== v) return false;
  }
  return true;
}

function toEntries(v: unknown): ReadonlyMap<Atom, Atom | undefined> {
  if (v instanceof Map) return v as ReadonlyMap<Atom, Atom>;
  return new Map(Object.entries(v as Record<string, Atom | undefined>));
}
