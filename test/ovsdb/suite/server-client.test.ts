/**
 * Cases of Open vSwitch's `tests/ovsdb-client.at`, `ovsdb-server.at` and `ovsdb-lock.at` (tag
 * v3.1.0), translated by hand (their shell steps are not a data format), as differential tests:
 *
 * - **server side**: the same `ovsdb-client` commands against a fresh `ovsdb-server` 3.1 and a fresh
 *   embedded server with the same schemas (`ovsdb-client` on ovsdb-server vs on the embedded server);
 * - **client side**: the same commands through `ovn-ts ovsdb` and through `ovsdb-client`, both
 *   against `ovsdb-server`.
 *
 * Outputs are compared after UUID normalization (`uuidfilt`), with each command's exit status.
 * What cannot agree is listed under `serverClient` in known-differences.json, with the reason.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir, removeDir, run } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";
import { uuidfilt } from "./runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const known = (JSON.parse(readFileSync(join(here, "known-differences.json"), "utf8")) as { serverClient: { id: string; side: "server" | "client"; reason: string }[] })
  .serverClient;

// ovsdb-execution.at's ordinal_schema and ovsdb-server.at's new-schema (conversion target).
const ORDINALS = {
  name: "ordinals",
  tables: { ordinals: { columns: { number: { type: "integer" }, name: { type: "string" } }, indexes: [["number"]] } },
  version: "5.1.3",
  cksum: "12345678 9",
};
const ORDINALS_NEXT = { ...ORDINALS, version: "5.1.4" };
const ORDINALS_CONVERTED = { name: "ordinals", tables: { ordinals: { columns: { number: { type: "integer" } } } } };
// ovsdb-execution.at's constraint_schema, in part (a second database for multiplexing).
const CONSTRAINTS = {
  name: "constraints",
  tables: {
    a: { columns: { a: { type: "integer" }, a2b: { type: { key: { type: "uuid", refTable: "b" }, min: 0, max: "unlimited" } } } },
    b: { columns: { b: { type: "integer" } } },
  },
};

const insertTxn = (name: string, n: number) =>
  JSON.stringify(["ordinals", { op: "insert", table: "ordinals", row: { name, number: n } }, { op: "comment", comment: `add row for ${name} ${n}` }]);
const SIX = ["zero", "one", "two", "three", "four", "five"].map((n, i) => insertTxn(n, i));

/** Which tool runs a command. */
type Tool = "ovsdb-client" | "ovn-ts";

/** A long-running command (monitor, lock): its output so far, and how to stop it. */
interface Background {
  readonly output: () => string;
  /** What it printed on stderr, each line after its last ": " (as ovsdb-server.at's `sed 's/.*: //'`). */
  readonly errors: () => string;
  /** Its control socket for `ovs-appctl -t` (ovsdb-client's RUNDIR/ovsdb-client.PID.ctl, or ovn-ts's `--unixctl`). */
  readonly control: () => string;
  stop(): Promise<string>;
}

/** Everything a case needs: the server's remote, files, and the tool to drive. */
interface Env {
  readonly remote: string;
  readonly dir: string;
  readonly tool: Tool;
  /** Runs one command to completion; records `ARGS -> STATUS` and its stdout (and stderr when it fails). */
  cmd(args: readonly string[], options?: { input?: string; sort?: boolean; record?: boolean }): Promise<string>;
  /** Starts a long-running command with `tool` (default: the case's tool). */
  start(args: readonly string[], tool?: Tool): Background;
  /** Appends a line to the record. */
  note(line: string): void;
  /** Waits until `check()` holds (bounded). */
  until(check: () => boolean, what: string): Promise<void>;
}

interface Case {
  readonly id: string;
  readonly schemas: readonly object[];
  /** The case has no `ovn-ts ovsdb` run (its steps need ovsdb-client's unixctl commands). */
  readonly serverOnly?: boolean;
  run(env: Env): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The installed OVS's vswitch schema (the one its ovs-vsctl speaks), for ovsdb-server.at's backlog case. */
const VSWITCH_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";
const VSWITCH = existsSync(VSWITCH_SCHEMA) ? (JSON.parse(readFileSync(VSWITCH_SCHEMA, "utf8")) as object) : undefined;

/** Waits (bounded, 120 s: each check is cheap, the machine may be loaded) until `check()` holds. */
async function waitLong(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * ovsdb-server.at "ovsdb-server combines updates on backlogged connections": two `monitor ALL`
 * clients, one blocked (`ovs-appctl -t CLIENT ovsdb-client/block`) while `n` rounds of three
 * `ovs-vsctl --no-wait` transactions (a counter in `system_version`, a bridge with 100 ports, its
 * deletion: about 25 kB of updates a round) are committed, then unblocked. OVS sizes `n` from
 * `rmem_max` and skips the test above 1 MiB (here 4 MiB); a unix socket's buffering is the
 * sender's `wmem_default`, so `n` is sized from that (plus 10 rounds for luck). The recorded
 * outcome is the `.at` file's checks, not the counts (they depend on timing): every update in the
 * non-blocked client's output at most once, fewer in the blocked one's, the last counter value in
 * both, and `system_version` equal to it.
 */
function backlogCase(schema: object): Case {
  return {
    id: "ovsdb-server.at:ovsdb-server combines updates on backlogged connections",
    schemas: [schema],
    run: async (e) => {
      const wmem = Number(readFileSync("/proc/sys/net/core/wmem_default", "utf8").trim()) || 212_992;
      const n = Math.floor(wmem / 25_000) + 10;
      const nUpdates = n * 3 + 1;
      const vsctl = (...args: string[]) => run("ovs-vsctl", [`--db=${e.remote}`, "--no-wait", ...args], { timeoutMs: 120_000 });
      await vsctl("init");
      const ports = Array.from({ length: 100 }, (_, j) => ["--", "add-port", "br0", `p${j + 1}`]).flat();
      const nonblock = e.start(["monitor", e.remote, "Open_vSwitch", "ALL"]);
      const blocked = e.start(["monitor", e.remote, "Open_vSwitch", "ALL"]);
      await waitLong(() => nonblock.output().includes("Open_vSwitch") && blocked.output().includes("Open_vSwitch"), "both monitors' initial contents");
      const appctl = async (b: Background, command: string) => {
        const r = await run("ovs-appctl", ["-t", b.control(), command], { allowFailure: true });
        e.note(`$ ovs-appctl -t CLIENT ${command} -> ${r.code}\n${r.stdout.replace(/\n$/, "")}`);
      };
      await appctl(blocked, "ovsdb-client/block");
      for (let i = 1; i <= n; i++) {
        await vsctl("set", "open_vswitch", ".", `system_version=xyzzy${i}`);
        await vsctl("add-br", "br0", ...ports);
        await vsctl("del-br", "br0");
      }
      await appctl(blocked, "ovsdb-client/unblock");
      const last = new RegExp(`xyzzy${n}\\b`);
      await waitLong(() => last.test(blocked.output()) && last.test(nonblock.output()), `xyzzy${n} in both outputs`);
      const count = (text: string) => text.split("\n").filter((l) => l.startsWith("Open_vSwitch")).length;
      const [logged, loggedNonblock] = [count(await blocked.stop()), count(await nonblock.stop())];
      e.note(`non-blocked client's updates <= ${nUpdates} (one per transaction, plus the initial contents): ${loggedNonblock <= nUpdates}`);
      e.note(`blocked client's updates < non-blocked client's (updates combined): ${logged < loggedNonblock}`);
      e.note(`system_version: ${(await vsctl("get", "open_vswitch", ".", "system_version")).stdout.trim()}`);
    },
  };
}

const CASES: Case[] = [
  {
    id: "ovsdb-client.at:get-schema-version and get-schema-cksum",
    schemas: [ORDINALS],
    run: async (e) => {
      await e.cmd(["get-schema-version", e.remote, "ordinals"]);
      await e.cmd(["get-schema-cksum", e.remote, "ordinals"]);
      await e.cmd(["get-schema", e.remote, "ordinals"]);
      await e.cmd(["list-tables", e.remote, "ordinals"]);
      await e.cmd(["list-columns", e.remote, "ordinals"], { sort: true });
    },
  },
  {
    id: "ovsdb-client.at:needs-conversion",
    schemas: [ORDINALS],
    run: async (e) => {
      writeFileSync(join(e.dir, "schema"), JSON.stringify(ORDINALS));
      writeFileSync(join(e.dir, "schema2"), JSON.stringify(ORDINALS_NEXT));
      await e.cmd(["needs-conversion", e.remote, join(e.dir, "schema")]);
      await e.cmd(["needs-conversion", e.remote, join(e.dir, "schema2")]);
    },
  },
  {
    id: "ovsdb-client.at:backup and restore",
    schemas: [ORDINALS],
    run: async (e) => {
      for (const t of SIX) await e.cmd(["transact", e.remote, t]);
      await e.cmd(["dump", e.remote, "ordinals"], { sort: true });
      const backup = await e.cmd(["backup", e.remote, "ordinals"], { record: false });
      const file = join(e.dir, "backup");
      writeFileSync(file, backup);
      // The backup is a database file ovsdb-tool reads.
      e.note(`ovsdb-tool query backup: ${uuidfilt((await run("ovsdb-tool", ["query", file, JSON.stringify(["ordinals", { op: "select", table: "ordinals", where: [], columns: ["name", "number"], sort: ["number"] }])])).stdout)}`);
      await e.cmd(["transact", e.remote, JSON.stringify(["ordinals", { op: "update", table: "ordinals", where: [], row: { name: "" } }])]);
      await e.cmd(["--no-headings", "dump", e.remote, "ordinals"], { sort: true });
      await e.cmd(["restore", e.remote, "ordinals"], { input: backup });
      await e.cmd(["dump", e.remote, "ordinals"], { sort: true });
    },
  },
  {
    id: "ovsdb-client.at:query",
    schemas: [ORDINALS],
    run: async (e) => {
      for (const [i, t] of SIX.entries()) await e.cmd([i % 2 ? "query" : "transact", e.remote, t]);
      await e.cmd(["-f", "csv", "dump", e.remote, "ordinals"], { sort: true });
    },
  },
  {
    id: "ovsdb-server.at:database multiplexing implementation",
    schemas: [ORDINALS, CONSTRAINTS],
    run: async (e) => {
      await e.cmd(["list-dbs", e.remote], { sort: true });
      await e.cmd(["--no-headings", "dump", e.remote, "_Server", "Database", "name"], { sort: true });
      await e.cmd(["get-schema", e.remote, "nonexistent"]);
      await e.cmd(["list-tables", e.remote, "constraints"]);
    },
  },
  {
    id: "ovsdb-server.at:_Server database rows",
    schemas: [ORDINALS, CONSTRAINTS],
    run: async (e) => {
      await e.cmd(["--no-headings", "-f", "csv", "dump", e.remote, "_Server", "Database", "name", "model", "connected", "leader", "schema"], { sort: true });
      await e.cmd(["list-tables", e.remote, "_Server"]);
      await e.cmd(["list-columns", e.remote, "_Server", "Database"], { sort: true });
      await e.cmd(["transact", e.remote, JSON.stringify(["_Server", { op: "select", table: "Database", where: [["name", "==", "ordinals"]], columns: ["name", "model", "leader", "connected", "cid", "sid", "index"] }])]);
      // _Server is read-only.
      await e.cmd(["transact", e.remote, JSON.stringify(["_Server", { op: "delete", table: "Database", where: [] }])]);
    },
  },
  {
    id: "ovsdb-server.at:schema conversion online - standalone",
    schemas: [ORDINALS],
    run: async (e) => {
      writeFileSync(join(e.dir, "schema"), JSON.stringify(ORDINALS));
      writeFileSync(join(e.dir, "new-schema"), JSON.stringify(ORDINALS_CONVERTED));
      for (const t of SIX) await e.cmd(["transact", e.remote, t]);
      await e.cmd(["needs-conversion", e.remote, join(e.dir, "schema")]);
      await e.cmd(["needs-conversion", e.remote, join(e.dir, "new-schema")]);
      const aware = e.start(["--db-change-aware", "--no-headings", "monitor", e.remote, "ordinals", "ordinals", "number", "name"]);
      const unaware = e.start(["--no-db-change-aware", "--no-headings", "monitor", e.remote, "ordinals", "ordinals", "number", "name"]);
      const server = e.start(["--db-change-aware", "--no-headings", "monitor", e.remote, "_Server", "Database", "name"]);
      await e.until(() => [aware, unaware].every((m) => m.output().split("\n").length > 6) && server.output().includes("ordinals"), "initial monitor rows");
      await e.cmd(["dump", e.remote, "ordinals"], { sort: true });
      await e.cmd(["convert", e.remote, join(e.dir, "new-schema")]);
      await e.cmd(["needs-conversion", e.remote, join(e.dir, "schema")]);
      await e.cmd(["needs-conversion", e.remote, join(e.dir, "new-schema")]);
      await e.cmd(["dump", e.remote, "ordinals"], { sort: true });
      await e.cmd(["transact", e.remote, JSON.stringify(["ordinals", { op: "insert", table: "ordinals", row: { number: 6 } }, { op: "comment", comment: "add row for 6" }])]);
      await e.cmd(["dump", e.remote, "ordinals"], { sort: true });
      await sleep(300);
      for (const [name, m] of [["ordinals monitor, db-change-aware", aware], ["ordinals monitor, not db-change-aware", unaware], ["_Server monitor, db-change-aware", server]] as const) {
        e.note(`${name}:\n${sortLines(await m.stop()).replace(/\n?$/, "\n")}stderr: ${m.errors()}`);
      }
    },
  },
  // ovsdb-lock.at: "ovs-appctl -t ovsdb-client unlock" goes to the control socket of the tool under
  // test (ovsdb-client's when detached, ovn-ts ovsdb's --unixctl).
  ...(VSWITCH && peers("ovs-vsctl") ? [backlogCase(VSWITCH)] : []),
  {
    id: "ovsdb-lock.at:lock",
    schemas: [ORDINALS],
    run: async (e) => {
      const c1 = e.start(["lock", e.remote, "lock0"]);
      await e.until(() => c1.output() !== "", "c1 reply");
      const c2 = e.start(["lock", e.remote, "lock1"]);
      await e.until(() => c2.output() !== "", "c2 reply");
      e.note(`c1:\n${await c1.stop()}c2:\n${await c2.stop()}`);
    },
  },
  {
    id: "ovsdb-lock.at:unlock",
    schemas: [ORDINALS],
    run: async (e) => {
      const c1 = e.start(["lock", e.remote, "lock0"]);
      await e.until(() => c1.output() !== "", "c1 reply");
      const c2 = e.start(["lock", e.remote, "lock0"]);
      await e.until(() => c2.output() !== "", "c2 reply");
      await run("ovs-appctl", ["-t", c1.control(), "unlock", "lock0"]);
      await e.until(() => c1.output().includes("{}") && c2.output().includes("locked\n"), "unlock and notification");
      e.note(`c1:\n${await c1.stop()}c2:\n${await c2.stop()}`);
    },
  },
  {
    id: "ovsdb-lock.at:steal",
    schemas: [ORDINALS],
    run: async (e) => {
      const c1 = e.start(["lock", e.remote, "lock0"]);
      await e.until(() => c1.output() !== "", "c1 reply");
      const c2 = e.start(["steal", e.remote, "lock0"]);
      await e.until(() => c2.output() !== "" && c1.output().includes("stolen"), "steal");
      await run("ovs-appctl", ["-t", c2.control(), "unlock", "lock0"]);
      await e.until(() => c2.output().includes("{}") && c1.output().includes("locked\n"), "unlock and notification");
      e.note(`c1:\n${await c1.stop()}c2:\n${await c2.stop()}`);
    },
  },
];

/** Each line after its last ": " (ovsdb-server.at's `sed 's/.*: //'`, which drops program and remote). */
function afterColon(text: string): string {
  return text.split("\n").filter((l) => l !== "").map((l) => l.replace(/.*: /, "")).join("\n");
}

/** Sorts lines ignoring the UUIDs in them (as `sort -k 2`/`-k 3` does in OVS's tests), then numbers the UUIDs. */
function sortLines(text: string): string {
  const key = (l: string) => l.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "");
  const lines = text.split("\n").filter((l) => l !== "");
  lines.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return uuidfilt(lines.join("\n"));
}

/** Runs `case` with `tool` against `remote`; returns the record. */
async function runCase(c: Case, tool: Tool, remote: string, dir: string): Promise<string> {
  const record: string[] = [];
  const running: Background[] = [];
  const env: Env = {
    remote,
    dir,
    tool,
    async cmd(args, options = {}) {
      let code: number;
      let stdout: string;
      let stderr: string;
      if (tool === "ovsdb-client") {
        // ovsdb-client reads a database file from stdin and seeks in it: give it a file, not a pipe.
        let r;
        if (options.input !== undefined) {
          const file = join(dir, "stdin");
          writeFileSync(file, options.input);
          r = await run("sh", ["-c", 'f="$1"; shift; exec ovsdb-client "$@" < "$f"', "sh", file, ...args], { allowFailure: true, env: { OVS_RUNDIR: dir } });
        } else r = await run("ovsdb-client", args, { allowFailure: true, env: { OVS_RUNDIR: dir } });
        [code, stdout, stderr] = [r.code, r.stdout, r.stderr];
      } else {
        const io = memoryIo(options.input ?? "");
        code = await main(["ovsdb", ...args], io);
        [stdout, stderr] = [io.stdout, io.stderr];
      }
      if (options.record !== false) {
        const shown = args.map((a) => a.replace(remote, "REMOTE").replace(dir, "DIR")).join(" ");
        const out = options.sort ? sortLines(stdout) : uuidfilt(stdout);
        // Error texts start with the program's name; the rest must agree.
        const err = code === 0 ? "" : `\n  stderr: ${stderr.replace(/^(ovsdb-client|ovn-ts ovsdb): /gm, "").trim()}`;
        record.push(`$ ${shown} -> ${code}${err}\n${out.replace(/\n$/, "")}`);
      }
      return stdout;
    },
    start(args, as = tool) {
      let b: Background;
      if (as === "ovsdb-client") {
        // Detached, as OVS's tests run it: only then does it listen on its control socket
        // (RUNDIR/ovsdb-client.PID.ctl, for "ovs-appctl -t ... unlock"). The daemon keeps the pipe.
        const pidfile = join(dir, `bg${running.length}.pid`);
        const child: ChildProcess = spawn("ovsdb-client", ["--detach", "--no-chdir", `--pidfile=${pidfile}`, ...args], {
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, OVS_RUNDIR: dir },
        });
        let out = "";
        let err = "";
        child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
        const closed = new Promise<void>((resolve) => child.stdout!.on("close", () => resolve()));
        const daemonPid = (): number | undefined => {
          try {
            return Number(readFileSync(pidfile, "utf8").trim()) || undefined;
          } catch {
            return undefined;
          }
        };
        b = {
          output: () => out,
          errors: () => afterColon(err),
          control: () => join(dir, `ovsdb-client.${daemonPid()}.ctl`),
          stop: async () => {
            const pid = daemonPid();
            if (pid !== undefined) {
              try {
                process.kill(pid);
              } catch {
                // already gone
              }
            }
            await Promise.race([closed, sleep(5000)]);
            return out;
          },
        };
      } else {
        const ac = new AbortController();
        const io = memoryIo("", ac.signal);
        const control = join(dir, `bg${running.length}.ctl`);
        const done = main(["ovsdb", `--unixctl=${control}`, ...args], io);
        b = {
          output: () => io.stdout,
          errors: () => afterColon(io.stderr),
          control: () => control,
          stop: async () => {
            ac.abort();
            await done;
            return io.stdout;
          },
        };
      }
      running.push(b);
      return b;
    },
    note: (line) => record.push(line),
    async until(check, what) {
      for (let i = 0; i < 200; i++) {
        if (check()) return;
        await sleep(50);
      }
      throw new Error(`timed out waiting for ${what}`);
    },
  };
  try {
    await c.run(env);
  } catch (e) {
    record.push(`case failed: ${(e as Error).message}`);
  } finally {
    for (const b of running) await b.stop().catch(() => undefined);
  }
  return record.join("\n");
}

type Server = "ovsdb-server" | "embedded";

async function withServer<R>(kind: Server, c: Case, dir: string, body: (remote: string) => Promise<R>): Promise<R> {
  if (kind === "ovsdb-server") {
    const files = c.schemas.map((s, i) => {
      const f = join(dir, `s${i}.ovsschema`);
      writeFileSync(f, JSON.stringify(s));
      return f;
    });
    const real = await startOvsdbServer({ schemas: files });
    try {
      return await body(real.unix);
    } finally {
      await real.stop();
    }
  }
  const server = new OvsdbServer();
  for (const s of c.schemas) server.addDatabase(parseSchema(s));
  const { connect } = await server.listen(`punix:${join(dir, "embedded.sock")}`);
  try {
    return await body(connect);
  } finally {
    await server.close();
  }
}

describe("ovsdb-client.at / ovsdb-server.at / ovsdb-lock.at cases", () => {
  it("lists a reason for every known difference, each naming a case", () => {
    for (const d of known) {
      expect(d.reason.length, d.id).toBeGreaterThan(20);
      expect(CASES.map((c) => c.id)).toContain(d.id);
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovsdb-tool", "ovs-appctl"))("ovsdb-client.at / ovsdb-server.at / ovsdb-lock.at: embedded vs ovsdb-server, ovn-ts ovsdb vs ovsdb-client", () => {
  const results = new Map<string, { real: string; embedded: string; ovnTs: string | undefined }>();
  let root: string;

  beforeAll(async () => {
    root = makeTempDir("ovn-ts-srvcli-");
    let n = 0;
    for (const c of CASES) {
      const run1 = async (server: Server, tool: Tool) => {
        const dir = join(root, `r${n++}`);
        mkdirSync(dir);
        return withServer(server, c, dir, (remote) => runCase(c, tool, remote, dir));
      };
      const real = await run1("ovsdb-server", "ovsdb-client");
      const embedded = await run1("embedded", "ovsdb-client");
      const ovnTs = c.serverOnly ? undefined : await run1("ovsdb-server", "ovn-ts");
      results.set(c.id, { real, embedded, ovnTs });
    }
    if (process.env.SUITE_REPORT) writeFileSync(process.env.SUITE_REPORT, JSON.stringify(Object.fromEntries(results), null, 1));
  }, 600_000);
  afterAll(() => {
    if (root) removeDir(root);
  });

  it("ran every case to its end on ovsdb-server", () => {
    for (const [id, r] of results) expect(r.real, id).not.toContain("case failed");
  });

  it("ovsdb-server's lock outputs are what ovsdb-lock.at expects (c1-output, c2-output)", () => {
    const at: Record<string, [string, string]> = {
      "ovsdb-lock.at:lock": ['{"locked":true}\n', '{"locked":true}\n'],
      "ovsdb-lock.at:unlock": ['{"locked":true}\n{}\n', '{"locked":false}\nlocked\n["lock0"]\n'],
      "ovsdb-lock.at:steal": ['{"locked":true}\nstolen\n["lock0"]\nlocked\n["lock0"]\n', '{"locked":true}\n{}\n'],
    };
    for (const [id, [c1, c2]] of Object.entries(at)) expect(results.get(id)?.real, id).toBe(`c1:\n${c1}c2:\n${c2}`);
  });

  it.skipIf(!VSWITCH || !peers("ovs-vsctl"))("every check of ovsdb-server.at's backlog case holds on ovsdb-server (updates combined for the blocked client)", () => {
    const r = results.get(backlogCase({}).id);
    expect(r?.real).toContain("updates combined): true");
    expect(r?.real).not.toContain(": false");
  });

  it("ovsdb-client gets the same from the embedded server as from ovsdb-server, except the listed cases", () => {
    const differing = [...results].filter(([, r]) => r.real !== r.embedded).map(([id]) => id);
    expect(differing.sort()).toEqual(known.filter((d) => d.side === "server").map((d) => d.id).sort());
  });

  it("ovn-ts ovsdb prints what ovsdb-client prints, except the listed cases", () => {
    const differing = [...results].filter(([, r]) => r.ovnTs !== undefined && r.real !== r.ovnTs).map(([id]) => id);
    expect(differing.sort()).toEqual(known.filter((d) => d.side === "client").map((d) => d.id).sort());
  });
});
