/**
 * OpenFlowConnection against an in-process fake switch on loopback (no OVS needed): negotiation,
 * xid correlation, timeouts, close, echo keep-alive, backpressure, reconnect, multipart reassembly.
 * Every sending loop is bounded; no wall-clock assertions.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createServer, createConnection, type Server, type Socket } from "node:net";
import { ConnectionClosedError, OpenFlowConnection, OpenFlowListener, RequestTimeoutError, type ConnectionState } from "../../src/openflow/connection.js";
import { decodeMessage, encodeMessage, type OfMessage, type OfMessageInput } from "../../src/openflow/messages.js";
import { FrameDecoder } from "../../src/openflow/framing.js";
import * as openflow from "../../src/openflow/index.js";
import { ConnectionClosedError as RpcClosed, RequestTimeoutError as RpcTimeout, UNHANDLED_ERROR_WARNING } from "../../src/rpc/index.js";
import { RequestTimeoutError as OvsdbTimeout } from "../../src/ovsdb/wire/errors.js";
import { UnixctlTimeoutError } from "../../src/unixctl/errors.js";

interface Fake {
  server: Server;
  port: number;
  sockets: Socket[];
  received: OfMessage[];
}

/** A fake switch: answers HELLO with `helloVersions`, then calls `onMsg` for every message. */
async function fakeSwitch(opts: { helloVersions?: number[]; helloHeader?: number; onMsg?: (m: OfMessage, reply: (x: OfMessageInput) => void, sock: Socket) => void } = {}): Promise<Fake> {
  const fake: Fake = { server: createServer(), port: 0, sockets: [], received: [] };
  fake.server.on("connection", (sock) => {
    fake.sockets.push(sock);
    const dec = new FrameDecoder();
    const reply = (x: OfMessageInput) => void (sock.writable && sock.write(encodeMessage(x).slice()));
    reply({ type: "hello", versions: opts.helloVersions ?? [1, 4], version: opts.helloHeader ?? 4, xid: 1 });
    sock.on("data", (chunk) => {
      for (const f of dec.push(chunk)) {
        const m = decodeMessage(f);
        fake.received.push(m);
        if (m.type === "hello") continue;
        if (opts.onMsg) opts.onMsg(m, reply, sock);
        else if (m.type === "echo_request") reply({ type: "echo_reply", data: m.data, xid: m.xid });
        else if (m.type === "barrier_request") reply({ type: "barrier_reply", xid: m.xid });
      }
    });
    sock.on("error", () => undefined);
  });
  await new Promise<void>((r) => fake.server.listen(0, "127.0.0.1", r));
  const a = fake.server.address();
  fake.port = typeof a === "object" && a ? a.port : 0;
  return fake;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function track(f: Fake): Fake {
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of f.sockets) s.destroy();
        f.server.close(() => r());
      }),
  );
  return f;
}
function own(c: OpenFlowConnection): OpenFlowConnection {
  cleanups.push(() => c.close());
  return c;
}

describe("OpenFlowConnection (fake switch)", () => {
  it("negotiates the highest common version from HELLO bitmaps, with state events", async () => {
    const f = track(await fakeSwitch({ helloVersions: [1, 4, 6], helloHeader: 6 }));
    const states: ConnectionState[] = [];
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { versions: [1, 4], echoIntervalMs: 0 }));
    c.on("state", (s) => states.push(s));
    expect(c.version).toBe(4);
    expect(c.state).toBe("ready");
    await c.barrier(); // our HELLO precedes it on the wire
    expect(f.received[0]).toMatchObject({ type: "hello", versions: [1, 4] });
    c.close();
    expect(states).toEqual(["closed"]);
  });

  it("accepts a bitmap-less HELLO (OpenFlow 1.0 style: all versions up to the header's)", async () => {
    const f = track(await fakeSwitch({ helloVersions: [], helloHeader: 6 }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    expect(c.version).toBe(4);
  });

  it("fails with HELLO_FAILED when there is no common version", async () => {
    const f = track(await fakeSwitch({ helloVersions: [1], helloHeader: 1 }));
    await expect(OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 })).rejects.toThrow(/no common OpenFlow version/);
    await new Promise((r) => setTimeout(r, 50));
    expect(f.received.some((m) => m.type === "error" && m.errType === 0 && m.code === 0)).toBe(true);
  });

  it("correlates out-of-order replies by xid", async () => {
    const held: OfMessage[] = [];
    const f = track(
      await fakeSwitch({
        onMsg: (m, reply) => {
          if (m.type !== "echo_request") return;
          held.push(m);
          if (held.length === 3) for (const h of held.reverse()) if (h.type === "echo_request") reply({ type: "echo_reply", data: h.data, xid: h.xid });
        },
      }),
    );
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    const rs = await Promise.all([1, 2, 3].map((n) => c.request({ type: "echo_request", data: new Uint8Array([n]) })));
    expect(rs.map((r) => (r.type === "echo_reply" ? r.data[0] : -1))).toEqual([1, 2, 3]);
    expect(c.pendingCount).toBe(0);
  });

  it("times out unanswered requests and rejects pending ones on close", async () => {
    const f = track(await fakeSwitch({ onMsg: () => undefined }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    await expect(c.request({ type: "barrier_request" }, { timeoutMs: 30 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(c.pendingCount).toBe(0);
    const p1 = c.barrier();
    const p2 = c.request({ type: "features_request" });
    expect(c.pendingCount).toBe(2);
    for (const s of f.sockets) s.destroy(); // the switch goes away
    await expect(p1).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(p2).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(c.state).toBe("closed");
    await expect(c.barrier()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("reassembles multipart replies sent in several parts", async () => {
    const f = track(
      await fakeSwitch({
        onMsg: (m, reply) => {
          if (m.type !== "multipart_request") return;
          for (let part = 0; part < 3; part++) {
            reply({
              type: "multipart_reply",
              xid: m.xid,
              flags: part < 2 ? 1 : 0,
              body: { kind: "table", tables: [{ tableId: part, activeCount: part, lookupCount: 0n, matchedCount: 0n }] },
            });
          }
        },
      }),
    );
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    const body = await c.multipart({ kind: "table" });
    expect(body.kind === "table" && body.tables.map((t) => t.tableId)).toEqual([0, 1, 2]);
  });

  it("answers the switch's echo requests and keeps the channel alive with its own", async () => {
    let pings = 0;
    let enough: () => void = () => undefined;
    const gotPings = new Promise<void>((r) => (enough = r));
    const f = track(
      await fakeSwitch({
        onMsg: (m, reply) => {
          if (m.type === "echo_request") {
            reply({ type: "echo_reply", data: m.data, xid: m.xid });
            if (++pings === 3) enough();
          }
        },
      }),
    );
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 20, echoTimeoutMs: 10_000 }));
    const answered = new Promise<OfMessage>((resolve) => {
      const sock = f.sockets[0]!;
      const dec = new FrameDecoder();
      sock.on("data", (chunk) => {
        for (const fr of dec.push(chunk)) {
          const m = decodeMessage(fr);
          if (m.type === "echo_reply" && m.xid === 77) resolve(m);
        }
      });
      sock.write(encodeMessage({ type: "echo_request", data: new Uint8Array([9]), xid: 77 }).slice());
    });
    expect(await answered).toMatchObject({ type: "echo_reply", xid: 77 });
    await gotPings;
    expect(c.state).toBe("ready");
  });

  it("closes when its keep-alive goes unanswered", async () => {
    const f = track(await fakeSwitch({ onMsg: () => undefined }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 20, echoTimeoutMs: 60 }));
    const errors: Error[] = [];
    c.on("error", (e) => errors.push(e));
    await new Promise<void>((r) => c.once("close", () => r()));
    expect(c.state).toBe("closed");
    expect(errors[0]?.message).toMatch(/echo keep-alive: no reply within/);
  });

  it("honours backpressure: send() waits for 'drain' while the peer does not read", async () => {
    const f = track(await fakeSwitch({ onMsg: () => undefined }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    const sock = f.sockets[0]!;
    sock.pause();
    const N = 400; // 400 x ~60 KiB ≈ 24 MiB, more than loopback socket buffers hold
    let done = 0;
    const data = new Uint8Array(60_000);
    const sending = (async () => {
      for (let i = 0; i < N; i++) {
        await c.send({ type: "packet_out", bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [], data });
        done++;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toBeLessThan(N); // blocked on drain
    sock.resume();
    await sending;
    expect(done).toBe(N);
  });

  it("reconnects after the switch drops the connection", async () => {
    const f = track(await fakeSwitch());
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0, reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 20 } }));
    const states: ConnectionState[] = [];
    c.on("state", (s) => states.push(s));
    const pending = c.request({ type: "features_request" }, { timeoutMs: 5_000 });
    f.sockets[0]!.destroy();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await c.ready();
    await c.barrier();
    expect(states).toContain("reconnecting");
    expect(c.state).toBe("ready");
    expect(f.sockets.length).toBe(2);
  });

  it("closes on a hostile frame length", async () => {
    const f = track(await fakeSwitch({ onMsg: (_m, _r, sock) => sock.write(Buffer.from([4, 0, 0, 2, 0, 0, 0, 0])) }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    const errors: Error[] = [];
    c.on("error", (e) => errors.push(e));
    await expect(c.barrier()).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(errors[0]?.name).toBe("DecodeError");
  });
});

describe("OpenFlowListener (we are the controller)", () => {
  it("accepts a switch, negotiates and serves requests", async () => {
    const l = new OpenFlowListener({ echoIntervalMs: 0 });
    await l.listen({ port: 0 });
    cleanups.push(() => l.close());
    const got = new Promise<OpenFlowConnection>((r) => l.once("connection", r));
    // a minimal "switch": says hello, answers features_request
    const sw = createConnection({ host: "127.0.0.1", port: l.port });
    cleanups.push(() => void sw.destroy());
    const dec = new FrameDecoder();
    sw.on("data", (chunk) => {
      for (const fr of dec.push(chunk)) {
        const m = decodeMessage(fr);
        if (m.type === "features_request")
          sw.write(encodeMessage({ type: "features_reply", xid: m.xid, datapathId: 0x42n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0 }).slice());
      }
    });
    sw.write(encodeMessage({ type: "hello", versions: [4], xid: 1 }).slice());
    const c = await got;
    const r = await c.request({ type: "features_request" });
    expect(r).toMatchObject({ type: "features_reply", datapathId: 0x42n });
  });
});

describe("shared rpc errors and reconnect strategy", () => {
  it("a request timeout is the shared RequestTimeoutError of src/rpc, with the xid", async () => {
    const f = track(await fakeSwitch({ onMsg: () => undefined }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    const e = await c.request({ type: "barrier_request", xid: 0x1f }, { timeoutMs: 20 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RpcTimeout);
    expect(e).toBeInstanceOf(OvsdbTimeout); // the same class the OVSDB client throws
    expect(e).toBeInstanceOf(openflow.OpenFlowTimeoutError);
    expect(e).toMatchObject({ name: "OpenFlowTimeoutError", xid: 0x1f, request: "barrier_request", timeoutMs: 20 });
    expect((e as Error).message).toBe("barrier_request (xid 0x1f): no reply within 20 ms");
    // names exported from ovn-ts/openflow are the shared classes
    expect(openflow.RequestTimeoutError).toBe(RpcTimeout);
    expect(openflow.ConnectionClosedError).toBe(RpcClosed);
    expect(new UnixctlTimeoutError("/x.ctl", "version", 1)).toBeInstanceOf(openflow.RequestTimeoutError);
    c.close();
    await expect(c.barrier()).rejects.toBeInstanceOf(RpcClosed);
  });

  it("reconnect delays follow the shared strategy: jittered by the injected random source and capped", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const a = dead.address();
    const port = typeof a === "object" && a ? a.port : 0;
    await new Promise<void>((r) => dead.close(() => r())); // nothing listens there now: every dial is refused
    const randoms = [0, 0.5, 0.75, 0.25, 0, 0.9];
    let calls = 0;
    const p = OpenFlowConnection.connect(`tcp:127.0.0.1:${port}`, {
      echoIntervalMs: 0,
      reconnect: { initialDelayMs: 4, maxDelayMs: 20, multiplier: 2, jitter: 0.5, maxAttempts: 6, random: () => randoms[calls++]! },
    });
    // every refused dial schedules the next with a delay drawn from the injected source, until maxAttempts
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RpcClosed);
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
    expect(calls).toBe(6);
  });

  it("reports each scheduled reconnect with its jittered, capped delay", async () => {
    // a switch that accepts, says HELLO, then hangs up: every connection is ready, then lost
    const f = track(await fakeSwitch());
    const randoms = [0, 0.5, 0.75, 0.25, 0, 0.9];
    let calls = 0;
    const c = own(
      await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, {
        echoIntervalMs: 0,
        reconnect: { initialDelayMs: 4, maxDelayMs: 20, multiplier: 2, jitter: 0.5, maxAttempts: 6, random: () => randoms[calls++]! },
      }),
    );
    const delays: [number, number][] = [];
    c.on("reconnect", (attempt, ms) => delays.push([attempt, ms]));
    // close the server so the reconnects are refused, then drop the live connection
    await new Promise<void>((r) => {
      f.server.close(() => r());
      for (const s of f.sockets) s.destroy();
    });
    await new Promise<void>((r) => c.once("close", () => r()));
    // bases min(20, 4·2^n) = 4, 8, 16, 20, 20, 20; half of each scaled by random
    expect(delays).toEqual([
      [0, 2],
      [1, 6],
      [2, 14],
      [3, 13],
      [4, 10],
      [5, 19],
    ]);
    expect(Math.max(...delays.map(([, ms]) => ms))).toBeLessThanOrEqual(20);
    expect(c.state).toBe("closed");
  });

  it("a lost connection with no error listener is a process warning, not a crash", async () => {
    const f = track(await fakeSwitch({ onMsg: (_m, _r, sock) => sock.write(Buffer.from([4, 0, 0, 2, 0, 0, 0, 0])) }));
    const c = own(await OpenFlowConnection.connect(`tcp:127.0.0.1:${f.port}`, { echoIntervalMs: 0 }));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      await expect(c.barrier()).rejects.toBeInstanceOf(RpcClosed);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(c.state).toBe("closed");
    expect(warnings.some((w) => (w as NodeJS.ErrnoException).code === UNHANDLED_ERROR_WARNING && /OpenFlowConnection: DecodeError/.test(w.message))).toBe(true);
  });
});
