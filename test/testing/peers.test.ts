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
