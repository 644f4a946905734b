import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEATURE_TABLE_FILE, featureTableFile } from "../../scripts/codegen-lib.js";
import {
  OVN_FEATURE_CHANGES,
  OvnFeatureUnavailableError,
  OvnInvalidSchemaError,
  describeOvnSchema,
  detectOvnSchema,
  detectOvnSchemas,
  matchedOvnModel,
  ovnFeatureReleases,
  requireFeature,
} from "../../src/ovn/index.js";
import { OVN_RELEASES, type OvnDatabase, type OvnRelease, SchemaError, ovnModels, ovnSchemaFile } from "../../src/ovsdb/index.js";

/** A schema file as plain JSON, read without the project's parser. */
interface RawSchema {
  name: string;
  version: string;
  cksum?: string;
  tables: Record<string, { columns: Record<string, { type: unknown }> }>;
}
function raw(release: OvnRelease, db: OvnDatabase): RawSchema {
  return JSON.parse(readFileSync(ovnSchemaFile(release, db), "utf8")) as RawSchema;
}

/** The enumeration values of a column's JSON type (key or value), found by walking the JSON. */
function rawEnum(type: unknown): string[] {
  if (type === null || typeof type !== "object") return [];
  const t = type as { key?: unknown; value?: unknown; enum?: unknown };
  const out: string[] = [];
  for (const b of [t.key, t.value]) {
    if (b && typeof b === "object" && Array.isArray((b as { enum?: unknown }).enum)) {
      const e = (b as { enum: unknown[] }).enum;
      const values = Array.isArray(e) && e[0] === "set" ? (e[1] as unknown[]) : [e];
      out.push(...values.map(String));
    }
  }
  return out;
}

/** Whether the raw schema has the feature; independent of src/ovn/schema-feature-names.ts. */
function rawHas(s: RawSchema, feature: string): boolean {
  const m = /^([^.=]+)(?:\.([^=]+)(?:=(.*))?)?$/.exec(feature)!;
  const t = s.tables[m[1]!];
  if (!t) return false;
  if (m[2] === undefined) return true;
  const c = t.columns[m[2]];
  if (!c) return false;
  return m[3] === undefined || rawEnum(c.type).includes(m[3]);
}

const DBS: readonly OvnDatabase[] = ["OVN_Northbound", "OVN_Southbound", "OVN_IC_Northbound", "OVN_IC_Southbound"];

describe("OVN feature table", () => {
  it("is up to date with the bundled schemas (run `npx vite-node scripts/codegen.ts` to regenerate)", () => {
    expect(readFileSync(FEATURE_TABLE_FILE, "utf8") === featureTableFile()).toBe(true);
  });

  it("says, for every entry, exactly which release added (and dropped) it, checked on the raw schema files", () => {
    for (const db of DBS) {
      const entries = Object.entries(OVN_FEATURE_CHANGES[db]) as [string, { since: OvnRelease; until?: OvnRelease }][];
      expect(entries.length, db).toBeGreaterThan(0);
      for (const [feature, { since, until }] of entries) {
        OVN_RELEASES.forEach((r, i) => {
          const expected = i >= OVN_RELEASES.indexOf(since) && (until === undefined || i < OVN_RELEASES.indexOf(until));
          expect(rawHas(raw(r, db), feature), `${db} ${feature} in ${r}`).toBe(expected);
        });
      }
    }
  });

  it("lists every table and column that some release lacks (none is missed)", () => {
    for (const db of DBS) {
      const all = new Set<string>();
      for (const r of OVN_RELEASES) {
        for (const [t, def] of Object.entries(raw(r, db).tables)) {
          all.add(t);
          for (const c of Object.keys(def.columns)) all.add(`${t}.${c}`);
        }
      }
      for (const f of all) {
        const everywhere = OVN_RELEASES.every((r) => rawHas(raw(r, db), f));
        expect(f in OVN_FEATURE_CHANGES[db], `${db} ${f}`).toBe(!everywhere);
      }
    }
  });

  it.each([
    ["ACL.tier", "24.03"],
    ["ACL.action=pass", "24.03"],
    ["ACL.sample_new", "24.09"],
    ["ACL.sample_est", "24.09"],
    ["Logical_Router_Policy.bfd_sessions", "24.03"],
    ["Logical_Router_Policy.chain", "25.03"],
    ["Logical_Router_Policy.jump_chain", "25.03"],
    ["Logical_Router_Policy.action=jump", "25.03"],
    ["NAT.match", "24.09"],
    ["NAT.priority", "24.09"],
    ["Logical_Router_Port.dhcp_relay", "24.09"],
    ["Sample", "24.09"],
    ["Sampling_App", "24.09"],
    ["Mirror_Rule", "25.09"],
    // In every bundled release:
    ["NAT.gateway_port", "23.03"],
    ["Load_Balancer_Health_Check", "23.03"],
    ["ACL.label", "23.03"],
  ] as const)("NB %s: since OVN %s", (feature, since) => {
    expect(ovnFeatureReleases("OVN_Northbound", feature)).toEqual({ since });
  });

  it("knows dropped features and unknown ones", () => {
    expect(ovnFeatureReleases("OVN_Southbound", "Encap.type=stt")).toEqual({ since: "23.03", until: "25.09" });
    expect(ovnFeatureReleases("OVN_Northbound", "ACL.no_such_column")).toBeUndefined();
  });
});

describe("describeOvnSchema / detectOvnSchema", () => {
  it("matches every bundled schema exactly to its release(s)", () => {
    for (const release of OVN_RELEASES) {
      for (const db of DBS) {
        const info = describeOvnSchema(db, raw(release, db));
        expect(info.match.kind, `${release} ${db}`).toBe("exact");
        if (info.match.kind !== "exact") continue;
        expect(info.match.releases).toContain(release);
        expect(info.version).toBe(raw(release, db).version);
      }
    }
    const icNb = describeOvnSchema("OVN_IC_Northbound", raw("24.03", "OVN_IC_Northbound"));
    expect(icNb.match).toEqual({ kind: "exact", release: "24.09", releases: ["24.03", "24.09"] });
  });

  it("maps an unbundled version to the newest bundled model it can serve", () => {
    // A 24.03 schema with another version (e.g. a distribution's backport): 24.09's model needs tables it lacks.
    const s = { ...raw("24.03", "OVN_Northbound"), version: "7.4.0", cksum: undefined };
    expect(describeOvnSchema("OVN_Northbound", s).match).toEqual({ kind: "compatible", release: "24.03" });
    // A newer server than any bundled release: an extra table and column.
    const newer = raw("25.09", "OVN_Northbound");
    newer.version = "7.13.0";
    newer.tables["ACL"]!.columns["future"] = { type: "string" };
    newer.tables["Future"] = { columns: { x: { type: "integer" } } };
    const info = describeOvnSchema("OVN_Northbound", newer);
    expect(info.match).toEqual({ kind: "compatible", release: "25.09" });
    expect(info.has("ACL.future")).toBe(true);
    expect(matchedOvnModel(info)).toBe(ovnModels["25.09"].nb);
  });

  it("does not call a schema exact when its checksum differs", () => {
    const s = { ...raw("24.09", "OVN_Northbound"), cksum: "1 2" };
    expect(describeOvnSchema("OVN_Northbound", s).match).toEqual({ kind: "compatible", release: "24.09" });
  });

  it("reports no match when no bundled model fits, and refuses another database's schema", () => {
    const s = raw("23.03", "OVN_Northbound");
    delete s.tables["Chassis_Template_Var"];
    s.version = "6.0.0";
    const info = describeOvnSchema("OVN_Northbound", s);
    expect(info.match).toEqual({ kind: "unknown" });
    expect(matchedOvnModel(info)).toBeUndefined();
    expect(() => describeOvnSchema("OVN_Northbound", raw("24.03", "OVN_Southbound"))).toThrow(OvnInvalidSchemaError);
    expect(() => describeOvnSchema("OVN_Northbound", { name: "OVN_Northbound", version: "seven", tables: {} })).toThrow(SchemaError);
  });

  it("detectOvnSchemas detects the OVN databases the server lists, and only those", async () => {
    const client = {
      listDbs: async () => ["_Server", "OVN_Southbound", "Open_vSwitch"],
      getSchema: async (db: string) => (db === "OVN_Southbound" ? raw("24.09", "OVN_Southbound") : Promise.reject(new Error(`asked for ${db}`))),
    };
    const all = await detectOvnSchemas(client);
    expect(Object.keys(all)).toEqual(["OVN_Southbound"]);
    expect(all.OVN_Southbound?.match).toEqual({ kind: "exact", release: "24.09", releases: ["24.09"] });
  });

  it("detectOvnSchema asks the server with get_schema", async () => {
    const asked: string[] = [];
    const client = {
      getSchema: async (db: string) => {
        asked.push(db);
        return raw("25.03", "OVN_Southbound");
      },
    };
    const info = await detectOvnSchema(client, "OVN_Southbound");
    expect(asked).toEqual(["OVN_Southbound"]);
    expect(info.match).toEqual({ kind: "exact", release: "25.03", releases: ["25.03"] });
    expect(info.has("ECMP_Nexthop")).toBe(true);
  });
});

describe("requireFeature", () => {
  const old = describeOvnSchema("OVN_Northbound", raw("23.03", "OVN_Northbound"));
  const v2403 = describeOvnSchema("OVN_Northbound", raw("24.03", "OVN_Northbound"));

  it("passes when the server has every feature", () => {
    expect(() => requireFeature(v2403, "ACL.tier", "ACL.action=pass", "Logical_Router_Policy.bfd_sessions", "NAT.gateway_port")).not.toThrow();
  });

  it("throws OvnFeatureUnavailableError naming feature, table, column, server schema and the needed release", () => {
    let err: unknown;
    try {
      requireFeature(old, "ACL.label", "ACL.tier");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OvnFeatureUnavailableError);
    const e = err as OvnFeatureUnavailableError;
    expect({ ...e, message: e.message }).toEqual({
      name: "OvnFeatureUnavailableError",
      database: "OVN_Northbound",
      feature: "ACL.tier",
      table: "ACL",
      column: "tier",
      value: undefined,
      schemaVersion: "7.0.0",
      serverMatch: { kind: "exact", release: "23.03", releases: ["23.03"] },
      neededRelease: "24.03",
      neededVersion: "7.3.0",
      removedIn: undefined,
      message: "OVN_Northbound feature ACL.tier (column ACL.tier) is not in the server's schema 7.0.0 (OVN 23.03); it needs schema 7.3.0 (OVN 24.03) or later",
    });
  });

  it("names tables, enumeration values and dropped features", () => {
    expect(() => requireFeature(v2403, "Sample")).toThrow(
      "OVN_Northbound feature Sample (table Sample) is not in the server's schema 7.3.0 (OVN 24.03); it needs schema 7.6.0 (OVN 24.09) or later",
    );
    expect(() => requireFeature(v2403, "Logical_Router_Policy.action=jump")).toThrow(/value "jump" of column Logical_Router_Policy\.action\) .* needs schema 7\.11\.0 \(OVN 25\.03\)/);
    const sb = describeOvnSchema("OVN_Southbound", raw("25.09", "OVN_Southbound"));
    try {
      requireFeature(sb, "Encap.type=stt");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OvnFeatureUnavailableError);
      expect((e as OvnFeatureUnavailableError).removedIn).toBe("25.09");
      expect((e as OvnFeatureUnavailableError).message).toMatch(/OVN 23\.03 up to before 25\.09 have it$/);
    }
  });
});
