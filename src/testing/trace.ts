/**
 * `ovn-trace` as a function: runs it against a Southbound database and parses its detailed output
 * into pipeline sections, logical-flow stages and their actions, the logical ports the packet was
 * output to, and whether it was dropped.
 *
 * @module
 */
import { SandboxError, run } from "./process.js";

export { type OvnTrace, type TraceSection, type TraceStage, parseOvnTrace } from "../ovn/trace-text.js";
import { type OvnTrace, parseOvnTrace } from "../ovn/trace-text.js";

/** Options of {@link ovnTrace}. */
export interface OvnTraceOptions {
  /** Southbound database remote (`--db=`), e.g. `unix:/tmp/x/sb/db.sock`. */
  db: string;
  /** Conntrack states to assume (`--ct=` flags, e.g. `["new"]`); ovn-trace's default is `est`-like. */
  ct?: readonly string[];
  /** Extra `ovn-trace` arguments. */
  extraArgs?: readonly string[];
  /**
   * Kill `ovn-trace` after this many milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

/**
 * Runs `ovn-trace --db=DB DATAPATH MICROFLOW` (e.g. `ovnTrace({ db }, "ls0", 'inport == "lp1" && ...')`)
 * and parses its output. Throws `SandboxError` with ovn-trace's messages when it fails (e.g. an
 * unknown datapath or port).
 */
export async function ovnTrace(options: OvnTraceOptions, datapath: string, microflow: string): Promise<OvnTrace> {
  const args = [`--db=${options.db}`, ...(options.ct ?? []).map((c) => `--ct=${c}`), ...(options.extraArgs ?? []), datapath, microflow];
  const r = await run("ovn-trace", args, { timeoutMs: options.timeoutMs ?? 30_000 });
  const trace = parseOvnTrace(r.stdout);
  // ovn-trace reports some errors (e.g. an unknown datapath) on stdout with status 0 and no trace.
  if (trace.flow === "") throw new SandboxError(`ovn-trace ${datapath}: ${(r.stdout + r.stderr).trim() || "no trace printed"}`);
  return trace;
}
