/**
 * The example of docs/models.md ("Generate models for your own schema"), compiled by the
 * project typecheck and run here against a real ovsdb-server. The regions between `docs:` markers
 * must equal the guide's code blocks (checked below), so the guide cannot drift from code that
 * compiles and runs.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/client/index.js";
import { type RowUuid, generateModel, verifyModelSchema } from "../../../src/ovsdb/model/index.js";
import { readSchemaFile } from "../../../src/ovsdb/schema/index.js";
import { OvsdbTypeError } from "../../../src/ovsdb/wire/errors.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";
import * as inventory from "./fixtures/inventory.js";

const SCHEMA_FILE = new URL("./fixtures/inventory.ovsschema", import.meta.url).pathname;
const MODEL_FILE = new URL("./fixtures/inventory.ts", import.meta.url).pathname;
const GUIDE = new URL("../../../docs/models.md", import.meta.url).pathname;
const THIS_FILE = new URL(import.meta.url).pathname;

// docs:example
const { model } = inventory;
const Rack = model.table("Rack");
const Host = model.table("Host");

/** Adds a rack with two hosts in one transaction and reads back the hosts that are up. */
export async function addRack(remote: string) {
  const client = await OvsdbClient.connect(remote);
  try {
    // Fails with one error listing every missing or mistyped table and column.
    await verifyModelSchema(client, model);

    // Inserts return operations; `.ref` names the new row for later operations.
    const h1 = Host.insert({ hostname: "node-1", state: "up", cores: 64, rack_unit: 1 });
    const h2 = Host.insert({ hostname: "node-2", state: "maintenance", cores: 32 });
    const rack = Rack.insert({ name: "r1", hosts: [h1.ref, h2.ref], labels: { row: "A" } });

    // transact() sends them and decodes the results: here three typed UUIDs.
    const [node1, , rackId] = await model.transact(client, [h1, h2, rack]);

    const [upHosts, changed] = await model.transact(client, [
      Host.select([["state", "==", "up"], ["cores", ">=", 32]]),
      Rack.mutate({ name: "r1" }, [["labels", "insert", { owner: "ops" }]]),
    ]);
    return { node1, rackId, upHosts, changed };
  } finally {
    client.close();
  }
}
// docs:end

// docs:errors
/** Never called: each statement is a compile error the model catches. */
export function compileErrors(someHost: RowUuid<"Host">) {
  // @ts-expect-error "broken" is not a Host state
  Host.insert({ hostname: "node-3", state: "broken", cores: 8 });
  // @ts-expect-error "cores" is required: its default (0) is outside 1..1024
  Host.insert({ hostname: "node-3", state: "up" });
  // @ts-expect-error Rack.name is immutable: settable on insert only
  Rack.update({ name: "r1" }, { name: "r2" });
  // @ts-expect-error _uuid is read-only
  Host.update({ hostname: "node-1" }, { _uuid: someHost });
  // @ts-expect-error a plain string is not a Host reference
  Rack.insert({ name: "r2", hosts: ["0b5e2d7c-8f4f-4c59-9a3f-0f4b5a1c2d3e"] });
  // @ts-expect-error "<" applies to numbers only
  Host.select([["hostname", "<", "node-2"]]);
}
// docs:end

/** The code between `// docs:NAME` and the next `// docs:end` in this file. */
function region(name: string): string {
  const text = readFileSync(THIS_FILE, "utf8");
  const start = text.indexOf(`// docs:${name}\n`);
  const end = text.indexOf("// docs:end", start);
  return text.slice(start + `// docs:${name}\n`.length, end).trim();
}

/** The ```ts code blocks of the guide. */
function guideBlocks(): string[] {
  return [...readFileSync(GUIDE, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe("docs/models.md example", () => {
  it("shows exactly the code compiled and run here", () => {
    const blocks = guideBlocks();
    expect(blocks).toContain(region("example"));
    expect(blocks).toContain(region("errors"));
  });

  it("uses a model that is what `ovn-ts codegen` generates", () => {
    const expected = generateModel(readSchemaFile(SCHEMA_FILE), { importFrom: "../../../../src/ovsdb/model/index.js", source: "inventory.ovsschema" });
    expect(readFileSync(MODEL_FILE, "utf8") === expected, "test/ovsdb/model/fixtures/inventory.ts is stale").toBe(true);
  });

  it("checks constraints the types cannot express before sending", () => {
    expect(() => Host.insert({ hostname: "n".repeat(64), state: "up", cores: 4 })).toThrow(OvsdbTypeError);
    expect(() => Host.insert({ hostname: "n", state: "up", cores: 2048 })).toThrow(/Host\.cores: 2048 is not in the valid range 1 to 1024/);
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool"))("docs/models.md example against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: [SCHEMA_FILE] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("runs", async () => {
    const { node1, rackId, upHosts, changed } = await addRack(server.unix);
    expect(rackId).toMatch(/^[0-9a-f-]{36}$/);
    expect(changed).toBe(1);
    expect(upHosts).toEqual([{ _uuid: node1, _version: upHosts[0]!._version, hostname: "node-1", state: "up", cores: 64, rack_unit: 1 }]);
  });
});
