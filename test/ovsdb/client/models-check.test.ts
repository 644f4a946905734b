import { describe, expect, it } from "vitest";
import { ModelCompatibilityError, OVN_Northbound, OvsdbClient, OvsdbServer, bundledSchemaPath, parseSchema } from "../../../src/ovsdb/index.js";
import { readFileSync } from "node:fs";

function nbSchemaWithout(table: string, column: string) {
  const json = JSON.parse(readFileSync(bundledSchemaPath("OVN_Northbound"), "utf8")) as { tables: Record<string, { columns: Record<string, unknown> }> };
  delete json.tables[table]!.columns[column];
  return parseSchema(json);
}

describe("OvsdbClient checks models' schemas at connect", () => {
  it("connects when the server's schema serves the model", async () => {
    const server = new OvsdbServer();
    server.addDatabase(parseSchema(JSON.parse(readFileSync(bundledSchemaPath("OVN_Northbound"), "utf8"))));
    const c = await OvsdbClient.connect({ name: "inproc", open: () => server.connectInProcess() }, { models: [OVN_Northbound.model], probeIntervalMs: 0 });
    expect(c.state).toBe("ready");
    c.close();
    await server.close();
  });

  it("fails the connect with every missing column listed", async () => {
    const server = new OvsdbServer();
    const s = nbSchemaWithout("Logical_Switch", "other_config");
    server.addDatabase(s);
    const e = await OvsdbClient.connect({ name: "inproc", open: () => server.connectInProcess() }, { models: [OVN_Northbound.model], probeIntervalMs: 0 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ModelCompatibilityError);
    expect((e as ModelCompatibilityError).message).toMatch(/Logical_Switch.*other_config/);
    await server.close();
  });
});
