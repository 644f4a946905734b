/**
 * `ovn-ts ovsdb dump` against `ovsdb-client dump` on rows made to test the row order: ties on the
 * first columns settled by later ones, sets of different sizes, maps with the same keys and
 * different values, strings whose UTF-8 order differs from UTF-16's, 64-bit integers, reals that
 * print with 15 digits, and uuid columns compared after every other column. Every format, the same
 * bytes on stdout.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir, run } from "../../src/testing/process.js";
import { peers } from "../support/peers.js";
import { type Served, serve, tool } from "./ovsdb-cli-peers.js";

const SCHEMA = {
  name: "Order",
  version: "1.0.0",
  tables: {
    T: {
      isRoot: true,
      columns: {
        a: { type: "integer" },
        b: { type: { key: "string", min: 0, max: "unlimited" } },
        big: { type: "integer" },
        flag: { type: "boolean" },
        m: { type: { key: "string", value: "integer", min: 0, max: "unlimited" } },
        r: { type: "real" },
        s: { type: "string" },
        u: { type: { key: "uuid", min: 0, max: 1 } },
      },
    },
    Empty: { isRoot: true, columns: { x: { type: "string" } } },
    // More rows than one batch of the json writer (256, then about a megabyte), no 64-bit integers.
    Many: { isRoot: true, columns: { n: { type: "integer" }, s: { type: "string" }, t: { type: { key: "string", min: 0, max: "unlimited" } } } },
  },
};

const U1 = "00000000-0000-0000-0000-000000000001";
const U2 = "00000000-0000-0000-0000-000000000002";
const ROWS: Record<string, unknown>[] = [
  { a: 1, b: ["set", []], big: 9223372036854775807n, r: 0.30000000000000004, s: "z" },
  { a: 1, b: "x", big: -9223372036854775808n, flag: true, s: "\u00e9" },
  { a: 1, b: "x", big: -9223372036854775808n, flag: false, s: "\ud83d\ude00" },
  { a: 1, b: ["set", ["a", "b"]], r: 1e-7, s: "\uffff" },
  { a: 1, b: ["set", ["a", "c"]], r: 123456789012345680000 },
  { a: 2, m: ["map", [["k", 2]]] },
  { a: 2, m: ["map", [["k", 1]]] },
  { a: 2, m: ["map", [["j", 5]]] },
  { a: 2, m: ["map", [["j", 5], ["k", 0]]] },
  { a: 3, u: ["uuid", U2] },
  { a: 3, u: ["uuid", U1] },
  { a: 3 },
  { a: 3 },
  { a: -4, r: -2.5 },
];

/** JSON text with bigints as their digits. */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `@@${x}@@` : x)).replace(/"@@(-?\d+)@@"/g, "$1");
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-client"))("ovn-ts ovsdb dump vs ovsdb-client dump: row order and cell text", () => {
  let dir: string;
  let server: Served;
  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-dump-");
    const schemaFile = join(dir, "order.ovsschema");
    writeFileSync(schemaFile, JSON.stringify(SCHEMA));
    server = await serve("ovsdb-server", dir, schemaFile);
    const many = Array.from({ length: 600 }, (_, i) => ({ op: "insert", table: "Many", row: { n: (i * 7919) % 600, s: `row "${i}" \u00e9\\`, t: ["set", [`a${i % 3}`, "b"]] } }));
    const txn = ["Order", ...ROWS.map((row) => ({ op: "insert", table: "T", row })), ...many];
    await run("ovsdb-client", ["transact", server.remote, toJson(txn)]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  const cases: [string, string[]][] = [
    ["json", ["-f", "json"]],
    ["pretty json", ["-f", "json", "--pretty"]],
    ["table", []],
    ["list", ["-f", "list"]],
    ["csv, data=json", ["-f", "csv", "-d", "json"]],
    ["bare", ["--bare"]],
  ];
  for (const [name, options] of cases) {
    it(`${name}: the same output and exit status`, async () => {
      for (const tail of [[], ["T"], ["T", "s", "u", "a"], ["Empty"], ["Many"]]) {
        const args = [...options, "dump", server.remote, "Order", ...tail];
        const mine = await tool("ovn-ts", args, server.remote, dir);
        const theirs = await tool("ovsdb-client", args, server.remote, dir);
        expect(mine, args.join(" ")).toEqual(theirs);
        expect(mine.code).toBe(0);
        if (tail.length === 0) expect(mine.stdout).toContain("9223372036854775807");
      }
    }, 60_000);
  }
});
