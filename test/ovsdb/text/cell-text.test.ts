/**
 * cellFormatter (the text of a column's cells straight from their JSON) gives exactly what
 * cellText gives for a `{ json, type }` cell, in every cell style, for the values a server sends
 * and for the unusual ones it hands to cellText (unsorted or repeated elements, bigints, named
 * uuids, wrong types); plus the expected texts of the common cases written out.
 */
import { describe, expect, it } from "vitest";
import { cellFormatter } from "../../../src/ovsdb/text/cell-text.js";
import { type TableStyle, TablePrinter, cellText } from "../../../src/ovsdb/text/table.js";
import type { ColumnType } from "../../../src/ovsdb/schema/types.js";

const U1 = "00000000-0000-0000-0000-000000000001";
const U2 = "00000000-0000-0000-0000-000000000002";

const t = (key: string, min: number, max: number | "unlimited", value?: string): ColumnType =>
  ({ key: { type: key }, ...(value ? { value: { type: value } } : {}), min, max }) as ColumnType;

const cases: [ColumnType, unknown][] = [
  [t("string", 1, 1), "plain"],
  [t("string", 1, 1), "needs quotes"],
  [t("string", 1, 1), ""],
  [t("string", 1, 1), "true"],
  [t("string", 1, 1), U1],
  [t("string", 1, 1), 'a "q" \\ \n é'],
  [t("string", 1, 1), 5],
  [t("string", 0, 1), ["set", []]],
  [t("string", 0, 1), ["set", ["x"]]],
  [t("string", 0, 1), ["set", ["x", "y"]]],
  [t("string", 0, "unlimited"), "x"],
  [t("string", 0, "unlimited"), ["set", ["a", "b c"]]],
  [t("string", 0, "unlimited"), ["set", ["b", "a"]]],
  [t("string", 0, "unlimited"), ["set", ["a", "a"]]],
  [t("string", 0, "unlimited"), ["set", "a"]],
  [t("integer", 1, 1), 42],
  [t("integer", 1, 1), -0],
  [t("integer", 1, 1), 2 ** 60],
  [t("integer", 1, 1), 9223372036854775807n],
  [t("integer", 1, 1), 1.5],
  [t("real", 1, 1), 0.30000000000000004],
  [t("real", 1, 1), 1e-7],
  [t("real", 1, 1), 3],
  [t("boolean", 1, 1), true],
  [t("boolean", 1, 1), false],
  [t("boolean", 1, 1), "true"],
  [t("uuid", 1, 1), ["uuid", U1]],
  [t("uuid", 1, 1), ["uuid", U1.toUpperCase().replace("0000-0000-0000-0000", "ABCD-0000-0000-0000")]],
  [t("uuid", 1, 1), ["named-uuid", "row1"]],
  [t("uuid", 1, 1), ["uuid", "not-a-uuid"]],
  [t("uuid", 0, "unlimited"), ["set", [["uuid", U1], ["uuid", U2]]]],
  [t("uuid", 0, "unlimited"), ["set", [["uuid", U2], ["uuid", U1]]]],
  [t("string", 0, "unlimited", "string"), ["map", []]],
  [t("string", 0, "unlimited", "string"), ["map", [["a", "1 2"], ["b", "x"]]]],
  [t("string", 0, "unlimited", "string"), ["map", [["b", "x"], ["a", "y"]]]],
  [t("string", 0, "unlimited", "string"), ["map", [["a", "x"], ["a", "y"]]]],
  [t("string", 0, "unlimited", "integer"), ["map", [["k", 1], ["l", 2 ** 60]]]],
  [t("string", 0, "unlimited", "string"), ["map", [["a"]]]],
  [t("string", 0, "unlimited", "string"), "notamap"],
  [t("integer", 0, "unlimited", "uuid"), ["map", [[1, ["uuid", U1]], [2, ["uuid", U2]]]]],
];

describe("cellFormatter", () => {
  for (const cell of ["string", "bare", "json"] as const) {
    it(`equals cellText for every case, --data=${cell}`, () => {
      const style: TableStyle = { format: "table", cell, headings: true, pretty: false };
      for (const [type, json] of cases) {
        expect(cellFormatter(type, style)(json), `${JSON.stringify(type)} ${String(json)}`).toBe(cellText({ json, type }, style));
      }
    });
  }

  it("writes the common cases as ovsdb-client prints them", () => {
    const style: TableStyle = { format: "table", cell: "string", headings: true, pretty: false };
    const f = (type: ColumnType, json: unknown) => cellFormatter(type, style)(json);
    expect(f(t("string", 1, 1), "needs quotes")).toBe('"needs quotes"');
    expect(f(t("string", 0, "unlimited"), ["set", ["a", "b c"]])).toBe('[a, "b c"]');
    expect(f(t("string", 0, "unlimited"), "x")).toBe("[x]");
    expect(f(t("string", 0, 1), ["set", []])).toBe("[]");
    expect(f(t("string", 0, "unlimited", "string"), ["map", [["a", "1 2"], ["b", "x"]]])).toBe('{a="1 2", b=x}');
    expect(f(t("uuid", 0, "unlimited"), ["set", [["uuid", U1], ["uuid", U2]]])).toBe(`[${U1}, ${U2}]`);
    expect(f(t("real", 1, 1), 0.30000000000000004)).toBe("0.3");
    const bare = cellFormatter(t("string", 0, "unlimited", "string"), { ...style, cell: "bare" });
    expect(bare(["map", [["a", "1 2"], ["b", "x"]]])).toBe("a=1 2 b=x");
  });
});

describe("TablePrinter.writeTexts", () => {
  const headings = ["a", "bb", "c"];
  const texts = [
    ["1", "x", ""],
    ["22", "", ""],
    ["é", "y, z", "\"q\""],
  ];
  for (const format of ["table", "list", "csv", "html"] as const) {
    for (const headingsOn of [true, false]) {
      it(`prints what format() prints for text cells: ${format}${headingsOn ? "" : ", no headings"}, two tables`, () => {
        const style: TableStyle = { format, cell: "string", headings: headingsOn, pretty: false };
        const a = new TablePrinter(style);
        const b = new TablePrinter(style);
        let written = "";
        for (const caption of ["T1 table", "T2 table"]) {
          a.writeTexts({ caption, headings, rows: texts.length, text: (x, y) => texts[y]![x]! }, (s) => (written += s));
        }
        const expected = ["T1 table", "T2 table"].map((caption) => b.format({ caption, headings, rows: texts.map((r) => r.map((text) => ({ text }))) })).join("");
        expect(written).toBe(expected);
      });
    }
  }
  it("refuses the json format", () => {
    const p = new TablePrinter({ format: "json", cell: "string", headings: true, pretty: false });
    expect(() => p.writeTexts({ headings: ["a"], rows: 0, text: () => "" }, () => undefined)).toThrow(TypeError);
  });
});
