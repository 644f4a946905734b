/**
 * A script that holds a sandbox and dies because its stdout pipe was closed early (an unhandled
 * EPIPE: `node script.js | head -1`) leaves no `ovn-ts-*` directory and no daemon behind.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { alive, waitFor } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/closed-stdout-sandbox.ts", import.meta.url));
const VITE_NODE = fileURLToPath(new URL("../../node_modules/.bin/vite-node", import.meta.url));

function runClosed(which: string): Promise<{ code: number | null; dir: string; pids: number[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env["OVN_TS_KEEP_SANDBOX"];
    const child = spawn(VITE_NODE, [FIXTURE, which], { stdio: ["ignore", "pipe", "pipe"], env });
    child.stdout!.destroy();
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = stderr.split("\n").find((l) => l.startsWith('{"dir"'));
      if (!line) return reject(new Error(`the script printed no sandbox: ${stderr}`));
      const { dir, pids } = JSON.parse(line) as { dir: string; pids: number[] };
      resolve({ code, dir, pids, stderr });
    });
  });
}

describe("a script holding a sandbox dies of a closed stdout", () => {
  it("embedded server: its directory is removed", async () => {
    const r = await runClosed("embedded");
    expect(r.stderr).toMatch(/EPIPE/);
    expect(r.code).not.toBe(0);
    expect(existsSync(r.dir)).toBe(false);
  }, 90_000);

  it.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl"))("OVN sandbox: its daemons are stopped and its directory removed", async () => {
    const r = await runClosed("ovn");
    try {
      expect(r.stderr).toMatch(/EPIPE/);
      expect(r.pids).toHaveLength(3);
      await waitFor("the daemons to go away", () => r.pids.every((pid) => !alive(pid)), 10_000, 20);
      expect(existsSync(r.dir)).toBe(false);
    } finally {
      for (const pid of r.pids) if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  }, 90_000);
});
