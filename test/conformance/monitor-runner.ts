/**
 * Monitor conformance: the same monitors (`monitor`, `monitor_cond`, `monitor_cond_since`,
 * `monitor_cond_change`, `monitor_cancel`) and transactions against two servers (the embedded one
 * with `historyTxns: 0`, like a standalone ovsdb-server); the replies and
 * notifications each session receives, normalized (sorted members, UUIDs by first appearance).
 */
import { connectRemote, parseActiveRemote } from "../../src/ovsdb/wire/remote.js";
import { JsonRpcSession } from "../../src/ovsdb/wire/session.js";
import { RESET } from "./corpus.js";
import { normalizeUuids } from "./runner.js";

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = canonical(o[k]);
    return out;
  }
  return v;
}

const DB = "Conformance";
const VERSION_RE = /"_version":\["uuid","[0-9a-f-]{36}"\]/g;
const txns: unknown[][] = [
  [{ op: "insert", table: "Root", row: { name: "a", i: 1, iset: ["set", [1, 2]], smap: ["map", [["k", "v"]]] } }],
  [{ op: "insert", table: "Root", row: { name: "b", i: 2 } }, { op: "insert", table: "Other", row: { a: 1 } }],
  [{ op: "update", table: "Root", where: [["name", "==", "a"]], row: { i: 3, iset: ["set", [2, 3]], smap: ["map", [["k", "w"], ["x", "y"]]], color: "red" } }],
  [{ op: "update", table: "Root", where: [["name", "==", "b"]], row: { i: 1 } }],
  [{ op: "mutate", table: "Root", where: [], mutations: [["i", "+=", 1]] }],
  [{ op: "update", table: "Root", where: [["name", "==", "a"]], row: { r: 2.5 } }],
  [{ op: "delete", table: "Root", where: [["name", "==", "a"]] }],
];

/** Runs the monitor scenario against `remote` and returns the normalized message log. */
export async function runMonitorScenario(remote: string): Promise<string[]> {
  const log: { seq: number; who: string; text: unknown }[] = [];
  let seq = 0;
  const open = async (who: string) => {
    const s = new JsonRpcSession(await connectRemote(parseActiveRemote(remote)), { probeIntervalMs: 0 });
    s.on("notification", (n) => log.push({ seq: seq++, who, text: [n.method, n.params] }));
    return s;
  };
  const writer = await open("writer");
  await writer.call("transact", [DB, ...RESET]);
  const m1 = await open("m1");
  const m2 = await open("m2");
  const m3 = await open("m3");
  const m4 = await open("m4");
  const rec = async (who: string, p: Promise<unknown>) => {
    try {
      log.push({ seq: seq++, who, text: ["reply", await p] });
    } catch (e) {
      const err = e as { error?: string; details?: string };
      log.push({ seq: seq++, who, text: ["error", err.error ?? String(e)] });
    }
  };
  await rec("writer", writer.call("transact", [DB, ...txns[0]!]));
  await rec("m1", m1.call("monitor", [DB, "v1", { Root: { columns: ["name", "i", "iset", "smap", "color", "r"] }, Other: {} }]));
  await rec("m2", m2.call("monitor_cond", [DB, ["id", 2], { Root: [{ columns: ["name", "i", "iset", "smap", "color"], where: [["i", "<=", 2]] }] }]));
  await rec("m3", m3.call("monitor_cond", [DB, "sel", { Root: { columns: ["name", "i"], select: { initial: false, insert: true, delete: false, modify: true } } }]));
  await rec("m4", m4.call("monitor_cond_since", [DB, "since", { Root: [{ where: [["i", ">", 1]] }], Other: {} }, "00000000-0000-0000-0000-000000000000"]));
  for (const t of txns.slice(1, 4)) {
    await rec("writer", writer.call("transact", [DB, ...t]));
    await new Promise((r) => setTimeout(r, 50));
  }
  await rec("m2", m2.call("monitor_cond_change", [DB === DB ? ["id", 2] : null, "renamed", { Root: [{ where: [["name", "==", "a"]] }] }]));
  await new Promise((r) => setTimeout(r, 50));
  for (const t of txns.slice(4)) {
    await rec("writer", writer.call("transact", [DB, ...t]));
    await new Promise((r) => setTimeout(r, 50));
  }
  await rec("m3", m3.call("monitor_cancel", ["sel"]));
  await rec("m3", m3.call("monitor_cancel", ["sel"]));
  await rec("m1", m1.call("monitor", [DB, "v1", { Root: {} }]));
  await rec("m1", m1.call("monitor", [DB, "bad", { Nope: {} }]));
  await rec("m1", m1.call("monitor", ["Nope", "bad2", { Root: {} }]));
  await rec("writer", writer.call("transact", [DB, { op: "insert", table: "Root", row: { name: "z" } }]));
  await new Promise((r) => setTimeout(r, 50));
  for (const s of [writer, m1, m2, m3, m4]) s.close();
  const map = new Map<string, string>();
  // Order within one session is the protocol's; across sessions it is timing, so group by session.
  const order = ["writer", "m1", "m2", "m3", "m4"];
  return log
    .sort((a, b) => order.indexOf(a.who) - order.indexOf(b.who) || a.seq - b.seq)
    // _version values are fresh random UUIDs: their presence is compared, not their numbering.
    .map((l) => `${l.who}: ${JSON.stringify(canonical(JSON.parse(normalizeUuids(JSON.stringify(l.text).replace(VERSION_RE, '"_version":["uuid","V"]'), map))))}`);
}
