/**
 * `backup` and `restore`, differentially: `ovn-ts ovsdb backup` writes a standalone database file
 * that `ovsdb-tool` reads and `ovsdb-client restore` accepts; `ovn-ts ovsdb restore` takes
 * ovsdb-client's backups (and ours) with ovsdb-client's results: the same contents, new UUIDs with
 * references between restored rows kept (ovsdb-client 3.1 does not preserve UUIDs), the same
 * messages and exit status for a different schema (with and without `--force`), garbage and empty
 * input — against a real ovsdb-server and the embedded server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir, run } from "../../src/testing/process.js";
import { peers } from "../support/peers.js";
import { type Kind, type Served, type Tool, UUID_RE, serve as serveKind, tool as runTool } from "./ovsdb-cli-peers.js";

const SCHEMA = join(fileURLToPath(new URL(".", import.meta.url)), "../conformance/conformance.ovsschema");

/** Rows of every table, with strong, weak and map references between them. */
const SETUP = [
  "Conformance",
  {
    op: "insert",
    table: "Root",
    "uuid-name": "r",
    row: { name: "alpha", i: 7, r: 1.5, b: true, iset: ["set", [3, 1]], smap: ["map", [["k", "v"]]], imap: ["map", [[1, "x"]]], kids: ["set", [["named-uuid", "c1"], ["named-uuid", "c2"]]], one_kid: ["named-uuid", "c1"], weak: ["named-uuid", "o"], color: "green" },
  },
  { op: "insert", table: "Root", row: { name: "beta", sset: ["set", ["a", "b"]], rset: ["set", [0.5, 2.25]] } },
  { op: "insert", table: "Child", "uuid-name": "c1", row: { n: 42, tag: "t", grand: ["named-uuid", "g"] } },
  { op: "insert", table: "Child", "uuid-name": "c2", row: { n: 43 } },
  { op: "insert", table: "Grand", "uuid-name": "g", row: { v: "gv" } },
  { op: "insert", table: "Other", "uuid-name": "o", row: { a: 1, b: "x", peer: ["named-uuid", "o"] } },
  { op: "insert", table: "WeakOne", row: { ref: ["named-uuid", "o"], note: "n" } },
];

/** Every table's rows (all columns but `_version`) as ovsdb-client's JSON dump, sorted. */
async function contents(remote: string): Promise<string> {
  const r = await run("ovsdb-client", ["-f", "json", "dump", remote, "Conformance"]);
  return r.stdout;
}

/** The contents with UUIDs replaced by the row's `name`/`n`/`v`/`a` label, so references stay comparable across UUID changes. */
function labelled(dumpJson: string): string {
  const tables = dumpJson
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { caption: string; headings: string[]; data: unknown[][] });
  const label = new Map<string, string>();
  for (const t of tables) {
    const u = t.headings.indexOf("_uuid");
    const key = ["name", "n", "v", "a", "note"].map((h) => t.headings.indexOf(h)).find((i) => i >= 0)!;
    for (const row of t.data) label.set((row[u] as [string, string])[1], `${t.caption.split(" ")[0]}:${String(row[key])}`);
  }
  // Sets and maps in a stable order once labelled (their order follows the UUIDs).
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) && (v[0] === "set" || v[0] === "map") && Array.isArray(v[1]) ? [v[0], (v[1] as unknown[]).map((x) => JSON.stringify(x)).sort()] : v;
  return tables
    .map((t) => `${t.caption}\n${t.data.map((row) => JSON.stringify(JSON.parse(JSON.stringify(row).replace(UUID_RE, (x) => label.get(x) ?? "<unknown>")).map(sorted))).sort().join("\n")}`)
    .join("\n");
}

function uuids(dumpJson: string): Set<string> {
  return new Set(dumpJson.match(UUID_RE) ?? []);
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovsdb-tool"))("backup and restore: ovsdb-client vs ovn-ts ovsdb, ovsdb-server vs embedded", () => {
  let dir: string;
  const started: Served[] = [];
  /** A fresh server with the conformance schema (or another schema file), stopped after the suite. */
  async function serve(kind: Kind, schemaFile = SCHEMA): Promise<Served> {
    const s = await serveKind(kind, dir, schemaFile);
    started.push(s);
    return s;
  }
  const tool = (t: Tool, args: string[], remote: string, stdin?: string) => runTool(t, args, remote, dir, stdin);
  beforeAll(() => {
    dir = makeTempDir("ovn-ts-backup-");
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    if (dir) removeDir(dir);
  });

  it("our backup is a database file ovsdb-tool reads, with ovsdb-client's backup's contents, from either server", async () => {
    for (const kind of ["ovsdb-server", "embedded"] as const) {
      const s = await serve(kind);
      await run("ovsdb-client", ["transact", s.remote, JSON.stringify(SETUP)]);
      const mine = await tool("ovn-ts", ["backup", s.remote, "Conformance"], s.remote);
      const theirs = await tool("ovsdb-client", ["backup", s.remote, "Conformance"], s.remote);
      expect(mine.code).toBe(0);
      expect(mine.stderr).toBe("");
      const files = { mine: join(dir, `${kind}-mine.db`), theirs: join(dir, `${kind}-theirs.db`) };
      writeFileSync(files.mine, mine.stdout);
      writeFileSync(files.theirs, theirs.stdout);
      const log = (await run("ovsdb-tool", ["show-log", files.mine])).stdout;
      expect(log).toMatch(/^record 0: "Conformance" schema, version="1\.2\.3", cksum="[^"]*"\n\nrecord 1: \S+ \S+ "produced by "ovsdb-client backup""\n$/);
      // Same rows with the same UUIDs: both are snapshots of the same server.
      const query = (f: string) => run("ovsdb-tool", ["query", f, JSON.stringify(["Conformance", ...["Root", "Child", "Grand", "Other", "WeakOne"].map((table) => ({ op: "select", table, where: [] }))])]);
      // Rows in a stable order, without `_version` (new on every load).
      const strip = (o: string) =>
        (JSON.parse(o.replace(/"_version":\["uuid","[^"]+"\],?/g, "")) as { rows: unknown[] }[]).map((r) => r.rows.map((x) => JSON.stringify(x)).sort());
      expect(strip((await query(files.mine)).stdout)).toEqual(strip((await query(files.theirs)).stdout));
      expect((await query(files.mine)).stdout).toContain('"name":"alpha"');
      expect((await run("ovsdb-tool", ["db-name", files.mine])).stdout).toBe("Conformance\n");
      // Ephemeral columns are not backed up (ovsdb-client leaves them out too).
      await run("ovsdb-client", ["transact", s.remote, JSON.stringify(["Conformance", { op: "update", table: "Root", where: [], row: { eph: 5 } }])]);
      const again = (await tool("ovn-ts", ["backup", s.remote, "Conformance"], s.remote)).stdout;
      const rowsRecord = again.trim().split("\n").at(-1)!;
      expect(rowsRecord).toContain('"name":"alpha"');
      expect(rowsRecord).not.toContain('"eph"');
    }
  });

  it("restores as ovsdb-client restores: same contents, new UUIDs, references kept; both tools take both backups", async () => {
    const source = await serve("ovsdb-server");
    await run("ovsdb-client", ["transact", source.remote, JSON.stringify(SETUP)]);
    const original = await contents(source.remote);
    const backups = {
      "ovsdb-client": (await tool("ovsdb-client", ["backup", source.remote], source.remote)).stdout,
      "ovn-ts": (await tool("ovn-ts", ["backup", source.remote], source.remote)).stdout,
    };
    const results: string[] = [];
    for (const kind of ["ovsdb-server", "embedded"] as const) {
      for (const t of ["ovsdb-client", "ovn-ts"] as const) {
        for (const [made, snapshot] of Object.entries(backups)) {
          const target = await serve(kind);
          // Something to replace: restore empties every table of the backup first.
          await run("ovsdb-client", ["transact", target.remote, JSON.stringify(["Conformance", { op: "insert", table: "Root", row: { name: "stale" } }])]);
          const r = await tool(t, ["restore", target.remote], target.remote, snapshot);
          expect(r, `${t} restore of ${made}'s backup on ${kind}`).toEqual({ code: 0, stdout: "", stderr: "" });
          const restored = await contents(target.remote);
          expect(labelled(restored), `${t} restore of ${made}'s backup on ${kind}`).toBe(labelled(original));
          // ovsdb-client 3.1 inserts with uuid-name: every row gets a new UUID.
          const kept = [...uuids(restored)].filter((u) => uuids(original).has(u));
          results.push(`${kind} ${t} ${made}: ${kept.length} UUIDs kept`);
        }
      }
    }
    expect(results.every((r) => r.endsWith(": 0 UUIDs kept"))).toBe(true);
    expect(labelled(original)).toContain('[["uuid","Root:alpha"]');
    expect(labelled(original)).toContain('[["uuid","Child:42"],["uuid","Grand:gv"],42,"t"]');
    expect(labelled(original)).not.toContain("<unknown>");
  });

  it("refuses what ovsdb-client refuses, with its messages and exit status", async () => {
    const source = await serve("ovsdb-server");
    await run("ovsdb-client", ["transact", source.remote, JSON.stringify(SETUP)]);
    const snapshot = (await tool("ovsdb-client", ["backup", source.remote], source.remote)).stdout;
    // A later version of the schema without table WeakOne, and one that only renumbers the version.
    const json = JSON.parse(readFileSync(SCHEMA, "utf8")) as { version: string; tables: Record<string, unknown> };
    const other = join(dir, "other.ovsschema");
    writeFileSync(other, JSON.stringify({ ...json, version: "1.2.4", tables: Object.fromEntries(Object.entries(json.tables).filter(([k]) => k !== "WeakOne")) }));
    const same = join(dir, "same-version.ovsschema");
    writeFileSync(same, JSON.stringify({ ...json, tables: Object.fromEntries(Object.entries(json.tables).filter(([k]) => k !== "WeakOne")) }));
    const cases: { schema: string; args: string[]; stdin: string }[] = [
      { schema: other, args: ["restore"], stdin: snapshot },
      { schema: other, args: ["--force", "restore"], stdin: snapshot },
      { schema: same, args: ["restore"], stdin: snapshot },
      { schema: SCHEMA, args: ["restore"], stdin: "garbage\n" },
      { schema: SCHEMA, args: ["restore"], stdin: "" },
      { schema: SCHEMA, args: ["restore", "Nope"], stdin: snapshot },
      { schema: SCHEMA, args: ["backup", "Conformance", "extra"], stdin: "" },
    ];
    // Refused commands change nothing, so one server per schema serves every case and both tools
    // (the contents after each command are compared too).
    const one = async (target: Served, c: (typeof cases)[number], t: Tool) => {
      const [cmd, ...rest] = c.args.filter((a) => a !== "--force");
      const args = [...c.args.filter((a) => a === "--force"), cmd!, target.remote, ...rest];
      const r = await tool(t, args, target.remote, c.stdin);
      return { ...r, contents: (await contents(target.remote)).replace(UUID_RE, "<uuid>") };
    };
    await Promise.all(
      (["ovsdb-server", "embedded"] as const).flatMap((kind) =>
        [...new Set(cases.map((c) => c.schema))].map(async (schema) => {
          const target = await serve(kind, schema);
          for (const c of cases.filter((x) => x.schema === schema)) {
            const theirs = await one(target, c, "ovsdb-client");
            const mine = await one(target, c, "ovn-ts");
            expect(mine, `${c.args.join(" ")} (${c.schema === SCHEMA ? "same schema" : c.schema}) on ${kind}`).toEqual(theirs);
            expect(theirs.code).toBe(1);
          }
        }),
      ),
    );
  });
});
