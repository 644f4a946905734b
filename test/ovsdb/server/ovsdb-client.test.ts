/**
 * `ovsdb-client` against the embedded server and a real ovsdb-server: the same commands give the
 * same output (UUIDs normalized), including `backup`, whose file `ovsdb-tool` must accept.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir, removeDir, run } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";

const SCHEMA = join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema");
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const SETUP = [
  "Conformance",
  { op: "insert", table: "Root", "uuid-name": "r", row: { name: "alpha", i: 7, iset: ["set", [3, 1]], smap: ["map", [["k", "v"]]], kids: ["named-uuid", "c"], color: "green" } },
  { op: "insert", table: "Child", "uuid-name": "c", row: { n: 42, tag: "t" } },
  { op: "insert", table: "Other", row: { a: 1, b: "x" } },
];

const COMMANDS: string[][] = [
  ["list-dbs"],
  ["list-tables", "Conformance"],
  ["list-columns", "Conformance", "Root"],
  ["get-schema-version", "Conformance"],
  ["get-schema", "Conformance"],
  ["query", JSON.stringify(["Conformance", { op: "select", table: "Root", where: [], columns: ["name", "iset", "smap", "color"] }])],
  ["dump", "Conformance"],
  ["dump", "--format=csv", "Conformance", "Root", "name", "iset", "smap"],
  ["dump", "--format=json", "Conformance", "Child"],
  ["transact", JSON.stringify(["Conformance", { op: "insert", table: "Root", row: { name: "alpha" } }])],
  ["transact", JSON.stringify(["Conformance", { op: "select", table: "Nope", where: [] }])],
  ["list-tables", "Nope"],
];

async function outputs(remote: string): Promise<string[]> {
  await run("ovsdb-client", ["transact", remote, JSON.stringify(SETUP)]);
  const out: string[] = [];
  for (const c of COMMANDS) {
    const [cmd, ...rest] = c;
    const opts = rest.filter((a) => a.startsWith("--"));
    const args = rest.filter((a) => !a.startsWith("--"));
    const r = await run("ovsdb-client", [...opts, cmd!, remote, ...args], { allowFailure: true });
    const text = `${r.stdout}${r.stderr.replace(/ovsdb-client: [^ ]+: /, "ovsdb-client: REMOTE: ")}`.replace(UUID_RE, "<uuid>");
    // Row order in dumps follows UUIDs, which differ between runs: compare sorted lines.
    out.push(`${c.join(" ")} -> ${r.code}\n${text.split("\n").sort().join("\n")}`);
  }
  return out;
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovsdb-tool"))("ovsdb-client: embedded server vs ovsdb-server", () => {
  let real: OvsdbServerSandbox;
  let server: OvsdbServer;
  let dir: string;
  let mine: string;
  beforeAll(async () => {
    real = await startOvsdbServer({ schemas: [SCHEMA] });
    dir = makeTempDir("ovn-ts-oc-");
    server = new OvsdbServer();
    server.addDatabase(readSchemaFile(SCHEMA));
    mine = (await server.listen(`punix:${join(dir, "db.sock")}`)).connect;
  });
  afterAll(async () => {
    await server?.close();
    await real?.stop();
    if (dir) removeDir(dir);
  });

  it("gives the same output for list-dbs, list-tables, list-columns, get-schema, query, dump, transact", async () => {
    const [a, b] = await Promise.all([outputs(real.unix), outputs(mine)]);
    expect(b).toEqual(a);
  });

  it("backup of the embedded server is a database file ovsdb-tool reads", async () => {
    const file = join(dir, "backup.db");
    await run("sh", ["-c", `ovsdb-client backup "$0" Conformance > "$1"`, mine, file]);
    const q = JSON.parse((await run("ovsdb-tool", ["query", file, JSON.stringify(["Conformance", { op: "select", table: "Child", where: [], columns: ["n", "tag"] }])])).stdout);
    expect(q).toEqual([{ rows: [{ n: 42, tag: "t" }] }]);
  });
});
