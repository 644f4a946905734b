import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type EmbeddedServerSandbox, type OvsdbServerSandbox, run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";
import { normalizeShow, normalizedDump } from "./nb-dump.js";

const mask = (s: string) => s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");

/**
 * How a step is compared: output and exit status; the same with the lines after the first sorted
 * (listings in ovn-nbctl's IDL hash order, which follows the row UUIDs, so differs between two
 * servers: that order is checked on one server below); or (failures) exit status and stderr.
 */
type Mode = "out" | "rows" | "err";

const rows = (s: string) => {
  const [head = "", ...rest] = mask(s).split("\n");
  return [head, ...rest.sort()].join("\n");
};

/** Forwarding group and CoPP commands: the same argv through ovn-nbctl on one server and ovn-ts nbctl on the other. */
const SCRIPT: [Mode, string[]][] = [
  ["out", ["ls-add", "sw0", "--", "lsp-add", "sw0", "p1", "--", "lsp-add", "sw0", "p2", "--", "lsp-add", "sw0", "Q0", "--", "ls-add", "sw1", "--", "lsp-add", "sw1", "q1", "--", "lr-add", "r0"]],
  ["out", ["fwd-group-list"]],
  ["out", ["fwd-group-add", "fg1", "sw0", "10.0.0.1", "00:11:22:33:44:55", "p2", "p1", "Q0"]],
  ["out", ["--liveness", "fwd-group-add", "fg2", "sw0", "10.0.0.2", "0:1:2:3:4:5", "p2", "p2"]],
  ["out", ["fwd-group-add", "a-very-long-group-name", "sw1", "192.168.100.200", "AA:BB:CC:DD:EE:FF", "q1"]],
  ["out", ["ls-add", "a-very-long-switch-name", "--", "lsp-add", "a-very-long-switch-name", "z1", "--", "fwd-group-add", "g3", "a-very-long-switch-name", "1.2.3.4", "aa:bb:cc:dd:ee:01", "z1"]],
  ["err", ["fwd-group-add", "fg1", "sw0", "10.0.0.3", "00:11:22:33:44:56", "p1"]],
  ["err", ["fwd-group-add", "fg4", "nosw", "10.0.0.3", "00:11:22:33:44:56", "p1"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "10.0.0.300", "00:11:22:33:44:56", "p1"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "fd00::1", "00:11:22:33:44:56", "p1"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "10.0.0.4", "00:11:22:33:44", "p1"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "10.0.0.4", "00:11:22:33:44:56", "nope"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "10.0.0.4", "00:11:22:33:44:56", "q1"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "10.0.0.4", "00:11:22:33:44:56"]],
  ["err", ["fwd-group-add", "fg4", "sw0", "10.0.0.4"]],
  ["err", ["--may-exist", "fwd-group-add", "fg1", "sw0", "10.0.0.1", "00:11:22:33:44:55", "p1"]],
  ["rows", ["fwd-group-list"]],
  ["rows", ["fwd-group-list", "sw0"]],
  ["out", ["fwd-group-list", "sw1"]],
  ["err", ["fwd-group-list", "nosw"]],
  ["out", ["fwd-group-del", "nope"]],
  ["out", ["--if-exists", "fwd-group-del", "nope"]],
  ["out", ["ls-add", "sw2", "--", "lsp-add", "sw2", "y1", "--", "fwd-group-add", "fg9", "sw2", "10.2.0.1", "aa:bb:cc:dd:ee:09", "y1", "--", "fwd-group-list", "sw2"]],
  ["out", ["fwd-group-del", "fg2", "--", "fwd-group-list", "sw0"]],
  // CoPP.
  ["out", ["meter-add", "m1", "drop", "10", "pktps", "--", "meter-add", "m2", "drop", "20", "pktps"]],
  ["out", ["copp-add", "c1", "arp", "m1"]],
  ["out", ["copp-add", "c1", "arp", "m2", "--", "copp-add", "c1", "icmp4-error", "m1", "--", "copp-add", "c1", "bfd", "m2", "--", "copp-add", "c1", "reject", "m1"]],
  ["out", ["copp-list", "c1"]],
  ["out", ["copp-list", "nope"]],
  ["err", ["copp-add", "c1", "bogus", "m1"]],
  ["out", ["copp-del", "c1", "arp"]],
  ["out", ["copp-list", "c1"]],
  ["out", ["copp-del", "c1", "arp"]],
  ["err", ["copp-del", "c1", "bogus"]],
  ["out", ["copp-del", "nope"]],
  ["out", ["copp-del", "nope", "arp"]],
  ["err", ["copp-del", "nope", "bogus"]],
  ["out", ["copp-add", "c1", "dns", "unknown-meter", "--", "copp-add", "c1", "nd-ra-opts", "m2", "--", "copp-list", "c1"]],
  ["out", ["ls-copp-add", "c1", "sw0", "--", "lr-copp-add", "c1", "r0"]],
  ["err", ["ls-copp-add", "nope", "sw0"]],
  ["err", ["ls-copp-add", "c1", "nosw"]],
  ["err", ["ls-copp-add", "nope", "nosw"]],
  ["err", ["lr-copp-add", "c1", "nor"]],
  ["err", ["lr-copp-add", "nope", "r0"]],
  ["out", ["copp-add", "c2", "dns", "m1", "--", "copp-del", "c2", "dns"]],
  ["out", ["copp-add", "c3", "igmp", "m1", "--", "ls-copp-add", "c3", "sw1"]],
  ["out", ["copp-add", "c4", "svc-monitor", "m1", "--", "copp-add", "c4", "tcp-reset", "m1", "--", "copp-del", "c4", "svc-monitor"]],
  ["out", ["copp-del", "c3"]],
  ["out", ["copp-list", "c4"]],
  ["out", ["get", "Logical_Switch", "sw1", "copp"]],
  ["rows", ["--format=csv", "--columns=name,meters", "list", "Copp"]],
];

function differential(name: string, start: () => Promise<{ unix: string; stop(): Promise<void> }>): void {
  describe(`fwd-group and CoPP commands: ovn-ts nbctl on ${name} against ovn-nbctl on ovsdb-server (differential)`, () => {
    let a: OvsdbServerSandbox;
    let b: { unix: string; stop(): Promise<void> };

    beforeAll(async () => {
      [a, b] = await Promise.all([startOvsdbServer({ schemas: ["OVN_Northbound"] }), start()]);
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
    });

    it("gives the same outputs, failure messages, `show` and table contents", async () => {
      const mismatches: string[] = [];
      for (const [mode, argv] of SCRIPT) {
        const theirs = await run("ovn-nbctl", [`--db=${a.unix}`, ...argv], { allowFailure: true });
        const io = memoryIo();
        const code = await main(["nbctl", `--db=${b.unix}`, ...argv], io);
        const label = `ovn-nbctl ${argv.join(" ")}`;
        const ourErr = io.stderr.replace(/^ovn-ts nbctl: /, "");
        const theirErr = theirs.stderr.replace(/^ovn-nbctl: /, "");
        if (code !== theirs.code) mismatches.push(`${label}: exit ${code} vs ${theirs.code} (${io.stderr.trim()} | ${theirs.stderr.trim()})`);
        else if (mode === "out" && mask(io.stdout) !== mask(theirs.stdout)) mismatches.push(`${label}:\n--- ovn-ts\n${io.stdout}--- ovn-nbctl\n${theirs.stdout}`);
        else if (mode === "rows" && rows(io.stdout) !== rows(theirs.stdout)) mismatches.push(`${label}:\n--- ovn-ts\n${io.stdout}--- ovn-nbctl\n${theirs.stdout}`);
        else if (mode === "err" && ourErr !== theirErr) mismatches.push(`${label}: stderr\n--- ovn-ts\n${ourErr}--- ovn-nbctl\n${theirErr}`);
      }
      expect(mismatches).toEqual([]);
      // On one server, listings come in the very order ovn-nbctl prints them.
      for (const argv of [["fwd-group-list"], ["copp-list", "c1"]]) {
        const io = memoryIo();
        expect(await main(["nbctl", `--db=${b.unix}`, ...argv], io)).toBe(0);
        expect(io.stdout).toBe((await run("ovn-nbctl", [`--db=${b.unix}`, ...argv])).stdout);
        expect(io.stdout.split("\n").length).toBeGreaterThan(3);
      }
      const showA = (await run("ovn-nbctl", [`--db=${a.unix}`, "show"])).stdout;
      const showB = (await run("ovn-nbctl", [`--db=${b.unix}`, "show"])).stdout;
      expect(normalizeShow(showB)).toBe(normalizeShow(showA));
      expect(await normalizedDump(b.unix)).toEqual(await normalizedDump(a.unix));
    });
  });
}

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"))("fwd-group and CoPP nbctl", () => {
  differential("ovsdb-server", () => startOvsdbServer({ schemas: ["OVN_Northbound"] }));
  differential("the embedded server", async (): Promise<EmbeddedServerSandbox> => startEmbeddedServer({ schemas: ["OVN_Northbound"] }));
});
