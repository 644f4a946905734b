import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChangeBatch, OVN_Northbound, OvsdbClient, Replica } from "../../../src/ovsdb/index.js";
import type { Row } from "../../../src/ovsdb/schema/datum.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

type NB = OVN_Northbound.Tables;
const nb = OVN_Northbound.model;
const TABLES = ["Logical_Switch", "Logical_Switch_Port", "Port_Group", "Logical_Router", "Logical_Router_Policy"] as const;
const STAGES = [["Logical_Switch_Port"], ["Port_Group"], ["Logical_Router_Policy"]];

/** Every row of the replicated tables, by table, sorted by UUID. */
function contents(r: Replica<NB>): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const t of TABLES) out[t] = ([...r.rows(t)] as unknown as Row[]).sort((a, b) => ((a["_uuid"] as string) < (b["_uuid"] as string) ? -1 : 1));
  return out;
}

describe.skipIf(!peers("ovsdb-server"))("Replica stages against a real ovsdb-server", () => {
  let server: OvsdbServerSandbox;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    // Enough rows that each stage's rows come in reads of their own (a reply of several hundred KB).
    const c = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    try {
      for (let s = 0; s < 4; s++) {
        const ops: unknown[] = [];
        const ports: string[] = [];
        for (let p = 0; p < 1500; p++) {
          const name = `p${s}x${p}`;
          ops.push({ op: "insert", table: "Logical_Switch_Port", row: { name, addresses: `00:00:00:00:${s.toString(16).padStart(2, "0")}:${(p & 255).toString(16).padStart(2, "0")} 10.${s}.${p >> 8}.${p & 255}`, external_ids: ["map", [["pod", `ns/${name}`], ["vendor", "kube-ovn"]]] }, "uuid-name": `lsp${p}` });
          ports.push(`lsp${p}`);
        }
        ops.push({ op: "insert", table: "Logical_Switch", row: { name: `s${s}`, ports: ["set", ports.map((n) => ["named-uuid", n])] } });
        for (let g = 0; g < 100; g++) ops.push({ op: "insert", table: "Port_Group", row: { name: `pg${s}x${g}`, ports: ["set", ports.slice(g * 15, g * 15 + 15).map((n) => ["named-uuid", n])] } });
        const policies: string[] = [];
        for (let p = 0; p < 200; p++) {
          ops.push({ op: "insert", table: "Logical_Router_Policy", row: { priority: 1000 + p, match: `ip4.src == 10.${s}.0.${p}`, action: "allow" }, "uuid-name": `pol${p}` });
          policies.push(`pol${p}`);
        }
        ops.push({ op: "insert", table: "Logical_Router", row: { name: `r${s}`, policies: ["set", policies.map((n) => ["named-uuid", n])] } });
        await c.transactRaw("OVN_Northbound", ops as never);
      }
    } finally {
      c.close();
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("has every stage's rows when its start resolves, the same rows as one reply, then follows changes", async () => {
    const tables = Object.fromEntries(TABLES.map((t) => [t, true as const]));
    const c1 = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const c2 = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    try {
      const plain = await Replica.start<NB>(c1, nb, { tables });
      const staged = await Replica.start<NB>(c2, nb, { tables, stages: STAGES });
      // Read at once: nothing may come after the start resolved.
      const now = contents(staged);
      expect(staged.health).toBe("ready");
      expect(now["Logical_Switch_Port"]).toHaveLength(6000);
      expect(now).toEqual(contents(plain));
      const got: ChangeBatch[] = [];
      staged.on("batch", (b) => got.push(b));
      await c1.transactRaw("OVN_Northbound", [
        { op: "insert", table: "Logical_Switch_Port", row: { name: "late" }, "uuid-name": "late" },
        { op: "mutate", table: "Logical_Switch", where: [["name", "==", "s0"]], mutations: [["ports", "insert", ["set", [["named-uuid", "late"]]]]] },
      ] as never);
      await staged.waitUntil(() => got.length > 0, 10_000);
      await plain.waitUntil(() => [...plain.rows("Logical_Switch_Port")].length === 6001, 10_000);
      expect(contents(staged)).toEqual(contents(plain));
      plain.close();
      staged.close();
    } finally {
      c1.close();
      c2.close();
    }
  }, 120_000);
});
