/**
 * Sockets read straight from their read callback (wire/direct-read.ts, `connectRemote`'s
 * `directRead`): a JSON-RPC session on one receives every message intact whatever the chunking
 * (one read buffer is reused, so a message spanning reads must not keep views of it), in order
 * with what arrived before the session was attached, stops reading while paused, and sees the
 * peer's close. Peers are plain `net` servers on unix sockets that write chosen bytes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { attachDirectReader, connectDirect } from "../../../src/ovsdb/wire/direct-read.js";
import { ConnectionClosedError } from "../../../src/ovsdb/wire/errors.js";
import { JsonFramer } from "../../../src/ovsdb/wire/framer.js";
import { connectRemote } from "../../../src/ovsdb/wire/remote.js";
import { JsonRpcSession } from "../../../src/ovsdb/wire/session.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A unix-socket server that runs `onClient` for each connection; returns its path. */
async function server(onClient: (c: net.Socket) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-direct-read-"));
  const path = join(dir, "s.sock");
  const accepted: net.Socket[] = [];
  const srv = net.createServer((c) => {
    accepted.push(c);
    onClient(c);
  });
  await new Promise<void>((r) => srv.listen(path, r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of accepted) c.destroy();
        srv.close(() => r());
        rmSync(dir, { recursive: true, force: true });
      }),
  );
  return path;
}

/** Writes `parts` one after another, each its own write after the previous one was flushed. */
async function writeApart(c: net.Socket, parts: readonly (string | Buffer)[]): Promise<void> {
  for (const p of parts) {
    await new Promise<void>((r) => c.write(p, () => r()));
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Notifications received by `s`, resolved once `n` have come. */
function collect(s: JsonRpcSession, n: number): Promise<{ method: string; params: readonly unknown[] }[]> {
  const got: { method: string; params: readonly unknown[] }[] = [];
  return new Promise((resolve) => {
    s.on("notification", (m) => {
      got.push({ method: m.method, params: m.params });
      if (got.length === n) resolve(got);
    });
  });
}

const notification = (method: string, params: unknown[]) => JSON.stringify({ method, params, id: null });

describe("direct-read sockets", () => {
  it("deliver messages spanning many reads intact (the read buffer is reused), back-to-back messages and multi-byte text", async () => {
    // A 600 KB message with multi-byte characters, written in 7 KB pieces (so pieces end inside
    // UTF-8 sequences), then two small messages in one write, then one split in the middle.
    const big = Array.from({ length: 6000 }, (_, i) => `row-${i}-é€😀-${"x".repeat(i % 50)}`);
    const bigText = Buffer.from(notification("big", big));
    const pieces: Buffer[] = [];
    for (let at = 0; at < bigText.length; at += 7001) pieces.push(bigText.subarray(at, at + 7001));
    const small = notification("a", [1]) + notification("b", ["ü"]);
    const last = Buffer.from(notification("c", [{ k: "v".repeat(100) }]));
    const path = await server((c) => void writeApart(c, [...pieces, small, last.subarray(0, 50), last.subarray(50)]));
    const socket = connectDirect({ path });
    await new Promise((r) => socket.once("connect", r));
    const s = new JsonRpcSession(socket, { probeIntervalMs: 0 });
    cleanups.push(() => s.close());
    const got = await collect(s, 4);
    expect(got.map((m) => m.method)).toEqual(["big", "a", "b", "c"]);
    expect(got[0]!.params).toEqual(big);
    expect(got[2]!.params).toEqual(["ü"]);
    expect(got[3]!.params).toEqual([{ k: "v".repeat(100) }]);
    expect(socket.listenerCount("data")).toBe(0);
  });

  it("keep a message that is not UTF-8 and spans reads intact (the framer keeps its bytes)", async () => {
    // An invalid byte early in a 300 KB message: the framer keeps the rest of it as bytes.
    const head = Buffer.from(`{"method":"bad","params":["a`);
    const tail = Buffer.from(`${"z".repeat(300_000)}é"],"id":null}`);
    const whole = Buffer.concat([head, Buffer.from([0xff]), tail]);
    const pieces: Buffer[] = [];
    for (let at = 0; at < whole.length; at += 5003) pieces.push(whole.subarray(at, at + 5003));
    const expected = new JsonFramer().push(whole)[0] as { params: unknown[] };
    const path = await server((c) => void writeApart(c, pieces));
    const socket = connectDirect({ path });
    await new Promise((r) => socket.once("connect", r));
    const s = new JsonRpcSession(socket, { probeIntervalMs: 0 });
    cleanups.push(() => s.close());
    const [got] = await collect(s, 1);
    expect(got!.params).toEqual(expected.params);
  });

  it("hand over what arrived before the session was attached first, in order", async () => {
    let client: net.Socket | undefined;
    const path = await server((c) => {
      client = c;
      c.write(notification("early", [1]));
    });
    const socket = connectDirect({ path });
    await new Promise((r) => socket.once("connect", r));
    await new Promise((r) => setTimeout(r, 50)); // the early message has been read by now
    const s = new JsonRpcSession(socket, { probeIntervalMs: 0 });
    cleanups.push(() => s.close());
    const got = collect(s, 2);
    client!.write(notification("later", [2]));
    expect((await got).map((m) => m.method)).toEqual(["early", "later"]);
  });

  it("stop reading while the session is paused, and go on when it resumes", async () => {
    let client: net.Socket | undefined;
    const path = await server((c) => (client = c));
    const socket = connectDirect({ path });
    await new Promise((r) => socket.once("connect", r));
    const s = new JsonRpcSession(socket, { probeIntervalMs: 0 });
    cleanups.push(() => s.close());
    const got: string[] = [];
    s.on("notification", (m) => got.push(m.method));
    s.pause();
    while (client === undefined) await new Promise((r) => setTimeout(r, 5));
    client.write(notification("held", []));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([]);
    s.resume();
    for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual(["held"]);
  });

  it("answer calls through connectRemote's directRead and see the peer's close", async () => {
    const path = await server((c) => {
      c.on("data", (d) => {
        const req = JSON.parse(d.toString()) as { id: number; params: unknown[] };
        c.write(JSON.stringify({ id: req.id, result: req.params, error: null }));
        c.end();
      });
    });
    const socket = await connectRemote({ kind: "unix", path }, { directRead: true });
    const s = new JsonRpcSession(socket, { probeIntervalMs: 0 });
    const closed = new Promise<Error | undefined>((r) => s.once("close", r));
    expect(await s.call("echo", ["hi"])).toEqual(["hi"]);
    expect(await closed).toBeInstanceOf(ConnectionClosedError);
    expect(socket.listenerCount("data")).toBe(0);
  });

  it("a call whose write finds the peer not reading fails with ConnectionClosedError, not left pending", async () => {
    // Over a direct-read socket the request is written before the call is booked; a write that
    // overflows maxQueuedBytes closes the session within it.
    const path = await server(() => undefined);
    const socket = connectDirect({ path });
    await new Promise((r) => socket.once("connect", r));
    const s = new JsonRpcSession(socket, { probeIntervalMs: 0, maxQueuedBytes: 1 });
    const big = "x".repeat(4 << 20); // more than the kernel takes at once, so some stays queued
    const e = await s.call("big", [big]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectionClosedError);
    expect(s.pendingCalls).toBe(0);
    expect(s.state).toBe("closed");
  });

  it("take one reader, and none for other streams", async () => {
    const path = await server(() => undefined);
    const socket = connectDirect({ path });
    const plain = net.connect({ path });
    cleanups.push(() => {
      socket.destroy();
      plain.destroy();
    });
    const reader = { chunk: () => undefined, keeps: () => false };
    expect(attachDirectReader(plain, reader)).toBe(false);
    expect(attachDirectReader(socket, reader)).toBe(true);
    expect(attachDirectReader(socket, reader)).toBe(false);
  });

  it("read into a fresh buffer after a chunk the reader keeps", async () => {
    let client: net.Socket | undefined;
    const path = await server((c) => (client = c));
    const socket = connectDirect({ path });
    cleanups.push(() => void socket.destroy());
    await new Promise((r) => socket.once("connect", r));
    const kept: Buffer[] = [];
    let n = 0;
    attachDirectReader(socket, { chunk: (b) => void kept.push(b), keeps: () => true });
    while (client === undefined) await new Promise((r) => setTimeout(r, 5));
    await writeApart(client, ["first", "second", "third"]);
    while (n++ < 200 && Buffer.concat(kept).length < 16) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(kept).toString()).toBe("firstsecondthird");
  });
});
