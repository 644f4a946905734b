/**
 * Test helper: decides whether an integration test that needs a real OVS/OVN program may run.
 * Outside CI a missing program skips the test; under CI (`CI` set) it is a failure, never a silent skip.
 */
import { execFileSync } from "node:child_process";

const cache = new Map<string, boolean>();

/** True when `program` is on PATH. */
export function havePeer(program: string): boolean {
  let ok = cache.get(program);
  if (ok === undefined) {
    try {
      execFileSync("sh", ["-c", `command -v "$0"`, program], { stdio: "ignore" });
      ok = true;
    } catch {
      ok = false;
    }
    cache.set(program, ok);
  }
  return ok;
}

/**
 * Returns true when every program is present. When one is missing: under CI throws (so the
 * suite fails loudly), otherwise returns false so the caller can `describe.skipIf(!peers(...))`.
 */
export function peers(...programs: string[]): boolean {
  const missing = programs.filter((p) => !havePeer(p));
  if (missing.length === 0) return true;
  if (process.env["CI"]) throw new Error(`CI requires real peers that are missing: ${missing.join(", ")}`);
  return false;
}

/** The Debian Python that has the OVS IDL and scapy (not a pyenv python3). */
export const DEBIAN_PYTHON = "/usr/bin/python3";
