import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memoryIo } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { parseServerArgs, startServerFromArgs } from "../../../src/cli/server.js";
import { makeTempDir, removeDir, run, waitFor } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

describe("ovn-ts server arguments", () => {
  it("prints help and rejects bad usage with status 1", async () => {
    const io = memoryIo();
    expect(await main(["server", "--help"], io)).toBe(0);
    expect(io.stdout).toContain("usage: ovn-ts server --schema");
    const bad = memoryIo();
    expect(await main(["server", "--schema", "OVN_Northbound"], bad)).toBe(1);
    expect(bad.stderr).toContain("--remote is required");
    const bad2 = memoryIo();
    expect(await main(["server", "--frob"], bad2)).toBe(1);
    expect(bad2.stderr).toContain("unknown option '--frob'");
    expect(() => parseServerArgs(["--schema"])).toThrow(/needs a value/);
    expect(parseServerArgs(["--schema=A", "--remote=ptcp:0", "--db", "f.db", "--no-history"])).toEqual({ schemas: ["A"], remotes: ["ptcp:0"], dbFiles: ["f.db"], fsync: false, history: false, tls: {} });
  });

  it("fails cleanly on a bad remote or schema", async () => {
    const bad = memoryIo();
    expect(await main(["server", "--schema", "OVN_Northbound", "--remote", "tcp:1.2.3.4:5"], bad)).toBe(1);
    expect(bad.stderr).toMatch(/unknown listening method 'tcp'/);
    const bad2 = memoryIo();
    expect(await main(["server", "--schema", "/nonexistent.ovsschema", "--remote", "ptcp:0:127.0.0.1"], bad2)).toBe(1);
    expect(bad2.stderr).toMatch(/cannot read schema/);
  });
});

describe.skipIf(!peers("ovn-nbctl"))("ovn-ts server with ovn-nbctl", () => {
  it("serves bundled schemas, persists with --db and restarts with the data", async () => {
    const dir = makeTempDir("ovn-ts-cli-");
    dirs.push(dir);
    const args = parseServerArgs(["--schema", "OVN_Northbound", "--schema", "OVN_Southbound", "--db", join(dir, "nb.db"), "--remote", `punix:${join(dir, "db.sock")}`, "--remote", "ptcp:0:127.0.0.1"]);
    if (args === "help") throw new Error("unexpected");
    const io = memoryIo();
    const first = await startServerFromArgs(args, io);
    expect(io.stdout).toMatch(/listening on punix:.*db\.sock/);
    expect(io.stdout).toMatch(/listening on ptcp:\d+:127\.0\.0\.1 \(connect with tcp:127\.0\.0\.1:\d+\)/);
    expect(io.stdout).toMatch(/serving .*OVN_Northbound/);
    expect(io.stdout).toMatch(/serving .*OVN_Southbound/);
    await run("ovn-nbctl", [`--db=${first.remotes[1]}`, "ls-add", "kept"]);
    await first.stop();
    expect(existsSync(join(dir, "db.sock"))).toBe(false);
    const second = await startServerFromArgs(args, memoryIo());
    const ls = await run("ovn-nbctl", [`--db=${second.remotes[0]}`, "ls-list"]);
    expect(ls.stdout).toMatch(/\(kept\)/);
    await second.stop();
  });
});

describe.skipIf(!peers("ovsdb-client"))("ovn-ts server as a process", () => {
  // SIGINT: vite-node (which runs the source here) installs its own SIGTERM handler that exits 143;
  // the built CLI handles SIGTERM with the same code as SIGINT.
  it("runs until SIGINT and then exits 0", async () => {
    const dir = makeTempDir("ovn-ts-cli-");
    dirs.push(dir);
    const sock = join(dir, "db.sock");
    const child = spawn(join(process.cwd(), "node_modules/.bin/vite-node"), ["test/ovsdb/server/run-cli.ts", "--", "server", "--schema", "OVN_Northbound", "--remote", `punix:${sock}`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      await waitFor("server to listen", () => out.includes("serving"), 30_000);
      const dbs = await run("ovsdb-client", ["list-dbs", `unix:${sock}`]);
      expect(dbs.stdout).toContain("OVN_Northbound");
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(out).toContain("ovn-ts server: stopped");
  });
});
