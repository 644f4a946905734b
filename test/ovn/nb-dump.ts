/**
 * Test helper: dumps an NB database with UUIDs normalized, so that two servers built by the same
 * script (with ovn-nbctl on one, ovn-ts on the other) can be compared row for row.
 */
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { model } from "../../src/ovsdb/models/ovn-nb.js";

type J = unknown;

function isUuidJson(v: J): v is ["uuid", string] {
  return Array.isArray(v) && v.length === 2 && v[0] === "uuid" && typeof v[1] === "string";
}

/** Every table's rows, with references replaced by stable labels (`Table:name`, or a content label), sorted. */
export async function normalizedDump(remote: string, skip: readonly string[] = []): Promise<Record<string, string[]>> {
  const client = await OvsdbClient.connect(remote);
  try {
    const tables = [...model.schema.tables.keys()].filter((t) => !skip.includes(t));
    const { results } = await client.transact(model.name, tables.map((t) => ({ op: "select", table: t, where: [] })));
    const rows = new Map<string, { table: string; row: Record<string, J> }>();
    tables.forEach((t, i) => {
      for (const r of (results[i] as { rows: Record<string, J>[] }).rows) rows.set((r["_uuid"] as [string, string])[1], { table: t, row: r });
    });
    const labels = new Map<string, string>();
    for (const [u, { table, row }] of rows) if (typeof row["name"] === "string" && row["name"] !== "") labels.set(u, `${table}:${row["name"]}`);
    const render = (v: J): J => {
      if (isUuidJson(v)) return labels.get(v[1]) ?? `?${v[1]}`;
      if (Array.isArray(v) && v[0] === "set") return ["set", (v[1] as J[]).map(render).map((x) => JSON.stringify(x)).sort()];
      if (Array.isArray(v) && v[0] === "map") return ["map", (v[1] as [J, J][]).map(([a, b]) => JSON.stringify([render(a), render(b)])).sort()];
      return v;
    };
    const body = (row: Record<string, J>) =>
      JSON.stringify(Object.keys(row).filter((k) => k !== "_uuid" && k !== "_version").sort().map((k) => [k, render(row[k])]));
    // Unnamed rows get a label from their content once everything they reference has one.
    for (let pass = 0; pass < 5; pass++) {
      for (const [u, { table, row }] of rows) {
        if (labels.has(u)) continue;
        const text = body(row);
        if (!text.includes('"?')) labels.set(u, `${table}{${text}}`);
      }
    }
    const out: Record<string, string[]> = {};
    for (const t of tables) {
      out[t] = [...rows.values()].filter((r) => r.table === t).map((r) => body(r.row)).sort();
    }
    return out;
  } finally {
    client.close();
  }
}

/** `ovn-nbctl show` with UUIDs masked and blocks sorted (switch/router order and port order follow UUIDs). */
export function normalizeShow(text: string): string {
  const masked = text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
    // Gateway chassis are listed in UUID order.
    .replace(/gateway chassis: \[([^\]]*)\]/g, (_m, l: string) => `gateway chassis: [${l.split(" ").sort().join(" ")}]`);
  const top: string[][] = [];
  for (const line of masked.split("\n").filter((l) => l !== "")) {
    if (!line.startsWith(" ")) top.push([line]);
    else top[top.length - 1]!.push(line);
  }
  return top
    .map((block) => {
      const [head, ...rest] = block as [string, ...string[]];
      const subs: string[][] = [];
      for (const l of rest) {
        if (/^ {4}\S/.test(l)) subs.push([l]);
        else subs[subs.length - 1]!.push(l);
      }
      // NAT blocks are keyed by their (masked) UUID: sort them by their whole text.
      return [head, ...subs.map((s) => s.join("\n")).sort()].join("\n");
    })
    .sort()
    .join("\n");
}
