/**
 * The client and the replica through every failure path, with and without an `error` listener:
 * a proxy cuts the connection at chosen moments (lock re-take, monitor re-issue), the server comes
 * back with a schema the models no longer fit, or never comes back. The process must survive (an
 * unhandled `error` event or rejection fails the vitest run) and the state must tell the truth.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionClosedError, ModelCompatibilityError, OvsdbClient, Replica, type DatabaseSchema, parseSchema } from "../../../src/ovsdb/index.js";
import { UNHANDLED_ERROR_WARNING } from "../../../src/rpc/index.js";
import { type DroppingProxy, type EmbeddedServerSandbox, startDroppingProxy, startEmbeddedServer, waitFor } from "../../../src/testing/index.js";

function schema(withColor: boolean, withTable = true): DatabaseSchema {
  const tables: Record<string, unknown> = {
    Other: { columns: { x: { type: "integer" } } },
  };
  if (withTable) tables["Item"] = { columns: { name: { type: "string" }, ...(withColor ? { color: { type: "string" } } : {}) } };
  return parseSchema({ name: "Fail", version: "1.0.0", tables });
}

const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 };

interface Rig {
  server: EmbeddedServerSandbox;
  proxy: DroppingProxy;
  client: OvsdbClient;
  replica: Replica;
  errors: Error[];
  warnings: string[];
  lostEvents: string[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(listen: boolean, opts: { models?: boolean; maxAttempts?: number } = {}): Promise<Rig> {
  const server = await startEmbeddedServer({ schema: schema(true) });
  cleanups.push(() => server.stop());
  const proxy = await startDroppingProxy(server.unix);
  cleanups.push(() => proxy.stop());
  const model = { name: "Fail", schema: schema(true) };
  const client = await OvsdbClient.connect(proxy.remote, {
    probeIntervalMs: 0,
    reconnect: { ...FAST_RETRY, ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}) },
    ...(opts.models ? { models: [model] } : {}),
  });
  cleanups.push(() => client.close());
  const replica = await Replica.start(client, model, { tables: { Item: true } });
  cleanups.push(() => replica.close());
  const errors: Error[] = [];
  const warnings: string[] = [];
  const lostEvents: string[] = [];
  if (listen) {
    client.on("error", (e) => errors.push(e));
    replica.on("error", (e) => errors.push(e));
  }
  client.on("monitor-lost", (id) => lostEvents.push(id));
  const onWarning = (w: Error & { code?: string }) => {
    if (w.code === UNHANDLED_ERROR_WARNING) warnings.push(w.message);
  };
  process.on("warning", onWarning);
  cleanups.push(() => void process.off("warning", onWarning));
  return { server, proxy, client, replica, errors, warnings, lostEvents };
}

async function insertItem(r: Rig, name: string): Promise<void> {
  const direct = await OvsdbClient.connect(r.server.unix, { probeIntervalMs: 0, reconnect: false });
  try {
    await direct.transact("Fail", [{ op: "insert", table: "Item", row: { name } }]);
  } finally {
    direct.close();
  }
}

const hasItem = (r: Rig, name: string) => [...r.replica.rows("Item")].some((row) => (row as Record<string, unknown>)["name"] === name);

describe.each([
  ["with an error listener", true],
  ["without an error listener", false],
])("failure paths %s", (_label, listen) => {
  it("survives a drop while re-taking a lock, and holds the lock again", async () => {
    const r = await rig(listen);
    expect(await r.client.lock("L")).toBe(true);
    r.proxy.dropWhen = (q) => q.connection === 2 && q.method === "lock";
    r.proxy.dropAll();
    await waitFor("reconnected twice", () => r.proxy.connections >= 3 && r.client.healthy && r.replica.health === "ready", 10_000);
    await insertItem(r, "after-lock-drop");
    await r.replica.waitUntil(() => hasItem(r, "after-lock-drop"), 5000);
    // The lock is held again: another client cannot get it.
    const other = await OvsdbClient.connect(r.server.unix, { probeIntervalMs: 0, reconnect: false });
    cleanups.push(() => other.close());
    await waitFor("lock held by the first client", async () => (await other.lock("L")) === false || (await other.unlock("L").then(() => false)), 5000);
    expect(r.lostEvents).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it("survives a drop while re-issuing the monitor, without reporting it lost", async () => {
    const r = await rig(listen);
    r.proxy.dropWhen = (q) => q.connection === 2 && q.method.startsWith("monitor");
    r.proxy.dropAll();
    await waitFor("monitor re-issued", () => r.proxy.connections >= 3 && r.client.healthy && r.replica.health === "ready", 10_000);
    await insertItem(r, "after-monitor-drop");
    await r.replica.waitUntil(() => hasItem(r, "after-monitor-drop"), 5000);
    expect(r.client.monitorStatus().map((m) => m.state)).toEqual(["live"]);
    expect(r.lostEvents).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it("reports a monitor the restarted server refuses as lost, in the client's and the replica's health", async () => {
    const r = await rig(listen);
    const next = await startEmbeddedServer({ schema: schema(true, false) });
    cleanups.push(() => next.stop());
    r.proxy.target = next.unix;
    r.proxy.dropAll();
    await waitFor("replica lost", () => r.replica.health === "lost", 10_000);
    expect(r.client.state).toBe("ready");
    expect(r.client.healthy).toBe(false);
    const [status] = r.client.monitorStatus();
    expect(status?.state).toBe("lost");
    expect(status?.error?.message).toMatch(/monitor lost.*Item/s);
    expect(r.replica.lastError).toBe(status?.error);
    expect(r.lostEvents).toHaveLength(1);
    if (listen) expect(r.errors.map((e) => e.message)).toEqual([status!.error!.message, status!.error!.message]);
    else expect(r.warnings.length).toBeGreaterThanOrEqual(1);
    // Another drop does not bring a lost monitor back to life, nor report it twice.
    r.proxy.dropAll();
    await waitFor("reconnected", () => r.proxy.connections >= 3 && r.client.state === "ready", 10_000);
    expect(r.replica.health).toBe("lost");
    expect(r.lostEvents).toHaveLength(1);
  });

  it("closes with the reason when the models no longer fit the restarted server", async () => {
    const r = await rig(listen, { models: true });
    const next = await startEmbeddedServer({ schema: schema(false) });
    cleanups.push(() => next.stop());
    r.proxy.target = next.unix;
    r.proxy.dropAll();
    await waitFor("client closed", () => r.client.state === "closed", 10_000);
    expect(r.client.closeReason).toBeInstanceOf(ModelCompatibilityError);
    expect(r.client.closeReason?.message).toMatch(/Item.*color/s);
    expect(r.replica.health).toBe("lost");
    expect(r.replica.lastError).toBe(r.client.closeReason);
    expect(r.client.monitorStatus()).toEqual([expect.objectContaining({ state: "lost", error: r.client.closeReason })]);
    // Both the client and the replica report it.
    if (listen) expect(r.errors).toEqual([r.client.closeReason, r.client.closeReason]);
    else expect(r.warnings).toEqual([expect.stringMatching(/Replica\(Fail\): ModelCompatibilityError/), expect.stringMatching(/OvsdbClient: ModelCompatibilityError/)]);
    await expect(r.client.whenReady()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("says reconnecting while the server is gone, and closes once it gives up", async () => {
    const r = await rig(listen, { maxAttempts: 4 });
    await r.proxy.goDown();
    r.proxy.dropAll();
    await waitFor("reconnecting", () => r.client.state === "reconnecting" || r.client.state === "closed", 5000);
    expect(r.replica.health === "reconnecting" || r.replica.health === "lost").toBe(true);
    expect(r.client.healthy).toBe(false);
    await waitFor("gave up", () => r.client.state === "closed", 10_000);
    expect(r.client.closeReason).toBeInstanceOf(Error);
    expect(r.replica.health).toBe("lost");
    expect(r.client.monitorStatus().map((m) => m.state)).toEqual(["lost"]);
    // The replica reports why it is lost; the client's own cause is in closeReason.
    if (listen) expect(r.errors).toEqual([r.client.closeReason]);
    else expect(r.warnings).toHaveLength(1);
    await expect(r.replica.transact([{ op: "insert", table: "Item", row: { name: "x" } }])).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});
