/**
 * `UnixctlServer` against a real OVS control socket: `ovsdb-client --detach monitor-cond`'s, with
 * our server registering the same commands (names, usages, argument counts). Both are driven by
 * `ovs-appctl` and by raw JSON-RPC; stdout, stderr (socket path masked) and exit status must match.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnixctlCommandError, UnixctlServer } from "../../src/unixctl/index.js";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../src/testing/ovsdb-server.js";
import { makeTempDir, run } from "../../src/testing/process.js";
import { peers } from "../support/peers.js";

const SCHEMA = { name: "db", version: "1.0.0", tables: { t: { columns: { n: { type: "integer" } } } } };

/** Sends one raw JSON text on a fresh connection; resolves with the reply text, or "closed" when the peer drops the connection. */
function raw(path: string, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.createConnection({ path });
    let got = "";
    const timer = setTimeout(() => {
      s.destroy();
      resolve(got === "" ? "no reply" : got);
    }, 3000);
    s.on("connect", () => s.write(text));
    s.on("data", (d) => {
      got += d.toString();
      try {
        JSON.parse(got);
        clearTimeout(timer);
        s.destroy();
        resolve(got);
      } catch {
        // incomplete
      }
    });
    s.on("close", () => {
      clearTimeout(timer);
      resolve(got === "" ? "closed" : got);
    });
    s.on("error", () => undefined);
  });
}

describe("UnixctlServer (unit)", () => {
  it("replies with a handler's UnixctlCommandError text, and never dies of a throwing handler", async () => {
    const dir = makeTempDir("ovn-ts-uxs-");
    const srv = await UnixctlServer.listen(join(dir, "x.ctl"));
    srv.register("boom", { usage: "", minArgs: 0, maxArgs: 0, run: () => {
      throw new TypeError("broken");
    } });
    srv.register("nope", { usage: undefined, minArgs: 0, maxArgs: 1, run: ([a]) => {
      throw new UnixctlCommandError("nope", [a ?? ""], `no ${a}`);
    } });
    try {
      expect(JSON.parse(await raw(srv.path, '{"method":"boom","params":[],"id":7}'))).toEqual({ id: 7, result: null, error: "broken\n" });
      expect(JSON.parse(await raw(srv.path, '{"method":"nope","params":["x"],"id":"a"}'))).toEqual({ id: "a", result: null, error: "no x\n" });
      const list = JSON.parse(await raw(srv.path, '{"method":"list-commands","params":[],"id":1}')) as { result: string };
      expect(list.result).toBe("The available commands are:\n  boom                    \n  list-commands           \n  version                 \n");
    } finally {
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovs-appctl"))("UnixctlServer vs ovsdb-client's control socket", () => {
  let dir: string;
  let db: OvsdbServerSandbox;
  let theirs: string;
  let ours: UnixctlServer;
  let clientPid: number | undefined;

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-uxs-");
    writeFileSync(join(dir, "s.ovsschema"), JSON.stringify(SCHEMA));
    db = await startOvsdbServer({ schema: join(dir, "s.ovsschema") });
    const pidfile = join(dir, "ovsdb-client.pid");
    const child = spawn("ovsdb-client", ["--detach", "--no-chdir", `--pidfile=${pidfile}`, "monitor-cond", db.unix, "db", "[]", "t"], {
      stdio: "ignore",
      env: { ...process.env, OVS_RUNDIR: dir },
    });
    await new Promise<void>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ovsdb-client exited ${code}`)))));
    clientPid = Number(readFileSync(pidfile, "utf8").trim());
    theirs = join(dir, `ovsdb-client.${clientPid}.ctl`);
    ours = await UnixctlServer.listen(join(dir, "ours.ctl"));
    ours.register("exit", { usage: "", minArgs: 0, maxArgs: 0, run: () => undefined });
    ours.register("ovsdb-client/block", { usage: "", minArgs: 0, maxArgs: 0, run: () => undefined });
    ours.register("ovsdb-client/unblock", { usage: "", minArgs: 0, maxArgs: 0, run: () => "already unblocked" });
    ours.register("ovsdb-client/cond_change", { usage: "TABLE COND", minArgs: 2, maxArgs: 2, run: () => "condition changed" });
  }, 60_000);

  afterAll(async () => {
    if (clientPid) {
      try {
        process.kill(clientPid);
      } catch {
        // gone
      }
    }
    await ours?.close();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const appctl = async (socket: string, args: string[]) => {
    const r = await run("ovs-appctl", ["-t", socket, ...args], { allowFailure: true });
    return { stdout: r.stdout, stderr: r.stderr.split(socket).join("SOCKET"), code: r.code };
  };

  it.each([
    [["ovsdb-client/cond_change", "t", "[false]"]],
    [["ovsdb-client/cond_change", "t"]],
    [["ovsdb-client/cond_change", "t", "[]", "extra"]],
    [["ovsdb-client/unblock"]],
    [["no-such-command", "x"]],
    [["exit", "now"]],
  ])("ovs-appctl %j prints the same from both", async (args) => {
    const [a, b] = [await appctl(theirs, args), await appctl(ours.path, args)];
    expect(b).toEqual(a);
  });

  it("list-commands: every command ours registers is listed with OVS's layout", async () => {
    const a = (await appctl(theirs, ["list-commands"])).stdout.split("\n");
    const b = (await appctl(ours.path, ["list-commands"])).stdout.split("\n");
    expect(b[0]).toBe("The available commands are:");
    for (const line of b.slice(1).filter((l) => l !== "" && !l.includes("version"))) expect(a).toContain(line);
  });

  it.each([
    ['{"method":"ovsdb-client/cond_change","params":["t",1],"id":3}'],
    ['{"method":"exit","params":[],"id":null}'],
    ['{"result":"x","error":null,"id":4}'],
    ['{"method":"list-commands","params":[],"id":[1,"x"]} '],
  ])("raw %s gets the same answer from both", async (text) => {
    const a = await raw(theirs, text);
    const b = await raw(ours.path, text);
    expect(b === "closed" || b === "no reply" ? b : JSON.parse(b).error).toEqual(a === "closed" || a === "no reply" ? a : JSON.parse(a).error);
  });
});
