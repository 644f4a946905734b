/**
 * Durable databases in ovsdb-server's standalone file format (ovsdb(5) "Standalone Database
 * Format"; what `ovsdb-tool create` writes and `ovsdb-tool show-log` / `ovsdb-tool query` /
 * `ovsdb-server` read): a log of records, each an `OVSDB JSON <length> <sha1>` header line
 * followed by that many bytes of JSON and a newline. The first record is the schema; each later
 * record is one committed transaction: table → row UUID → the row's new column values (all
 * non-default columns for an insert, the changed columns for a modification — or, when the record
 * has `"_is_diff": true` as ovsdb-server 2.15+ writes, update2-style diffs for sets and maps) or
 * `null` for a deletion, plus `"_date"` (ms) and `"_comment"`. Ephemeral columns are not written.
 *
 * Crash safety: records are only appended (optionally fsynced), and a torn or corrupt record at
 * the end — what a crash mid-write leaves — is dropped on load and the file truncated back to the
 * last complete record, as ovsdb-server does. Compaction writes a new file (schema plus one record
 * of every row) next to the old one, fsyncs it and renames it over the old one atomically.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, ftruncateSync, writeSync } from "node:fs";
import { type Datum, datumFromJson, defaultDatum } from "../schema/datum.js";
import { applyDiff } from "../schema/diff.js";
import { type DatabaseSchema, parseSchema, schemaToJson } from "../schema/schema.js";
import { parseJson, stringifyJson } from "../wire/json.js";
import { randomUuid } from "../wire/notation.js";
import { encodeDatum, isDefaultDatum } from "./codec.js";
import { type CommittedTxn, Database, type DbRow } from "./database.js";

/** Raised when a database file cannot be read: names the file and the problem. */
export class DatabaseFileError extends Error {
  override readonly name = "DatabaseFileError";
}

/** Options of {@link openDatabaseFile}. */
export interface DatabaseFileOptions {
  /**
   * The schema for a new file (required when the file does not exist; when it does, the file's own
   * schema is used and this one must have the same name).
   */
  schema?: DatabaseSchema;
  /**
   * fsync after every appended transaction (slower; survives power loss, not only process crashes).
   * @default false
   */
  fsync?: boolean;
  /**
   * Compact automatically once the file has grown past this many bytes and to at least 4 times
   * its size after the previous compaction; 0 disables.
   * @default 16 MiB
   */
  autoCompactBytes?: number;
}

/**
 * An open database file: the live database and the log that follows its commits. Each
 * transaction is appended before it takes effect in memory; if the append fails, the transaction
 * fails with "I/O error" and nothing changes.
 */
export interface DatabaseFile {
  /** The file's path. */
  readonly path: string;
  /** The database, loaded from the file; serve it with `OvsdbServer.addDatabase(file.database)`. */
  readonly database: Database;
  /** Records dropped from a torn or corrupt tail when the file was opened (0 normally). */
  readonly droppedTailBytes: number;
  /** Rewrites the file as schema + one record of every row (atomic rename). */
  compact(): void;
  /** Stops logging and closes the file. */
  close(): void;
}

const MAGIC = "OVSDB JSON ";

/** One record of a standalone database file: the `OVSDB JSON <length> <sha1>` header line and the JSON text. */
export function fileRecord(json: unknown): Buffer {
  // The length and SHA-1 cover the JSON text and its trailing newline.
  const body = Buffer.from(`${stringifyJson(json)}\n`, "utf8");
  const sha = createHash("sha1").update(body).digest("hex");
  return Buffer.concat([Buffer.from(`${MAGIC}${body.length} ${sha}\n`, "utf8"), body]);
}

/** Parses the records of a standalone database file; stops at the first torn or corrupt one. */
export function readRecords(data: Buffer): { records: unknown[]; goodBytes: number } {
  const records: unknown[] = [];
  let pos = 0;
  while (pos < data.length) {
    const nl = data.indexOf(0x0a, pos);
    if (nl < 0) break;
    const header = data.subarray(pos, nl).toString("utf8");
    const m = /^OVSDB JSON (\d+) ([0-9a-f]{40})$/.exec(header);
    if (!m) break;
    const len = Number(m[1]);
    const start = nl + 1;
    if (start + len > data.length) break;
    const body = data.subarray(start, start + len);
    if (createHash("sha1").update(body).digest("hex") !== m[2]) break;
    let json: unknown;
    try {
      json = parseJson(body.toString("utf8"));
    } catch {
      break;
    }
    records.push(json);
    pos = start + len;
    if (data[pos] === 0x0a) pos++;
  }
  return { records, goodBytes: pos };
}

function rowToFile(db: Database, table: string, row: DbRow, old: DbRow | undefined): Record<string, unknown> {
  const t = db.schema.tables.get(table)!;
  const out: Record<string, unknown> = {};
  for (const c of t.columns.values()) {
    if (c.ephemeral) continue;
    const v = row.data[c.name];
    if (old) {
      if (encodeKey(c.type, v) === encodeKey(c.type, old.data[c.name])) continue;
    } else if (isDefaultDatum(c.type, v)) {
      continue;
    }
    out[c.name] = encodeDatum(c.type, v);
  }
  return out;
}

function encodeKey(type: Parameters<typeof encodeDatum>[0], v: Datum): string {
  return stringifyJson(encodeDatum(type, v));
}

/** The JSON record of one committed transaction. */
export function txnRecord(db: Database, txn: CommittedTxn): Record<string, unknown> {
  const rec: Record<string, unknown> = {};
  for (const c of txn.changes) {
    const t = (rec[c.table] ??= {}) as Record<string, unknown>;
    t[c.uuid] = c.new ? rowToFile(db, c.table, c.new, c.old) : null;
  }
  rec["_date"] = txn.date;
  if (txn.comments.length > 0) rec["_comment"] = txn.comments.join("\n");
  return rec;
}

function replay(db: Database, rec: unknown, file: string, n: number): void {
  if (rec === null || typeof rec !== "object" || Array.isArray(rec)) throw new DatabaseFileError(`${file}: record ${n} is not a JSON object`);
  const r = rec as Record<string, unknown>;
  const isDiff = r["_is_diff"] === true;
  const changes: { table: string; uuid: string; version: string; data: Record<string, Datum> | undefined }[] = [];
  for (const [table, rows] of Object.entries(r)) {
    if (table.startsWith("_")) continue;
    const t = db.schema.tables.get(table);
    if (!t || rows === null || typeof rows !== "object") throw new DatabaseFileError(`${file}: record ${n} names unknown table ${table}`);
    for (const [uuid, row] of Object.entries(rows as Record<string, unknown>)) {
      if (row === null) {
        changes.push({ table, uuid, version: randomUuid(), data: undefined });
        continue;
      }
      const old = db.rows(table).get(uuid);
      const data: Record<string, Datum> = {};
      for (const c of t.columns.values()) data[c.name] = old ? old.data[c.name] : defaultDatum(c.type);
      for (const [col, v] of Object.entries(row as Record<string, unknown>)) {
        const c = t.columns.get(col);
        if (!c) continue; // a column dropped from the schema
        const ctx = { table, column: col };
        data[col] = isDiff && old ? applyDiff(c.type, old.data[col], v, ctx) : datumFromJson(c.type, v, ctx);
      }
      changes.push({ table, uuid, version: randomUuid(), data });
    }
  }
  db.loadChanges(changes);
}

/**
 * Builds an in-memory database from the records of a standalone database file (see
 * {@link readRecords}): the first record is the schema, each later one a transaction. `source`
 * names the file in errors ({@link DatabaseFileError}).
 */
export function databaseFromRecords(records: readonly unknown[], source: string): Database {
  let schema: DatabaseSchema;
  try {
    schema = parseSchema(records[0]);
  } catch (e) {
    throw new DatabaseFileError(`${source}: bad schema record: ${(e as Error).message}`);
  }
  const db = new Database(schema);
  for (let i = 1; i < records.length; i++) replay(db, records[i], source, i);
  return db;
}

/**
 * Opens (or creates) a standalone database file and returns the loaded database, which logs
 * every later commit to the file. A torn tail is truncated away (see the module documentation).
 */
export function openDatabaseFile(path: string, options: DatabaseFileOptions = {}): DatabaseFile {
  let db: Database;
  let dropped = 0;
  if (existsSync(path)) {
    const data = readFileSync(path);
    if (data.subarray(0, 7).toString() === "CLUSTER") throw new DatabaseFileError(`${path}: clustered database files are not supported`);
    const { records, goodBytes } = readRecords(data);
    if (records.length === 0) throw new DatabaseFileError(`${path}: not an OVSDB standalone database file (no valid schema record)`);
    db = databaseFromRecords(records, path);
    if (options.schema && options.schema.name !== db.name) {
      throw new DatabaseFileError(`${path}: holds database ${db.name}, not ${options.schema.name}`);
    }
    dropped = data.length - goodBytes;
    if (dropped > 0) {
      const fd = openSync(path, "r+");
      ftruncateSync(fd, goodBytes);
      fsyncSync(fd);
      closeSync(fd);
    }
  } else {
    if (!options.schema) throw new DatabaseFileError(`${path}: does not exist and no schema was given to create it`);
    db = new Database(options.schema);
    const fd = openSync(path, "wx");
    writeSync(fd, fileRecord(schemaToJson(options.schema)));
    fsyncSync(fd);
    closeSync(fd);
  }
  let fd: number | undefined = openSync(path, "a");
  const fsync = options.fsync ?? false;
  const autoCompact = options.autoCompactBytes ?? 16 * 1024 * 1024;
  let size = statSync(path).size;
  let baseSize = size;
  const compact = () => {
    const tmp = `${path}.tmp`;
    const out = openSync(tmp, "w");
    writeSync(out, fileRecord(schemaToJson(db.schema)));
    const all: Record<string, unknown> = {};
    for (const t of db.schema.tables.values()) {
      const rows: Record<string, unknown> = {};
      for (const r of db.rows(t.name).values()) rows[r.uuid] = rowToFile(db, t.name, r, undefined);
      if (Object.keys(rows).length > 0) all[t.name] = rows;
    }
    all["_date"] = Date.now();
    all["_comment"] = "compacting database online";
    writeSync(out, fileRecord(all));
    fsyncSync(out);
    closeSync(out);
    if (fd !== undefined) closeSync(fd);
    renameSync(tmp, path);
    fd = openSync(path, "a");
    size = baseSize = statSync(path).size;
  };
  // Written before the transaction takes effect: a failed write fails the transaction ("I/O error").
  db.setWriteAhead((txn) => {
    if (fd === undefined) throw new Error(`${path} is closed`);
    const buf = fileRecord(txnRecord(db, txn));
    writeSync(fd, buf);
    if (fsync) fsyncSync(fd);
    size += buf.length;
  });
  const unsubscribe = db.onCommit(() => {
    if (autoCompact > 0 && size > autoCompact && size > 4 * baseSize) compact();
  });
  // After an online conversion the file must start with the new schema: rewrite it (as ovsdb-server does).
  const unsubscribeConvert = db.onConvert(() => {
    if (fd !== undefined) compact();
  });
  return {
    path,
    database: db,
    droppedTailBytes: dropped,
    compact,
    close() {
      unsubscribe();
      unsubscribeConvert();
      db.setWriteAhead(undefined);
      if (fd !== undefined) {
        fsyncSync(fd);
        closeSync(fd);
        fd = undefined;
      }
    },
  };
}
