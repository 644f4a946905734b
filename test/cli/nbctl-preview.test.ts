/**
 * The preview behind reads after writes in one `ovn-ts nbctl` run (src/cli/dbctl/preview.ts), on
 * the embedded server: pending inserts, updates and root deletes are seen, partial updates of
 * reference sets are not (as in ovn-nbctl's IDL), a preview commits nothing, and a row seen in a
 * preview keeps its UUID when the operations are committed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinInsertUuids, previewClient } from "../../src/cli/dbctl/preview.js";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { model } from "../../src/ovsdb/models/ovn-nb.js";
import type { Operation } from "../../src/ovsdb/wire/operations.js";
import { type EmbeddedServerSandbox, startEmbeddedServer } from "../../src/testing/index.js";

describe("nbctl preview (reads see a run's pending changes)", () => {
  let server: EmbeddedServerSandbox;
  let client: OvsdbClient;
  beforeAll(async () => {
    server = await startEmbeddedServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix);
    await model.transact(client, [model.table("Logical_Switch").insert({ name: "old" })]);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  const names = async (c: { transact: OvsdbClient["transact"] }, table: "Logical_Switch" | "Logical_Switch_Port") =>
    (await model.transact(c, [model.table(table).select([])]))[0].map((r) => r.name).sort();

  it("shows inserts, updates and deletes of root rows, not partial updates of reference sets, and commits nothing", async () => {
    const LS = model.table("Logical_Switch");
    const LSP = model.table("Logical_Switch_Port");
    const sw = LS.insert({ name: "a" });
    const port = LSP.insert({ name: "p" });
    const pending: Operation[] = [
      sw,
      port,
      LS.mutate({ _uuid: sw.ref }, [["ports", "insert", [port.ref]]]),
      LSP.update({ _uuid: port.ref }, { addresses: ["00:00:00:00:00:01 10.0.0.2"] }),
      LS.delete({ name: "old" }),
    ];
    const view = previewClient(client, model.schema, () => pending);
    expect(await names(view, "Logical_Switch")).toEqual(["a"]);
    const [ports] = await model.transact(view, [LSP.select({ name: "p" })]);
    expect(ports.map((p) => p.addresses)).toEqual([["00:00:00:00:00:01 10.0.0.2"]]);
    const [switches] = await model.transact(view, [LS.select({ name: "a" })]);
    expect(switches[0]!.ports).toEqual([]);
    // Nothing was committed.
    expect(await names(client, "Logical_Switch")).toEqual(["old"]);
    expect(await names(client, "Logical_Switch_Port")).toEqual([]);
  });

  it("a row seen in a preview has, once committed, the UUID the preview showed", async () => {
    const ins = model.table("Logical_Switch").insert({ name: "b" });
    const pending: Operation[] = [ins];
    const view = previewClient(client, model.schema, () => pending);
    const [seen] = await model.transact(view, [model.table("Logical_Switch").select({ name: "b" })]);
    pinInsertUuids(pending);
    const [uuid] = await model.transact(client, [ins]);
    expect(seen[0]!._uuid).toBe(uuid);
  });

  it("a pending operation the server refuses fails the read with the server's error", async () => {
    const pending: Operation[] = [model.table("Logical_Switch").insert({ name: "c", other_config: {} }), { op: "insert", table: "Logical_Switch", row: { nosuch: 1 } } as Operation];
    const view = previewClient(client, model.schema, () => pending);
    await expect(names(view, "Logical_Switch")).rejects.toThrow(/nosuch/);
  });
});
