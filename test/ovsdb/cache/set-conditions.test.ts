/**
 * Replica.setConditions (typed `monitor_cond_change`) on the embedded server and on a real
 * ovsdb-server: the same steps give the same contents and events on both, and each call resolves
 * only once the rows entering and leaving the condition are in the replica (both servers send the
 * update before the reply to `monitor_cond_change`).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChangeBatch, OVN_Northbound, OvsdbClient, Replica } from "../../../src/ovsdb/index.js";
import { bundledSchema } from "../../../src/ovsdb/schema/bundled.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { makeTempDir, removeDir } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const LS = nb.table("Logical_Switch");

/** Runs the scenario against `remote`; returns what the replica held and emitted after each step. */
async function scenario(remote: string): Promise<string[]> {
  const writer = await OvsdbClient.connect(remote);
  const c = await OvsdbClient.connect(remote);
  const out: string[] = [];
  try {
    await nb.transact(writer, [LS.insert({ name: "a" }), LS.insert({ name: "b" }), LS.insert({ name: "c" })]);
    const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
    const events: string[] = [];
    r.on("batch", (b: ChangeBatch) => events.push(...b.changes.map((ch) => `${ch.kind} ${(ch.kind === "delete" ? ch.old : ch.new).name}`).sort()));
    const step = async (label: string, run: () => Promise<void>) => {
      events.length = 0;
      await run();
      // No wait: the call resolves after the changes it caused are applied.
      out.push(`${label}: [${[...r.rows("Logical_Switch")].map((s) => s.name).sort().join(",")}] ${events.join(", ")}`);
    };
    await step("a or c", () => r.setConditions("Logical_Switch", [["name", "==", "a"], ["name", "==", "c"]]));
    await step("false", () => r.setConditions("Logical_Switch", false));
    await step("b (typed)", () => r.setConditions("Logical_Switch", [["name", "==", "b"]]));
    await step("b again (no change)", () => r.setConditions("Logical_Switch", [["name", "==", "b"]]));
    await step("true", () => r.setConditions("Logical_Switch", true));
    await step("empty list = no row", () => r.setConditions("Logical_Switch", []));
    await step("name != b", () => r.setConditions("Logical_Switch", [["name", "!=", "b"]]));
    // A later insert follows the new condition.
    events.length = 0;
    await nb.transact(writer, [LS.insert({ name: "b2" }), LS.insert({ name: "d" })]);
    await r.waitUntil(() => r.count("Logical_Switch") === 4, 10_000);
    out.push(`after inserts: [${[...r.rows("Logical_Switch")].map((s) => s.name).sort().join(",")}] ${events.join(", ")}`);
    await r.close();
  } finally {
    c.close();
    writer.close();
  }
  return out;
}

const EXPECTED = [
  "a or c: [a,c] delete b",
  "false: [] delete a, delete c",
  "b (typed): [b] insert b",
  "b again (no change): [b] ",
  "true: [a,b,c] insert a, insert c",
  "empty list = no row: [] delete a, delete b, delete c",
  "name != b: [a,c] insert a, insert c",
  "after inserts: [a,b2,c,d] insert b2, insert d",
];

describe("Replica.setConditions on the embedded server", () => {
  let server: OvsdbServer;
  let dir: string;
  let remote: string;
  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-setcond-");
    server = new OvsdbServer();
    server.addDatabase(bundledSchema("OVN_Northbound"));
    remote = (await server.listen(`punix:${join(dir, "nb.sock")}`)).connect;
  });
  afterAll(async () => {
    await server?.close();
    if (dir) removeDir(dir);
  });

  it("changes the replicated rows step by step", async () => {
    expect(await scenario(remote)).toEqual(EXPECTED);
  });

  it("refuses a clause on a column the table does not have, sending nothing", async () => {
    const c = await OvsdbClient.connect(remote);
    try {
      const r = await Replica.start<NB>(c, nb, { tables: { Logical_Switch: true } });
      const bad = [["no_such_column", "==", "x"]] as unknown as Parameters<typeof r.setConditions<"Logical_Switch">>[1];
      await expect(r.setConditions("Logical_Switch", bad)).rejects.toThrow(/no_such_column/);
      await r.close();
    } finally {
      c.close();
    }
  });
});

describe.skipIf(!peers("ovsdb-server"))("Replica.setConditions on ovsdb-server", () => {
  let real: OvsdbServerSandbox;
  beforeAll(async () => {
    real = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  });
  afterAll(async () => {
    await real?.stop();
  });

  it("gives the same steps as on the embedded server", async () => {
    expect(await scenario(real.unix)).toEqual(EXPECTED);
  });
});
