/**
 * `OvsdbClient.setRemotes` (the C IDL's `ovsdb_idl_set_remote`): the open connection stays when
 * its remote is on the new list, is dropped at once otherwise and the client reconnects through
 * the new list; a bad list changes nothing. (`ovsdb-idl.at`'s "set remotes" scenario runs it
 * against ovsdb-server in test/ovsdb/suite/idl.test.ts.)
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OvsdbClient, OvsdbServer, RemoteSyntaxError, parseSchema } from "../../../src/ovsdb/index.js";
import { makeTempDir, removeDir, waitFor } from "../../../src/testing/index.js";

const schema = parseSchema({ name: "R", version: "1.0.0", tables: { T: { columns: { n: { type: "integer" } } } } });
const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function twoServers(): Promise<[string, string]> {
  const dir = makeTempDir("ovn-ts-setremotes-");
  cleanups.push(() => removeDir(dir));
  const remotes: string[] = [];
  for (const name of ["a", "b"]) {
    const server = new OvsdbServer();
    server.addDatabase(schema);
    cleanups.push(() => server.close());
    remotes.push((await server.listen(`punix:${join(dir, `${name}.sock`)}`)).connect);
  }
  return remotes as [string, string];
}

describe("OvsdbClient.setRemotes", () => {
  it("keeps the connection while its remote is listed, moves to the new list otherwise", async () => {
    const [a, b] = await twoServers();
    const client = await OvsdbClient.connect(a, { reconnect: FAST_RETRY });
    cleanups.push(() => client.close());
    let drops = 0;
    client.on("disconnected", () => drops++);

    client.setRemotes(`${b},${a}`);
    expect(client.state).toBe("ready");
    expect(client.remote).toBe(a);
    expect(drops).toBe(0);

    client.setRemotes([b]);
    expect(client.state).toBe("reconnecting");
    expect(drops).toBe(1);
    await waitFor("reconnect to b", () => client.state === "ready");
    expect(client.remote).toBe(b);
    expect(await client.listDbs()).toContain("R");
  });

  it("refuses an empty list and keeps the old one", async () => {
    const [a] = await twoServers();
    const client = await OvsdbClient.connect(a, { reconnect: FAST_RETRY });
    cleanups.push(() => client.close());
    expect(() => client.setRemotes("")).toThrow(RemoteSyntaxError);
    expect(() => client.setRemotes([])).toThrow(RemoteSyntaxError);
    expect(client.state).toBe("ready");
    client.rpc.close(); // a drop: the reconnect still goes to the old list
    await waitFor("reconnect to a", () => client.state === "ready" && client.remote === a);
  });

  it("without reconnect, leaving the current remote closes the client", async () => {
    const [a, b] = await twoServers();
    const client = await OvsdbClient.connect(a, { reconnect: false });
    cleanups.push(() => client.close());
    client.setRemotes(b);
    expect(client.state).toBe("closed");
  });
});
