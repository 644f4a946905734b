/**
 * Parsers of the small status commands every OVS/OVN daemon (or one of them) answers:
 * `memory/show` and `coverage/show` (OVS `lib/memory.c`, `lib/coverage.c`), `ovsdb-server`'s
 * `ovsdb-server/get-db-storage-status DB`, `ovn-northd`'s `status` and `ovn-controller`'s
 * `connection-status`.
 *
 * @module
 */
import { UnixctlParseError } from "./errors.js";

/** Parses `memory/show` (`key:value` pairs separated by spaces, e.g. `atoms:17 cells:20 monitors:0`). */
export function parseMemoryShow(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const kv of text.split(/\s+/)) {
    if (kv === "") continue;
    const m = /^([^:\s]+):(\d+)$/.exec(kv);
    if (!m) throw new UnixctlParseError("memory/show", 1, `expected KEY:NUMBER but found "${kv}"`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** One counter of `coverage/show`. */
export interface CoverageCounter {
  /** Counter name, e.g. `dpif_flow_put`. */
  readonly name: string;
  /** Rate per second over the last 5-second interval. */
  readonly ratePerSec5s: number;
  /** Average rate per second over the last minute. */
  readonly ratePerSecMinute: number;
  /** Average rate per second over the last hour. */
  readonly ratePerSecHour: number;
  /** Total since the daemon started. */
  readonly total: number;
}

/** `coverage/show`, parsed: the counters that were ever hit, and the count of those never hit. */
export interface CoverageShow {
  /** The header's hash of the counter values (`hash=7fa679e1`). */
  readonly hash: string;
  /** Counters with a non-zero total, in the daemon's order. */
  readonly counters: readonly CoverageCounter[];
  /** `N events never hit`. */
  readonly neverHit: number;
}

/** Parses `coverage/show`. */
export function parseCoverageShow(text: string): CoverageShow {
  const cmd = "coverage/show";
  const lines = text.split("\n");
  const h = /^Event coverage, avg rate over last: \d+ seconds, last minute, last hour, {2}hash=([0-9a-f]{8}):$/.exec(lines[0] ?? "");
  if (!h) throw new UnixctlParseError(cmd, 1, `unexpected header "${lines[0] ?? ""}"`);
  const counters: CoverageCounter[] = [];
  let neverHit: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === "") continue;
    let m = /^(\S+)\s+([\d.]+)\/sec\s+([\d.]+)\/sec\s+([\d.]+)\/sec\s+total: (\d+)$/.exec(l);
    if (m) {
      counters.push({ name: m[1]!, ratePerSec5s: Number(m[2]), ratePerSecMinute: Number(m[3]), ratePerSecHour: Number(m[4]), total: Number(m[5]) });
      continue;
    }
    m = /^(\d+) events never hit$/.exec(l);
    if (m) {
      neverHit = Number(m[1]);
      continue;
    }
    throw new UnixctlParseError(cmd, i + 1, `unexpected line "${l}"`);
  }
  if (neverHit === undefined) throw new UnixctlParseError(cmd, 0, 'no "N events never hit" line');
  return { hash: h[1]!, counters, neverHit };
}

/**
 * `ovsdb-server/get-db-storage-status DB` (OVS 3.1's closest to a storage health check):
 * `{ ok: true }` for `status: ok`, else the storage error text.
 */
export type StorageStatus = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Parses `ovsdb-server/get-db-storage-status DB`. */
export function parseStorageStatus(text: string): StorageStatus {
  const m = /^status: (.*)$/s.exec(text.trimEnd());
  if (!m) throw new UnixctlParseError("ovsdb-server/get-db-storage-status", 1, `expected "status: ..." but found "${text.trimEnd()}"`);
  return m[1] === "ok" ? { ok: true } : { ok: false, error: m[1]! };
}

/** `ovn-northd`'s HA state (`status` command): active, standby (another northd holds the lock) or paused. */
export type NorthdStatus = "active" | "standby" | "paused";

/** Parses `ovn-northd`'s `status` output (`Status: active`). */
export function parseNorthdStatus(text: string): NorthdStatus {
  const m = /^Status: (active|standby|paused)\n?$/.exec(text);
  if (!m) throw new UnixctlParseError("status", 1, `expected "Status: active|standby|paused" but found "${text.trimEnd()}"`);
  return m[1] as NorthdStatus;
}

/** A database connection state as `ovn-controller`'s `connection-status` (and `ovn-northd`'s `nb-/sb-connection-status`) print it. */
export type ConnectionStatus = "connected" | "not connected";

/** Parses `connection-status` output. */
export function parseConnectionStatus(text: string): ConnectionStatus {
  const t = text.trimEnd();
  if (t !== "connected" && t !== "not connected") throw new UnixctlParseError("connection-status", 1, `expected "connected" or "not connected" but found "${t}"`);
  return t;
}
