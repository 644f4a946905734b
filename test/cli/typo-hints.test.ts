/**
 * Typos get a "did you mean" line on stderr after the message the mirrored OVS tool prints, which
 * stays as the tool words it (compared with ovsdb-client's own when it is installed), with the
 * tool's exit status and nothing on stdout.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { closest, editDistance } from "../../src/cli/suggest.js";
import { bundledSchema } from "../../src/ovsdb/schema/bundled.js";
import { OvsdbServer } from "../../src/ovsdb/server/server.js";
import { peers } from "../support/peers.js";

let dir = "";
let remote = "";
let server: OvsdbServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ovn-ts-typo-"));
  server = new OvsdbServer();
  server.addDatabase(bundledSchema("OVN_Northbound"));
  remote = `unix:${join(dir, "nb.sock")}`;
  await server.listen(`p${remote}`);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ovnTs(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** ovsdb-client's stderr and status for the same arguments, its prefix written as ovn-ts's. */
function ovsdbClient(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile("ovsdb-client", args, { env: { ...process.env, ...env }, timeout: 30_000 }, (err, _out, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr: stderr.replace(/^ovsdb-client:/gm, "ovn-ts ovsdb:") });
    });
  });
}

describe("did you mean", () => {
  it("a misspelled database name where dump expects a table", async () => {
    const r = await ovnTs("ovsdb", "dump", remote, "OVN_Nortbound");
    expect(r).toEqual({ code: 1, stdout: "", stderr: 'ovn-ts ovsdb: No table "OVN_Nortbound" found.\novn-ts ovsdb: did you mean the database "OVN_Northbound"?\n' });
  });

  it("a misspelled table", async () => {
    const r = await ovnTs("ovsdb", "dump", remote, "OVN_Northbound", "Logical_Swich");
    expect(r).toEqual({ code: 1, stdout: "", stderr: 'ovn-ts ovsdb: No table "Logical_Swich" found.\novn-ts ovsdb: did you mean the table "Logical_Switch"?\n' });
    const m = await ovnTs("ovsdb", "monitor", remote, "OVN_Northbound", "logical_switch");
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/does not have a table named "logical_switch"\novn-ts ovsdb: did you mean the table "Logical_Switch"\?\n$/);
  });

  it("a misspelled command, of ovn-ts and of ovn-ts ovsdb", async () => {
    expect(await ovnTs("ovsdb", "lst-dbs", remote)).toEqual({ code: 1, stdout: "", stderr: "ovn-ts ovsdb: unknown command 'lst-dbs'; use --help for help\novn-ts ovsdb: did you mean 'list-dbs'?\n" });
    expect(await ovnTs("nbctrl", "show")).toEqual({ code: 1, stdout: "", stderr: "ovn-ts: unknown command 'nbctrl'; use --help for help\novn-ts: did you mean 'nbctl'?\n" });
    expect((await ovnTs("frobnicate")).stderr).toBe("ovn-ts: unknown command 'frobnicate'; use --help for help\n");
  });

  it("a socket path without unix: is taken as ovsdb-client takes it (a database name, the default socket used), with a hint", async () => {
    const rundir = mkdtempSync(join(tmpdir(), "ovn-ts-rundir-"));
    const path = remote.slice("unix:".length);
    const saved = process.env["OVS_RUNDIR"];
    process.env["OVS_RUNDIR"] = rundir;
    try {
      const r = await ovnTs("ovsdb", "dump", path);
      const failed = `ovn-ts ovsdb: failed to connect to "unix:${rundir}/db.sock" (No such file or directory)\n`;
      expect(r).toEqual({ code: 1, stdout: "", stderr: `${failed}ovn-ts ovsdb: "${path}" is not a remote, so the default unix:${rundir}/db.sock was used; did you mean unix:${path}?\n` });
      const tcp = await ovnTs("ovsdb", "list-dbs", "127.0.0.1:6641");
      expect(tcp.stderr).toBe(`${failed}ovn-ts ovsdb: "127.0.0.1:6641" is not a remote, so the default unix:${rundir}/db.sock was used; did you mean tcp:127.0.0.1:6641?\n`);
      if (peers("ovsdb-client")) {
        const real = await ovsdbClient(["dump", path], { OVS_RUNDIR: rundir });
        expect(real).toEqual({ code: 1, stderr: failed });
      }
    } finally {
      if (saved === undefined) delete process.env["OVS_RUNDIR"];
      else process.env["OVS_RUNDIR"] = saved;
      rmSync(rundir, { recursive: true, force: true });
    }
  });

  it.skipIf(!peers("ovsdb-client"))("the first line is ovsdb-client's own message and status", async () => {
    for (const args of [["dump", remote, "OVN_Nortbound"], ["dump", remote, "OVN_Northbound", "Logical_Swich"], ["lst-dbs", remote]]) {
      const ours = await ovnTs("ovsdb", ...args);
      const real = await ovsdbClient(args);
      expect(ours.code, args.join(" ")).toBe(real.code);
      expect(ours.stderr.split("\n")[0] + "\n", args.join(" ")).toBe(real.stderr);
    }
  });

  it("a misspelled option of trace, demo, server, codegen and geneve", async () => {
    const cases: [string[], string][] = [
      [["trace", "--jsn", "p1", "10.0.0.1"], "ovn-ts trace: unknown option '--jsn'\novn-ts trace: did you mean '--json'?\n"],
      [["demo", "--onse"], "ovn-ts demo: unknown argument '--onse' (use --help)\novn-ts demo: did you mean '--once'?\n"],
      [["server", "--remtoe", "punix:/x"], "ovn-ts server: unknown option '--remtoe' (use --help for help)\novn-ts server: did you mean '--remote'?\n"],
      [["codegen", "s.ovsschema", "--stdot"], "ovn-ts codegen: unknown option '--stdot' (see --help)\novn-ts codegen: did you mean '--stdout'?\n"],
      [["geneve", "decode", "--jsno", "00"], "ovn-ts geneve: unknown option '--jsno'; use --help for help\novn-ts geneve: did you mean '--json'?\n"],
      [["trace", "--zzzzzz", "p1", "10.0.0.1"], "ovn-ts trace: unknown option '--zzzzzz'\n"],
    ];
    for (const [argv, stderr] of cases) expect(await ovnTs(...argv), argv.join(" ")).toEqual({ code: 1, stdout: "", stderr });
  });

  it("a misspelled nbctl command or table: ovn-nbctl's message and status, then the hint", async () => {
    const cases: [string[], string][] = [
      [["nbctl", `--db=${remote}`, "lsp-ad", "sw", "p"], "ovn-ts nbctl: unknown command 'lsp-ad'; use --help for help\novn-ts nbctl: did you mean 'lsp-add'?\n"],
      [["nbctl", `--db=${remote}`, "list", "Logical_Swich"], 'ovn-ts nbctl: unknown table "Logical_Swich"\novn-ts nbctl: did you mean the table "Logical_Switch"?\n'],
      [["nbctl", `--db=${remote}`, "list", "Zzzzzzzz"], 'ovn-ts nbctl: unknown table "Zzzzzzzz"\n'],
    ];
    for (const [argv, stderr] of cases) expect(await ovnTs(...argv), argv.join(" ")).toEqual({ code: 1, stdout: "", stderr });
  });

  it.skipIf(!peers("ovn-nbctl"))("the first line of a misspelled nbctl command or table is ovn-nbctl's own, with its status", async () => {
    for (const args of [["lsp-ad", "sw", "p"], ["list", "Logical_Swich"]]) {
      const ours = await ovnTs("nbctl", `--db=${remote}`, ...args);
      const real = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile("ovn-nbctl", [`--db=${remote}`, ...args], (e, _out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stderr: err })),
      );
      expect(ours.code, args.join(" ")).toBe(real.code);
      expect(ours.stderr.split("\n")[0]!.replace(/^ovn-ts nbctl/, "ovn-nbctl") + "\n", args.join(" ")).toBe(real.stderr);
    }
  });

  it("closest: edit distance with transpositions, case-insensitive, only near names", () => {
    expect(editDistance("nbclt", "nbctl")).toBe(1);
    expect(editDistance("OVN_Nortbound", "OVN_Northbound")).toBe(1);
    expect(closest("logical_switch", ["Logical_Switch_Port", "Logical_Switch"])).toBe("Logical_Switch");
    expect(closest("xyz", ["ovsdb", "nbctl"])).toBeUndefined();
    expect(closest("nbctl", ["nbctl"])).toBeUndefined();
  });
});
