/**
 * `{"op":"commit","durable":true}` (RFC 7047 §5.2.11): the embedded server, persisting to a file,
 * calls fdatasync once per durable commit before replying, and not for other commits, as
 * ovsdb-server 3.1 does. Both servers run under `strace -e trace=fdatasync`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import { makeTempDir, onPath, removeDir, run, sleep, waitFor } from "../../../src/testing/index.js";

const SCHEMA = { name: "Dur", version: "1.0.0", tables: { T: { columns: { n: { type: "integer" } }, isRoot: true } } };
const have = onPath("strace") && onPath("ovsdb-server") && onPath("ovsdb-tool");
if (!have && process.env["CI"]) throw new Error("strace, ovsdb-server and ovsdb-tool are required under CI");

let dir: string;
beforeAll(() => {
  dir = makeTempDir("ovn-ts-durable-");
  writeFileSync(join(dir, "dur.ovsschema"), JSON.stringify(SCHEMA));
});
afterAll(() => removeDir(dir));

const syncs = (trace: string) => (existsSync(trace) ? readFileSync(trace, "utf8").split("\n").filter((l) => /\bfdatasync\(/.test(l)).length : 0);

async function traced(tag: string, argv: string[], sock: string): Promise<{ child: ChildProcess; trace: string }> {
  const trace = join(dir, `${tag}.strace`);
  const child = spawn("strace", ["-f", "-e", "trace=fdatasync", "-o", trace, ...argv], { stdio: "ignore" });
  await waitFor(`${tag} to listen`, () => existsSync(sock) || child.exitCode !== null, 60_000);
  if (child.exitCode !== null) throw new Error(`${tag} exited with ${child.exitCode}`);
  await sleep(200);
  return { child, trace };
}

async function countSyncs(tag: string, argv: string[], sock: string): Promise<{ plain: number; durable: number }> {
  const { child, trace } = await traced(tag, argv, sock);
  const c = await OvsdbClient.connect(`unix:${sock}`, { probeIntervalMs: 0, reconnect: false });
  try {
    const before = syncs(trace);
    for (let i = 0; i < 3; i++) await c.transact("Dur", [{ op: "insert", table: "T", row: { n: i } }]);
    await sleep(200);
    const afterPlain = syncs(trace);
    for (let i = 0; i < 4; i++) await c.transact("Dur", [{ op: "insert", table: "T", row: { n: 10 + i } }, { op: "commit", durable: true }]);
    await sleep(200);
    return { plain: afterPlain - before, durable: syncs(trace) - afterPlain };
  } finally {
    c.close();
    // strace ignores SIGTERM while it traces: stop the traced server itself (strace then exits).
    const exited = new Promise((r) => child.once("exit", r));
    const tracee = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/)[0]);
    if (tracee > 0) process.kill(tracee, "SIGTERM");
    else child.kill("SIGKILL");
    await exited;
  }
}

describe.skipIf(!have)("durable commits", () => {
  it("fdatasync once per durable commit, as ovsdb-server", async () => {
    const schema = join(dir, "dur.ovsschema");
    const realDb = join(dir, "real.db");
    await run("ovsdb-tool", ["create", realDb, schema]);
    const real = await countSyncs("ovsdb-server", ["ovsdb-server", realDb, `--remote=punix:${join(dir, "real.sock")}`, `--unixctl=${join(dir, "real.ctl")}`, "--no-chdir"], join(dir, "real.sock"));
    const embedded = await countSyncs(
      "embedded",
      [join(process.cwd(), "node_modules/.bin/vite-node"), join(__dirname, "reliability-server.ts"), "--", schema, join(dir, "emb.sock"), join(dir, "emb.db")],
      join(dir, "emb.sock"),
    );
    expect(real).toEqual({ plain: 0, durable: 4 });
    expect(embedded).toEqual(real);
    // The file the embedded server wrote is valid for ovsdb-tool and holds all seven rows.
    const q = await run("ovsdb-tool", ["query", join(dir, "emb.db"), JSON.stringify(["Dur", { op: "select", table: "T", where: [] }])]);
    expect((JSON.parse(q.stdout) as [{ rows: unknown[] }])[0].rows).toHaveLength(7);
  }, 180_000);
});
