import { afterEach, describe, expect, it } from "vitest";
import {
  Canceled,
  ConnectionClosedError,
  NoRemoteError,
  OvsdbClient,
  ProtocolError,
  RequestTimeoutError,
  UnknownMethod,
} from "../../../src/ovsdb/index.js";
import { type MisbehavingPeer, type PeerScript, startMisbehavingPeer } from "../../../src/testing/index.js";

let peer: MisbehavingPeer | undefined;
let client: OvsdbClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await peer?.stop();
  peer = undefined;
});

async function connectTo(script: PeerScript, options: Parameters<typeof OvsdbClient.connect>[1] = {}) {
  peer = await startMisbehavingPeer(script);
  client = await OvsdbClient.connect(peer.remote, { reconnect: false, probeIntervalMs: 0, ...options });
  return client;
}

describe("OvsdbClient against a misbehaving peer", () => {
  it("sends JSON-RPC 1.0 with exactly method, params and id", async () => {
    const c = await connectTo((req, conn) => conn.reply(req.id, ["db"]));
    expect(await c.listDbs()).toEqual(["db"]);
    expect(peer!.received).toEqual([{ method: "list_dbs", params: [], id: 0 }]);
  });

  it("fails a call with ProtocolError when the peer sends garbage, and closes", async () => {
    const c = await connectTo((_req, conn) => conn.send("}{ not json"));
    const e = await c.listDbs().catch((x) => x);
    expect(e).toBeInstanceOf(ConnectionClosedError);
    expect(e.cause).toBeInstanceOf(ProtocolError);
    expect(String(e.cause.message)).toMatch(/expected '\{' to start a message but found '\}' at byte 0/);
    expect(c.state).toBe("closed");
  });

  it("fails a call when the peer sends a message with an unexpected member", async () => {
    const c = await connectTo((req, conn) => conn.send(JSON.stringify({ jsonrpc: "2.0", id: req.id, result: [] })));
    const e = await c.listDbs().catch((x) => x);
    expect(e).toBeInstanceOf(ConnectionClosedError);
    expect(e.cause.message).toMatch(/unexpected member "jsonrpc"/);
  });

  it("fails a call when the peer drops the connection in the middle of the reply", async () => {
    const c = await connectTo((req, conn) => conn.sendTruncated(JSON.stringify({ id: req.id, result: ["a", "b"], error: null }), 15));
    const e = await c.listDbs().catch((x) => x);
    expect(e).toBeInstanceOf(ConnectionClosedError);
    expect(e.cause.message).toMatch(/connection closed inside a message \(\d+ bytes buffered\)/);
  });

  it("times out a call to a peer that never answers, leaving nothing pending", async () => {
    const c = await connectTo(() => undefined);
    const e = await c.listDbs({ timeoutMs: 50 }).catch((x) => x);
    expect(e).toBeInstanceOf(RequestTimeoutError);
    expect(e.message).toBe("list_dbs: no reply within 50 ms");
    expect(c.rpc.pendingCalls).toBe(0);
  });

  it("cancels a call with an AbortSignal and sends a JSON-RPC cancel", async () => {
    const c = await connectTo(() => undefined);
    const ac = new AbortController();
    const p = c.transactRaw("db", [{ op: "wait", table: "t", where: [], columns: [], until: "==", rows: [] }], { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(Canceled);
    await expect.poll(() => peer!.received.map((r) => r.method)).toEqual(["transact", "cancel"]);
    expect(peer!.received[1]).toEqual({ method: "cancel", params: [0], id: null });
  });

  it("rejects every pending call when the peer hangs up", async () => {
    const c = await connectTo((req, conn) => {
      if (req.id === 2) conn.end();
    });
    const calls = [c.listDbs(), c.echo(), c.getServerId()];
    const results = await Promise.allSettled(calls);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionClosedError);
    }
  });

  it("maps a JSON-RPC error reply to its typed error", async () => {
    const c = await connectTo((req, conn) => conn.replyError(req.id, { error: "unknown method", details: "no such method" }));
    const e = await c.call("frob", []).catch((x: UnknownMethod) => x);
    expect(e).toBeInstanceOf(UnknownMethod);
    expect((e as UnknownMethod).details).toBe("no such method");
  });

  it("answers the server's echo requests automatically", async () => {
    peer = await startMisbehavingPeer(() => undefined);
    let seen: unknown;
    peer.onConnect = (conn) => conn.send(JSON.stringify({ method: "echo", params: ["ping"], id: "echo" }));
    client = await OvsdbClient.connect(peer.remote, { reconnect: false, probeIntervalMs: 0 });
    await expect.poll(() => (seen = peer!.received.find((r) => r.id === "echo"))).toBeTruthy();
    expect(seen).toEqual({ method: "undefined", params: undefined, id: "echo" });
  });

  it("closes after an unanswered inactivity probe", async () => {
    const c = await connectTo(() => undefined, { probeIntervalMs: 40 });
    const closed = new Promise<Error | undefined>((r) => c.once("disconnected", r));
    const err = await closed;
    expect(err?.message).toMatch(/no response to inactivity probe/);
    expect(peer!.received.some((r) => r.method === "echo")).toBe(true);
  });

  it("reports every remote that could not be reached", async () => {
    const e = await OvsdbClient.connect("unix:/nonexistent/a.sock,tcp:127.0.0.1:1", { reconnect: false }).then(
      () => undefined,
      (x: NoRemoteError) => x,
    );
    expect(e).toBeInstanceOf(NoRemoteError);
    expect(e!.attempts.map((a) => a.remote)).toEqual(["unix:/nonexistent/a.sock", "tcp:127.0.0.1:1"]);
    expect(e!.message).toMatch(/unix:\/nonexistent\/a.sock: no such socket file; tcp:127.0.0.1:1: connection refused/);
  });

  it("reconnects after a drop and reports its state changes", async () => {
    let n = 0;
    peer = await startMisbehavingPeer((req, conn) => {
      n++;
      if (n === 1) conn.destroy();
      else conn.reply(req.id, ["db"]);
    });
    client = await OvsdbClient.connect(peer.remote, { probeIntervalMs: 0 });
    const states: string[] = [];
    client.on("state", (s) => states.push(s));
    await expect(client.listDbs()).rejects.toBeInstanceOf(ConnectionClosedError);
    await client.whenReady();
    expect(await client.listDbs()).toEqual(["db"]);
    expect(states).toEqual(["reconnecting", "ready"]);
    expect(peer.connections).toBe(2);
  });
});

describe("OvsdbClient: updates that arrive with a monitor's start reply", () => {
  const reply = (id: unknown, result: unknown) => JSON.stringify({ id, result, error: null });
  const update = (id: string, name: string) =>
    JSON.stringify({ id: null, method: "update2", params: [id, { t: { [name]: { insert: { name } } } }] });

  it("delivers an update sent in the same read as the monitor reply after onStart has the reply", async () => {
    const c = await connectTo((req, conn) => {
      if (req.method === "monitor_cond") conn.send(reply(req.id, { t: { r0: { initial: { name: "r0" } } } }) + update("m", "u1"));
    });
    const events: string[] = [];
    const start = await c.monitor(
      "db",
      { t: {} },
      { onUpdate2: (u) => events.push(Object.keys(u["t"] ?? {}).join()) },
      { id: "m", onStart: (s) => events.push(`start:${Object.keys((s.updates as Record<string, object>)["t"] ?? {}).join()}`) },
    );
    expect(Object.keys((start.updates as Record<string, object>)["t"] ?? {})).toEqual(["r0"]);
    await expect.poll(() => events).toEqual(["start:r0", "u1"]);
  });

  it("delivers an update sent with the reply of a monitor re-issued after monitor_canceled after onResync", async () => {
    let n = 0;
    const c = await connectTo((req, conn) => {
      if (req.method !== "monitor_cond") return;
      n++;
      if (n === 1) conn.send(reply(req.id, {}) + JSON.stringify({ id: null, method: "monitor_canceled", params: ["m"] }));
      else conn.send(reply(req.id, { t: { r0: { initial: { name: "r0" } } } }) + update("m", "u2"));
    });
    const events: string[] = [];
    await c.monitor(
      "db",
      { t: {} },
      { onUpdate2: (u) => events.push(Object.keys(u["t"] ?? {}).join()) },
      { id: "m", onResync: (s) => events.push(`resync:${Object.keys((s.updates as Record<string, object>)["t"] ?? {}).join()}`) },
    );
    await expect.poll(() => events).toEqual(["resync:r0", "u2"]);
  });
});
