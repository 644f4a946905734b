/**
 * `ovn-ts ovsdb dump` where writing tables as they are formatted could change what is printed:
 * many tables (some empty) in every format, each table written in pieces; and a server that
 * drops the connection in the middle of the dump's reply, where nothing of the dump may be
 * printed and the error and exit status are ovsdb-client's.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMisbehavingPeer } from "../../src/testing/misbehaving-peer.js";
import { makeTempDir, removeDir, run } from "../../src/testing/process.js";
import { peers } from "../support/peers.js";
import { type Served, serve, tool } from "./ovsdb-cli-peers.js";

/** 30 tables: every third empty, the others with rows of strings that need quoting, sets, maps and uuid references. */
function schema(): Record<string, unknown> {
  const tables: Record<string, unknown> = {};
  for (let i = 0; i < 30; i++) {
    tables[`T${String(i).padStart(2, "0")}`] = {
      isRoot: true,
      columns: {
        name: { type: "string" },
        tags: { type: { key: "string", min: 0, max: "unlimited" } },
        ext: { type: { key: "string", value: "string", min: 0, max: "unlimited" } },
        n: { type: { key: "integer", min: 0, max: 1 } },
        ref: { type: { key: { type: "uuid", refTable: "T00", refType: "weak" }, min: 0, max: "unlimited" } },
      },
    };
  }
  return { name: "Many", version: "1.0.0", tables };
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-client"))("ovn-ts ovsdb dump vs ovsdb-client dump: many tables, written as formatted", () => {
  let dir: string;
  let server: Served;
  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-dump-stream-");
    const schemaFile = join(dir, "many.ovsschema");
    writeFileSync(schemaFile, JSON.stringify(schema()));
    server = await serve("ovsdb-server", dir, schemaFile);
    const ops: unknown[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 2) continue;
      const table = `T${String(i).padStart(2, "0")}`;
      for (let r = 0; r < 40; r++) {
        const row: Record<string, unknown> = {
          name: r % 4 === 0 ? `plain${r}` : r % 4 === 1 ? `needs "quotes" ${r}` : r % 4 === 2 ? "" : `line\nbreak,comma ${r}`,
          tags: ["set", r % 5 === 0 ? [] : [`a${r % 3}`, `b ${r}`]],
          ext: ["map", r % 2 === 0 ? [] : [["k", `v${r}`], ["z", "true"]]],
          ...(r % 3 === 0 ? { n: r * 1000 } : {}),
        };
        ops.push({ op: "insert", table, row, ...(i === 0 && r < 3 ? { "uuid-name": `u${r}` } : {}) });
      }
    }
    ops.push({ op: "insert", table: "T01", row: { name: "refs", ref: ["set", [["named-uuid", "u0"], ["named-uuid", "u1"], ["named-uuid", "u2"]]] } });
    await run("ovsdb-client", ["transact", server.remote, JSON.stringify(["Many", ...ops])]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  const cases: [string, string[]][] = [
    ["json", ["-f", "json"]],
    ["table", []],
    ["table, no headings", ["--no-headings"]],
    ["list", ["-f", "list"]],
    ["csv", ["-f", "csv"]],
    ["html", ["-f", "html"]],
    ["bare csv", ["-f", "csv", "-d", "bare"]],
    ["table, data=json", ["-d", "json"]],
  ];
  for (const [name, options] of cases) {
    it(`${name}: the same output and exit status`, async () => {
      for (const tail of [[], ["T02"], ["T01", "ref", "name"]]) {
        const args = [...options, "dump", server.remote, "Many", ...tail];
        const mine = await tool("ovn-ts", args, server.remote, dir);
        const theirs = await tool("ovsdb-client", args, server.remote, dir);
        expect(mine, args.join(" ")).toEqual(theirs);
        expect(mine.code).toBe(0);
      }
    }, 60_000);
  }
});

describe.skipIf(!peers("ovsdb-client"))("ovn-ts ovsdb dump: a server that drops the connection mid-reply", () => {
  const SCHEMA = { name: "Many", version: "1.0.0", tables: { A: { columns: { s: { type: "string" } } }, B: { columns: { s: { type: "string" } } } } };
  const rows = (t: string, n: number) => Array.from({ length: n }, (_, i) => ({ _uuid: ["uuid", `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`], s: `${t}${i}` }));
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir("ovn-ts-dump-drop-");
  });
  afterAll(() => {
    if (dir) removeDir(dir);
  });

  for (const [name, cut] of [
    ["in the first table's rows", 0.3],
    ["in the last table's rows", 0.9],
    ["before the reply's last byte", 1],
  ] as const) {
    it(`${name}: nothing printed, the same error and exit status as ovsdb-client`, async () => {
      await using peer = await startMisbehavingPeer((req, conn) => {
        if (req.method === "list_dbs") conn.reply(req.id, ["Many"]);
        else if (req.method === "get_schema") conn.reply(req.id, SCHEMA);
        else if (req.method === "transact") {
          const text = JSON.stringify({ id: req.id, result: [{ rows: rows("a", 2000) }, { rows: rows("b", 2000) }], error: null });
          conn.sendTruncated(text, cut === 1 ? text.length - 1 : Math.floor(text.length * cut));
        } else conn.reply(req.id, {});
      });
      for (const format of ["json", "table", "csv", "list"]) {
        const args = ["-f", format, "dump", peer.remote, "Many"];
        const mine = await tool("ovn-ts", args, peer.remote, dir);
        const theirs = await tool("ovsdb-client", args, peer.remote, dir);
        expect(mine.stdout, args.join(" ")).toBe("");
        expect(mine, args.join(" ")).toEqual(theirs);
        expect(mine.code).not.toBe(0);
      }
    }, 60_000);
  }
});
