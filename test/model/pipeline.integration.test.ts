/**
 * The pipelined apply: while chunks are in flight the next is built from the replica and sent at
 * once when none of them writes what that build read (`stalePlan`), else built again once they
 * have committed. Issue 15's proof
 * manifest (subnets, nodes, pods, NetworkPolicies whose port groups name pods of earlier chunks,
 * Services on load balancers a VPC chunk creates, NAT) applied in many small chunks must build the
 * same database as one big transaction, with no guard lost on the way, and re-apply with nothing sent.
 */
import { afterEach, describe, expect, it } from "vitest";
import { proofManifest } from "../../benchmarks/model.js";
import { KUBE_OVN_IDENTITY, applyModel, existingAddresses, resolveModel } from "../../src/model/index.js";
import { NB_CONTROLLER_TABLES, NbController, type Plan, type ReadLog, stalePlan } from "../../src/ovn/controller/index.js";
import type { TransactionEvent } from "../../src/ovn/controller/index.js";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { normalizedDump } from "../ovn/nb-dump.js";
import { BACKENDS, type Backend, startBackend } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { manifestOf } from "./support.js";

async function applyWith(unix: string, text: string, maxOperations: number): Promise<{ transactions: number; events: TransactionEvent[]; maxInFlight: number }> {
  const client = await OvsdbClient.connect(unix, { probeIntervalMs: 0 });
  // The most transactions sent and not yet answered at once.
  let inFlight = 0;
  let maxInFlight = 0;
  const transact = client.transact.bind(client);
  client.transact = (async (...args: Parameters<typeof transact>) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      return await transact(...args);
    } finally {
      inFlight--;
    }
  }) as typeof client.transact;
  const events: TransactionEvent[] = [];
  const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, onTransaction: (e) => events.push(e) });
  try {
    const model = resolveModel(manifestOf(text), { existing: existingAddresses(ctl) });
    const r = await applyModel(ctl, model, { maxOperations });
    return { transactions: r.transactions, events, maxInFlight };
  } finally {
    await ctl.close();
    client.close();
  }
}

describe.each(BACKENDS)("pipelined apply on %s", (kind) => {
  const skip = kind === "ovsdb-server" && !peers("ovsdb-server");
  const backends: Backend[] = [];
  afterEach(async () => {
    for (const b of backends.splice(0)) await b.stop();
  });

  it.skipIf(skip)("many small chunks build the database one transaction builds; no guard is lost; a re-apply sends nothing", { timeout: 400_000 }, async () => {
    const text = proofManifest(200);
    const one = await startBackend(kind);
    backends.push(one);
    const many = await startBackend(kind);
    backends.push(many);
    const big = await applyWith(one.unix, text, 1_000_000);
    expect(big.transactions).toBe(1);
    const small = await applyWith(many.unix, text, 60);
    expect(small.transactions).toBeGreaterThan(20);
    expect(small.events.filter((e) => e.outcome !== "committed")).toEqual([]);
    expect(small.events).toHaveLength(small.transactions);
    // Pod chunks read nothing the pod chunks before them write: they go without waiting (at most 2 at once).
    expect(small.maxInFlight).toBeGreaterThan(1);
    expect(small.maxInFlight).toBeLessThanOrEqual(2);
    expect(await normalizedDump(many.unix)).toEqual(await normalizedDump(one.unix));
    const again = await applyWith(many.unix, text, 60);
    expect(again.transactions).toBe(0);
  });
});

describe("stalePlan", () => {
  const db = { refColumns: (t: string) => (t === "Logical_Switch" ? ["ports", "acls"] : []) } as unknown as Parameters<typeof stalePlan>[0];
  const plan = (operations: unknown[], guarded: { uuid: string }[] = []): Plan => ({ database: "OVN_Northbound", label: undefined, operations, steps: [], guarded, indexed: [] }) as unknown as Plan;
  const reads = (r: Partial<{ missed: [string, string][]; found: string[]; scanned: string[]; keyed: [string, string, string][] }>): ReadLog => ({
    missed: new Map((r.missed ?? []).map(([t, n]) => [t, new Set([n])])),
    found: new Set(r.found ?? []),
    scanned: new Set(r.scanned ?? []),
    keyed: new Map((r.keyed ?? []).map(([t, k, v]) => [t, new Map([[k, new Set([v])]])])),
  });
  const policy = (ext: [string, string][]) => ({ op: "insert", table: "Logical_Router_Policy", row: { priority: 1, match: "m", action: "allow", external_ids: ["map", ext] } });
  const ahead = plan([{ op: "insert", table: "Logical_Switch_Port", row: { name: "b" } }]);
  const where = (u: string) => [["_uuid", "==", ["uuid", u]]];

  it.each([
    ["an insert of another name", [{ op: "insert", table: "Logical_Switch_Port", row: { name: "a" } }], reads({ missed: [["Logical_Switch_Port", "b"]] }), false],
    ["an insert of a name the build missed", [{ op: "insert", table: "Logical_Switch_Port", row: { name: "b" } }], reads({ missed: [["Logical_Switch_Port", "b"]] }), true],
    ["an insert into a table the build scanned", [{ op: "insert", table: "ACL", row: {} }], reads({ scanned: ["ACL"] }), true],
    ["references added to a row the build found", [{ op: "mutate", table: "Logical_Switch", where: where("s1"), mutations: [["ports", "insert", ["set", []]]] }], reads({ found: ["s1"] }), false],
    ["another column mutated on a row the build found", [{ op: "mutate", table: "Logical_Switch", where: where("s1"), mutations: [["other_config", "insert", ["map", []]]] }], reads({ found: ["s1"] }), true],
    ["an update of a row the build found", [{ op: "update", table: "Logical_Switch", where: where("s1"), row: {} }], reads({ found: ["s1"] }), true],
    ["an update of a row the build did not read", [{ op: "update", table: "Logical_Switch", where: where("s2"), row: {} }], reads({ found: ["s1"] }), false],
    ["a delete", [{ op: "delete", table: "Logical_Switch", where: where("s2") }], reads({}), true],
    ["an insert with another value of a key the build looked rows up by", [policy([["node", "n1"], ["vendor", "x"]])], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]] }), false],
    ["an insert with the value of a key the build looked rows up by", [policy([["vendor", "x"], ["node", "n2"]])], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]] }), true],
    ["an insert without external_ids into such a table", [{ op: "insert", table: "Logical_Router_Policy", row: { priority: 1, match: "m", action: "allow" } }], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]] }), false],
    ["an update of external_ids in such a table", [{ op: "update", table: "Logical_Router_Policy", where: where("p9"), row: { external_ids: ["map", []] } }], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]] }), true],
    ["an external_ids mutation in such a table", [{ op: "mutate", table: "Logical_Router_Policy", where: where("p9"), mutations: [["external_ids", "insert", ["map", [["node", "n2"]]]]] }], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]] }), true],
    ["an update of another column of a row such a lookup did not find", [{ op: "update", table: "Logical_Router_Policy", where: where("p9"), row: { match: "x" } }], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]] }), false],
    ["an update of a row such a lookup found", [{ op: "update", table: "Logical_Router_Policy", where: where("p1"), row: { match: "x" } }], reads({ keyed: [["Logical_Router_Policy", "node", "n2"]], found: ["p1"] }), true],
  ])("%s: stale %s", (_name, ops, log, stale) => {
    expect(stalePlan(db, plan(ops), ahead, log)).toBe(stale);
  });

  it("a change to a row the plan guards makes it stale", () => {
    const guarded = plan([], [{ uuid: "s2" }]);
    expect(stalePlan(db, plan([{ op: "mutate", table: "Logical_Switch", where: where("s2"), mutations: [["ports", "insert", ["set", []]]] }]), guarded, reads({}))).toBe(true);
  });
});
