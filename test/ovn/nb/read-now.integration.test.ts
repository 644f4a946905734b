/**
 * Lookups by name inside an NbTransaction are answered synchronously from a reader in memory when
 * the transaction has not touched the table (the replica reader's READ_NOW): randomized sequences of
 * calls give the same outcome and the same operations as through the promise path (the same
 * replica behind a reader without READ_NOW), against the embedded server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OVN_Northbound, OvsdbClient, Replica } from "../../../src/ovsdb/index.js";
import { type NbReader, OvnNb, type NbTransaction, replicaReader } from "../../../src/ovn/index.js";
import { READ_NOW, readNow } from "../../../src/ovn/reader.js";
import { startEmbeddedServer } from "../../../src/testing/index.js";

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("NB lookups read synchronously from the replica", () => {
  let stop: () => Promise<void>;
  let client: OvsdbClient;
  let replica: Replica<OVN_Northbound.Tables>;
  let fast: OvnNb;
  let slow: OvnNb;

  beforeAll(async () => {
    const server = await startEmbeddedServer({ schemas: ["OVN_Northbound"] });
    stop = () => server.stop();
    client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    replica = await Replica.start<OVN_Northbound.Tables>(client, OVN_Northbound.model);
    const reader = replicaReader(replica);
    // The same reads through promises only (no READ_NOW).
    const promised: NbReader = { find: (t, w) => reader.find(t, w), ids: (t, w) => reader.ids(t, w), get: (t, u) => reader.get!(t, u) };
    expect(readNow(reader)).toBeDefined();
    expect(readNow(promised)).toBeUndefined();
    expect(READ_NOW in promised).toBe(false);
    fast = new OvnNb(client, { reader });
    slow = new OvnNb(client, { reader: promised });
  }, 60_000);
  afterAll(async () => {
    await replica?.close();
    client?.close();
    await stop?.();
  });

  it("give the outcome and the operations the promise path gives (randomized)", async () => {
    const r = rng(1207);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const switches = ["sa", "sb", "sc"];
    const ports = ["pa", "pb", "pc", "pd"];
    const groups = ["ga", "gb"];
    type Step = (tx: NbTransaction) => Promise<unknown>;
    const steps: (() => Step)[] = [
      () => {
        const [n, m] = [pick(switches), r() < 0.5];
        return (tx) => tx.lsAdd(n, { mayExist: m });
      },
      () => {
        const [n, m] = [pick(switches), r() < 0.5];
        return (tx) => tx.lsDel(n, { ifExists: m });
      },
      () => {
        const [s, p, m] = [pick(switches), pick(ports), r() < 0.7];
        return (tx) => tx.lspAdd(s, p, { mayExist: m, addresses: ["0a:00:00:00:00:01 10.0.0.1"] });
      },
      () => {
        const [p, m] = [pick(ports), r() < 0.5];
        return (tx) => tx.lspDel(p, { ifExists: m });
      },
      () => {
        const [g, m] = [pick(groups), r() < 0.5];
        return (tx) => tx.pgAdd(g, [], { mayExist: m });
      },
      () => {
        const [g, p] = [pick(groups), pick(ports)];
        return (tx) => tx.pgAddPorts(g, [p]);
      },
    ];
    // Operations as comparable text: the made-up uuid-names differ between the two transactions.
    const text = (tx: NbTransaction) => JSON.stringify(tx.operations()).replace(/"[A-Za-z_]+_\d+"/g, '"N"');
    const outcome = async (tx: NbTransaction, step: Step) => {
      try {
        await step(tx);
        return "ok";
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
    };
    let committed = 0;
    for (let round = 0; round < 150; round++) {
      const a = fast.transaction();
      const b = slow.transaction();
      const plan = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(steps)());
      let failed = false;
      for (const step of plan) {
        const [x, y] = [await outcome(a, step), await outcome(b, step)];
        expect(x).toBe(y);
        expect(text(a)).toBe(text(b));
        if (x !== "ok") {
          failed = true;
          break;
        }
      }
      // The fast transaction is committed (when it built cleanly), so the state moves on.
      if (!failed) {
        try {
          await a.commit();
          committed++;
        } catch {
          // a transaction the server refuses (e.g. a port on a switch deleted in it) changes nothing
        }
      }
    }
    expect(committed).toBeGreaterThan(30);
  }, 120_000);
});
