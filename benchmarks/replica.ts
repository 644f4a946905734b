/**
 * Replica benchmark on an OVN_Northbound database with 100,000 Logical_Switch_Ports over 1,000
 * Logical_Switches (filled as Kube-OVN fills pod ports), against one real `ovsdb-server`, side by side:
 * - initial sync: the raw floor (server delivers the monitor reply, then one JSON.parse), ovn-ts's
 *   replica (in a fresh process, with its RSS), and the OVS Python IDL;
 * - an `lsp-add` round trip with the replica warm, versus the bare JSON-RPC round trip of the same
 *   operations on the same socket (the floor), ovsdbapp's warm `lsp_add`, and `ovn-nbctl lsp-add`;
 * - steady state: 10,000 updates applied to a warm replica, events delivered.
 *
 * Run with `BENCH=replica npm run bench` (needs `npm run build` first: the sync runs on dist/).
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { Replica } from "../src/ovsdb/cache/replica.js";
import * as OVN_Northbound from "../src/ovsdb/models/ovn-nb.js";
import { bundledSchemaPath } from "../src/ovsdb/schema/bundled.js";
import { JsonFramer } from "../src/ovsdb/wire/framer.js";
import { insert, mutate } from "../src/ovsdb/wire/operations.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";

/** One row of the replica benchmark. */
export interface ReplicaBenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly vsFloor: number | undefined;
  readonly note: string;
}

/** Result of {@link runReplicaBenchmarks}. */
export interface ReplicaBenchResult {
  readonly ports: number;
  readonly rows: readonly ReplicaBenchRow[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
const SWITCHES = Number(process.env["BENCH_SWITCHES"] ?? 1000);
const PORTS_PER_SWITCH = Number(process.env["BENCH_PORTS_PER_SWITCH"] ?? 100);

function mac(i: number): string {
  return `0a:58:${[(i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, "0")).join(":")}`;
}

/** Fills an OVN_Northbound database with BENCH_SWITCHES switches of BENCH_PORTS_PER_SWITCH ports each (Kube-OVN style). */
export async function populate(remote: string): Promise<void> {
  const c = await OvsdbClient.connect(remote, { probeIntervalMs: 0 });
  const jobs: Promise<unknown>[] = [];
  for (let s = 0; s < SWITCHES; s++) {
    const ops = [];
    const refs: (readonly ["named-uuid", string])[] = [];
    for (let p = 0; p < PORTS_PER_SWITCH; p++) {
      const i = s * PORTS_PER_SWITCH + p;
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const name = `pod-${i}.ns-${s}`;
      ops.push(
        insert(
          "Logical_Switch_Port",
          {
            name,
            addresses: ["set", [`${mac(i)} ${ip}`]],
            port_security: ["set", [`${mac(i)} ${ip}`]],
            external_ids: ["map", [["ls", `subnet-${s}`], ["pod", `ns-${s}/pod-${i}`], ["vendor", "kube-ovn"]]],
            options: ["map", [["requested-chassis", `node-${i % 300}`]]],
          },
          { uuidName: `p${p}` },
        ),
      );
      refs.push(["named-uuid", `p${p}`]);
    }
    ops.push(insert("Logical_Switch", { name: `ls-${s}`, ports: ["set", refs], other_config: ["map", [["subnet", `10.${s}.0.0/16`]]] }));
    jobs.push(c.transact("OVN_Northbound", ops));
    if (jobs.length >= 20) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  c.close();
}

/** The floor: send the same monitor request on a raw socket, time the reply's arrival, then one JSON.parse. */
async function floor(path: string): Promise<{ serverMs: number; parseMs: number }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(path);
    const framer = new JsonFramer({ raw: true, maxMessageBytes: 2 ** 31 - 1 });
    let t0 = 0;
    s.on("connect", () => {
      t0 = performance.now();
      s.write(JSON.stringify({ method: "monitor_cond_since", params: ["OVN_Northbound", "m", { Logical_Switch: {}, Logical_Switch_Port: {} }, "00000000-0000-0000-0000-000000000000"], id: 1 }));
    });
    s.on("data", (d: Buffer) => {
      const msgs = framer.push(d) as Uint8Array[];
      if (msgs.length === 0) return;
      const serverMs = performance.now() - t0;
      s.destroy();
      const text = Buffer.from(msgs[0]!.buffer, msgs[0]!.byteOffset, msgs[0]!.byteLength).toString("utf8");
      const t1 = performance.now();
      JSON.parse(text);
      resolve({ serverMs, parseMs: performance.now() - t1 });
    });
    s.on("error", reject);
  });
}

/** Runs the replica benchmarks (minutes: it builds a 100k-port database). */
export async function runReplicaBenchmarks(): Promise<ReplicaBenchResult> {
  const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  const rows: ReplicaBenchRow[] = [];
  const ports = SWITCHES * PORTS_PER_SWITCH;
  try {
    await populate(server.unix);
    const path = server.unix.slice("unix:".length);
    const f = await floor(path);
    const floorS = (f.serverMs + f.parseMs) / 1000;
    rows.push({ name: "initial sync floor: server reply + one JSON.parse", value: floorS, unit: "s", vsFloor: 1, note: `server ${(f.serverMs / 1000).toFixed(2)} s + parse ${(f.parseMs / 1000).toFixed(2)} s` });
    const child = JSON.parse(execFileSync("node", ["--expose-gc", join(HERE, "replica-child.mjs"), server.unix], { encoding: "utf8", maxBuffer: 1 << 20 })) as { seconds: number; rows: number; rssMb: number; heapMb: number; baseRssMb: number };
    if (child.rows !== ports) throw new Error(`replica has ${child.rows} ports, expected ${ports}`);
    rows.push({ name: "initial sync: ovn-ts Replica (fresh process)", value: child.seconds, unit: "s", vsFloor: child.seconds / floorS, note: "target ≤ 1.3x the floor" });
    rows.push({ name: "ovn-ts process RSS after sync", value: child.rssMb, unit: "MB", vsFloor: undefined, note: `heap ${child.heapMb.toFixed(0)} MB; empty process ${child.baseRssMb.toFixed(0)} MB; target ≤ 400 MB` });
    const py = JSON.parse(execFileSync("/usr/bin/python3", [join(HERE, "py", "idl_sync.py"), "sync", server.unix, bundledSchemaPath("OVN_Northbound")], { encoding: "utf8" })) as { seconds: number; rows: number; maxRssMb: number };
    rows.push({ name: "initial sync: OVS Python IDL", value: py.seconds, unit: "s", vsFloor: py.seconds / floorS, note: `max RSS ${py.maxRssMb.toFixed(0)} MB` });

    // Warm replica in this process.
    const client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const replica = await Replica.start<OVN_Northbound.Tables>(client, OVN_Northbound.model, { tables: { Logical_Switch: true, Logical_Switch_Port: true } });
    const ls0 = replica.byIndex("Logical_Switch_Port", ["name"], ["pod-0.ns-0"]);
    void ls0;
    const lsUuid = [...replica.rows("Logical_Switch")].find((s) => s.name === "ls-0")!._uuid;
    const lspAdd = (name: string) => [
      insert("Logical_Switch_Port", { name, addresses: ["set", ["0a:58:00:00:00:01 10.99.0.1"]] }, { uuidName: "np" }),
      mutate("Logical_Switch", [["_uuid", "==", ["uuid", lsUuid]]], [["ports", "insert", ["set", [["named-uuid", "np"]]]]]),
    ];
    const N = 300;
    for (let i = 0; i < 20; i++) await client.rpc.call("transact", ["OVN_Northbound", ...lspAdd(`warm-raw-${i}`)]);
    // Interleaved, so both see the same database size and machine load.
    let rawTotal = 0;
    let repTotal = 0;
    for (let i = 0; i < N; i++) {
      let t0 = performance.now();
      await client.rpc.call("transact", ["OVN_Northbound", ...lspAdd(`raw-${i}`)]);
      rawTotal += performance.now() - t0;
      t0 = performance.now();
      await replica.transact(lspAdd(`rep-${i}`));
      repTotal += performance.now() - t0;
    }
    const rawMs = rawTotal / N;
    const repMs = repTotal / N;
    let t = performance.now();
    rows.push({ name: "lsp-add round trip floor: bare JSON-RPC on the same socket", value: rawMs, unit: "ms", vsFloor: 1, note: "" });
    rows.push({ name: "lsp-add round trip: Replica.transact (read-your-writes)", value: repMs, unit: "ms", vsFloor: repMs / rawMs, note: "target ≤ 1.2x the floor" });
    const ovsdbapp = JSON.parse(execFileSync("/usr/bin/python3", [join(HERE, "py", "idl_sync.py"), "lsp_add", server.unix, bundledSchemaPath("OVN_Northbound"), "50"], { encoding: "utf8", maxBuffer: 1 << 20 })) as { secondsPerCall: number };
    rows.push({ name: "lsp-add: ovsdbapp lsp_add (warm IDL)", value: ovsdbapp.secondsPerCall * 1000, unit: "ms", vsFloor: (ovsdbapp.secondsPerCall * 1000) / rawMs, note: "" });
    const nbctl: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t1 = performance.now();
      execFileSync("ovn-nbctl", [`--db=${server.unix}`, "lsp-add", "ls-1", `nbctl-${i}`]);
      nbctl.push(performance.now() - t1);
    }
    const nbMs = nbctl.reduce((a, b) => a + b, 0) / nbctl.length;
    rows.push({ name: "lsp-add: ovn-nbctl lsp-add (one process per command)", value: nbMs, unit: "ms", vsFloor: nbMs / rawMs, note: "" });

    // Steady state: 10,000 updates from another client, applied to the warm replica.
    const writer = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
    const M = 10_000;
    const targets = [...replica.rows("Logical_Switch_Port")].slice(0, M).map((r) => r._uuid as string);
    let seen = 0;
    replica.on("batch", (b) => (seen += b.changes.length));
    t = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < M; i++) {
      sends.push(writer.transact("OVN_Northbound", [{ op: "update", table: "Logical_Switch_Port", where: [["_uuid", "==", ["uuid", targets[i % targets.length]!]]], row: { external_ids: ["map", [["ls", "x"], ["pod", `p${i}`], ["vendor", "kube-ovn"], ["rev", String(i)]]] } }]));
    }
    await Promise.all(sends);
    await replica.waitUntil(() => seen >= M, 120_000);
    const perUpdateUs = ((performance.now() - t) * 1000) / M;
    rows.push({ name: "steady state: 10,000 updates applied + events delivered", value: perUpdateUs, unit: "µs/update", vsFloor: undefined, note: "includes the server's own commit time" });
    writer.close();
    await replica.close();
    client.close();
  } finally {
    await server.stop();
  }
  return { ports, rows };
}

/** The result as a text table. */
export function formatReplicaTable(r: ReplicaBenchResult): string {
  const lines = [[`replica (${r.ports} ports)`, "value", "unit", "vs floor", "note"]];
  for (const row of r.rows) lines.push([row.name, row.value >= 100 ? row.value.toFixed(0) : row.value.toFixed(3), row.unit, row.vsFloor === undefined ? "-" : `${row.vsFloor.toFixed(2)}x`, row.note]);
  const w = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}
