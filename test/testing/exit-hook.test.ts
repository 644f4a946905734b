/**
 * Daemons started by a sandbox stop when the test process goes away without calling stop():
 * on a normal exit and on SIGTERM (killed by PID; the SIGTERM default action is kept).
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { alive, waitFor } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/leave-running.ts", import.meta.url));
const VITE_NODE = fileURLToPath(new URL("../../node_modules/.bin/vite-node", import.meta.url));

function child(how: string): Promise<{ code: number | null; signal: string | null; pids: number[]; dir: string }> {
  return new Promise((resolve, reject) => {
    const p = execFile(VITE_NODE, [FIXTURE, how], { timeout: 60_000 }, (err, stdout, stderr) => {
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (!line) return reject(new Error(`child printed no PIDs: ${err?.message ?? ""} ${stderr}`));
      const { pids, dir } = JSON.parse(line) as { pids: number[]; dir: string };
      resolve({ code: p.exitCode, signal: p.signalCode, pids, dir });
    });
  });
}

describe.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl"))("exit hook", () => {
  for (const how of ["exit", "SIGTERM"]) {
    it(`stops every daemon when the process ends by ${how} without stop()`, async () => {
      const r = await child(how);
      try {
        expect(r.pids).toHaveLength(3);
        await waitFor("the child's daemons to go away", () => r.pids.every((pid) => !alive(pid)), 10_000, 20);
      } finally {
        for (const pid of r.pids) if (alive(pid)) process.kill(pid, "SIGKILL");
        rmSync(r.dir, { recursive: true, force: true });
      }
    });
  }
});
