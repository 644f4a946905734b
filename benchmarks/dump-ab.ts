/**
 * A/B of the dump row of the OVSDB benchmark between builds (not part of `npm run bench`):
 * `node ROOT/dist/cli/main.js ovsdb -f json dump` of a 100,000-port OVN_Northbound for each DIST (a built dist directory whose ancestors give it a package.json with "type": "module" and node_modules),
 * `ovsdb-client -f json dump`, and the floor (the same request on a bare socket, the reply's
 * delivery and one `JSON.parse`), interleaved round by round against one real `ovsdb-server`.
 * Reports wall time and the client's CPU time (user + system, from /usr/bin/time), whose ranges a
 * shared machine disturbs less.
 *
 *   npx vite-node benchmarks/dump-ab.ts DIST_A DIST_B [ROUNDS]
 *
 * The populated database is kept in `DUMP_AB_DIR` (default a fixed directory under the temp dir)
 * and reused by later runs; `DUMP_AB_REMOTE=unix:PATH` uses a server already running instead.
 * `DUMP_AB_FORMAT=table` times another format (the floor stays the same).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";
import { columnOrder } from "../src/cli/ovsdb/schema.js";
import { compareUtf8 } from "../src/ovsdb/schema/datum.js";
import { dumpFloor } from "./ovsdb.js";
import { populate } from "./replica.js";

interface Run {
  wall: number;
  cpu: number;
}

function timed(program: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const devNull = openSync("/dev/null", "w");
    const t0 = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "@@%U %S", program, ...args], { stdio: ["ignore", devNull, "pipe"] });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wall = performance.now() - t0;
      closeSync(devNull);
      const m = /@@([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`${program} ${args.join(" ")} failed (${code}): ${err.slice(0, 500)}`));
      resolve({ wall, cpu: (Number(m[1]) + Number(m[2])) * 1000 });
    });
  });
}


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

async function main(): Promise<void> {
  const [a, b, roundsText] = process.argv.slice(2);
  if (!a || !b) throw new Error("usage: dump-ab.ts DIST_A DIST_B [ROUNDS]");
  const rounds = Number(roundsText ?? 5);
  const format = process.env["DUMP_AB_FORMAT"] ?? "json";
  const dir = process.env["DUMP_AB_DIR"] ?? join(tmpdir(), "ovn-ts-dump-ab");
  const fresh = !existsSync(join(dir, "OVN_Northbound.db"));
  mkdirSync(dir, { recursive: true });
  const given = process.env["DUMP_AB_REMOTE"];
  const server = given ? { unix: given, stop: async (_o?: unknown) => undefined } : await startOvsdbServer({ schemas: ["OVN_Northbound"], dir, keep: true });
  try {
    if (fresh && !given) await populate(server.unix);
    const c = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const schema = (await c.getSchema("OVN_Northbound")) as Record<string, unknown>;
    c.close();
    const tables = Object.keys(schema["tables"] as object).sort(compareUtf8);
    const request = JSON.stringify({
      method: "transact",
      params: ["OVN_Northbound", ...tables.map((t) => ({ op: "select", table: t, where: [], columns: columnOrder(schema, t).filter((x) => x !== "_version") }))],
      id: 0,
    });
    const args = ["-f", format, "dump", server.unix, "OVN_Northbound"];
    const results: Record<string, Run[]> = { floor: [], A: [], B: [], "ovsdb-client": [] };
    for (let r = 0; r < rounds; r++) {
      results["floor"]!.push(await dumpFloor(server.unix.slice("unix:".length), request));
      const pair: [string, string][] = r % 2 === 0 ? [["A", a], ["B", b]] : [["B", b], ["A", a]];
      for (const [k, root] of pair) results[k]!.push(await timed(process.execPath, [join(root, "cli/main.js"), "ovsdb", ...args]));
      results["ovsdb-client"]!.push(await timed("ovsdb-client", args));
      process.stderr.write(`round ${r + 1}/${rounds}: ${Object.entries(results).map(([k, v]) => `${k} ${v.at(-1)!.wall.toFixed(0)}/${v.at(-1)!.cpu.toFixed(0)}`).join(", ")}\n`);
    }
    const f = median(results["floor"]!.map((x) => x.wall));
    const oc = results["ovsdb-client"]!;
    console.log(`format ${format}, ${rounds} rounds; wall ms median (range), CPU ms median (range)`);
    for (const [k, v] of Object.entries(results)) {
      const w = v.map((x) => x.wall);
      const cpu = v.map((x) => x.cpu);
      const vsFloor = (median(w) / f).toFixed(2);
      const vsClient = (median(oc.map((x) => x.wall)) / median(w)).toFixed(2);
      const cpuVsClient = (median(oc.map((x) => x.cpu)) / median(cpu)).toFixed(2);
      console.log(`${k.padEnd(13)} wall ${median(w).toFixed(0)} (${range(w)})  cpu ${median(cpu).toFixed(0)} (${range(cpu)})  wall/floor ${vsFloor}  client/this wall ${vsClient} cpu ${cpuVsClient}`);
    }
  } finally {
    await server.stop({ keep: true });
  }
}

await main();
