/**
 * RPC-level conformance: methods other than `transact` (list_dbs, get_schema, locks, monitor
 * errors, unknown methods and databases, malformed params) on one session, replies and errors
 * normalized like the corpus.
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
    for (const k of Object.keys(o).sort()) {
      const x = canonical(o[k]);
      // select rows come in hash order on ovsdb-server
      out[k] = k === "rows" && Array.isArray(x) ? [...x].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : x;
    }
    return out;
  }
  return v;
}

/** The calls, in order, on two sessions `a` and `b`. */
export const RPC_CALLS: readonly [who: "a" | "b", method: string, params: unknown[]][] = [
  ["a", "list_dbs", []],
  ["a", "get_schema", ["Conformance"]],
  ["a", "get_schema", ["Nope"]],
  ["a", "get_schema", []],
  ["a", "transact", []],
  ["a", "transact", [5]],
  ["a", "transact", ["Nope"]],
  ["a", "transact", ["Conformance"]],
  ["a", "transact", ["Conformance", 5]],
  ["a", "echo", ["x", 1, { y: [] }]],
  ["a", "set_db_change_aware", [true]],
  ["a", "lock", ["L"]],
  ["a", "lock", ["L"]],
  ["b", "lock", ["L"]],
  ["b", "unlock", ["M"]],
  ["a", "unlock", ["L"]],
  ["b", "steal", ["L"]],
  ["a", "lock", []],
  ["a", "lock", [5]],
  ["a", "monitor", ["Nope", "m", {}]],
  ["a", "monitor", ["Conformance", "m", { Nope: {} }]],
  ["a", "monitor", ["Conformance", "m", { Root: { columns: ["zz"] } }]],
  ["a", "monitor", ["Conformance", "m", { Root: { columns: ["name"], select: { initial: 5 } } }]],
  ["a", "monitor", ["Conformance", "m", { Root: { columns: ["name"] } }]],
  ["a", "monitor", ["Conformance", "m", { Root: { columns: ["name"] } }]],
  ["a", "monitor_cancel", ["m"]],
  ["a", "monitor_cancel", ["m"]],
  ["a", "monitor_cond", ["Conformance", "c", { Root: { columns: ["name"], where: [["name", "<", 1]] } }]],
  ["a", "monitor_cond", ["Conformance", "c", { Root: { columns: ["name"], where: [["nope", "==", 1]] } }]],
  ["a", "monitor_cond_change", ["nope", "x", {}]],
  ["a", "frobnicate", []],
  ["a", "transact", ["_Server", { op: "select", table: "Database", where: [], columns: ["name", "model", "connected", "leader", "schema", "cid", "sid", "index"] }]],
  ["a", "transact", ["_Server", { op: "update", table: "Database", where: [], row: { leader: false } }]],
  ["a", "get_schema", ["_Server"]],
  ["a", "transact", ["Conformance", { op: "wait", table: "Root", where: [["name", "==", "never"]], columns: ["name"], until: "!=", rows: [], timeout: 50 }, { op: "comment", comment: "c" }]],
];

/** Runs {@link RPC_CALLS} against `remote`; returns one normalized line per call. */
export async function runRpcScenario(remote: string): Promise<string[]> {
  const open = async () => new JsonRpcSession(await connectRemote(parseActiveRemote(remote)), { probeIntervalMs: 0 });
  const s = { a: await open(), b: await open() };
  const notes: string[] = [];
  s.a.on("notification", (n) => notes.push(`a ${n.method} ${JSON.stringify(n.params)}`));
  s.b.on("notification", (n) => notes.push(`b ${n.method} ${JSON.stringify(n.params)}`));
  await s.a.call("transact", ["Conformance", ...RESET]);
  const map = new Map<string, string>();
  const out: string[] = [];
  for (const [who, method, params] of RPC_CALLS) {
    let r: unknown;
    try {
      r = { result: await s[who].call(method, params) };
    } catch (e) {
      const err = e as { error?: string; details?: string };
      r = { error: err.error ?? String(e), details: err.details };
    }
    await new Promise((res) => setTimeout(res, 20));
    // ovsdb-server reports the time a blocked wait really waited: compare the text, not the clock.
    const text = normalizeUuids(JSON.stringify(canonical(r)), map).replace(/timed out after \d+ ms/g, "timed out after N ms");
    out.push(`${who} ${method} ${JSON.stringify(params)} -> ${text}${notes.length ? ` [${notes.splice(0).join("; ")}]` : ""}`);
  }
  s.a.close();
  s.b.close();
  return out;
}
