import { describe, expect, it } from "vitest";
import { loadContents, readSnapshot, replaceContents } from "../../../src/ovsdb/cache/apply.js";
import { indexKey } from "../../../src/ovsdb/cache/indexes.js";
import { TableStore } from "../../../src/ovsdb/cache/table-store.js";
import type { RowChange } from "../../../src/ovsdb/cache/row-change.js";
import type { MonitorStart } from "../../../src/ovsdb/client/client.js";
import { model } from "../../../src/ovsdb/models/ovn-nb.js";
import { compileDatumDecoder, datumFromJson } from "../../../src/ovsdb/schema/datum.js";
import type { ColumnType } from "../../../src/ovsdb/schema/types.js";
import { prng } from "../../support/prng.js";

const TABLES = ["Logical_Switch", "Logical_Switch_Port", "Port_Group", "ACL"] as const;

function uuidOf(rand: () => number, upper = false): string {
  const hex = () => Math.floor(rand() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join("");
  const u = `${part(8)}-${part(4)}-4${part(3)}-8${part(3)}-${part(12)}`;
  return upper ? u.toUpperCase() : u;
}

/** Stores as a controller makes them: the schema's unique indexes, and two indexes on external_ids keys. */
const INDEXES = { vendor: { mapKey: ["external_ids", "vendor"] }, owner: { mapKey: ["external_ids", "owner"] } } as const;

function stores(): Map<string, TableStore> {
  const m = new Map<string, TableStore>();
  for (const t of TABLES) m.set(t, new TableStore(model.schema.tables.get(t)!, undefined, INDEXES));
  return m;
}

/** A monitor reply's contents as ovsdb-server sends them (defaults left out), random rows of {@link TABLES}. */
function reply(rand: () => number, names: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const uuids: string[] = [];
  for (const t of TABLES) {
    const rows: Record<string, unknown> = {};
    const n = Math.floor(rand() * 30);
    for (let i = 0; i < n; i++) {
      const uuid = uuidOf(rand);
      uuids.push(uuid);
      const row: Record<string, unknown> = { _version: ["uuid", uuidOf(rand, rand() < 0.1)] };
      if (rand() < 0.9) row["name"] = `${t}-${names.length}`;
      names.push(String(row["name"]));
      const ext: [string, string][] = [];
      if (rand() < 0.8) ext.push(["vendor", rand() < 0.7 ? "kube-ovn" : "other"]);
      if (rand() < 0.5) ext.push(["owner", `o${Math.floor(rand() * 4)}`]);
      if (rand() < 0.3) ext.push(["pod", `ns/p${i}`]);
      if (ext.length) row["external_ids"] = ["map", ext];
      if (t === "Logical_Switch_Port") {
        if (rand() < 0.7) row["addresses"] = rand() < 0.5 ? `00:00:00:00:00:0${i % 10} 10.0.0.${i}` : ["set", ["router", "unknown"]];
        if (rand() < 0.3) row["tag_request"] = Math.floor(rand() * 4095);
        if (rand() < 0.2) row["enabled"] = rand() < 0.5;
      }
      if ((t === "Logical_Switch" || t === "Port_Group") && uuids.length > 1 && rand() < 0.7) {
        const refs = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => uuids[Math.floor(rand() * uuids.length)]!))];
        row["acls"] = refs.length === 1 && rand() < 0.5 ? ["uuid", refs[0]] : ["set", refs.map((u) => ["uuid", rand() < 0.1 ? u.toUpperCase() : u])];
      }
      if (t === "ACL") {
        row["priority"] = Math.floor(rand() * 32767);
        row["direction"] = rand() < 0.5 ? "from-lport" : "to-lport";
        row["match"] = `ip4.src == 10.0.0.${i}`;
        row["action"] = "allow";
      }
      rows[uuid] = rand() < 0.5 ? { initial: row } : { insert: row };
    }
    out[t] = rows;
  }
  return out;
}

const start = (updates: Record<string, Record<string, unknown>>): MonitorStart => ({ id: "m", method: "monitor_cond_since", updates, lastTxnId: undefined, found: false }) as unknown as MonitorStart;

/** What a store holds: its rows, its unique indexes and its client-defined indexes, as plain values. */
function contents(tables: Map<string, TableStore>): unknown {
  return [...tables].map(([name, t]) => ({
    name,
    rows: [...t.rows].sort(([a], [b]) => (a < b ? -1 : 1)),
    uniques: t.uniques.map((u) => [...u.map].sort(([a], [b]) => (a < b ? -1 : 1))),
    indexes: [...t.indexes].map(([n, ix]) => {
      const keyOf = indexKey(INDEXES[n as keyof typeof INDEXES])!;
      const keys = [...new Set([...t.rows.values()].map(keyOf))].filter((k) => k !== undefined).sort();
      return [n, ix.keys, keys.map((k) => [k, [...(ix.get(k!) ?? [])].map((r) => r["_uuid"]).sort()])];
    }),
  }));
}

describe("loadContents", () => {
  it("stores what readSnapshot + replaceContents store, with the same changes (randomized)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const data = reply(prng(seed), []);
      const a = stores();
      const b = stores();
      const ca: RowChange[] = [];
      const cb: RowChange[] = [];
      replaceContents(a, readSnapshot(a, start(structuredClone(data)), () => undefined), ca);
      loadContents(b, start(structuredClone(data)), () => undefined, cb);
      expect(contents(b), `seed ${seed}`).toEqual(contents(a));
      expect(cb, `seed ${seed}`).toEqual(ca);
    }
  });

  it("replaces the contents of tables that already hold rows (a reload), as replaceContents does", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rand = prng(seed);
      const first = reply(rand, []);
      const second = reply(rand, []);
      // Some rows kept from the first load, unchanged or changed, in the second.
      for (const t of TABLES) {
        for (const [uuid, u] of Object.entries(first[t]!)) if (rand() < 0.4) second[t]![uuid] = rand() < 0.5 ? u : { initial: { ...(u as { initial?: object; insert?: object }).initial, ...(u as { insert?: object }).insert, _version: ["uuid", uuidOf(rand)] } };
      }
      // One table left empty by the first load: loaded straight, the others compared.
      delete first["ACL"];
      const a = stores();
      const b = stores();
      replaceContents(a, readSnapshot(a, start(structuredClone(first)), () => undefined), []);
      loadContents(b, start(structuredClone(first)), () => undefined, []);
      const ca: RowChange[] = [];
      const cb: RowChange[] = [];
      replaceContents(a, readSnapshot(a, start(structuredClone(second)), () => undefined), ca);
      loadContents(b, start(structuredClone(second)), () => undefined, cb);
      expect(contents(b), `seed ${seed}`).toEqual(contents(a));
      const key = (c: RowChange) => `${c.table} ${c.uuid} ${c.kind}`;
      expect(cb.map(key).sort(), `seed ${seed}`).toEqual(ca.map(key).sort());
    }
  });

  it("leaves the tables and the changes as they were when a row is malformed", () => {
    const tables = stores();
    const changes: RowChange[] = [{ kind: "delete", table: "ACL", uuid: "x", old: {} }];
    const data = reply(prng(7), []);
    const lsp = data["Logical_Switch_Port"]!;
    lsp[uuidOf(prng(8))] = { initial: { name: 42 } };
    expect(() => loadContents(tables, start(data), () => undefined, changes)).toThrow(/expected string/);
    for (const t of tables.values()) {
      expect(t.rows.size).toBe(0);
      for (const u of t.uniques) expect(u.map.size).toBe(0);
      for (const ix of t.indexes.values()) expect(ix.keys).toBe(0);
    }
    expect(changes).toHaveLength(1);
  });
});

describe("compiled uuid decoders", () => {
  it("decode as datumFromJson does, errors included (randomized)", () => {
    const types: ColumnType[] = [
      { key: { type: "uuid" }, min: 1, max: 1 },
      { key: { type: "uuid" }, min: 0, max: 1 },
      { key: { type: "uuid" }, min: 0, max: "unlimited" },
      { key: { type: "string" }, value: { type: "uuid" }, min: 0, max: "unlimited" },
    ];
    const rand = prng(42);
    const atoms = (): unknown => {
      const r = rand();
      if (r < 0.5) return ["uuid", uuidOf(rand)];
      if (r < 0.6) return ["uuid", uuidOf(rand, true)];
      if (r < 0.65) return ["uuid", uuidOf(rand).slice(1)];
      if (r < 0.7) return ["uuid", uuidOf(rand).replace("-", "g")];
      if (r < 0.75) return ["named-uuid", "row1"];
      if (r < 0.8) return ["uuid", 7];
      if (r < 0.85) return ["uuid", uuidOf(rand), "x"];
      if (r < 0.9) return uuidOf(rand);
      return ["uuid", uuidOf(rand).replace("a", "A")];
    };
    for (let i = 0; i < 2000; i++) {
      const type = types[i % types.length]!;
      const json = type.value ? ["map", [["k", atoms()]]] : type.max === 1 && rand() < 0.7 ? atoms() : ["set", Array.from({ length: Math.floor(rand() * 3) }, atoms)];
      for (const ctx of [{ table: "T", column: "c" }, { table: "T", column: "c", allowNamedUuid: true }]) {
        const decode = compileDatumDecoder(type, ctx);
        let want: unknown;
        let wantError: string | undefined;
        try {
          want = datumFromJson(type, json, ctx);
        } catch (e) {
          wantError = String(e);
        }
        if (wantError !== undefined) expect(() => decode(json), JSON.stringify(json)).toThrow(wantError.replace(/^\w+: /, ""));
        else expect(decode(json), JSON.stringify(json)).toEqual(want);
      }
    }
  });
});
