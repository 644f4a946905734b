/** The options reader of the commands that mirror no OVS tool (server, trace, exporter, demo): node:util parseArgs, their own wording. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/io.js";
import { readOptions } from "../../src/cli/options.js";
import { parseServerArgs } from "../../src/cli/server.js";

const OPTIONS = { help: { type: "boolean", short: "h" }, db: { type: "string" }, ct: { type: "string" }, json: { type: "boolean" } } as const;
const errors = { unknown: (a: string) => new UsageError(`unknown option '${a}'`), missingValue: (o: string) => new UsageError(`${o} needs a value`) };
const read = (argv: string[], operands = true) => readOptions(argv, OPTIONS, errors, { operands, stopAt: ["help"] }).map((e) => (e.kind === "operand" ? e.value : `${e.name}=${e.value}`));

describe("readOptions", () => {
  it("reads --opt=V, --opt V, flags and operands in command-line order; repeated options each time", () => {
    expect(read(["a", "--db=unix:x", "--ct", "new", "b", "--json", "--ct=est"])).toEqual(["a", "db=unix:x", "ct=new", "b", "json=undefined", "ct=est"]);
  });

  it("the first bad argument, as written, in the command's words", () => {
    expect(() => read(["--db=x", "--bogus=1", "--nope"])).toThrow("unknown option '--bogus=1'");
    expect(() => read(["--json=yes"])).toThrow("unknown option '--json=yes'");
    expect(() => read(["-x"])).toThrow("unknown option '-x'");
    expect(() => read(["--", "a"])).toThrow("unknown option '--'");
    expect(() => read(["a"], false)).toThrow("unknown option 'a'");
    expect(() => read(["--ct"])).toThrow("--ct needs a value");
    // an inherited property name is no option
    expect(() => read(["--constructor"])).toThrow("unknown option '--constructor'");
  });

  it("stops at --help / -h: what follows is not read", () => {
    expect(read(["-h", "--bogus"])).toEqual(["help=undefined"]);
    expect(() => read(["--bogus", "--help"])).toThrow("unknown option '--bogus'");
  });
});

describe("parseServerArgs", () => {
  it("keeps its options, aliases and messages", () => {
    expect(parseServerArgs(["--schema", "OVN_Northbound", "--remote=punix:/tmp/x.sock", "--fsync", "--no-history"])).toEqual({ schemas: ["OVN_Northbound"], remotes: ["punix:/tmp/x.sock"], dbFiles: [], fsync: true, history: false, tls: {} });
    expect(parseServerArgs(["--schema", "S", "--remote", "pssl:0", "-p", "k.pem", "-c", "c.pem", "-C", "ca.pem"])).toMatchObject({ tls: { privateKey: "k.pem", certificate: "c.pem", caCert: "ca.pem" } });
    expect(parseServerArgs(["--schema", "S", "-h", "--bogus"])).toBe("help");
    expect(() => parseServerArgs(["--schema"])).toThrow("--schema needs a value");
    expect(() => parseServerArgs(["--shema", "S"])).toThrow("unknown option '--shema' (use --help for help)");
    expect(() => parseServerArgs(["S"])).toThrow("unknown option 'S' (use --help for help)");
    expect(() => parseServerArgs(["--schema", "S"])).toThrow("at least one --remote is required");
  });
});
