/**
 * The differential conformance corpus: scenarios of transactions on the `Conformance` schema
 * (conformance.ovsschema), valid ones and ones that must fail for each error kind. The suite runs
 * them against the embedded server and a real ovsdb-server and compares results, errors and final
 * contents with UUIDs normalized.
 */

/** One scenario: transactions run in order on an emptied database. */
export interface Scenario {
  readonly name: string;
  readonly steps: readonly (readonly unknown[])[];
}

const U0 = "11111111-1111-1111-1111-111111111111";

const ins = (table: string, row: object, extra: object = {}) => ({ op: "insert", table, row, ...extra });
const sel = (table: string, where: unknown[] = [], columns?: unknown[]) => (columns ? { op: "select", table, where, columns } : { op: "select", table, where });
const mut = (table: string, where: unknown[], mutations: unknown) => ({ op: "mutate", table, where, mutations });
const upd = (table: string, where: unknown[], row: object) => ({ op: "update", table, where, row });
const del = (table: string, where: unknown[] = []) => ({ op: "delete", table, where });
const byName = (n: string) => [["name", "==", n]];

const CORPUS_ALL: Scenario[] = [
  {
    name: "64-bit integers",
    steps: [
      [ins("Other", { a: 9223372036854775807n, b: "max" }), ins("Other", { a: -9223372036854775808n, b: "min" })],
      [sel("Other", [["a", ">", 9007199254740992n]], ["a", "b"])],
      [sel("Other", [["a", "==", -9223372036854775808n]], ["b"])],
      [mut("Other", [["b", "==", "max"]], [["a", "+=", 1]])],
      [mut("Other", [["b", "==", "min"]], [["a", "-=", 1]])],
      [mut("Other", [["b", "==", "max"]], [["a", "-=", 9223372036854775807n]])],
      [mut("Other", [["b", "==", "min"]], [["a", "/=", -1]])],
      [mut("Other", [["b", "==", "min"]], [["a", "*=", -1]])],
      [mut("Other", [["b", "==", "min"]], [["a", "%=", 2]])],
      [ins("Other", { a: 9223372036854775808n, b: "over" })],
      [ins("Other", { a: 9007199254740993n, b: "just past 2^53" }), sel("Other", [], ["a", "b"])],
    ],
  },
  {
    name: "insert and select basic values",
    steps: [
      [ins("Root", { name: "a", i: 5, r: 1.5, b: true, opt: 3, iset: ["set", [3, 1, 2]], sset: ["set", ["x"]], color: "red", short: "abcd", smap: ["map", [["k", "v"], ["a", "b"]]], imap: ["map", [[2, "y"], [1, "x"]]] })],
      [sel("Root")],
      [sel("Root", byName("a"), ["name", "iset", "smap", "_uuid"])],
      [sel("Root", [["i", ">", 4], ["r", "<=", 1.5]], ["name"])],
      [sel("Root", [["iset", "includes", ["set", [1, 3]]]], ["name"])],
      [sel("Root", [["iset", "excludes", 7]], ["name"])],
      [sel("Root", [["smap", "includes", ["map", [["k", "v"]]]]], ["name"])],
      [sel("Root", [["opt", "!=", ["set", []]]], ["name"])],
      [sel("Root", [["color", "==", "red"], ["b", "==", false]], ["name"])],
    ],
  },
  {
    name: "defaults of every column shape",
    steps: [[ins("Root", { name: "d" }), ins("Other", { a: 1 }), ins("WeakOne", {})], [sel("Root"), sel("Other")]],
  },
  {
    name: "operation parse errors",
    steps: [
      [{ op: "bogus" }],
      [{ op: "insert" }],
      [{ op: "insert", table: "Nope", row: {} }],
      [{ op: "insert", table: "Root", row: { name: "a" }, extra: 1 }],
      [{ op: "insert", table: "Root", row: { name: "a" }, "uuid-name": "0bad" }],
      [{ op: "insert", table: 5, row: {} }],
      [{ table: "Root" }],
      [{ op: "select", table: "Root" }],
      [{ op: "select", table: "Root", where: {} }],
      [{ op: "commit" }],
      [{ op: "commit", durable: "yes" }],
      [{ op: "comment" }],
      [{ op: "assert" }],
      [{ op: "comment", comment: "hi" }, { op: "bogus" }, { op: "comment", comment: "never" }],
    ],
  },
  {
    name: "value errors",
    steps: [
      [ins("Root", { zz: 1 }), { op: "comment", comment: "x" }],
      [ins("Root", { name: "a", i: 1000 })],
      [ins("Root", { name: "a", i: -101 })],
      [ins("Root", { name: "a", color: "pink" })],
      [ins("Root", { name: "a", sset: ["set", ["a", "b", "c", "d"]] })],
      [ins("Root", { name: "a", i: "x" })],
      [ins("Root", { name: "a", r: "x" })],
      [ins("Root", { name: "a", b: 1 })],
      [ins("Root", { name: 7 })],
      [ins("Root", { name: ["set", []] })],
      [ins("Root", { name: ["set", ["a", "b"]] })],
      [ins("Root", { name: "a", smap: ["map", [["a", "1"], ["a", "2"]]] })],
      [ins("Root", { name: "a", iset: ["set", [1, 1]] })],
      [ins("Root", { name: "a", short: "toolong" })],
      [ins("Root", { name: "a", imap: ["map", [[1, "x"], [2, "y"], [3, "x"]]] })],
      [ins("Root", { name: "a", imap: ["map", [[1, "z"]]] })],
      [ins("Root", { name: "a", one_kid: "x" })],
      [ins("Root", { name: "a", one_kid: ["uuid", "nope"] })],
      [ins("Root", { name: "a", smap: "x" })],
      [ins("Root", { name: "a", smap: ["map", [["a"]]] })],
      [ins("Root", { name: "a", rset: ["set", [11]] })],
      [ins("Root", { name: "a", iset: ["set", 1] })],
      [ins("Root", { name: "a", kids: ["named-uuid", "nowhere"] })],
      [ins("Root", { name: "a", kids: ["uuid", U0] })],
    ],
  },
  {
    name: "uuid-name and uuid",
    steps: [
      [ins("Root", { name: "a" }, { "uuid-name": "x" }), ins("Root", { name: "b" }, { "uuid-name": "x" })],
      [ins("Root", { name: "a" }, { uuid: U0 })],
      [ins("Root", { name: "b" }, { uuid: U0 })],
      [ins("Root", { name: "c" }, { uuid: "nope" })],
      [ins("Root", { name: "p", kids: ["named-uuid", "k"] }), ins("Child", { n: 1 }, { "uuid-name": "k" })],
      [ins("Child", { n: 2 }, { "uuid-name": "k2" }), ins("Root", { name: "q", kids: ["set", [["named-uuid", "k2"]]], one_kid: ["named-uuid", "k2"] })],
      [sel("Root", [], ["name", "kids", "one_kid"]), sel("Child", [], ["n"])],
      [sel("Root", [["kids", "==", ["named-uuid", "k"]]])],
    ],
  },
  {
    name: "update, mutate and delete",
    steps: [
      [ins("Root", { name: "a", i: 1, iset: ["set", [1, 2]], smap: ["map", [["a", "1"]]] }), ins("Root", { name: "b", i: 2 })],
      [upd("Root", byName("a"), { i: 7, color: "blue" }), sel("Root", [], ["name", "i", "color"])],
      [upd("Root", [], { r: 2.5 })],
      [upd("Root", byName("none"), { i: 3 })],
      [upd("Root", [], { fixed: "x" })],
      [upd("Root", byName("none"), { fixed: "x" })],
      [upd("Root", [], { _uuid: ["uuid", U0] })],
      [upd("Root", [], { _version: ["uuid", U0] })],
      [upd("Root", [], { zz: 1 })],
      [upd("Root", byName("a"), { i: 7 }), sel("Root", byName("a"), ["i"])],
      [mut("Root", byName("a"), [["i", "+=", 3], ["iset", "insert", ["set", [5, 6]]], ["smap", "insert", ["map", [["a", "9"], ["b", "2"]]]]])],
      [mut("Root", byName("a"), [["iset", "delete", 1], ["smap", "delete", ["set", ["b"]]]]), sel("Root", byName("a"), ["i", "iset", "smap"])],
      [mut("Root", byName("a"), [["smap", "delete", ["map", [["a", "2"]]]]]), mut("Root", byName("a"), [["smap", "delete", ["map", [["a", "1"]]]]]), sel("Root", byName("a"), ["smap"])],
      [mut("Root", [], [["i", "*=", 2], ["r", "/=", 2]]), sel("Root", [], ["name", "i", "r"])],
      [mut("Root", [], [["i", "-=", 1], ["i", "%=", 3]]), sel("Root", [], ["name", "i"])],
      [mut("Root", byName("a"), [["iset", "*=", 0]])],
      [mut("Root", byName("a"), [["iset", "+=", 1]]), sel("Root", byName("a"), ["iset"])],
      [del("Root", byName("b")), sel("Root", [], ["name"])],
      [del("Root", byName("none"))],
    ],
  },
  {
    name: "mutation errors",
    steps: [
      [ins("Root", { name: "a", i: 1, r: 1 })],
      [mut("Root", [], [["i", "/=", 0]])],
      [mut("Root", [], [["i", "%=", 0]])],
      [mut("Root", [], [["r", "/=", 0]])],
      [mut("Root", [], [["i", "+=", 1000]])],
      [mut("Root", [], [["i", "+=", 99]])],
      [mut("Root", [], [["r", "%=", 2]])],
      [mut("Root", [], [["smap", "+=", 2]])],
      [mut("Root", [], [["name", "insert", "x"]])],
      [mut("Root", [], [["name", "+=", "x"]])],
      [mut("Root", [], [["b", "+=", 1]])],
      [mut("Root", [], [["sset", "insert", ["set", ["a", "b", "c", "d"]]]])],
      [mut("Root", [], [["sset", "insert", ["set", ["a", "b"]]]]), mut("Root", [], [["sset", "insert", ["set", ["c", "d"]]]])],
      [mut("Root", [], [["imap", "insert", ["map", [[1, "x"], [2, "x"]]]]]), mut("Root", [], [["imap", "insert", ["map", [[3, "x"]]]]])],
      [mut("Root", [], [["opt", "insert", ["set", [1]]]]), mut("Root", [], [["opt", "insert", 2]])],
      [mut("Root", [], [["iset", "insert", ["set", [1, 2]]]]), mut("Root", [], [["iset", "*=", 0]])],
      [mut("Root", [], [["r", "*=", 1e308]]), mut("Root", [], [["r", "*=", 1e308]])],
      [mut("Root", [], [["i", "??", 1]])],
      [mut("Root", [], [["zz", "+=", 1]])],
      [mut("Root", [], [["fixed", "insert", "x"]])],
      [mut("Root", [], [["imap", "insert", ["map", [[1, "z"]]]]])],
      [mut("Root", [], [["rset", "insert", ["set", [1.5, 2]]]]), mut("Root", [], [["rset", "*=", 6]])],
      [mut("Root", [], [["i", "+=", 1.5]])],
      [mut("Root", [], [["i", "+="]])],
      [mut("Root", [], [["color", "insert", "pink"]])],
      [mut("Root", [], [["weak", "insert", ["uuid", U0]]]), sel("Root", [], ["weak"])],
      [sel("Root", [], ["name", "i", "r", "sset", "imap", "opt", "iset", "rset"])],
    ],
  },
  {
    name: "condition errors",
    steps: [
      [ins("Root", { name: "a" })],
      [sel("Root", [["nope", "==", 1]])],
      [sel("Root", [["name", "<", "a"]])],
      [sel("Root", [["iset", "<", 1]])],
      [sel("Root", [["name", "~", "a"]])],
      [sel("Root", [["name", "=="]])],
      [sel("Root", [["name", "==", 1]])],
      [sel("Root", [["color", "==", "pink"]])],
      [sel("Root", [], ["zz"])],
      [sel("Root", [], ["name", 5])],
      [sel("Root", [["_uuid", "!=", ["uuid", U0]]], ["name"])],
      [sel("Root", [["opt", "<", 3]], ["name"])],
    ],
  },
  {
    name: "references, garbage collection and weak references",
    steps: [
      [ins("Root", { name: "a", kids: ["named-uuid", "k"] }), ins("Child", { n: 1, grand: ["named-uuid", "g"] }, { "uuid-name": "k" }), ins("Grand", { v: "g" }, { "uuid-name": "g" })],
      [ins("Child", { n: 99 })],
      [sel("Child", [], ["n"]), sel("Grand", [], ["v"])],
      [del("Child")],
      [del("Grand")],
      [upd("Root", byName("a"), { kids: ["set", []] }), sel("Child", [], ["n"]), sel("Grand", [], ["v"])],
      [sel("Child", [], ["n"]), sel("Grand", [], ["v"])],
      [ins("Other", { a: 1 }, { "uuid-name": "o" }), ins("Root", { name: "w", weak: ["named-uuid", "o"] }), ins("Other", { a: 2, peer: ["named-uuid", "o"] })],
      [sel("Root", byName("w"), ["weak"])],
      [del("Other", [["a", "==", 1]]), sel("Root", byName("w"), ["weak"]), sel("Other", [], ["a", "peer"])],
      [sel("Root", byName("w"), ["weak"]), sel("Other", [], ["a", "peer"])],
      [ins("WeakOne", { ref: ["uuid", U0] })],
      [ins("WeakOne", {})],
      [ins("Other", { a: 5 }, { "uuid-name": "o" }), ins("WeakOne", { ref: ["named-uuid", "o"] })],
      [del("Other", [["a", "==", 5]])],
      [ins("Root", { name: "z", kids: ["uuid", U0] })],
    ],
  },
  {
    name: "maxRows and unique indexes",
    steps: [
      [ins("Other", { a: 1 }), ins("Other", { a: 2 }), ins("Other", { a: 3 }), ins("Other", { a: 4 })],
      [ins("Other", { a: 1, b: "x" }), ins("Other", { a: 1, b: "x" })],
      [ins("Other", { a: 1, b: "x" })],
      [ins("Other", { a: 1, b: "x" })],
      [ins("Other", { a: 2, b: "y" }), upd("Other", [["a", "==", 2]], { a: 1, b: "x" })],
      [upd("Other", [["a", "==", 2]], { a: 3 }), ins("Other", { a: 2, b: "y" })],
      [ins("Root", { name: "a" })],
      [ins("Root", { name: "a" })],
      [del("Root", byName("a")), ins("Root", { name: "a" })],
      [sel("Other", [], ["a", "b"]), sel("Root", [], ["name"])],
      [ins("Other", { a: 7 }), ins("Other", { a: 8 })],
      [ins("Root", { name: "n1" }), ins("Root", { name: "n2" })],
      [upd("Root", byName("n1"), { name: "n3" }), ins("Root", { name: "n3" })],
      [upd("Root", byName("n1"), { i: 3 }), ins("Root", { name: "n1" })],
      [ins("Root", { name: "n4" }), upd("Root", byName("n2"), { name: "n4" })],
      [upd("Root", byName("n2"), { name: "n5" }), upd("Root", byName("n1"), { name: "n5" })],
      [upd("Other", [["a", "==", 1]], { a: 9, b: "z" }), ins("Other", { a: 9, b: "z" })],
      [del("Other", [["a", "==", 3]]), ins("Other", { a: 9 }), sel("Other", [], ["a"])],
    ],
  },
  {
    name: "wait, assert, abort, commit, comment",
    steps: [
      [ins("Root", { name: "a" })],
      [{ op: "wait", table: "Root", where: [], columns: ["name"], until: "==", rows: [{ name: "q" }], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], columns: ["name"], until: "!=", rows: [{ name: "a" }], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], columns: ["name"], until: "==", rows: [{ name: "a" }], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], columns: ["name"], until: "!=", rows: [], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], columns: ["name"], until: "<", rows: [], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], columns: ["zz"], until: "==", rows: [], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [["name", "==", "zz"]], until: "==", rows: [], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], until: "==", rows: [], timeout: 0 }],
      [{ op: "wait", table: "Root", where: [], until: "==", rows: [{ name: "a" }], timeout: 0 }],
      [{ op: "assert", lock: "foo" }],
      [ins("Root", { name: "b" }), { op: "abort" }, ins("Root", { name: "c" })],
      [{ op: "commit", durable: false }, { op: "commit", durable: true }],
      [{ op: "comment", comment: "note" }],
      [sel("Root", [], ["name"])],
    ],
  },
];

/** More edge cases, each checked against ovsdb-server. */
const EDGES: Scenario[] = [
  {
    name: "edge cases of rows, columns and conditions",
    steps: [
      [ins("Root", { name: "a", smap: ["map", [["k", "v"], ["x", "y"]]], iset: ["set", [1, 2, 3]] })],
      [ins("Root", { name: "u", _uuid: ["uuid", U0] })],
      [ins("Root", { name: "v", _version: ["uuid", U0] })],
      [upd("Root", byName("a"), {})],
      [sel("Root", byName("a"), [])],
      [sel("Root", [["name", "includes", "a"]], ["name"])],
      [sel("Root", [["name", "excludes", ["set", ["b", "c"]]]], ["name"])],
      [sel("Root", [["smap", "excludes", ["map", [["k", "v"]]]]], ["name"])],
      [sel("Root", [["smap", "==", ["map", [["k", "v"], ["x", "y"]]]]], ["name"])],
      [sel("Root", [["iset", "==", ["set", [3, 2, 1]]]], ["name"])],
      [sel("Root", [["iset", "includes", ["set", [4]]]], ["name"])],
      [sel("Root", [["_uuid", "==", ["named-uuid", "nobody"]]])],
      [sel("Root", byName("a"), ["name", "name"])],
      [mut("Root", byName("a"), [["smap", "delete", ["set", [1]]]])],
      [mut("Root", byName("a"), [["smap", "delete", ["map", [["k", 1]]]]])],
      [mut("Root", byName("a"), [["smap", "insert", ["set", ["q"]]]])],
      [mut("Root", byName("a"), [["iset", "delete", ["set", [9, 2]]]]), sel("Root", byName("a"), ["iset"])],
      [mut("Root", byName("a"), [["iset", "insert", ["map", [[1, 2]]]]])],
      [mut("Root", byName("a"), [])],
      [mut("Root", byName("a"), {})],
      [mut("Root", byName("a"), [["i", "+=", 1], ["i", "+=", 1]]), sel("Root", byName("a"), ["i"])],
      [upd("Root", byName("a"), { i: 1, name: "b" }), upd("Root", byName("b"), { i: 2 }), sel("Root", [], ["name", "i"])],
      [],
      [{ op: "select", table: "Root", where: [], columns: "name" }],
      [{ op: "select", table: "Root", where: [], columns: ["name"], extra: true }],
    ],
  },
  {
    name: "edge cases of references",
    steps: [
      [ins("Root", { name: "r1", kids: ["named-uuid", "c"] }, { "uuid-name": "r" }), ins("Child", { n: 1 }, { "uuid-name": "c" }), ins("Root", { name: "r2", kids: ["named-uuid", "c"] })],
      [del("Root", byName("r1")), sel("Child", [], ["n"])],
      [ins("Other", { a: 1 }, { "uuid-name": "o" }), ins("Root", { name: "x", one_kid: ["named-uuid", "o"] })],
      [ins("Root", { name: "y", kids: ["named-uuid", "n"] }), ins("Child", { n: 2 }, { "uuid-name": "n" }), del("Child", [["n", "==", 2]])],
      [ins("Child", { n: 3 }, { "uuid-name": "n" }), ins("Root", { name: "z", kids: ["named-uuid", "n"] }), del("Root", byName("z"))],
      [sel("Child", [], ["n"])],
      [ins("Root", { name: "q" }, { uuid: U0 }), del("Root", byName("q")), ins("Root", { name: "q2" }, { uuid: U0 })],
      [del("Root", byName("r2")), ins("Root", { name: "r3", kids: ["set", []] }), sel("Child", [], ["n"])],
      [ins("Other", { a: 2 }, { "uuid-name": "o2" }), ins("Other", { a: 3, peer: ["named-uuid", "o2"] }), del("Other", [["a", "==", 2]]), sel("Other", [], ["a", "peer"])],
      [ins("Other", { a: 4, peer: ["named-uuid", "self"] }, { "uuid-name": "self" }), sel("Other", [["a", "==", 4]], ["peer"])],
      [del("Other", [["a", "==", 4]])],
      [ins("Root", { name: "g", kids: ["named-uuid", "gc"] }), ins("Child", { n: 5, grand: ["set", [["named-uuid", "g1"], ["named-uuid", "g2"]]] }, { "uuid-name": "gc" }), ins("Grand", { v: "1" }, { "uuid-name": "g1" }), ins("Grand", { v: "2" }, { "uuid-name": "g2" })],
      [mut("Child", [["n", "==", 5]], [["grand", "delete", ["set", []]]]), sel("Grand", [], ["v"])],
      [upd("Child", [["n", "==", 5]], { grand: ["set", []] }), sel("Grand", [], ["v"])],
    ],
  },
];

CORPUS_ALL.push(...EDGES);

/** Every scenario of the corpus. */
export const CORPUS: readonly Scenario[] = CORPUS_ALL;

/** Tables emptied before each scenario (root tables; the rest are garbage collected). */
export const RESET: readonly unknown[] = [del("Root"), del("Other"), del("WeakOne")];
