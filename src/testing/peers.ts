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
 */
export function requirePeers(programs: readonly string[], options: RequirePeersOptions = {}): boolean {
  const missing = programs.filter((p) => !onPath(p));
  if (missing.length === 0) return true;
  if (options.strict ?? Boolean(process.env["CI"])) throw new SandboxError(`required OVS/OVN programs are missing: ${missing.join(", ")}`);
  return false;
}

/** The programs each sandbox starts or runs, for {@link requirePeers}. */
export const SANDBOX_PROGRAMS = {
  ovsdbServer: ["ovsdb-tool", "ovsdb-server", "ovs-appctl"],
  raft: ["ovsdb-tool", "ovsdb-server", "ovsdb-client", "ovs-appctl"],
  ovn: ["ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovs-appctl"],
  vswitchd: ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovs-ofctl"],
  chassis: ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovn-controller"],
  trace: ["ovn-trace"],
} as const;
