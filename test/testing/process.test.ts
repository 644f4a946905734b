/** Process plumbing: a PID that no longer runs the daemon we started is never signalled. */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { alive, killDaemon, stopDaemon } from "../../src/testing/index.js";

describe.skipIf(process.platform !== "linux")("stopDaemon / killDaemon", () => {
  it("leave alone a process whose command line does not name the daemon's pidfile (a recycled PID)", async () => {
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    const pid = other.pid!;
    try {
      const stale = { name: "ovsdb-server", pid, pidfile: "/tmp/ovn-ts-gone/ovsdb-server.pid", logFile: "/tmp/ovn-ts-gone/ovsdb-server.log" };
      await stopDaemon(stale, 100);
      await killDaemon(stale);
      expect(alive(pid)).toBe(true);
    } finally {
      other.kill("SIGKILL");
    }
  });
});
