/**
 * Where-by-index benchmark of the embedded server: `select` of one `Logical_Switch_Port` by
 * `name == X` (NB's unique index on `name`) on a table of 10,000 ports, one transaction at a
 * time from one `OvsdbClient` over a unix socket, and the same on the engine alone
 * (`Database.execute`, no socket). "scan" is the same server with the index removed from the
 * schema, which is what every `where` on a column other than `_uuid` cost before the lookup by
 * index (the whole table scanned); "index" is the bundled schema.
 *
 * Run: `BENCH=server-index npm run bench` (or `npx vite-node benchmarks/server-index.ts`; one line per measurement).
 *
 * @module
 */
import { join } from "node:path";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { bundledSchema } from "../src/ovsdb/schema/bundled.js";
import { type DatabaseSchema, parseSchema, schemaToJson } from "../src/ovsdb/schema/schema.js";
import { Database, OvsdbServer } from "../src/ovsdb/server/index.js";
import { makeTempDir, removeDir } from "../src/testing/process.js";
import { isMain } from "./main.js";

const DB = "OVN_Northbound";
const ROWS = 10_000;

function withoutIndexes(s: DatabaseSchema): DatabaseSchema {
  const json = schemaToJson(s) as { tables: Record<string, Record<string, unknown>> };
  for (const t of Object.values(json.tables)) delete t["indexes"];
  return parseSchema(json);
}

/** Batches of 1,000 ports, each batch with the switch that holds them (ports are not root rows). */
function loadOps(): unknown[][] {
  const batches: unknown[][] = [];
  for (let b = 0; b < ROWS; b += 1000) {
    const ops: unknown[] = [];
    const refs: unknown[] = [];
    for (let i = b; i < b + 1000; i++) {
      ops.push({ op: "insert", table: "Logical_Switch_Port", "uuid-name": `p${i}`, row: { name: `port-${i}`, external_ids: ["map", [["pod", `ns/pod-${i}`]]] } });
      refs.push(["named-uuid", `p${i}`]);
    }
    ops.push({ op: "insert", table: "Logical_Switch", row: { name: `ls-${b}`, ports: ["set", refs] } });
    batches.push(ops);
  }
  return batches;
}

function checkLoaded(results: readonly unknown[][]): void {
  for (const r of results) {
    const err = r.find((x) => x !== null && typeof x === "object" && "error" in x);
    if (err) throw new Error(`load failed: ${JSON.stringify(err)}`);
  }
}

function checkFound(r: readonly unknown[]): void {
  const rows = (r[0] as { rows?: unknown[] }).rows;
  if (rows?.length !== 1) throw new Error(`select found ${JSON.stringify(r[0])}`);
}

const selectOp = (i: number) => ({ op: "select", table: "Logical_Switch_Port", where: [["name", "==", `port-${(i * 7919) % ROWS}`]], columns: ["_uuid", "name"] });

function engine(schema: DatabaseSchema, n: number): number {
  const db = new Database(schema);
  const ctx = { ownsLock: () => false };
  checkLoaded(
    loadOps().map((ops) => {
      const o = db.execute(ops, ctx);
      return o.kind === "done" ? o.results : [{ error: "blocked" }];
    }),
  );
  if (db.rows("Logical_Switch_Port").size !== ROWS) throw new Error("ports not loaded");
  for (let i = 0; i < n; i++) {
    const o = db.execute([selectOp(i)], ctx);
    checkFound(o.kind === "done" ? o.results : []);
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) db.execute([selectOp(i)], ctx);
  return n / ((performance.now() - t0) / 1000);
}

async function overSocket(schema: DatabaseSchema, n: number, dir: string, tag: string): Promise<number> {
  const server = new OvsdbServer();
  server.addDatabase(schema);
  const sock = join(dir, `${tag}.sock`);
  await server.listen(`punix:${sock}`);
  const c = await OvsdbClient.connect(`unix:${sock}`, { reconnect: false });
  try {
    const loaded: unknown[][] = [];
    for (const ops of loadOps()) loaded.push(await c.transactRaw(DB, ops));
    checkLoaded(loaded);
    for (let i = 0; i < n; i++) checkFound(await c.transactRaw(DB, [selectOp(i)]));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await c.transactRaw(DB, [selectOp(i)]);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    c.close();
    await server.close();
  }
}

/** Runs the four measurements and returns them in selects per second. */
export async function runServerIndexBenchmark(n = 2000): Promise<Record<string, number>> {
  const indexed = bundledSchema(DB);
  const scanned = withoutIndexes(indexed);
  const dir = makeTempDir("ovn-ts-bench-idx-");
  try {
    return {
      "engine, scan": engine(scanned, n),
      "engine, index": engine(indexed, n),
      "1 client over unix socket, scan": await overSocket(scanned, n, dir, "scan"),
      "1 client over unix socket, index": await overSocket(indexed, n, dir, "index"),
    };
  } finally {
    removeDir(dir);
  }
}

if (isMain(import.meta.url)) {
  const r = await runServerIndexBenchmark();
  for (const [k, v] of Object.entries(r)) console.log(`select where name == X, ${ROWS} rows, ${k}: ${Math.round(v).toLocaleString("en")} selects/s`);
}
