/**
 * A standard output closed by its reader (`ovn-ts ... | head -1`) on every CLI, as a shell sees it:
 * the CLI runs as its own process whose stdout pipe is closed before it writes. Each one ends as the
 * OVS tool it mirrors does (ovsdb-client, ovs-ofctl: `write to stdout failed`, status 1; ovn-nbctl:
 * its own status, silent; ovsdb-server: keeps serving), never with a Node stack trace, and leaves no
 * `ovn-ts-*` directory in its TMPDIR. Where the real tool is installed it runs the same way beside.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { bundledSchema, bundledSchemaPath } from "../../src/ovsdb/schema/bundled.js";
import { OvsdbServer } from "../../src/ovsdb/server/server.js";
import { startOvnSandbox, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const VITE_NODE = fileURLToPath(new URL("../../node_modules/.bin/vite-node", import.meta.url));
const RUN_CLI = fileURLToPath(new URL("./run-cli.ts", import.meta.url));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** What was left in the child's TMPDIR. */
  left: string[];
}

/**
 * A `sh` that waits for a line on fd 3 before it becomes `PROGRAM ARGS`: the caller closes its read end
 * of the stdout pipe first, then releases it, so the program's first write always meets a pipe with no
 * reader. (Closing the read end right after spawning raced with a fast program such as `ovs-appctl`,
 * whose small output could land in the pipe before the close and end with status 0.)
 */
const GATE = 'read _ <&3; exec 3<&-; exec "$@"';

/**
 * Runs `program ARGS` with its stdout pipe closed on our side before it starts (the reader is gone
 * before the program writes: `| head -0`, deterministic), in a fresh TMPDIR. `during` runs while it
 * is alive.
 */
function runClosed(program: string, args: readonly string[], during?: (child: ReturnType<typeof spawn>) => Promise<void>): Promise<Ended> {
  const tmp = mkdtempSync(join(tmpdir(), "closed-stdout-"));
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", GATE, "sh", program, ...args], { stdio: ["ignore", "pipe", "pipe", "pipe"], env: { ...process.env, TMPDIR: tmp, NO_COLOR: "1" } });
    const gate = child.stdio[3] as NodeJS.WritableStream & { on(e: "error", f: () => void): void };
    gate.on("error", () => {});
    child.stdout!.once("close", () => gate.end("\n"));
    child.stdout!.destroy();
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const left = readdirSync(tmp).filter((f) => !f.startsWith("vite-node") && !f.startsWith("node-compile-cache"));
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code, signal, stderr, left });
    });
    if (during) during(child).catch(reject);
  });
}

const ovnTs = (args: readonly string[], during?: (child: ReturnType<typeof spawn>) => Promise<void>) => runClosed(VITE_NODE, [RUN_CLI, "--", ...args], during);

/** The closed-stdout outcome ovsdb-client and ovs-ofctl give (`TOOL: write to stdout failed`, status 1). */
function expectWriteFailed(r: Ended, tool: string): void {
  expect(r.stderr).toBe(`${tool}: write to stdout failed\n`);
  expect(r.code).toBe(1);
  expect(r.left).toEqual([]);
}

let dir = "";
let sock = "";
let server: OvsdbServer;
let flows = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ovn-ts-closed-"));
  sock = join(dir, "db.sock");
  server = new OvsdbServer();
  server.addDatabase(bundledSchema("OVN_Northbound"));
  await server.listen(`punix:${sock}`);
  // enough rows that the real tools' output overflows both their stdio buffers and the 64 KiB pipe
  // (they report a failed write only when they notice it: what fits in the pipe before our side is
  // closed is written successfully, so an output near 64 KiB passed or failed by timing)
  const client = await OvsdbClient.connect(`unix:${sock}`);
  const ports = Array.from({ length: 1500 }, (_, i) => ({ op: "insert" as const, table: "Logical_Switch_Port", row: { name: `p${i}`, addresses: `00:00:00:00:01:${(i % 256).toString(16).padStart(2, "0")} 10.0.${i >> 8}.${i % 256}` }, "uuid-name": `p${i}` }));
  await client.transact("OVN_Northbound", [...ports, { op: "insert", table: "Logical_Switch", row: { name: "sw0", ports: ["set", ports.map((p) => ["named-uuid", p["uuid-name"]] as ["named-uuid", string])] } }]);
  client.close();
  flows = join(dir, "flows.txt");
  writeFileSync(flows, Array.from({ length: 3000 }, (_, i) => `priority=${i},ip,nw_src=10.0.0.${i % 250},actions=drop\n`).join(""));
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a closed stdout on every ovn-ts CLI", () => {
  it("ovn-ts --help: write to stdout failed, status 1", async () => {
    expectWriteFailed(await ovnTs(["--help"]), "ovn-ts");
  }, 90_000);

  it("ovsdb dump: as ovsdb-client (write to stdout failed, status 1)", async () => {
    expectWriteFailed(await ovnTs(["ovsdb", "dump", `unix:${sock}`]), "ovn-ts ovsdb");
  }, 90_000);

  it("ovsdb monitor (long-running): stops by itself, write to stdout failed, status 1", async () => {
    const m = await ovnTs(["ovsdb", "monitor", `unix:${sock}`, "OVN_Northbound", "Logical_Switch_Port"]);
    expectWriteFailed(m, "ovn-ts ovsdb");
  }, 90_000);

  it.skipIf(!peers("ovsdb-client"))("ovsdb-client dump itself ends the same way", async () => {
    expectWriteFailed(await runClosed("ovsdb-client", ["dump", `unix:${sock}`]), "ovsdb-client");
  }, 90_000);

  it("nbctl show and list: as ovn-nbctl (its own status, nothing on stderr)", async () => {
    for (const args of [["show"], ["list", "Logical_Switch_Port"]]) {
      const r = await ovnTs(["nbctl", `--db=unix:${sock}`, ...args]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.left).toEqual([]);
    }
  }, 90_000);

  it.skipIf(!peers("ovn-nbctl"))("ovn-nbctl itself ends the same way", async () => {
    const r = await runClosed("ovn-nbctl", [`--db=unix:${sock}`, "list", "Logical_Switch_Port"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  }, 90_000);

  it("ofctl parse-flows: as ovs-ofctl (write to stdout failed, status 1)", async () => {
    expectWriteFailed(await ovnTs(["ofctl", "parse-flows", flows]), "ovn-ts ofctl");
  }, 90_000);

  it.skipIf(!peers("ovs-ofctl"))("ovs-ofctl parse-flows itself ends the same way", async () => {
    expectWriteFailed(await runClosed("ovs-ofctl", ["parse-flows", flows]), "ovs-ofctl");
  }, 90_000);

  it("geneve encode: write to stdout failed, status 1", async () => {
    const inner = "ffffffffffff0000000000010806" + "00".repeat(28);
    expectWriteFailed(await ovnTs(["geneve", "encode", "--vni", "5", "--inner", inner]), "ovn-ts geneve");
  }, 90_000);

  it.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovn-trace"))("trace (a real trace): write to stdout failed, status 1", async () => {
    const ovn = await startOvnSandbox();
    try {
      await ovn.nbctl("ls-add", "sw", "--", "lsp-add", "sw", "p1", "--", "lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.1", "--", "lsp-add", "sw", "p2", "--", "lsp-set-addresses", "p2", "00:00:00:00:00:02 10.0.0.2");
      await ovn.sync();
      expectWriteFailed(await ovnTs(["trace", `--db=${ovn.nb}`, `--sb=${ovn.sb}`, "p1", "10.0.0.2"]), "ovn-ts trace");
    } finally {
      await ovn.stop();
    }
  }, 90_000);

  it("trace --help: write to stdout failed, status 1", async () => {
    expectWriteFailed(await ovnTs(["trace", "--help"]), "ovn-ts trace");
  }, 90_000);

  it("codegen --stdout: write to stdout failed, status 1", async () => {
    expectWriteFailed(await ovnTs(["codegen", bundledSchemaPath("OVN_Northbound"), "--stdout"]), "ovn-ts codegen");
  }, 90_000);

  it("demo --once: write to stdout failed, status 1, its temp dir removed", async () => {
    expectWriteFailed(await ovnTs(["demo", "--once"]), "ovn-ts demo");
  }, 90_000);

  it("demo (serving): stops by itself, write to stdout failed, status 1, its socket dir removed", async () => {
    expectWriteFailed(await ovnTs(["demo"]), "ovn-ts demo");
  }, 90_000);

  it.skipIf(!peers("ovsdb-server", "ovs-appctl"))("appctl: as ovs-appctl, which dies of SIGPIPE (status 141 in a shell, nothing on stderr)", async () => {
    const real = await startOvsdbServer({ schema: "OVN_Northbound" });
    try {
      const ctl = join(real.dir, "ovsdb-server.ctl");
      const theirs = await runClosed("ovs-appctl", ["-t", ctl, "coverage/show"]);
      expect({ signal: theirs.signal, stderr: theirs.stderr }).toEqual({ signal: "SIGPIPE", stderr: "" });
      const mine = await ovnTs(["appctl", "-t", ctl, "coverage/show"]);
      expect({ code: mine.code, stderr: mine.stderr, left: mine.left }).toEqual({ code: 141, stderr: "", left: [] });
    } finally {
      await real.stop();
    }
  }, 90_000);

  it("exporter --once: write to stdout failed, status 1", async () => {
    expectWriteFailed(await ovnTs(["exporter", "--once"]), "ovn-ts exporter");
  }, 90_000);

  it("apply and diff: the apply completes (nothing half-written), then write to stdout failed, status 1", async () => {
    const manifests = fileURLToPath(new URL("../model/fixtures/base.yaml", import.meta.url));
    const own = join(dir, "apply.sock");
    const target = new OvsdbServer();
    target.addDatabase(bundledSchema("OVN_Northbound"));
    await target.listen(`punix:${own}`);
    try {
      expectWriteFailed(await ovnTs(["apply", `--db=unix:${own}`, "-f", manifests]), "ovn-ts apply");
      const client = await OvsdbClient.connect(`unix:${own}`);
      const [rows] = (await client.transactRaw("OVN_Northbound", [{ op: "select", table: "Logical_Switch", where: [], columns: ["name"] }])) as [{ rows: { name: string }[] }];
      client.close();
      expect(rows.rows.map((r) => r.name).sort()).toEqual(["ovn-default", "web"]);
      // everything was applied: a diff has nothing to show (status 0) and prints nothing, so a closed stdout is no failure
      const d = await ovnTs(["diff", `--db=unix:${own}`, "-f", manifests]);
      expect({ code: d.code, stderr: d.stderr }).toEqual({ code: 0, stderr: "" });
    } finally {
      await target.close();
    }
  }, 90_000);

  it("server: as ovsdb-server, which never writes to stdout, keeps serving; SIGINT stops it with status 0", async () => {
    const own = join(dir, "own.sock");
    const r = await ovnTs(["server", "--schema", "OVN_Northbound", "--remote", `punix:${own}`], async (child) => {
      const client = await waitConnect(`unix:${own}`);
      expect(await client.call("list_dbs", [])).toContain("OVN_Northbound");
      client.close();
      child.kill("SIGINT");
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.left).toEqual([]);
  }, 90_000);

  it("server: a SIGINT sent the moment its socket exists stops it with status 0 (handlers in place before the bind)", async () => {
    // a client can connect as soon as the socket is bound, before the server's code runs again: a signal
    // sent then was fatal (killed by SIGINT, no status) until the handlers were installed before listening
    const own = join(dir, "early.sock");
    const r = await ovnTs(["server", "--schema", "OVN_Northbound", "--remote", `punix:${own}`], async (child) => {
      for (let i = 0; i < 30_000 && !existsSync(own); i++) await new Promise((res) => setTimeout(res, 1));
      child.kill("SIGINT");
    });
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    expect(r.left).toEqual([]);
  }, 90_000);
});

/** Connects once the socket answers (the child is still starting). Bounded: 200 tries. */
async function waitConnect(remote: string): Promise<OvsdbClient> {
  let last: unknown;
  for (let i = 0; i < 200; i++) {
    try {
      return await OvsdbClient.connect(remote, { reconnect: false });
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}
