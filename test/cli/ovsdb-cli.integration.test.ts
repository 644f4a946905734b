import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type OvsdbServerSandbox, makeTempDir, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

/** Runs `ovn-ts ovsdb ARGS` in-process; stderr's program name is normalized to ovsdb-client's. */
async function ours(args: string[], stdin = ""): Promise<{ out: string; err: string; code: number }> {
  const io = memoryIo(stdin);
  const code = await main(["ovsdb", ...args], io);
  return { out: io.stdout, err: io.stderr.replaceAll("ovn-ts ovsdb:", "ovsdb-client:"), code };
}

async function theirs(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = await run("ovsdb-client", args, { allowFailure: true });
  // ovsdb-client logs reconnect chatter to stderr; keep only its own "ovsdb-client:" lines.
  const err = r.stderr
    .split("\n")
    .filter((l) => l.startsWith("ovsdb-client:"))
    .map((l) => `${l}\n`)
    .join("");
  return { out: r.stdout, err, code: r.code };
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-client"))("ovn-ts ovsdb against ovsdb-client (differential)", () => {
  let server: OvsdbServerSandbox;
  let S: string;

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound", "Open_vSwitch"] });
    S = server.unix;
    const txn = JSON.stringify([
      "OVN_Northbound",
      { op: "insert", table: "Logical_Switch_Port", "uuid-name": "p1", row: { name: "p1", addresses: ["set", ["00:00:00:00:00:01 10.0.0.1"]], tag: 7, external_ids: ["map", [["pod", "ns/p1"], ["vendor", "kube-ovn"]]] } },
      { op: "insert", table: "Logical_Switch_Port", "uuid-name": "p2", row: { name: "p 2", addresses: ["set", ["dynamic", "router"]], enabled: false } },
      { op: "insert", table: "Logical_Switch", row: { name: "sw0", ports: ["set", [["named-uuid", "p1"], ["named-uuid", "p2"]]], other_config: ["map", [["subnet", "10.0.0.0/24"]]] } },
      { op: "insert", table: "Logical_Switch", row: { name: "sw1", external_ids: ["map", [["a", "b\"c"]]] } },
      { op: "insert", table: "ACL", row: { action: "allow-related", direction: "to-lport", match: 'ip4.src == {10.0.0.1, 10.0.0.2} && tcp.dst == 80', priority: 1001, log: true, name: "acl-1" } },
      { op: "insert", table: "Address_Set", row: { name: "as1", addresses: ["set", ["10.0.0.1", "10.0.0.2", "10.0.0.3"]] } },
    ]);
    const r = await run("ovsdb-client", ["transact", S, txn]);
    expect(r.stdout).not.toContain("error");
  });
  afterAll(async () => {
    await server?.stop();
  });

  const cases: [string, (s: string) => string[]][] = [
    ["list-dbs", (s) => ["list-dbs", s]],
    ["get-schema", (s) => ["get-schema", s, "OVN_Northbound"]],
    ["get-schema --pretty", (s) => ["--pretty", "get-schema", s, "_Server"]],
    ["get-schema-version", (s) => ["get-schema-version", s, "OVN_Northbound"]],
    ["get-schema-cksum", (s) => ["get-schema-cksum", s, "Open_vSwitch"]],
    ["default database (Open_vSwitch)", (s) => ["list-tables", s]],
    ["list-tables", (s) => ["list-tables", s, "OVN_Northbound"]],
    ["list-tables -f json", (s) => ["-f", "json", "list-tables", s, "OVN_Northbound"]],
    ["list-columns all", (s) => ["list-columns", s, "OVN_Northbound"]],
    ["list-columns one table, csv", (s) => ["--format=csv", "list-columns", s, "OVN_Northbound", "ACL"]],
    ["list-columns list format", (s) => ["-f", "list", "list-columns", s, "Open_vSwitch", "Bridge"]],
    ["dump all (table)", (s) => ["dump", s, "OVN_Northbound"]],
    ["dump all (json)", (s) => ["-f", "json", "dump", s, "OVN_Northbound"]],
    ["dump one table (list)", (s) => ["-f", "list", "dump", s, "OVN_Northbound", "Logical_Switch_Port"]],
    ["dump columns (csv)", (s) => ["-f", "csv", "dump", s, "OVN_Northbound", "Logical_Switch", "name", "ports", "other_config"]],
    ["dump bare", (s) => ["--bare", "dump", s, "OVN_Northbound", "ACL"]],
    ["dump data=json", (s) => ["-d", "json", "dump", s, "OVN_Northbound", "Logical_Switch_Port"]],
    ["dump html", (s) => ["-f", "html", "dump", s, "OVN_Northbound", "Address_Set"]],
    ["dump pretty json", (s) => ["--pretty", "-f", "json", "dump", s, "OVN_Northbound", "ACL"]],
    ["dump no headings", (s) => ["--no-headings", "dump", s, "OVN_Northbound", "Logical_Switch"]],
    ["transact select", (s) => ["transact", s, '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[["name","==","sw0"]],"columns":["name","other_config"]}]']],
    ["transact error result", (s) => ["transact", s, '["OVN_Northbound",{"op":"insert","table":"ACL","row":{"action":"bogus"}}]']],
    ["transact syntax error", (s) => ["transact", s, '["OVN_Northbound",{"op":"frob"}]']],
    ["transact unknown database", (s) => ["transact", s, '["Nope",{"op":"comment","comment":"x"}]']],
    ["transact not a query", (s) => ["transact", s, '{"a":1}']],
    ["query", (s) => ["query", s, '["OVN_Northbound",{"op":"select","table":"ACL","where":[],"columns":["match","priority"]}]']],
    ["query --pretty", (s) => ["--pretty", "query", s, '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[],"columns":["name"]}]']],
    ["unknown command", () => ["frob"]],
    ["missing command", () => []],
    ["bad syntax", (s) => ["list-tables", s, "OVN_Northbound", "extra"]],
    ["unknown table in dump", (s) => ["dump", s, "OVN_Northbound", "Nope"]],
    ["unknown column in dump", (s) => ["dump", s, "OVN_Northbound", "ACL", "nope"]],
    ["unreachable server", () => ["list-dbs", "unix:/nonexistent/db.sock"]],
  ];

  for (const [name, args] of cases) {
    it(`${name}: same output and exit status`, async () => {
      const a = args(S);
      const [t, o] = [await theirs(a), await ours(a)];
      expect({ out: o.out, err: o.err, code: o.code }).toEqual({ out: t.out, err: t.err, code: t.code });
    });
  }

  it("wait returns at once for a database that is there, as ovsdb-client does", async () => {
    for (const state of ["added", "connected"]) {
      const a = [ "wait", S, "OVN_Northbound", state];
      const [t, o] = [await theirs(a), await ours(a)];
      expect(o).toEqual(t);
    }
  });

  it("lock and steal print the reply and then each notification, holding the lock", async () => {
    const child = spawn("ovsdb-client", ["lock", S, "L9"], { stdio: ["ignore", "pipe", "ignore"] });
    let theirOut = "";
    child.stdout.on("data", (d: Buffer) => (theirOut += d.toString()));
    await expect.poll(() => theirOut).toBe('{"locked":true}\n');
    const ac = new AbortController();
    const io = memoryIo("", ac.signal);
    const stealing = main(["ovsdb", "steal", S, "L9"], io);
    await expect.poll(() => io.stdout).toBe('{"locked":true}\n');
    // The first holder is told, in ovsdb-client's words.
    await expect.poll(() => theirOut).toBe('{"locked":true}\nstolen\n["L9"]\n');
    ac.abort();
    expect(await stealing).toBe(0);
    child.kill();
  });

  it("reads a transaction from a file and from stdin, printing what ovsdb-client prints", async () => {
    const txn = '["OVN_Northbound",{"op":"select","table":"Address_Set","where":[],"columns":["addresses","name"]}]';
    const t = await theirs(["transact", S, txn]);
    const file = join(server.dir, "txn.json");
    writeFileSync(file, txn);
    expect((await ours(["transact", S, `@${file}`])).out).toBe(t.out);
    expect((await ours(["transact", S, "-"], txn)).out).toBe(t.out);
  });

  it("monitor and monitor-cond print the same updates as ovsdb-client", async () => {
    for (const mon of [
      ["monitor", S, "OVN_Northbound", "Logical_Switch", "name,other_config"],
      ["monitor-cond", S, "OVN_Northbound", '[["name","!=","zzz"]]', "Logical_Switch", "name,other_config"],
      ["monitor", S, "OVN_Northbound", "ALL"],
      // monitor-cond-since: "found: ..., last_id: ..." first, "last_id: ..." before each update.
      ["monitor-cond-since", S, "OVN_Northbound", "[]", "Logical_Switch", "name,other_config"],
      // CSV: a delete row still has a cell for every column.
      ["--format=csv", "monitor", S, "OVN_Northbound", "Logical_Switch", "name,other_config"],
      ["--format=csv", "monitor-cond", S, "OVN_Northbound", "[]", "Logical_Switch", "name,other_config"],
    ]) {
      const child = spawn("ovsdb-client", mon, { stdio: ["ignore", "pipe", "ignore"] });
      let theirOut = "";
      child.stdout.on("data", (d: Buffer) => (theirOut += d.toString()));
      const ac = new AbortController();
      const io = memoryIo("", ac.signal);
      const ourRun = main(["ovsdb", ...mon], io);
      await expect.poll(() => theirOut.length > 0 && io.stdout.length > 0).toBe(true);
      for (const op of [
        '{"op":"insert","table":"Logical_Switch","row":{"name":"mon-a"}}',
        '{"op":"update","table":"Logical_Switch","where":[["name","==","mon-a"]],"row":{"name":"mon-b","other_config":["map",[["k","v"]]]}}',
        '{"op":"delete","table":"Logical_Switch","where":[["name","==","mon-b"]]}',
      ]) {
        await run("ovsdb-client", ["transact", S, `["OVN_Northbound",${op}]`]);
        // Each update prints as one table; wait until both printed it so the chunks line up.
        const n = (s: string) => s.split("\n\n").length;
        await expect.poll(() => n(theirOut) === n(io.stdout) && n(io.stdout) > 1).toBe(true);
      }
      await expect.poll(() => io.stdout).toBe(theirOut);
      ac.abort();
      expect(await ourRun).toBe(0);
      child.kill();
    }
  });

  it("a monitor whose server exits reports it as ovsdb-client does", async () => {
    const gone = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    await run("ovsdb-client", ["transact", gone.unix, '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"s"}}]']);
    const mon = ["monitor", gone.unix, "OVN_Northbound", "Logical_Switch", "name"];
    const child = spawn("ovsdb-client", mon, { stdio: ["ignore", "pipe", "pipe"] });
    let theirOut = "";
    let theirErr = "";
    child.stdout.on("data", (d: Buffer) => (theirOut += d.toString()));
    child.stderr.on("data", (d: Buffer) => (theirErr += d.toString()));
    const theirCode = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const io = memoryIo("");
    const ourRun = main(["ovsdb", ...mon], io);
    await expect.poll(() => theirOut.length > 0 && io.stdout.length > 0).toBe(true);
    await gone.stop();
    const code = await ourRun;
    expect(code).toBe(await theirCode);
    const theirs = theirErr.split("\n").filter((l) => l.startsWith("ovsdb-client:")).join("\n");
    expect(io.stderr.replaceAll("ovn-ts ovsdb:", "ovsdb-client:").trim()).toBe(theirs.trim());
  });

  it("prints reals as ovsdb-client 3.1 does (%.15g)", async () => {
    const dir = makeTempDir("ovn-ts-reals-");
    const schema = join(dir, "reals.ovsschema");
    writeFileSync(schema, JSON.stringify({ name: "Reals", version: "1.0.0", tables: { t: { columns: { r: { type: "real" }, n: { type: "integer" } } } } }));
    const reals = await startOvsdbServer({ schemas: [schema] });
    try {
      const insert = (r: string, n: string) => `{"op":"insert","table":"t","row":{"r":${r},"n":${n}}}`;
      await run("ovsdb-client", ["transact", reals.unix, `["Reals",${insert("0.30000000000000004", "1")},${insert("1e20", "9223372036854775807")},${insert("-123.456", "-9223372036854775808")}]`]);
      for (const args of [
        ["-f", "json", "dump", reals.unix, "Reals"],
        ["dump", reals.unix, "Reals"],
        ["transact", reals.unix, '["Reals",{"op":"select","table":"t","where":[],"columns":["n","r"]}]'],
        ["query", reals.unix, '["Reals",{"op":"select","table":"t","where":[["n",">",9007199254740993]],"columns":["n","r"]}]'],
      ]) {
        expect((await ours(args)).out, args.join(" ")).toBe((await theirs(args)).out);
      }
    } finally {
      await reals.stop();
    }
  });
});
