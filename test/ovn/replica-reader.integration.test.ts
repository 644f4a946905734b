import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OVN_Northbound, OvsdbClient, Replica } from "../../src/ovsdb/index.js";
import { OvnAlreadyExistsError, OvnNb, renderShow, replicaReader, selectReader } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("the OVN API reading from a live replica", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;
  let replica: Replica<OVN_Northbound.Tables>;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    replica = await Replica.start<OVN_Northbound.Tables>(client, OVN_Northbound.model);
  });
  afterAll(async () => {
    await replica?.close();
    client?.close();
    await server?.stop();
  });

  it("builds through the replica reader, stays idempotent, and shows what ovn-nbctl shows", async () => {
    const nb = new OvnNb(client, { reader: replicaReader(replica) });
    for (let round = 0; round < 2; round++) {
      const tx = nb.transaction();
      await tx.lsAdd("subnet-a", { mayExist: true });
      await tx.lspAdd("subnet-a", "pod1.ns1", { addresses: ["0a:58:0a:10:00:05 10.16.0.5"], mayExist: true });
      await tx.commit();
    }
    // The transactions were read-your-writes: the replica already holds the port.
    expect(replica.find("Logical_Switch_Port", { name: "pod1.ns1" })).toHaveLength(1);
    const again = nb.transaction();
    await expect(again.lspAdd("subnet-a", "pod1.ns1", { addresses: ["0a:58:0a:10:00:05 10.16.0.5"] })).rejects.toBeInstanceOf(OvnAlreadyExistsError);
    const shown = await renderShow(replicaReader(replica));
    expect(shown).toBe(await renderShow(selectReader(client)));
    expect(shown).toBe((await run("ovn-nbctl", [`--db=${server.unix}`, "show"])).stdout);
  });
});
