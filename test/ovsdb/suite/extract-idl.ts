/**
 * Extracts the IDL scenarios of Open vSwitch's `tests/ovsdb-idl.at` (tag v3.1.0) into
 * `idl-cases.json`. Run it again only to regenerate that file:
 *
 *     [OVS_GIT_DIR=path/to/ovs/git/dir] npx vite-node test/ovsdb/suite/extract-idl.ts
 *
 * Each scenario is what `test-ovsdb idl` / `test-ovsdb.py idl` is given: transactions run with
 * `ovsdb-client transact` before the IDL starts, then a list of steps (JSON transactions sent on a
 * second connection, `condition TABLE COND` changes, `reconnect`, IDL write commands such as
 * `set 0 b 1, verify 1 r`), and the sorted, `uuidfilt`-ed output OVS expects. The schema is OVS's
 * `tests/idltest.ovsschema` (stored once in the file).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OVS_TAG, calls, read, restoreQuadrigraphs, shellWords, unquote } from "./at-source.js";

/** The macros whose scenarios are extracted, and how OVS runs them. */
export type IdlMacro = "OVSDB_CHECK_IDL" | "OVSDB_CHECK_IDL_PY" | "OVSDB_CHECK_IDL_C" | "OVSDB_CHECK_IDL_TRACK" | "OVSDB_CHECK_IDL_WO_MONITOR_COND";

/** One extracted IDL scenario. */
export interface IdlCase {
  /** `ovsdb-idl.at:title` plus ` (track)` for change-tracking runs, `#n` when a title repeats. */
  readonly id: string;
  readonly macro: IdlMacro;
  /** `print`: the IDL's full contents after each step; `track`: the C IDL's tracked changes (`test-ovsdb -c`). */
  readonly output: "print" | "track";
  /** ovsdb-server runs with `ovsdb-server/disable-monitor-cond` (the IDL falls back to `monitor`). */
  readonly noMonitorCond: boolean;
  /** Transactions run with `ovsdb-client transact` before the IDL starts. */
  readonly pre: readonly string[];
  /** The IDL steps, as `test-ovsdb idl` receives them. */
  readonly steps: readonly string[];
  /** OVS's expected output (sorted, UUIDs as `<n>`), after the case's own `sed` filter when it has one. */
  readonly expected: string;
  /** The case's `sed -e` output filter, when it has one. */
  readonly filter: string | null;
}

const here = fileURLToPath(new URL(".", import.meta.url));

/** Extracts the scenarios from the given OVS git directory. */
export function extractIdl(gitDir: string): { schema: string; cases: IdlCase[] } {
  const src = read(gitDir, "ovsdb-idl.at");
  const schema = execFileSync("git", ["-C", gitDir, "show", `${OVS_TAG}:tests/idltest.ovsschema`], { encoding: "utf8" });
  const cases: IdlCase[] = [];
  const seen = new Map<string, number>();
  const macros: IdlMacro[] = ["OVSDB_CHECK_IDL", "OVSDB_CHECK_IDL_PY", "OVSDB_CHECK_IDL_C", "OVSDB_CHECK_IDL_TRACK", "OVSDB_CHECK_IDL_WO_MONITOR_COND"];
  const all = macros.flatMap((macro) => calls(src, macro).map((c) => ({ ...c, macro }))).sort((a, b) => a.at - b.at);
  for (const { args, macro } of all) {
    // The macro definitions themselves (m4_define([OVSDB_CHECK_IDL], ...)) are not calls.
    if (args.length < 3 || /\$[0-9@]/.test(args.join(""))) continue;
    const noMonitorCond = macro === "OVSDB_CHECK_IDL_WO_MONITOR_COND";
    const a = noMonitorCond ? [args[0]!, "", ...args.slice(1)] : args;
    const [title, pre, steps, output, , filter] = a.map((x) => restoreQuadrigraphs(unquote(unquote(x ?? ""))));
    // Scenarios built by shell expansion ($(printf ...)) are not literal text.
    if ([pre, steps, output].some((x) => x!.includes("$("))) continue;
    const words = (text: string) => (text.trim() === "" ? [] : shellWords(`x ${text}`).quoted);
    const trackSuffix = macro === "OVSDB_CHECK_IDL_TRACK" ? " (track)" : "";
    const base = `ovsdb-idl.at:${unquote(args[0]!).trim()}${trackSuffix}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const sed = filter?.trim() ? /sed -e '([^']*)'/.exec(filter)?.[1] ?? null : null;
    cases.push({
      id: n === 1 ? base : `${base} #${n}`,
      macro,
      output: macro === "OVSDB_CHECK_IDL_TRACK" ? "track" : "print",
      noMonitorCond,
      pre: words(pre!).map((t) => t.trim()),
      steps: words(steps!).map((t) => t.trim()),
      expected: output!,
      filter: sed,
    });
    void title;
  }
  return { schema, cases };
}

if (!process.env.VITEST) {
  const gitDir = process.env.OVS_GIT_DIR ?? "/work/.mirror/openvswitch+ovs/repo";
  const { schema, cases } = extractIdl(gitDir);
  writeFileSync(join(here, "idl-cases.json"), `${JSON.stringify({ source: `openvswitch/ovs ${OVS_TAG} tests/ovsdb-idl.at, tests/idltest.ovsschema`, schema: JSON.parse(schema), cases }, null, 1)}\n`);
  console.log(`${cases.length} cases`);
}
