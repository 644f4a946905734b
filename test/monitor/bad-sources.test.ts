/**
 * Bad sources never take the exporter down: a dead control socket, garbage-speaking peers (OVSDB
 * and unixctl), a peer that never answers, a database file that disappears. The metrics say so
 * and `/metrics` keeps answering within its timeout.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { Exporter, SourceTimeoutError } from "../../src/monitor/index.js";
import { type MisbehavingPeer, startMisbehavingPeer } from "../../src/testing/index.js";
import { UnixctlConnectError, UnixctlProtocolError } from "../../src/unixctl/index.js";

function value(text: string, line: RegExp): number | undefined {
  const m = text.split("\n").find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.slice(m.lastIndexOf(" ") + 1));
}

describe("exporter with bad sources", () => {
  let garbage: MisbehavingPeer;
  let silent: MisbehavingPeer;
  let dir: string;
  beforeAll(async () => {
    garbage = await startMisbehavingPeer((_req, conn) => conn.send("}}} not json"));
    silent = await startMisbehavingPeer(() => undefined);
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-bad-"));
  });
  afterAll(async () => {
    await garbage.stop();
    await silent.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports each bad source as down, keeps the others, and serves /metrics in time", async () => {
    const dbFile = join(dir, "nb.db");
    writeFileSync(dbFile, "x".repeat(1234));
    const e = new Exporter({
      hostname: "h",
      nb: garbage.remote,
      sb: silent.remote,
      nbCtl: join(dir, "dead.ctl"),
      sbCtl: garbage.remote.slice("unix:".length),
      northdCtl: join(dir, "gone.ctl"),
      vswitchdCtl: silent.remote.slice("unix:".length),
      controllerCtl: join(dir, "none.ctl"),
      nbDbFile: dbFile,
      intervalMs: 100,
      timeoutMs: 400,
    });
    const { url } = await e.listen(0);
    try {
      const started = Date.now();
      await e.refresh();
      expect(Date.now() - started).toBeLessThan(5000); // bounded by the 400 ms timeout, with room for a loaded machine
      const byName = new Map(e.sourceStates().map((s) => [s.source, s]));
      expect(byName.get("nb-ctl")!.error).toBeInstanceOf(UnixctlConnectError);
      expect(byName.get("sb-ctl")!.error).toBeInstanceOf(UnixctlProtocolError);
      expect(byName.get("vswitchd-ctl")!.error).toBeInstanceOf(Error);
      expect(byName.get("sb")!.error).toBeInstanceOf(SourceTimeoutError);
      expect(byName.get("nb")!.up).toBe(false);
      expect(byName.get("files")!.up).toBe(true);
      const text = await e.metrics();
      expect(value(text, /^kube_ovn_ovn_status\{hostname="h",component="ovsdb-server-northbound"\}/)).toBe(0);
      expect(value(text, /^kube_ovn_ovn_status\{hostname="h",component="ovsdb-server-southbound"\}/)).toBe(0);
      expect(value(text, /^kube_ovn_ovn_status\{hostname="h",component="ovn-northd"\}/)).toBe(0);
      expect(value(text, /^kube_ovn_db_status\{hostname="h",db_name="OVN_Northbound"\}/)).toBe(0);
      expect(value(text, /^kube_ovn_ovs_status\{hostname="h",component="ovs-vswitchd"\}/)).toBe(0);
      expect(value(text, /^pinger_ovn_controller_up\{nodeName="h"\}/)).toBe(0);
      expect(value(text, /^pinger_ovn_controller_down\{nodeName="h"\}/)).toBe(1);
      expect(value(text, /^ovn_ts_exporter_source_up\{source="nb",/)).toBe(0);
      expect(value(text, /^kube_ovn_db_file_size_bytes\{hostname="h",db_name="OVN_Northbound"\}/)).toBe(1234);
      expect(value(text, /^kube_ovn_failed_req_count\{hostname="h"\}/)).toBe(7);

      // The database file disappears: its series goes, the files source reports down.
      rmSync(dbFile);
      e.start();
      await expect.poll(async () => value(await e.metrics(), /^ovn_ts_exporter_source_up\{source="files",/), { timeout: 10_000 }).toBe(0);
      expect(value(await e.metrics(), /^kube_ovn_db_file_size_bytes/)).toBeUndefined();

      // While refreshes keep hanging on the silent peers, scrapes answer at once from the last state.
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        expect(res.status).toBe(200);
        expect(await res.text()).toContain("kube_ovn_ovn_status");
        expect(Date.now() - t0).toBeLessThan(2000);
      }
      expect((await fetch(url.replace("/metrics", "/nope"))).status).toBe(404);
    } finally {
      await e.close();
    }
  }, 60_000);

  it("ovn-ts exporter --once prints the metrics even when every source is dead; bad arguments exit 1", async () => {
    const io = memoryIo();
    expect(await main(["exporter", "--once", "--hostname", "h", "--nb-ctl", join(dir, "dead.ctl"), "--timeout", "1"], io)).toBe(0);
    expect(io.stdout).toContain('kube_ovn_ovn_status{hostname="h",component="ovsdb-server-northbound"} 0');
    for (const args of [["exporter"], ["exporter", "--listen", "nope"], ["exporter", "--listen", "127.0.0.1:1", "--frob"], ["exporter", "--once", "--timeout", "-1"]]) {
      const bad = memoryIo();
      expect(await main(args, bad)).toBe(1);
      expect(bad.stderr).toMatch(/^ovn-ts exporter: /);
    }
  }, 30_000);

  it("ovn-ts exporter --listen serves until interrupted", async () => {
    const ac = new AbortController();
    const io = memoryIo("", ac.signal);
    const done = main(["exporter", "--listen", "127.0.0.1:0", "--nb-ctl", join(dir, "dead.ctl"), "--interval", "0.2"], io);
    await expect.poll(() => /serving (\S+)/.exec(io.stdout)?.[1], { timeout: 10_000 }).toBeTruthy();
    const u = /serving (\S+)/.exec(io.stdout)![1]!;
    expect(await (await fetch(u)).text()).toContain("kube_ovn_ovn_status");
    ac.abort();
    expect(await done).toBe(0);
  }, 30_000);
});
