import { afterEach, describe, expect, it } from "vitest";
import { type ChangeBatch, OVN_Northbound, OvsdbClient, OvsdbServer, Replica, bundledSchema } from "../../../src/ovsdb/index.js";
import type { ReplicaOptions } from "../../../src/ovsdb/cache/replica-types.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import { prng } from "../../support/prng.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const TABLES = ["Logical_Switch", "Logical_Switch_Port", "Port_Group", "ACL", "Logical_Router", "Logical_Router_Policy"] as const;
const STAGES = [["Logical_Switch_Port"], ["Port_Group", "ACL"], ["Logical_Router_Policy"]];

/** Raw operations that create random switches with ports, port groups with ACLs and routers with policies. */
function randomOps(rand: () => number, tag: string): unknown[] {
  const ops: unknown[] = [];
  const ports: string[] = [];
  for (let s = 0; s < 1 + Math.floor(rand() * 3); s++) {
    const mine: string[] = [];
    for (let p = 0; p < Math.floor(rand() * 8); p++) {
      const name = `p${tag}x${s}x${p}`;
      const row: Record<string, unknown> = { name, external_ids: ["map", [["vendor", rand() < 0.8 ? "kube-ovn" : "x"], ["pod", `ns/${name}`]]] };
      if (rand() < 0.7) row["addresses"] = `00:00:00:00:00:${(p + 16).toString(16)} 10.0.${s}.${p + 2}`;
      if (rand() < 0.3) row["options"] = ["map", [["requested-chassis", `node${p}`]]];
      ops.push({ op: "insert", table: "Logical_Switch_Port", row, "uuid-name": `lsp_${name}` });
      mine.push(name);
    }
    ports.push(...mine);
    ops.push({ op: "insert", table: "Logical_Switch", row: { name: `s${tag}x${s}`, ports: ["set", mine.map((n) => ["named-uuid", `lsp_${n}`])] } });
  }
  for (let g = 0; g < Math.floor(rand() * 4); g++) {
    const acls: string[] = [];
    for (let a = 0; a < Math.floor(rand() * 3); a++) {
      const id = `acl_${tag}x${g}x${a}`;
      ops.push({ op: "insert", table: "ACL", row: { priority: 1000 + a, direction: "to-lport", match: `outport == @pg${tag}x${g}`, action: "allow" }, "uuid-name": id });
      acls.push(id);
    }
    const members = ports.filter(() => rand() < 0.4);
    ops.push({ op: "insert", table: "Port_Group", row: { name: `pg${tag}x${g}`, ports: ["set", members.map((n) => ["named-uuid", `lsp_${n}`])], acls: ["set", acls.map((id) => ["named-uuid", id])] } });
  }
  const policies: string[] = [];
  for (let p = 0; p < Math.floor(rand() * 5); p++) {
    const id = `lrp_${tag}x${p}`;
    ops.push({ op: "insert", table: "Logical_Router_Policy", row: { priority: 100 + p, match: `ip4.src == 10.0.0.${p}`, action: "allow" }, "uuid-name": id });
    policies.push(id);
  }
  ops.push({ op: "insert", table: "Logical_Router", row: { name: `r${tag}`, policies: ["set", policies.map((id) => ["named-uuid", id])] } });
  return ops;
}

/** Every row of the replicated tables, by table, sorted by UUID. */
function contents(r: Replica<NB>): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const t of TABLES) out[t] = ([...r.rows(t)] as unknown as Row[]).sort((a, b) => ((a["_uuid"] as string) < (b["_uuid"] as string) ? -1 : 1));
  return out;
}

describe("Replica stages (the initial rows of some tables asked for by condition changes)", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(historyTxns?: number) {
    const server = new OvsdbServer(historyTxns ? { historyTxns } : {});
    server.addDatabase(bundledSchema("OVN_Northbound"));
    cleanup.push(() => server.close());
    const transport = { name: "in-process", open: () => server.connectInProcess() };
    const writer = await OvsdbClient.connect(transport, { probeIntervalMs: 0 });
    cleanup.push(() => writer.close());
    const start = async (options: ReplicaOptions, reconnect = false) => {
      const c = await OvsdbClient.connect(transport, { probeIntervalMs: 0, ...(reconnect ? { reconnect: { initialDelayMs: 50, maxDelayMs: 50, multiplier: 1, jitter: 0 } } : {}) });
      cleanup.push(() => c.close());
      const r = await Replica.start<NB>(c, nb, options);
      cleanup.push(() => r.close());
      return { c, r };
    };
    return { writer, start };
  }

  const tables = Object.fromEntries(TABLES.map((t) => [t, true as const]));

  it("loads the same rows as one reply, every stage in when the start resolves (randomized)", async () => {
    for (let seed = 1; seed <= 15; seed++) {
      const { writer, start } = await setup();
      const rand = prng(seed);
      for (let i = 0; i < 3; i++) await writer.transactRaw("OVN_Northbound", randomOps(rand, `${seed}t${i}`) as never);
      const plain = await start({ tables });
      for (const method of ["monitor_cond_since", "monitor_cond", "monitor"] as const) {
        const staged = await start({ tables, stages: STAGES, method });
        expect(staged.r.health, `seed ${seed} ${method}`).toBe("ready");
        expect(contents(staged.r), `seed ${seed} ${method}`).toEqual(contents(plain.r));
      }
      for (const f of cleanup.splice(0).reverse()) await f();
    }
  });

  it("keeps a staged table's condition, and replicates the changes that follow", async () => {
    const { writer, start } = await setup();
    await writer.transactRaw("OVN_Northbound", randomOps(prng(3), "a") as never);
    const where = [["name", "!=", "pax0x1"]] as const;
    const withWhere = { ...tables, Logical_Switch_Port: { where } } as unknown as ReplicaOptions["tables"];
    const plain = await start({ tables: withWhere });
    const staged = await start({ tables: withWhere, stages: STAGES });
    expect(contents(staged.r)).toEqual(contents(plain.r));
    expect([...staged.r.rows("Logical_Switch_Port")].some((p) => p.name === "pax0x1")).toBe(false);
    const got: ChangeBatch[] = [];
    staged.r.on("batch", (b) => got.push(b));
    await writer.transactRaw("OVN_Northbound", randomOps(prng(4), "b") as never);
    await staged.r.waitUntil(() => got.length > 0, 10_000);
    await plain.r.waitUntil(() => contents(plain.r)["Logical_Router"]!.length === 2, 10_000);
    expect(contents(staged.r)).toEqual(contents(plain.r));
  });

  it("re-issues the monitor for every row after a reconnect (resumed, and reloaded from scratch)", async () => {
    for (const history of [100, undefined]) {
      const { writer, start } = await setup(history);
      await writer.transactRaw("OVN_Northbound", randomOps(prng(5), "a") as never);
      const staged = await start({ tables, stages: STAGES }, true);
      staged.c.rpc.close(new Error("test: cut"));
      await writer.transactRaw("OVN_Northbound", randomOps(prng(6), "b") as never);
      const plain = await start({ tables });
      await staged.r.waitUntil(() => staged.r.health === "ready" && contents(staged.r)["Logical_Router"]!.length === 2, 10_000);
      expect(contents(staged.r), `history ${history}`).toEqual(contents(plain.r));
      for (const f of cleanup.splice(0).reverse()) await f();
    }
  });
});
