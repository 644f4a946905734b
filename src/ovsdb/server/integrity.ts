/**
 * The commit-time checks of the embedded server's transactions, in ovsdb-server's order and with
 * its errors: strong references (no dangling reference, no deletion of a referenced row; a row's
 * references to itself do not count), garbage collection of unreferenced rows of non-root tables,
 * removal of weak references to deleted rows (and the constraint errors that may cause), `maxRows`,
 * and unique indexes.
 *
 * @module
 */
import { type Datum, type Row, compareDatums, datumAtoms, datumEquals } from "../schema/datum.js";
import { type Atom, columnShape } from "../schema/types.js";
import { ConstraintViolation, ReferentialIntegrityViolation } from "../wire/errors.js";
import type { Database } from "./database.js";
import { type Change, type RefColumn, type TableData, datumText, indexKey, forgetRefDiffs, holdsNothing, refAtoms, refDiff } from "./storage.js";

/** @internal What the checks read and change of a transaction in progress. */
export interface TxnView {
  readonly db: Database;
  /** Changes in the order they were first made (a superseded one is no longer the row's entry in {@link TxnView.changes}). */
  readonly order: readonly Change[];
  /** The current change of each row, by UUID. */
  readonly changes: ReadonlyMap<string, Change>;
  /** The row's values in the transaction's view, or undefined when it does not exist there. */
  current(table: string, uuid: string): Row | undefined;
  /** Sets a row's values (undefined deletes it) in the transaction's view. */
  write(table: string, uuid: string, data: Record<string, Datum> | undefined): void;
  /** The row's `_version` in the transaction's view. */
  versionOf(t: TableData, uuid: string): string;
}

/**
 * Runs every commit-time check on `view`, in ovsdb-server's order; may delete garbage rows and
 * weak references in the view. Throws the first violation (an {@link OvsdbError} subclass).
 * @internal
 */
export function checkCommit(view: TxnView): void {
  forgetRefDiffs();
  const c = new IntegrityCheck(view);
  c.checkStrongRefs();
  c.collectGarbage();
  c.removeWeakRefs();
  c.checkMaxRows();
  c.checkIndexes();
}

const WEAK = new WeakMap<readonly RefColumn[], readonly RefColumn[]>();

/** The weak ones of a table's reference columns (worked out once per table). */
function weakRefColumns(refs: readonly RefColumn[]): readonly RefColumn[] {
  let w = WEAK.get(refs);
  if (w === undefined) WEAK.set(refs, (w = refs.filter((r) => !r.strong)));
  return w;
}

class IntegrityCheck {
  constructor(private readonly view: TxnView) {}

  private get db(): Database {
    return this.view.db;
  }

  private get order(): readonly Change[] {
    return this.view.order;
  }

  private get changes(): ReadonlyMap<string, Change> {
    return this.view.changes;
  }

  private current(table: string, uuid: string): Row | undefined {
    return this.view.current(table, uuid);
  }

  private write(table: string, uuid: string, data: Record<string, Datum> | undefined): void {
    this.view.write(table, uuid, data);
  }

  private versionOf(t: TableData, uuid: string): string {
    return this.view.versionOf(t, uuid);
  }


  private live(c: Change): boolean {
    return this.changes.get(c.uuid) === c;
  }

  /** Change in strong reference counts made by this transaction: target → delta. */
  private strongDelta = new Map<string, number>();

  private addDelta(targets: readonly string[], by: number): void {
    // Indexed: `targets` is often a frozen array, whose for-of allocates (see Database.applyRow).
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      this.strongDelta.set(t, (this.strongDelta.get(t) ?? 0) + by);
    }
  }

  /** Strong references of the post-transaction state to `target`. */
  private strongRefCount(target: string): number {
    return this.db.strongRefsTo(target) + (this.strongDelta.get(target) ?? 0);
  }

  checkStrongRefs(): void {
    this.strongDelta = new Map();
    // Nothing is written while this loop runs: no copy of the order needed.
    const order = this.order;
    for (let k = 0; k < order.length; k++) {
      const c = order[k]!;
      if (!this.live(c)) continue;
      const refs = this.db.refColumnsOf(c.table);
      for (let j = 0; j < refs.length; j++) {
        const r = refs[j]!;
        if (!r.strong) continue;
        const { added, removed } = refDiff(r, c.old?.data[r.column], c.new?.[r.column], c.uuid);
        if (added.length === 0 && removed.length === 0) continue;
        this.addDelta(removed, -1);
        this.addDelta(added, 1);
        for (const target of added) {
          if (!this.current(r.refTable, target)) {
            throw new ReferentialIntegrityViolation(
              `Table ${c.table} column ${r.column} row ${c.uuid} references nonexistent row ${target} in table ${r.refTable}.`,
            );
          }
        }
      }
    }
    for (const c of this.order) {
      if (!this.live(c) || c.new || !c.old) continue;
      const n = this.strongRefCount(c.uuid);
      if (n > 0) throw new ReferentialIntegrityViolation(`cannot delete ${c.table} row ${c.uuid} because of ${n} remaining reference(s)`);
    }
  }

  private strongTargets(table: string, uuid: string, data: Row): string[] {
    const out: string[] = [];
    for (const r of this.db.refColumnsOf(table)) if (r.strong) out.push(...refAtoms(r, data[r.column], uuid));
    return out;
  }

  collectGarbage(): void {
    // Candidates: rows inserted by this transaction and rows that lost a strong reference.
    const candidates: string[] = [];
    for (const c of this.order) if (this.live(c) && c.new && !c.old) candidates.push(c.uuid);
    for (const [t, d] of this.strongDelta) if (d < 0) candidates.push(t);
    const seen = new Set<string>();
    while (candidates.length > 0) {
      const u = candidates.pop()!;
      if (seen.has(u)) continue;
      const table = this.changes.get(u)?.table ?? this.db.tableOf(u);
      if (!table) continue;
      if (this.db.isRootTable(table)) continue;
      const row = this.current(table, u);
      if (!row) continue;
      if (this.strongRefCount(u) > 0) continue;
      seen.add(u);
      const targets = this.strongTargets(table, u, row);
      this.write(table, u, undefined);
      this.addDelta(targets, -1);
      candidates.push(...targets);
    }
  }

  removeWeakRefs(): void {
    const order = this.order;
    const n = order.length;
    let deleted: Set<string> | undefined;
    for (let k = 0; k < n; k++) {
      const c = order[k]!;
      if (this.live(c) && !c.new) (deleted ??= new Set()).add(c.uuid);
    }
    // Rows to examine: changed rows with new values, and committed rows that weakly reference a deleted row.
    if (deleted === undefined) {
      // Nothing deleted (most transactions): the changed rows, in order (each appears once live;
      // what this writes changes only rows already changed, so the order does not grow).
      for (let k = 0; k < n; k++) {
        const c = order[k]!;
        if (this.live(c) && c.new) this.dropDeadWeakRefs(c.uuid, c.table);
      }
      return;
    }
    const examine = new Map<string, string>();
    for (const c of order) if (this.live(c) && c.new) examine.set(c.uuid, c.table);
    for (const d of deleted) {
      const inc = this.db.incomingOf(d);
      if (!inc) continue;
      for (const src of inc.keys()) {
        if (this.changes.has(src)) continue;
        const table = this.db.tableOf(src);
        if (table) examine.set(src, table);
      }
    }
    for (const [uuid, table] of examine) this.dropDeadWeakRefs(uuid, table);
  }

  /** Removes from row `uuid` of `table` its weak references to rows that do not exist (ovsdb-server's errors when a column becomes too small). */
  private dropDeadWeakRefs(uuid: string, table: string): void {
    const refs = weakRefColumns(this.db.refColumnsOf(table));
    if (refs.length === 0) return;
    const row = this.current(table, uuid);
    if (!row) return;
    const inserted = !this.db.tableData(table)!.rows.has(uuid);
    let data: Record<string, Datum> | undefined;
    for (const r of refs) {
      const v = (data ?? row)[r.column];
      if (holdsNothing(v)) continue;
      const col = this.db.tableData(table)!.schema.columns.get(r.column)!;
      const dead = (a: Atom) => !this.current(r.refTable, a as string);
      let removed = 0;
      let next: Datum;
      let zero = false;
      if (v instanceof Map) {
        const m = new Map<Atom, Atom>();
        for (const [k, x] of v) {
          if (dead(r.part === "key" ? k : x)) {
            removed++;
            if ((r.part === "key" ? k : x) === "00000000-0000-0000-0000-000000000000") zero = true;
          } else m.set(k, x);
        }
        next = m;
      } else {
        const atoms = datumAtoms(v);
        const keep = atoms.filter((a) => !dead(a));
        removed = atoms.length - keep.length;
        zero = atoms.some((a) => a === "00000000-0000-0000-0000-000000000000");
        const shape = columnShape(col.type);
        next = shape === "scalar" ? keep[0] : shape === "optional" ? keep[0] : keep;
      }
      if (removed === 0) continue;
      const n = next instanceof Map ? next.size : datumAtoms(next).length;
      if (n < col.type.min) {
        const where = `"${r.column}" in "${table}" row ${uuid}${inserted ? " (inserted within this transaction)" : ""}`;
        if (zero) {
          throw new ConstraintViolation(
            `Weak reference column ${where} contained all-zeros UUID (probably as the default value for this column) but deleting this value caused a constraint volation because this column is not allowed to be empty.`,
          );
        }
        throw new ConstraintViolation(
          `Deletion of ${removed} weak reference(s) to deleted (or never-existing) rows from column ${where} caused this column to become empty, but constraints on this column disallow an empty column.`,
        );
      }
      data ??= { ...row };
      data[r.column] = next;
    }
    if (data) this.write(table, uuid, data);
  }

  checkMaxRows(): void {
    const touched = new Set<string>();
    for (const c of this.order) if (this.live(c) && c.new && !c.old) touched.add(c.table);
    for (const name of touched) {
      const t = this.db.tableData(name)!;
      if (t.schema.maxRows === undefined) continue;
      let n = t.rows.size;
      for (const c of this.order) {
        if (!this.live(c) || c.table !== name) continue;
        if (c.new && !c.old) n++;
        else if (!c.new && c.old) n--;
      }
      if (n > t.schema.maxRows) {
        throw new ConstraintViolation(`transaction causes "${name}" table to contain ${n} rows, greater than the schema-defined limit of ${t.schema.maxRows} row(s)`);
      }
    }
  }

  /** Compares two rows of the transaction's view on every column, in the order ovsdb-server iterates a table's columns. */
  private compareAllColumns(t: TableData, ua: string, ub: string): number {
    const ra = this.current(t.schema.name, ua) ?? {};
    const rb = this.current(t.schema.name, ub) ?? {};
    const value = (u: string, r: Row, c: string): Datum => (c === "_uuid" ? u : c === "_version" ? this.versionOf(t, u) : r[c]);
    for (const c of t.ovsColumnOrder) {
      const d = compareDatums(value(ua, ra, c), value(ub, rb, c));
      if (d !== 0) return d;
    }
    return 0;
  }

  checkIndexes(): void {
    const byTable = new Map<string, Change[]>();
    for (const c of this.order) {
      if (!this.live(c) || !c.new) continue;
      const t = this.db.tableData(c.table)!;
      if (t.schema.indexes.length === 0) continue;
      let l = byTable.get(c.table);
      if (!l) byTable.set(c.table, (l = []));
      l.push(c);
    }
    for (const [name, changed] of byTable) {
      const t = this.db.tableData(name)!;
      t.schema.indexes.forEach((ix, i) => {
        const seen = new Map<string, Change>();
        for (const c of changed) {
          const key = indexKey(ix, c.new!);
          const other = seen.get(key);
          const existing = t.indexes[i]!.get(key);
          const cols = ix.map((col) => t.schema.columns.get(col)!);
          const how = (x: Change): string => {
            if (!x.old) return "was inserted by this transaction";
            const old = x.old.data;
            if (cols.some((col) => !datumEquals(old[col.name], x.new![col.name]))) {
              return `had the following index values before the transaction: ${cols.map((col) => datumText(col.type, old[col.name])).join(" and ")}`;
            }
            return "existed in the database before this transaction, which modified some of the row's columns but not any columns in this index";
          };
          let first: { uuid: string; how: string } | undefined;
          if (other) first = { uuid: other.uuid, how: how(other) };
          else if (existing !== undefined && existing !== c.uuid && !this.changes.has(existing)) {
            first = { uuid: existing, how: "existed in the database before this transaction and was not modified by the transaction" };
          }
          if (first) {
            const values = cols.map((col) => datumText(col.type, c.new![col.name])).join(" and ");
            const colText = ix.length === 1 ? `column "${ix[0]}"` : `columns ${ix.map((x) => `"${x}"`).join(" and ").replace(/ and (?=[^]* and )/g, ", ")}`;
            const mine = { uuid: c.uuid, how: how(c) };
            // ovsdb-server names first the row that sorts last on all columns, compared in its column hash order (duplicate_index_row).
            const [a, b] = this.compareAllColumns(t, first.uuid, c.uuid) < 0 ? [mine, first] : [first, mine];
            throw new ConstraintViolation(
              `Transaction causes multiple rows in "${name}" table to have identical values (${values}) for index on ${colText}.  First row, with UUID ${a.uuid}, ${a.how}.  Second row, with UUID ${b.uuid}, ${b.how}.`,
            );
          }
          seen.set(key, c);
        }
      });
    }
  }
}
