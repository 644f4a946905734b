/**
 * The controller's view of one database: the connected server's schema, a live indexed
 * {@link Replica} (every read of the controller layer is a local lookup, never a round trip), the
 * controller's identity, and the one place operations are sent ({@link ControlledDb.apply}),
 * with a per-transaction hook for metrics (its event in `transaction-event.ts`; plans built ahead
 * are checked in `stale-plan.ts`).
 *
 * @module
 */
import type { OvsdbClient } from "../../ovsdb/client/client.js";
import { Replica } from "../../ovsdb/cache/replica.js";
import { defineModel } from "../../ovsdb/model/model.js";
import { requiredOnInsert } from "../../ovsdb/model/roles.js";
import type { DatabaseModel } from "../../ovsdb/model/model.js";
import type { TablesDef } from "../../ovsdb/model/types.js";
import type { Datum, Row } from "../../ovsdb/schema/datum.js";
import { type ColumnSchema, type DatabaseSchema, type TableSchema, columnOf, parseSchema } from "../../ovsdb/schema/schema.js";
import { columnShape } from "../../ovsdb/schema/types.js";
import { hasUniqueIndex } from "../index-race.js";
import type { Json } from "../../ovsdb/wire/notation.js";
import type { Operation, OperationResult } from "../../ovsdb/wire/operations.js";
import type { OvnDatabase } from "../../ovsdb/models/ovn-releases.js";
import { type OvnFeature, OvnFeatureUnavailableError, type OvnSchemaInfo, describeOvnSchema, ovnFeatureReleases } from "../schema-features.js";
import { type ControllerIdentity, type ResolvedIdentity, resolveIdentity } from "./identity.js";
import { ownUpdates } from "./own-echo.js";
import type { Plan } from "./plan-types.js";
import type { ReadLog } from "./stale-plan.js";
import { type TransactionEvent, type TransactionHook, emptyCounts, indexRaceOf, isGuardFailure } from "./transaction-event.js";

/** Options of {@link ControlledDb.open}. */
export interface ControlledDbOptions {
  /** The OVN database, e.g. `OVN_Northbound`. */
  readonly database: OvnDatabase;
  /** Who this controller is: the identity stamped on (and required of) every row it manages. */
  readonly identity: ControllerIdentity;
  /**
   * Tables to replicate (default: every table of the server's schema). Tables the server does
   * not have are skipped (and refused with `OvnFeatureUnavailableError` when used).
   */
  readonly tables?: readonly string[];
  /**
   * Put `wait` guards in plans (on every row updated from its replica contents, and on the
   * absence of every named row inserted, unless the server's unique index on the name refuses a
   * duplicate by itself), so a concurrent change fails the transaction instead of being overwritten.
   * @default true
   */
  readonly guards?: boolean;
  /** Called once per transaction sent. */
  readonly onTransaction?: TransactionHook;
  /**
   * The server's schema of `database` (its `get_schema` reply, RFC 7047 §4.1.2) when the caller
   * already has it: {@link ControlledDb.open} then sends its monitor request without a round trip
   * first (so a caller can start the replica's load and do other work while the server answers).
   * @default fetched with `get_schema`
   */
  readonly schema?: unknown;
  /**
   * Tables whose initial rows the replica asks for after the others', in stages (the replica's
   * `stages` option: the server prepares each stage's rows while the client decodes the rows
   * before them), e.g. `NB_CONTROLLER_STAGES` for OVN_Northbound.
   * @default no stage
   */
  readonly stages?: readonly (readonly string[])[];
}

/** Where a row is referenced from: the holder's table, column and row. */
export interface Holder {
  /** The referencing table. */
  readonly table: string;
  /** The referencing column. */
  readonly column: string;
  /** The referencing row. */
  readonly row: Row;
}

/** The result of {@link ControlledDb.apply}. */
export interface ApplyResult {
  /** False when the plan was empty and nothing was sent. */
  readonly sent: boolean;
  /** The raw results, one per operation (empty when nothing was sent). */
  readonly results: readonly OperationResult[];
}

const NAME_INDEX = "ctl:name";

/**
 * Per replica that {@link ControlledDb.open} started: the tables it gave no name index because the
 * schema's unique index on `name` (which the replica keeps, all columns being replicated) answers
 * the lookups. A replica started elsewhere has none here: its name index is used.
 */
const NAMED_BY_UNIQUE = new WeakMap<object, ReadonlySet<string>>();
const NAME_COLUMNS: readonly string[] = ["name"];
const VENDOR_INDEX = "ctl:vendor";
const OWNER_INDEX = "ctl:owner";

/**
 * One database as a controller sees it. Create with {@link ControlledDb.open}; read through
 * {@link ControlledDb.replica} and the lookups here; change it only with plans.
 */
export class ControlledDb<T extends TablesDef = TablesDef> {
  /** Builders checked against the server's own schema (so a column the server lacks is never sent). */
  readonly model: DatabaseModel<TablesDef>;
  /** Whether plans carry `wait` guards. */
  readonly guards: boolean;
  /** The resolved identity (keys and value). */
  readonly identity: ResolvedIdentity;
  private readonly hooks: TransactionHook[] = [];
  /** The server's schema as feature detection describes it (the bundled release it matches, `has(feature)`). */
  readonly ovnSchema: OvnSchemaInfo<OvnDatabase>;
  private readonly refIndexes = new Map<string, { table: string; column: string; index: string }[]>();
  /** The replica indexes on one `external_ids` key made by {@link ControlledDb.ownedByExternalId} (`TABLE\0KEY` → index name). */
  private readonly extIndexes = new Map<string, string>();
  /** The tables given the index by owner ({@link ControlledDb.ownedBy}, made on first use). */
  private readonly ownerIndexed = new Set<string>();
  /** The tables given the index by vendor ({@link ControlledDb.owned}, made on first use). */
  private readonly vendorIndexed = new Set<string>();
  private readonly refColumnCache = new Map<string, readonly string[]>();
  private readonly requiredCache = new Map<string, readonly string[]>();
  private readonly uniqueColumnCache = new Map<string, Map<string, boolean>>();
  private reads: ReadLog | undefined;
  /** {@link ControlledDb.followOwnWrites} was asked for and has not fallen back to the monitor. */
  private followOwn = false;
  /** The replica's monitor being attached again after following its own writes (see {@link ControlledDb.fallBack}). */
  private attaching: Promise<void> | undefined;
  private readonly replicatedCache = new Map<string, boolean>();
  /** The tables whose rows are found by name through the schema's unique index (see `NAMED_BY_UNIQUE`). */
  private readonly namedByUnique: ReadonlySet<string> | undefined;

  private constructor(
    /** The client. */
    readonly client: OvsdbClient,
    /** The live replica every read comes from. */
    readonly replica: Replica<T>,
    /** The server's schema. */
    readonly schema: DatabaseSchema,
    schemaJson: Json,
    options: ControlledDbOptions,
  ) {
    this.model = defineModel<TablesDef>(schemaJson);
    this.ovnSchema = describeOvnSchema(options.database, schema);
    this.guards = options.guards ?? true;
    this.identity = resolveIdentity(options.identity);
    if (options.onTransaction) this.hooks.push(options.onTransaction);
    this.namedByUnique = NAMED_BY_UNIQUE.get(replica);
  }

  /** Reads the server's schema, starts an indexed replica of the chosen tables and resolves when it is loaded. */
  static async open<T extends TablesDef = TablesDef>(client: OvsdbClient, options: ControlledDbOptions): Promise<ControlledDb<T>> {
    const json = (options.schema ?? (await client.getSchema(options.database))) as Json;
    const schema = parseSchema(json);
    resolveIdentity(options.identity); // an invalid identity is refused before the replica starts
    const wanted = (options.tables ?? [...schema.tables.keys()]).filter((t) => schema.tables.has(t));
    const uniqueNamed = new Set<string>();
    const tables: Record<string, { indexes: Record<string, { mapKey: readonly [string, string] } | { columns: readonly string[] }> }> = {};
    for (const t of wanted) {
      const ts = schema.tables.get(t)!;
      const indexes: Record<string, { mapKey: readonly [string, string] } | { columns: readonly string[] }> = {};
      // (the indexes by vendor and by owner are made on the first read that needs them: see
      // owned and ownedBy; a table whose owned rows are never listed is not indexed by vendor)
      // A table whose schema has a unique index on `name` is looked up through the replica's copy
      // of that index: a second index of every row by name would only cost memory and time.
      if (ts.columns.has("name")) {
        if (hasUniqueIndex(schema, t, ["name"])) uniqueNamed.add(t);
        else indexes[NAME_INDEX] = { columns: ["name"] };
      }
      tables[t] = { indexes };
    }
    const replica = await Replica.start<T>(client, schema, { tables, ...(options.stages ? { stages: options.stages } : {}) });
    NAMED_BY_UNIQUE.set(replica, uniqueNamed);
    return new ControlledDb<T>(client, replica, schema, json, options);
  }

  /** The database name. */
  get database(): string {
    return this.schema.name;
  }

  /**
   * The table's schema on the server; `OvnFeatureUnavailableError` (feature `Table`) when the
   * server has no such table.
   */
  table(name: string): TableSchema {
    const t = this.schema.tables.get(name);
    if (!t) throw this.unavailable(name);
    return t;
  }

  /**
   * The column's schema on the server; `OvnFeatureUnavailableError` (feature `Table.column`, the
   * release that introduced it, the server's schema) when the server's table has no such column.
   */
  column(table: string, column: string): ColumnSchema {
    const c = columnOf(this.table(table), column);
    if (!c) throw this.unavailable(`${table}.${column}`);
    return c;
  }

  /**
   * Throws `OvnFeatureUnavailableError` unless the server's schema has every one of `features`
   * (tables, `Table.column`, `Table.column=value`): the same check and error as `requireFeature`.
   */
  require(...features: readonly (OvnFeature<OvnDatabase> | (string & {}))[]): void {
    for (const f of features) if (!this.ovnSchema.has(f)) throw this.unavailable(f);
  }

  /**
   * Refuses a value of an enumerated column that the server's schema lacks but a bundled OVN
   * release has (e.g. ACL `action` `pass` on NB 7.0, new in 24.03) with
   * `OvnFeatureUnavailableError` (feature `Table.column=value`); other values are left to the
   * type check. `value` is a desired value: an atom, an array, a map or a plain object.
   */
  requireValues(table: string, column: string, value: unknown): void {
    const col = this.column(table, column);
    const keyEnum = col.type.key.enum;
    const valueEnum = col.type.value?.enum;
    if (!keyEnum && !valueEnum) return;
    const check = (enumeration: readonly unknown[] | undefined, atom: unknown) => {
      if (!enumeration || typeof atom !== "string" || enumeration.includes(atom)) return;
      const feature = `${table}.${column}=${atom}`;
      if (ovnFeatureReleases(this.ovnSchema.database, feature)) throw this.unavailable(feature);
    };
    if (value instanceof Map) {
      for (const [k, v] of value) {
        check(keyEnum, k);
        check(valueEnum, v);
      }
    } else if (Array.isArray(value)) {
      for (const a of value) check(keyEnum, a);
    } else if (value !== null && typeof value === "object") {
      const entries = "entries" in value && (value as { entries: unknown }).entries instanceof Map ? (value as { entries: Map<unknown, unknown> }).entries : new Map(Object.entries(value));
      for (const [k, v] of entries) {
        check(keyEnum, k);
        if (v !== undefined) check(valueEnum, v);
      }
    } else check(keyEnum, value);
  }

  private unavailable(feature: string): OvnFeatureUnavailableError {
    return new OvnFeatureUnavailableError(this.ovnSchema.database, feature, this.schema.version, this.ovnSchema.match);
  }

  /** True when the server's schema has this column (for features that depend on the schema version, e.g. ACL `tier`). */
  has(table: string, column?: string): boolean {
    const t = this.schema.tables.get(table);
    return !!t && (column === undefined || !!columnOf(t, column));
  }

  /**
   * True when the server's schema declares a unique index on exactly `columns` of `table` (in any
   * order): the database itself then refuses a second row with the same value.
   */
  hasUniqueIndex(table: string, columns: readonly string[]): boolean {
    if (columns.length !== 1) return hasUniqueIndex(this.schema, table, columns);
    // Asked for every row a plan creates: answered from a map per table and column, without a key string.
    let byColumn = this.uniqueColumnCache.get(table);
    if (!byColumn) this.uniqueColumnCache.set(table, (byColumn = new Map()));
    let r = byColumn.get(columns[0]!);
    if (r === undefined) byColumn.set(columns[0]!, (r = hasUniqueIndex(this.schema, table, columns)));
    return r;
  }

  /** The columns of `table` whose keys or values are UUIDs (the ones that can reference another row), from the server's schema; cached. */
  refColumns(table: string): readonly string[] {
    let cols = this.refColumnCache.get(table);
    if (!cols) {
      cols = [...this.table(table).columns.values()].filter((c) => c.type.key.type === "uuid" || c.type.value?.type === "uuid").map((c) => c.name);
      this.refColumnCache.set(table, cols);
    }
    return cols;
  }

  /** The columns of `table` an `insert` must give (the typed model's rule: a reference, or a value whose default breaks the column's constraints); cached. */
  requiredColumns(table: string): readonly string[] {
    let cols = this.requiredCache.get(table);
    if (!cols) {
      cols = [...this.table(table).columns.values()].filter(requiredOnInsert).map((c) => c.name);
      this.requiredCache.set(table, cols);
    }
    return cols;
  }

  /** True when the row carries this controller's identity. */
  owns(row: Row): boolean {
    const ext = row["external_ids"];
    return ext instanceof Map && ext.get(this.identity.vendorKey) === this.identity.vendor;
  }

  /**
   * Runs `build` (synchronous) and returns what it read from the replica through this object's
   * lookups, for a plan built ahead while another transaction is in flight (see {@link stalePlan}).
   */
  trackReads(build: () => void): ReadLog {
    const log: ReadLog = { missed: new Map(), found: new Set(), scanned: new Set() };
    const outer = this.reads;
    this.reads = log;
    try {
      build();
    } finally {
      this.reads = outer;
    }
    return log;
  }

  private noteName(table: string, name: string, rows: readonly Row[]): void {
    const log = this.reads;
    if (!log) return;
    if (rows.length === 0) {
      let names = log.missed.get(table);
      if (names === undefined) log.missed.set(table, (names = new Set()));
      names.add(name);
    }
    for (let i = 0; i < rows.length; i++) log.found.add(rows[i]!["_uuid"] as string);
  }

  /** The row of `table` named `name` (from the schema's name index or the controller's), or undefined. */
  byName(table: string, name: string): Row | undefined {
    let found: Row | undefined;
    if (this.namedByUnique?.has(table)) found = this.replica.byIndex(table as keyof T & string, NAME_COLUMNS, [name]) as Row | undefined;
    else
      for (const r of this.replica.lookup(table as keyof T & string, NAME_INDEX, name)) {
        found = r as Row;
        break;
      }
    if (this.reads) this.noteName(table, name, found ? [found] : []);
    return found;
  }

  /** Every row of `table` named `name` (tables without a unique name index may hold several). */
  allByName(table: string, name: string): Row[] {
    let rows: Row[];
    if (this.namedByUnique?.has(table)) {
      const row = this.replica.byIndex(table as keyof T & string, NAME_COLUMNS, [name]) as Row | undefined;
      rows = row ? [row] : [];
    } else rows = [...this.replica.lookup(table as keyof T & string, NAME_INDEX, name)] as Row[];
    if (this.reads) this.noteName(table, name, rows);
    return rows;
  }

  /** The rows of `table` that carry this controller's identity. */
  owned(table: string): Row[] {
    this.table(table);
    this.reads?.scanned.add(table);
    if (!this.vendorIndexed.has(table)) {
      this.indexByExternalId(table, VENDOR_INDEX, this.identity.vendorKey);
      this.vendorIndexed.add(table);
    }
    return [...this.replica.lookup(table as keyof T & string, VENDOR_INDEX, this.identity.vendor)] as Row[];
  }

  /**
   * Gives the replica's `table` the index `name` on `external_ids[key]` (built from the rows held,
   * then kept up to date by the replica), when the table has that map column; otherwise the
   * lookup that follows reports the missing index, as before indexes were made on first use.
   */
  private indexByExternalId(table: string, name: string, key: string): void {
    const ext = this.schema.tables.get(table)?.columns.get("external_ids");
    if (ext && columnShape(ext.type) === "map") this.replica.addIndex(table as keyof T & string, name, { mapKey: ["external_ids", key] });
  }

  /** The owned rows of `table` whose owner key (`external_ids[ownerKey]`) is `owner`. */
  ownedBy(table: string, owner: string): Row[] {
    this.reads?.scanned.add(table);
    if (!this.ownerIndexed.has(table)) {
      this.indexByExternalId(table, OWNER_INDEX, this.identity.ownerKey);
      this.ownerIndexed.add(table);
    }
    return [...this.replica.lookup(table as keyof T & string, OWNER_INDEX, owner)].filter((r) => this.owns(r as Row)) as Row[];
  }

  /**
   * The owned rows of `table` whose `external_ids[key]` is `value`, from a replica index on that
   * key made on first use and kept up to date by the replica (no scan of the table per call).
   * Logged for {@link ControlledDb.trackReads} as a lookup by that pair (`ReadLog.keyed`) and the
   * rows found, not as a read of the whole table.
   */
  ownedByExternalId(table: string, key: string, value: string): Row[] {
    this.column(table, "external_ids");
    const at = `${table}\u0000${key}`;
    let index = this.extIndexes.get(at);
    if (index === undefined) {
      index = `ctl:ext:${key}`;
      this.replica.addIndex(table as keyof T & string, index, { mapKey: ["external_ids", key] });
      this.extIndexes.set(at, index);
    }
    const out: Row[] = [];
    for (const r of this.replica.lookup(table as keyof T & string, index, value)) if (this.owns(r as Row)) out.push(r as Row);
    if (this.reads) this.noteKeyed(table, key, value, out);
    return out;
  }

  /** Records a lookup of `table` by `external_ids[key] = value` that found `rows` (see {@link ReadLog.keyed}). */
  private noteKeyed(table: string, key: string, value: string, rows: readonly Row[]): void {
    const log = this.reads!;
    const keyed = ((log as { keyed?: Map<string, Map<string, Set<string>>> }).keyed ??= new Map());
    let byKey = keyed.get(table);
    if (byKey === undefined) keyed.set(table, (byKey = new Map()));
    let values = byKey.get(key);
    if (values === undefined) byKey.set(key, (values = new Set()));
    values.add(value);
    for (let i = 0; i < rows.length; i++) log.found.add(rows[i]!["_uuid"] as string);
  }

  /**
   * Rows of `table` whose `external_ids` hold every pair of `match` (from the replica). With
   * `owned` (the default) only rows with this controller's identity are listed.
   */
  listByExternalIds(table: string, match: { readonly [key: string]: string }, options: { readonly owned?: boolean } = {}): Row[] {
    this.column(table, "external_ids");
    this.reads?.scanned.add(table);
    const pairs = Object.entries(match);
    const base = options.owned === false ? (this.replica.rows(table as keyof T & string) as Iterable<Row>) : this.owned(table);
    const out: Row[] = [];
    for (const r of base) {
      const ext = r["external_ids"] as ReadonlyMap<string, string>;
      if (pairs.every(([k, v]) => ext.get(k) === v)) out.push(r);
    }
    return out;
  }

  /** Every row of `table` in the replica (read as a whole: see {@link ControlledDb.trackReads}). */
  rows(table: string): Iterable<Row> {
    this.reads?.scanned.add(table);
    return this.replica.rows(table as keyof T & string) as Iterable<Row>;
  }

  /** The row with this UUID, from the replica. */
  get(table: string, uuid: string): Row | undefined {
    const row = this.replica.get(table as keyof T & string, uuid) as Row | undefined;
    if (row && this.reads) this.reads.found.add(uuid);
    return row;
  }

  /**
   * The rows that hold a strong reference to row `uuid` of `table` (from replica indexes built
   * on first use), e.g. the switch whose `ports` hold a port.
   */
  holders(table: string, uuid: string): Holder[] {
    let ixs = this.refIndexes.get(table);
    if (!ixs) {
      ixs = [];
      for (const [tn, ts] of this.schema.tables) {
        let replicated = true;
        try {
          this.replica.count(tn as keyof T & string);
        } catch {
          replicated = false;
        }
        if (!replicated) continue;
        for (const c of ts.columns.values()) {
          const refs = [c.type.key, c.type.value].filter((b) => b?.type === "uuid" && b.refTable === table && b.refType !== "weak");
          if (refs.length === 0) continue;
          const index = `ctl:ref:${c.name}`;
          const col = c.name;
          this.replica.addIndex(tn as keyof T & string, index, { key: (row) => refAtoms(row[col]) });
          ixs.push({ table: tn, column: col, index });
        }
      }
      this.refIndexes.set(table, ixs);
    }
    const out: Holder[] = [];
    if (this.reads) for (const ix of ixs) this.reads.scanned.add(ix.table);
    for (const ix of ixs) for (const row of this.replica.lookup(ix.table as keyof T & string, ix.index, uuid)) out.push({ table: ix.table, column: ix.column, row: row as Row });
    return out;
  }

  /** Adds a transaction hook (e.g. a metrics exporter); returns a function that removes it. */
  onTransaction(hook: TransactionHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /**
   * For a one-shot writer (e.g. `ovn-ts apply` without `--watch`): from the next transaction
   * sent on, the replica's monitor is cancelled ({@link Replica.detach}), so the server does no
   * monitor work for this controller's transactions and sends none of them back, and the replica
   * follows each committed transaction itself (worked out from the operations and their results). Its contents stay what they
   * were read as, plus this controller's own writes: other clients' changes are no longer seen
   * (the plans' guards still make a transaction that would overwrite one fail). A transaction
   * whose effect cannot be worked out exactly (a delete, ...), a failed one, or a rebuilt plan's
   * guard on a row changed here (whose new `_version` only the server knows) attaches the monitor
   * again for good: a full read, and the replica follows the server as before.
   */
  followOwnWrites(): void {
    this.followOwn = true;
  }

  /** True when the replica holds `table`. */
  private replicated(table: string): boolean {
    let r = this.replicatedCache.get(table);
    if (r === undefined) {
      try {
        this.replica.count(table as keyof T & string);
        r = true;
      } catch {
        r = false;
      }
      this.replicatedCache.set(table, r);
    }
    return r;
  }

  /**
   * Attaches the replica's monitor again, for good (see {@link ControlledDb.followOwnWrites});
   * resolves once the replica holds the server's contents.
   */
  private fallBack(): Promise<void> {
    this.followOwn = false;
    if (this.attaching === undefined && this.replica.detached) this.attaching = this.replica.attach();
    return this.attaching ?? Promise.resolve();
  }

  /**
   * Sends a plan as one transaction through the replica (read-your-writes: when this resolves the
   * replica holds the changes). An empty plan sends nothing. Reports to every transaction hook.
   */
  async apply(plan: Plan, options: { readonly label?: string } = {}): Promise<ApplyResult> {
    if (plan.operations.length === 0) return { sent: false, results: [] };
    if (plan.database !== this.database) throw new TypeError(`plan for ${plan.database} applied to ${this.database}`);
    const label = options.label ?? plan.label ?? "apply";
    const t0 = performance.now();
    if (this.followOwn && !this.replica.detached && this.replica.health === "ready") this.replica.detach();
    try {
      let results: OperationResult[];
      if (this.replica.detached) {
        results = (await this.client.transact(this.database, plan.operations)).results as OperationResult[];
        // (attached again meanwhile: the new monitor's contents, read after this commit, hold it)
        if (this.replica.detached) {
          const own = ownUpdates(this, plan.operations, results, (t) => this.replicated(t));
          if (own) this.replica.applyOwn(own.updates, own.inserts);
          else await this.fallBack();
        } else await this.attaching; // read-your-writes: the new monitor's contents, read after this commit, are in
      } else results = await this.replica.transact(plan.operations);
      this.report(label, plan.operations, t0, "committed");
      return { sent: true, results };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.report(label, plan.operations, t0, isGuardFailure(e, plan.operations) || indexRaceOf(e, plan) ? "guard-failed" : "error", err);
      // Detached, the replica would never see what made the transaction fail: read the server's state.
      if (this.replica.detached || this.attaching) await this.fallBack().catch(() => undefined);
      throw e;
    }
  }

  private report(label: string, operations: readonly Operation[], t0: number, outcome: TransactionEvent["outcome"], error?: Error): void {
    if (this.hooks.length === 0) return;
    const counts = emptyCounts();
    for (const op of operations) counts[op.op]++;
    const event: TransactionEvent = { database: this.database, label, operations, counts, latencyMs: performance.now() - t0, outcome, ...(error ? { error } : {}) };
    for (const h of this.hooks) {
      try {
        h(event);
      } catch {
        // A failing hook must not fail the transaction it reports.
      }
    }
  }

  /** Stops the replica (the client stays open). */
  async close(): Promise<void> {
    await this.replica.close();
  }
}

function refAtoms(v: Datum): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v as string[];
  if (v instanceof Map) return [...v.values()].filter((x): x is string => typeof x === "string");
  return undefined;
}
