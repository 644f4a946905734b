/**
 * Call timeouts of a JSON-RPC session, kept by one deadline timer for all calls: each call fails
 * with RequestTimeoutError at its own deadline (earliest first), later ones stay pending, answered
 * ones never time out, and closing fails whatever is left with ConnectionClosedError.
 */
import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConnectionClosedError, RequestTimeoutError } from "../../../src/ovsdb/wire/errors.js";
import { JsonRpcSession } from "../../../src/ovsdb/wire/session.js";

/** A stream whose written requests are collected and into which replies are pushed. */
function peer(): { stream: Duplex; sent: { id: number; method: string }[]; reply(id: number, result: unknown): void } {
  const sent: { id: number; method: string }[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      sent.push(JSON.parse(chunk.toString()) as { id: number; method: string });
      cb();
    },
  });
  return { stream, sent, reply: (id, result) => stream.push(JSON.stringify({ id, result, error: null })) };
}

describe("JsonRpcSession call timeouts", () => {
  it("fails each call at its own deadline, earliest first; answered and later calls are untouched", async () => {
    const p = peer();
    const s = new JsonRpcSession(p.stream, { probeIntervalMs: 0 });
    const order: string[] = [];
    const long = s.call("long", [], { timeoutMs: 3_600_000 }).then(
      () => order.push("long resolved"),
      (e: Error) => order.push(`long ${e.name}`),
    );
    const short = s.call("short", [], { timeoutMs: 20 }).catch((e: unknown) => e);
    const shorter = s.call("shorter", [], { timeoutMs: 5 }).catch((e: unknown) => e);
    const answered = s.call("answered", [], { timeoutMs: 10 });
    p.reply(p.sent.find((m) => m.method === "answered")!.id, "ok");
    expect(await answered).toBe("ok");
    const e1 = await shorter;
    order.push("shorter");
    const e2 = await short;
    order.push("short");
    expect(e1).toBeInstanceOf(RequestTimeoutError);
    expect((e1 as Error).message).toContain("shorter");
    expect(e2).toBeInstanceOf(RequestTimeoutError);
    expect((e2 as Error).message).toContain("short");
    expect(s.pendingCalls).toBe(1);
    // A late reply to a timed-out call is dropped; the long call still resolves when answered.
    p.reply(p.sent.find((m) => m.method === "short")!.id, "late");
    p.reply(p.sent.find((m) => m.method === "long")!.id, "done");
    await long;
    expect(order).toEqual(["shorter", "short", "long resolved"]);
    s.close();
  });

  it("a session-wide default timeout applies to every call; close fails the rest", async () => {
    const p = peer();
    const s = new JsonRpcSession(p.stream, { probeIntervalMs: 0, callTimeoutMs: 10 });
    const a = s.call("a", []).catch((e: unknown) => e);
    const b = s.call("b", [], { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(await a).toBeInstanceOf(RequestTimeoutError);
    expect(s.pendingCalls).toBe(1);
    s.close();
    expect(await b).toBeInstanceOf(ConnectionClosedError);
  });

  it("a reply whose id is the call's id as a decimal string still answers it", async () => {
    const p = peer();
    const s = new JsonRpcSession(p.stream, { probeIntervalMs: 0 });
    const c = s.call("x", []);
    p.stream.push(JSON.stringify({ id: String(p.sent[0]!.id), result: 7, error: null }));
    expect(await c).toBe(7);
    s.close();
  });
});
