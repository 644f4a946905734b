/**
 * A `columns` (or `sort`) list naming a column twice is refused as ovsdb-server refuses it
 * ("syntax error", "array of distinct column names expected"), short lists and long ones alike.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { Database } from "../../../src/ovsdb/server/database.js";

const SCHEMA = readSchemaFile(join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema"));
const CTX = { ownsLock: () => false };

const selectWith = (columns: unknown[]) => {
  const db = new Database(SCHEMA);
  const out = db.execute([{ op: "select", table: "Root", where: [], columns }], CTX);
  if (out.kind !== "done") throw new Error("blocked");
  return out.results[0] as { error?: string; details?: string; rows?: unknown[] };
};

describe("select columns", () => {
  it("accepts distinct names and refuses a repeated one, in short and long lists", () => {
    const names = [...SCHEMA.tables.get("Root")!.columns.keys()];
    expect(selectWith(["name"]).rows).toEqual([]);
    expect(selectWith(["_uuid", "name"]).rows).toEqual([]);
    const repeated = selectWith(["name", "_uuid", "name"]);
    expect(repeated.error).toBe("syntax error");
    expect(repeated.details).toContain("array of distinct column names expected");
    const long = [...names, "_uuid", "_version"];
    expect(long.length).toBeGreaterThan(2);
    expect(selectWith(long).rows).toEqual([]);
    const padded = [...Array.from({ length: 17 }, () => "name")];
    expect(selectWith(padded).error).toBe("syntax error");
  });
});
