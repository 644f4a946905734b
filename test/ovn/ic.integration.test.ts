import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { IcTransaction, OvnAlreadyExistsError, transitSwitches } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { bundledSchemaPath } from "../../src/ovsdb/schema/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-ic-nbctl"))("OVN-IC transit switches (real ovsdb-server, read back with ovn-ic-nbctl)", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: [bundledSchemaPath("OVN_IC_Northbound")] });
    client = await OvsdbClient.connect(server.unix);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("adds, lists and deletes transit switches idempotently", async () => {
    const tx = new IcTransaction(client);
    await tx.transitSwitchAdd("ts1", { externalIds: { vendor: "kube-ovn" } });
    await tx.transitSwitchAdd("ts2");
    await tx.commit();
    expect((await run("ovn-ic-nbctl", [`--db=${server.unix}`, "ts-list"])).stdout).toMatch(/^[0-9a-f-]{36} \(ts1\)\n[0-9a-f-]{36} \(ts2\)\n$/);
    const again = new IcTransaction(client);
    await expect(again.transitSwitchAdd("ts1")).rejects.toThrow(OvnAlreadyExistsError);
    await again.transitSwitchAdd("ts1", { mayExist: true });
    await again.transitSwitchDel("ts2");
    await again.transitSwitchDel("nope", { ifExists: true });
    await again.commit();
    expect((await transitSwitches(client)).map((t) => [t.name, t.external_ids.get("vendor")])).toEqual([["ts1", "kube-ovn"]]);
  });
});
