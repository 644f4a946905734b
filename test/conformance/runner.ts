/**
 * Runs the conformance corpus against one server and normalizes the outcome so that two servers'
 * outcomes can be compared: object members sorted, `select` rows sorted by content, and every UUID
 * (in values and inside error texts) replaced by its order of first appearance.
 */
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { stringifyJson } from "../../src/ovsdb/wire/json.js";
import { CORPUS, RESET, type Scenario } from "./corpus.js";

/** One step's normalized outcome. */
export interface StepOutcome {
  readonly scenario: string;
  readonly step: number;
  readonly text: string;
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      let x = canonical(o[k]);
      if (k === "rows" && Array.isArray(x)) {
        x = [...x].sort((a, b) => {
          const ka = stringifyJson(a).replace(UUID_RE, "U");
          const kb = stringifyJson(b).replace(UUID_RE, "U");
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        });
      }
      out[k] = x;
    }
    return out;
  }
  return v;
}

/**
 * ovsdb-server names the two rows of a unique-index violation in the order of its hash table,
 * which depends on random UUIDs; put the two clauses in a fixed order on both sides.
 */
function orderIndexRows(text: string): string {
  return text.replace(/First row, (with UUID [^,]+, [^.]+)\.  Second row, (with UUID [^,]+, [^.]+)\./g, (_m, a: string, b: string) => {
    const [x, y] = [a, b].sort();
    return `First row, ${x}.  Second row, ${y}.`;
  });
}

/**
 * When several rows break referential integrity in one commit, ovsdb-server reports the first in
 * its hash-table order (random UUIDs): keep the message, not which row it names.
 */
function anyOffendingRow(text: string): string {
  return text
    .replace(/column (\w+) row <\d+> references nonexistent row <\d+>/g, "column $1 row <?> references nonexistent row <?>")
    .replace(/cannot delete (\w+) row <\d+> because/g, "cannot delete $1 row <?> because")
    .replace(/in \\"(\w+)\\" row <\d+>/g, 'in \\"$1\\" row <?>');
}

/** Replaces UUIDs by `<n>` in order of first appearance. */
export function normalizeUuids(text: string, map: Map<string, string>): string {
  return text.replace(UUID_RE, (u) => {
    if (u === "00000000-0000-0000-0000-000000000000" || u === "11111111-1111-1111-1111-111111111111") return u;
    let n = map.get(u);
    if (!n) map.set(u, (n = `<${map.size}>`));
    return n;
  });
}

const TABLES = ["Root", "Child", "Grand", "Other", "WeakOne"];

/** Runs every scenario (or the given ones) against `remote`; returns one outcome per step plus a final dump per scenario. */
export async function runCorpus(remote: string, scenarios: readonly Scenario[] = CORPUS): Promise<StepOutcome[]> {
  const client = await OvsdbClient.connect(remote, { reconnect: false });
  const out: StepOutcome[] = [];
  try {
    for (const s of scenarios) {
      await client.transactRaw("Conformance", RESET);
      const map = new Map<string, string>();
      let i = 0;
      for (const ops of s.steps) {
        let r: unknown;
        try {
          r = await client.transactRaw("Conformance", ops);
        } catch (e) {
          const err = e as { error?: string; details?: string };
          r = { rpcError: err.error ?? String(e), details: err.details };
        }
        const text = normalizeUuids(stringifyJson(canonical(r)), map);
        out.push({ scenario: s.name, step: i++, text: anyOffendingRow(orderIndexRows(text)) });
      }
      const dump = await client.transactRaw("Conformance", TABLES.map((table) => ({ op: "select", table, where: [] })));
      out.push({ scenario: s.name, step: -1, text: normalizeUuids(stringifyJson(canonical(dump)), map) });
    }
  } finally {
    client.close();
  }
  return out;
}
