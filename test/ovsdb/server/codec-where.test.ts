/**
 * compileTxnWhere (server/codec.ts) gives what the shared compileWhere gives with the server's
 * reporter, for the `_uuid ==` clause it compiles directly and for everything it passes on.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileWhere } from "../../../src/ovsdb/schema/condition.js";
import { readSchemaFile } from "../../../src/ovsdb/schema/schema.js";
import { compileTxnWhere, serverConditionReporter } from "../../../src/ovsdb/server/codec.js";

const SCHEMA = readSchemaFile(join(fileURLToPath(new URL(".", import.meta.url)), "../../conformance/conformance.ovsschema"));
const ROOT = SCHEMA.tables.get("Root")!;
const U = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

const both = (where: unknown[]) => {
  let made = 0;
  const fast = compileTxnWhere(ROOT, where, () => {
    made++;
    return serverConditionReporter();
  });
  const slow = compileWhere(ROOT, where, { reporter: serverConditionReporter() });
  return { fast, slow, made };
};

describe("compileTxnWhere", () => {
  it("compiles [[_uuid, ==, [uuid, lowercase U]]] without a reporter, to compileWhere's clauses and test", () => {
    const { fast, slow, made } = both([["_uuid", "==", ["uuid", U]]]);
    expect(made).toBe(0);
    expect(fast.clauses).toEqual(slow.clauses);
    expect(fast.clauses[0]!.type).toBe(slow.clauses[0]!.type);
    expect(fast.alwaysFalse).toBe(false);
    expect(fast.test({ _uuid: U })).toBe(true);
    expect(fast.test({ _uuid: U.replace("0", "1") })).toBe(slow.test({ _uuid: U.replace("0", "1") }));
  });

  it("passes everything else to compileWhere with the reporter, errors included", () => {
    for (const where of [
      [["_uuid", "==", ["uuid", U.toUpperCase()]]],
      [["_uuid", "!=", ["uuid", U]]],
      [["_uuid", "==", ["uuid", U]], ["name", "==", "a"]],
      [["name", "==", "a"]],
      [true, ["_uuid", "==", ["uuid", U]]],
      [],
    ]) {
      const { fast, slow, made } = both(where);
      expect(made, JSON.stringify(where)).toBe(1);
      expect(fast.clauses).toEqual(slow.clauses);
      expect(fast.alwaysFalse).toBe(slow.alwaysFalse);
    }
    for (const bad of [[["_uuid", "==", ["uuid", "not-a-uuid"]]], [["_uuid", "==", ["named-uuid", "x"]]], [["_uuid", "==", U]]]) {
      let slowError: unknown;
      try {
        compileWhere(ROOT, bad, { reporter: serverConditionReporter() });
      } catch (e) {
        slowError = e;
      }
      expect(slowError, JSON.stringify(bad)).toBeDefined();
      expect(() => compileTxnWhere(ROOT, bad, () => serverConditionReporter())).toThrow(slowError as Error);
    }
  });
});
