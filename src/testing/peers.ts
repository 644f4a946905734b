/**
 * Deciding whether a test that needs real OVS/OVN programs may run: skip on a developer machine
 * that lacks them, fail loudly in CI.
 *
 * @module
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { SandboxError } from "./process.js";

const found = new Map<string, boolean>();

/** True when `program` is an executable file in a directory of `PATH`. */
export function onPath(program: string): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    ok = (process.env["PATH"] ?? "").split(delimiter).some((dir) => {
      if (!dir) return false;
      try {
        accessSync(join(dir, program), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    found.set(program, ok);
  }
  return ok;
}

/** Options of {@link requirePeers}. */
export interface RequirePeersOptions {
  /**
   * Throw instead of returning false when a program is missing.
   * @default true when the `CI` environment variable is set (non-empty)
   */
  strict?: boolean;
}

/**
 * True when every program is on `PATH`. When one is missing it returns false (so a test can
 * `describe.skipIf(!requirePeers(...))`), except in CI (or with `strict`), where it throws a
 * `SandboxError` listing what is missing — a missing peer is never a silent skip there.
 * Anything but an array of program names (e.g. `undefined` from a misspelled
 * `SANDBOX_PROGRAMS.key`) is a `SandboxError` naming what was given, in CI or not.
 */
export function requirePeers(programs: readonly string[], options: RequirePeersOptions = {}): boolean {
  if (!Array.isArray(programs) || !programs.every((p) => typeof p === "string" && p !== "")) {
    const got = Array.isArray(programs) ? `[${programs.map((p) => JSON.stringify(p) ?? String(p)).join(", ")}]` : programs === null ? "null" : typeof programs === "string" ? JSON.stringify(programs) : typeof programs;
    throw new SandboxError(`requirePeers: expected an array of program names, got ${got} (SANDBOX_PROGRAMS has ${Object.keys(SANDBOX_PROGRAMS).join(", ")})`);
  }
  const missing = programs.filter((p) => !onPath(p));
  if (missing.length === 0) return true;
  if (options.strict ?? Boolean(process.env["CI"])) throw new SandboxError(`required OVS/OVN programs are missing: ${missing.join(", ")}`);
  return false;
}

/**
 * The programs each sandbox starts or runs, for {@link requirePeers}: `ovn` and `chassis` include
 * `ovn-trace`, which their `trace()` runs.
 */
export const SANDBOX_PROGRAMS = {
  ovsdbServer: ["ovsdb-tool", "ovsdb-server", "ovs-appctl"],
  raft: ["ovsdb-tool", "ovsdb-server", "ovsdb-client", "ovs-appctl"],
  ovn: ["ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovs-appctl", "ovn-trace"],
  vswitchd: ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovs-ofctl"],
  chassis: ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovn-controller", "ovn-trace"],
  trace: ["ovn-trace"],
} as const;
