/**
 * startOvsdbServer: the issue's `schema` spelling, any schema file, loopback TCP, stop() by PID
 * (and keeping the directory on request), and a failed start that names the daemon and its log.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { bundledSchemaPath } from "../../src/ovsdb/schema/bundled.js";
import { SandboxError, alive, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovs-appctl"))("startOvsdbServer", () => {
  it("serves one schema given as `schema` (a file path) on a unix socket and loopback TCP", async () => {
    const s = await startOvsdbServer({ schema: bundledSchemaPath("Open_vSwitch"), tcp: true });
    try {
      expect(s.databases).toEqual(["Open_vSwitch"]);
      const c = await OvsdbClient.connect(s.tcp!, { reconnect: false });
      expect(await c.call("list_dbs", [])).toEqual(["Open_vSwitch", "_Server"]);
      c.close();
      expect(await s.appctl("version")).toMatch(/ovsdb-server/);
    } finally {
      await s.stop({ keep: true });
    }
    expect(alive(s.daemon.pid)).toBe(false);
    expect(s.log()).toMatch(/opened log file/);
    rmSync(s.dir, { recursive: true, force: true });
  });

  it("a daemon that cannot start is a SandboxError naming it and its log", async () => {
    const err = await startOvsdbServer({ schema: "OVN_Northbound", extraArgs: ["--remote=punix:/nonexistent-dir/x.sock", "--no-such-option"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as Error).message).toMatch(/^ovsdb-server failed to start: .*\(log: .*ovsdb-server\.log\)$/s);
  });

  it("needs a schema", async () => {
    await expect(startOvsdbServer({})).rejects.toThrow(/give `schema` or `schemas`/);
  });
});
