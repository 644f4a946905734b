/**
 * Call observers of a JSON-RPC session (what ClientMetrics uses): told of every request as it is
 * sent and once of how it ended — a result (even one a `callThen` map rejects), the server's error,
 * a timeout, a cancel, the connection closing, a call refused before it is sent — and never again
 * after they detach; a call that cannot be encoded is refused without being left pending.
 */
import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { Canceled, ConnectionClosedError, RequestTimeoutError } from "../../../src/ovsdb/wire/errors.js";
import { type CallObserver, JsonRpcSession } from "../../../src/ovsdb/wire/session.js";

/** A stream whose written requests are collected and into which replies are pushed. */
function peer(): { stream: Duplex; sent: { id: number; method: string }[]; push(reply: unknown): void } {
  const sent: { id: number; method: string }[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split(/(?<=\})(?=\{)/)) sent.push(JSON.parse(line) as { id: number; method: string });
      cb();
    },
  });
  return { stream, sent, push: (reply) => stream.push(JSON.stringify(reply)) };
}

/** An observer that logs `start method` and `end method ok|ErrorName`. */
function recorder(): { observer: CallObserver; log: string[] } {
  const log: string[] = [];
  return {
    log,
    observer: {
      callStarted(method, params) {
        log.push(`start ${method} ${JSON.stringify(params)}`);
        let ended = false;
        return (e) => {
          if (ended) log.push(`ended twice ${method}`);
          ended = true;
          log.push(`end ${method} ${e === undefined ? "ok" : e.name}`);
        };
      },
    },
  };
}

describe("JsonRpcSession call observers", () => {
  it("report each call's start and its one end, whatever ends it", async () => {
    const p = peer();
    const s = new JsonRpcSession(p.stream, { probeIntervalMs: 0 });
    const r = recorder();
    s.observeCalls(r.observer);
    const ok = s.call("ok", [1]);
    const mapped = s.callThen("mapped", [], () => {
      throw new Error("content refused");
    });
    const refused = s.call("refused", ["db"]);
    const timed = s.call("timed", [], { timeoutMs: 5 });
    const ac = new AbortController();
    const canceled = s.call("canceled", [], { signal: ac.signal });
    const closed = s.call("closed", []);
    const id = (m: string) => p.sent.find((x) => x.method === m)!.id;
    p.push({ id: id("ok"), result: 7, error: null });
    p.push({ id: id("mapped"), result: [], error: null });
    p.push({ id: id("refused"), result: null, error: { error: "unknown database", details: "db" } });
    expect(await ok).toBe(7);
    await expect(mapped).rejects.toThrow("content refused");
    await expect(refused).rejects.toThrow();
    await expect(timed).rejects.toBeInstanceOf(RequestTimeoutError);
    ac.abort();
    await expect(canceled).rejects.toBeInstanceOf(Canceled);
    s.close();
    await expect(closed).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(s.call("after", [])).rejects.toBeInstanceOf(ConnectionClosedError);
    const refusedName = ((await s.call("x", []).catch((e: unknown) => e)) as Error).name;
    expect(r.log.filter((l) => l.startsWith("ended twice"))).toEqual([]);
    expect(r.log.filter((l) => l.startsWith("end "))).toEqual([
      "end ok ok",
      "end mapped ok", // a result arrived: ok at the RPC level, even though the map rejected it
      `end refused ${((await refused.catch((e: unknown) => e)) as Error).name}`,
      "end timed RequestTimeoutError",
      "end canceled Canceled",
      "end closed ConnectionClosedError",
      "end after ConnectionClosedError",
      `end x ${refusedName}`,
    ]);
    expect(r.log[0]).toBe('start ok [1]');
  });

  it("several observers each see every call; a detached one sees no later call", async () => {
    const p = peer();
    const s = new JsonRpcSession(p.stream, { probeIntervalMs: 0 });
    const a = recorder();
    const b = recorder();
    const stopA = s.observeCalls(a.observer);
    s.observeCalls(b.observer);
    const first = s.call("first", []);
    stopA();
    const second = s.call("second", []);
    p.push({ id: p.sent[0]!.id, result: 1, error: null });
    p.push({ id: p.sent[1]!.id, result: 2, error: null });
    await Promise.all([first, second]);
    // A detached observer still hears how the calls it saw start end.
    expect(a.log).toEqual(["start first []", "end first ok"]);
    expect(b.log).toEqual(["start first []", "start second []", "end first ok", "end second ok"]);
    s.close();
  });

  it("a call whose params cannot be encoded fails at once, is not left pending, and ends once for the observers", async () => {
    const p = peer();
    const s = new JsonRpcSession(p.stream, { probeIntervalMs: 0 });
    const log: string[] = [];
    s.observeCalls({ callStarted: (method) => (e) => void log.push(`end ${method} ${e === undefined ? "ok" : e.name}`) });
    const loop: Record<string, unknown> = {};
    loop["self"] = loop;
    await expect(s.call("bad", [loop])).rejects.toBeInstanceOf(TypeError);
    expect(s.pendingCalls).toBe(0);
    expect(p.sent).toEqual([]);
    expect(log).toEqual(["end bad TypeError"]);
    s.close();
  });
});
