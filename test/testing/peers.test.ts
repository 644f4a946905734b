/** requirePeers: skip outside CI, throw in CI or with strict. */
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS, SandboxError, onPath, requirePeers } from "../../src/testing/index.js";

describe("requirePeers", () => {
  it("finds programs on PATH and reports missing ones by CI mode", () => {
    expect(onPath("sh")).toBe(true);
    expect(onPath("ovn-ts-no-such-program")).toBe(false);
    expect(requirePeers(["sh"])).toBe(true);
    expect(requirePeers(["ovn-ts-no-such-program"], { strict: false })).toBe(false);
    expect(() => requirePeers(["sh", "ovn-ts-no-such-program"], { strict: true })).toThrow(SandboxError);
    expect(() => requirePeers(["ovn-ts-no-such-program"], { strict: true })).toThrow(/missing: ovn-ts-no-such-program/);
    expect(SANDBOX_PROGRAMS.chassis).toContain("ovn-controller");
  });
});

describe("requirePeers with a wrong argument", () => {
  it("throws a SandboxError naming what it got, not a bare TypeError", () => {
    const bad = (SANDBOX_PROGRAMS as unknown as Record<string, readonly string[]>)["ovnCentral"];
    expect(() => requirePeers(bad as never)).toThrow(SandboxError);
    expect(() => requirePeers(bad as never)).toThrow("requirePeers: expected an array of program names, got undefined (SANDBOX_PROGRAMS has ovsdbServer, raft, ovn, vswitchd, chassis, trace)");
    expect(() => requirePeers("ovn-nbctl" as never)).toThrow('got "ovn-nbctl"');
    expect(() => requirePeers([undefined] as never)).toThrow("got [undefined]");
  });
  it("the OVN sandboxes list ovn-trace, which their trace() runs", () => {
    expect(SANDBOX_PROGRAMS.ovn).toContain("ovn-trace");
    expect(SANDBOX_PROGRAMS.chassis).toContain("ovn-trace");
  });
});
