/**
 * The evidence behind docs/dependencies.md's decision on jsonrpc-lite: OVSDB speaks JSON-RPC 1.0,
 * ovsdb-server refuses JSON-RPC 2.0 framing, and jsonrpc-lite refuses JSON-RPC 1.0 messages.
 */
import net from "node:net";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const require = createRequire(import.meta.url);
const jsonrpc = require("jsonrpc-lite") as { parseObject(o: unknown): { type: string } };

describe("jsonrpc-lite and OVSDB's JSON-RPC 1.0", () => {
  it("jsonrpc-lite classifies every OVSDB 1.0 message as invalid", () => {
    for (const m of [
      { method: "echo", params: [], id: 0 },
      { method: "update2", params: ["m", {}], id: null },
      { id: 0, result: [], error: null },
      { id: 0, result: null, error: { error: "unknown database" } },
    ]) {
      expect(jsonrpc.parseObject(m).type).toBe("invalid");
    }
  });
});

describe.skipIf(!peers("ovsdb-server"))("ovsdb-server and JSON-RPC 2.0", () => {
  let server: OvsdbServerSandbox;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const exchange = (msg: object) =>
    new Promise<{ reply: string; closed: boolean }>((resolve) => {
      const s = net.connect(server.unix.slice("unix:".length));
      let reply = "";
      s.on("data", (d) => (reply += d.toString()));
      s.on("close", () => resolve({ reply, closed: true }));
      s.on("connect", () => s.write(JSON.stringify(msg)));
      setTimeout(() => {
        s.destroy();
        resolve({ reply, closed: false });
      }, 1500).unref();
    });

  it("answers a JSON-RPC 1.0 request", async () => {
    const r = await exchange({ method: "list_dbs", params: [], id: 1 });
    expect(JSON.parse(r.reply)).toEqual({ id: 1, result: ["OVN_Northbound", "_Server"], error: null });
  });

  it("drops the connection when a message carries \"jsonrpc\": \"2.0\"", async () => {
    const r = await exchange({ jsonrpc: "2.0", method: "list_dbs", params: [], id: 1 });
    expect(r).toEqual({ reply: "", closed: true });
    expect(server.log()).toMatch(/message has unexpected member "jsonrpc"/);
  });
});
