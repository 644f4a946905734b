/**
 * OvsdbClient.observeCalls: an observer sees the requests of the current connection and, after the
 * client reconnects, those of the new one; detached, it sees none.
 */
import { describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/client/client.js";
import { startEmbeddedServer } from "../../../src/testing/index.js";

describe("OvsdbClient.observeCalls", () => {
  it("follows the client's requests across a reconnect and stops when detached", async () => {
    await using server = await startEmbeddedServer({ schema: "OVN_Northbound" });
    const client = await OvsdbClient.connect(server.unix, { reconnect: { initialDelayMs: 10, maxDelayMs: 50, multiplier: 2, jitter: 0 } });
    const log: string[] = [];
    const detach = client.observeCalls({
      callStarted(method) {
        log.push(`start ${method}`);
        return (e) => log.push(`end ${method} ${e === undefined ? "ok" : e.name}`);
      },
    });
    try {
      await client.listDbs();
      await expect(client.getSchema("Nope")).rejects.toThrow();
      const first = client.rpc;
      first.close(); // the connection drops: the client reconnects with a new session
      await expect.poll(() => client.state === "ready" && client.rpc !== first).toBe(true);
      await client.echo(["x"]);
      detach();
      await client.listDbs();
      expect(log).toEqual(["start list_dbs", "end list_dbs ok", "start get_schema", expect.stringMatching(/^end get_schema (?!ok)\w+$/), "start echo", "end echo ok"]);
    } finally {
      client.close();
    }
  });
});
