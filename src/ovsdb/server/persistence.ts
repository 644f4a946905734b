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
 * Crash safety: records are only appended (optionally fsynced), and a torn or corrupt record —
 * what a crash mid-write leaves — ends the load: the records before it are served, the damage is
 * reported as ovsdb-server words it (a SHA-1 mismatch, a bad header, a record cut short), and, as
 * ovsdb-server does, the file is left untouched until the first write, which truncates it back to
 * the last good record.
 *
 * Transaction ids: each transaction's id (`monitor_cond_since`'s `last-txn-id`) is a name-based
 * UUID made from its record's SHA-1, so the same transaction has the same id after a restart, and
 * the last transactions of the file seed the server's history ({@link DatabaseFile.history}): a
 * client resumes after a restart as with a clustered ovsdb-server. The file format is unchanged.
 *
 * Compaction writes a new file (schema plus one record
 * of every row) next to the old one, fsyncs it and renames it over the old one atomically.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fdatasyncSync, fsyncSync, openSync, readFileSync, renameSync, statSync, ftruncateSync, writeSync } from "node:fs";
import { type Datum, datumFromJson, defaultDatum } from "../schema/datum.js";
import { applyDiff } from "../schema/diff.js";
import { type DatabaseSchema, parseSchema, schemaToJson } from "../schema/schema.js";
import { parseJson, stringifyJson } from "../wire/json.js";
import { randomUuid } from "../wire/notation.js";
import { encodeDatum, isDefaultDatum } from "./codec.js";
import { type CommittedTxn, Database, type DbRow } from "./database.js";
import { rowChange } from "../cache/row-change.js";

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
   * Transactions of the file's end kept in {@link DatabaseFile.history} for `monitor_cond_since`
   * after a restart (give the server's `historyTxns`).
   * @default 100
   */
  historyTxns?: number;
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
  /**
   * Bytes after the last good record when the file was opened (0 normally): a torn or corrupt
   * tail, ignored, and cut off at the first write.
   */
  readonly droppedTailBytes: number;
  /** What was wrong with the first bad record, worded as ovsdb-server logs it; undefined for a sound file. */
  readonly damage: DatabaseFileError | undefined;
  /**
   * The last transactions of the file, oldest first, with the ids they had when committed: give
   * them to `OvsdbServer.addDatabase(file.database, { history: file.history })` so that
   * `monitor_cond_since` finds them after a restart.
   */
  readonly history: readonly CommittedTxn[];
  /** Rewrites the file as schema + one record of every row (atomic rename). */
  compact(): void;
  /** Stops logging and closes the file. */
  close(): void;
}

const MAGIC = "OVSDB JSON ";

/** One record of a standalone database file: the `OVSDB JSON <length> <sha1>` header line and the JSON text. */
export function fileRecord(json: unknown): Buffer {
  return encodeRecord(json).bytes;
}

function encodeRecord(json: unknown): { bytes: Buffer; sha1: string } {
  // The length and SHA-1 cover the JSON text and its trailing newline.
  const body = Buffer.from(`${stringifyJson(json)}\n`, "utf8");
  const sha1 = createHash("sha1").update(body).digest("hex");
  return { bytes: Buffer.concat([Buffer.from(`${MAGIC}${body.length} ${sha1}\n`, "utf8"), body]), sha1 };
}

/** The transaction id of the record whose SHA-1 is `sha1`: a name-based (version 5 layout) UUID. */
export function txnIdOfRecord(sha1: string): string {
  const h = sha1.slice(0, 32).split("");
  h[12] = "5";
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** What {@link readRecords} found. */
export interface RecordsRead {
  /** The good records, in order. */
  readonly records: unknown[];
  /** Each good record's SHA-1 (hex), as its header gives it. */
  readonly hashes: string[];
  /** Bytes from the start of the file to the end of the last good record. */
  readonly goodBytes: number;
  /** Why reading stopped before the end of the data, in ovsdb-server's words (`source` names the file). */
  readonly error: string | undefined;
}

/**
 * Parses the records of a standalone database file; stops at the first torn or corrupt one and
 * says why (`source` names the file in that message).
 */
export function readRecords(data: Buffer, source = "file"): RecordsRead {
  const records: unknown[] = [];
  const hashes: string[] = [];
  let pos = 0;
  let error: string | undefined;
  while (pos < data.length) {
    const nl = data.indexOf(0x0a, pos);
    const header = data.subarray(pos, nl < 0 ? data.length : nl).toString("utf8");
    const m = /^OVSDB JSON (\d+) ([0-9a-f]{40})$/.exec(header);
    if (nl < 0 || !m) {
      error = `${source}: parse error at offset ${pos} in header line "${header.slice(0, 80)}"`;
      break;
    }
    const len = Number(m[1]);
    const start = nl + 1;
    if (start + len > data.length) {
      error = `${source}: error reading ${len} bytes starting at offset ${start} (end of file after ${data.length - start})`;
      break;
    }
    const body = data.subarray(start, start + len);
    const actual = createHash("sha1").update(body).digest("hex");
    if (actual !== m[2]) {
      error = `${source}: ${len} bytes starting at offset ${start} have SHA-1 hash ${actual} but should have hash ${m[2]}`;
      break;
    }
    let json: unknown;
    try {
      json = parseJson(body.toString("utf8"));
    } catch (e) {
      error = `${source}: ${len} bytes starting at offset ${start} are not valid JSON (${(e as Error).message})`;
      break;
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      error = `${source}: ${len} bytes starting at offset ${start} are not a JSON object`;
      break;
    }
    records.push(json);
    hashes.push(m[2]!);
    pos = start + len;
    if (data[pos] === 0x0a) pos++;
  }
  return { records, hashes, goodBytes: pos, error };
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

/** Replays one transaction record; returns it as the committed transaction it was. */
function replay(db: Database, rec: unknown, file: string, n: number, txnId: string | undefined): CommittedTxn {
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
  const olds = changes.map((c) => db.rows(c.table).get(c.uuid));
  db.loadChanges(changes, txnId);
  const rows = changes.flatMap((c, i) => rowChange(c.table, c.uuid, olds[i], c.data ? db.rows(c.table).get(c.uuid) : undefined) ?? []);
  const date = typeof r["_date"] === "number" ? r["_date"] : 0;
  const comments = typeof r["_comment"] === "string" ? [r["_comment"]] : [];
  return { id: txnId ?? randomUuid(), database: db.name, changes: rows, comments, date, durable: false };
}

/**
 * Builds an in-memory database from the records of a standalone database file (see
 * {@link readRecords}): the first record is the schema, each later one a transaction. `source`
 * names the file in errors ({@link DatabaseFileError}).
 */
export function databaseFromRecords(records: readonly unknown[], source: string): Database {
  return loadRecords(records, undefined, source, 0).db;
}

/** {@link databaseFromRecords}, with transaction ids from the records' hashes and the last `keep` transactions kept. */
function loadRecords(records: readonly unknown[], hashes: readonly string[] | undefined, source: string, keep: number): { db: Database; history: CommittedTxn[] } {
  let schema: DatabaseSchema;
  try {
    schema = parseSchema(records[0]);
  } catch (e) {
    throw new DatabaseFileError(`${source}: bad schema record: ${(e as Error).message}`);
  }
  const db = new Database(schema);
  const history: CommittedTxn[] = [];
  for (let i = 1; i < records.length; i++) {
    const txn = replay(db, records[i], source, i, hashes ? txnIdOfRecord(hashes[i]!) : undefined);
    if (keep > 0 && i > records.length - 1 - keep) history.push(txn);
  }
  return { db, history };
}

/**
 * Opens (or creates) a standalone database file and returns the loaded database, which logs
 * every later commit to the file. A torn tail is truncated away (see the module documentation).
 */
export function openDatabaseFile(path: string, options: DatabaseFileOptions = {}): DatabaseFile {
  let db: Database;
  let dropped = 0;
  let damage: DatabaseFileError | undefined;
  let history: CommittedTxn[] = [];
  /** Where the first write cuts a damaged file (ovsdb-server truncates at the first write, not on open). */
  let truncateAt: number | undefined;
  if (existsSync(path)) {
    const data = readFileSync(path);
    if (data.subarray(0, 7).toString() === "CLUSTER") throw new DatabaseFileError(`${path}: clustered database files are not supported`);
    const read = readRecords(data, path);
    if (read.records.length === 0) {
      throw new DatabaseFileError(`${path}: not an OVSDB standalone database file (no valid schema record${read.error ? `: ${read.error}` : ""})`);
    }
    ({ db, history } = loadRecords(read.records, read.hashes, path, options.historyTxns ?? 100));
    if (options.schema && options.schema.name !== db.name) {
      throw new DatabaseFileError(`${path}: holds database ${db.name}, not ${options.schema.name}`);
    }
    dropped = data.length - read.goodBytes;
    if (dropped > 0) {
      truncateAt = read.goodBytes;
      damage = new DatabaseFileError(read.error ?? `${path}: ${dropped} bytes after the last record`);
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
    truncateAt = undefined;
    fd = openSync(path, "a");
    size = baseSize = statSync(path).size;
  };
  // Written before the transaction takes effect: a failed write fails the transaction ("I/O error").
  db.setWriteAhead((txn) => {
    if (fd === undefined) throw new Error(`${path} is closed`);
    if (truncateAt !== undefined) {
      ftruncateSync(fd, truncateAt);
      size = truncateAt;
      truncateAt = undefined;
    }
    const { bytes: buf, sha1 } = encodeRecord(txnRecord(db, txn));
    writeSync(fd, buf);
    // ovsdb-server: one fdatasync per durable commit, before the reply.
    if (fsync) fsyncSync(fd);
    else if (txn.durable) fdatasyncSync(fd);
    size += buf.length;
    return txnIdOfRecord(sha1);
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
    damage,
    history,
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
