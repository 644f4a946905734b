/**
 * Extracts the differential corpus from Open vSwitch's own OVSDB test suite (tag v3.1.0) into
 * `cases.json`. Run it again only to regenerate that file:
 *
 *     [OVS_GIT_DIR=path/to/ovs/git/dir] npx vite-node test/ovsdb/suite/extract.ts
 *
 * The `.at` files are m4 (autotest) sources: arguments are quoted with `[` `]`, each expansion
 * removes one level of quotes, `dnl` starts a comment and `@<:@`/`@:>@` stand for `[`/`]`. The
 * extractor applies exactly the quote removals the macros apply, so transactions, conditions and
 * expected outputs come out as the text `test-ovsdb` receives and prints. Case inputs stay text
 * (JSON numbers beyond 2^53 must reach the servers unchanged).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OVS_TAG, calls, read, restoreQuadrigraphs, shellWords, splitArgs, unquote } from "./at-source.js";

/** One extracted case (see `cases.json`). */
export interface SuiteCase {
  /** `file:title` plus `#n` when a title repeats. */
  readonly id: string;
  /** Source `.at` file (without directory). */
  readonly file: string;
  /** How the case is run: a sequence of transactions, or a `test-ovsdb` command translated to transactions. */
  readonly kind: "execution" | "parse-conditions" | "parse-mutations" | "evaluate-conditions" | "query" | "execute-mutations" | "monitor";
  /** Database schema text (execution) or one table's schema text (the others). */
  readonly schema: string;
  /** Transactions (execution), or the command's JSON arguments after the schema. */
  readonly args: readonly string[];
  /** Monitor cases: what `ovsdb-client -d json monitor[-cond] --format=csv` is given, and the transactions before it starts. */
  readonly monitor?: {
    readonly pre: readonly string[];
    readonly db: string;
    readonly table: string;
    readonly columns: string;
    /** The condition (monitor-cond), or null for a plain monitor. */
    readonly condition: string | null;
    /** Conditions given later with `ovs-appctl -t ovsdb-client ovsdb-client/cond_change TABLE COND`. */
    readonly condChanges: readonly string[];
  };
  /** What OVS's test expects on stdout (UUIDs already replaced by `<n>` in execution cases), when it checks stdout. */
  readonly expected: string | null;
}

const TAG = OVS_TAG;
const here = fileURLToPath(new URL(".", import.meta.url));

function schemaFunctions(src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of src.matchAll(/(\w+_schema) \(\) \{\s*cat <<\s*'EOF'\n([\s\S]*?)\nEOF/g)) out.set(m[1]!, m[2]!.trim());
  return out;
}

/** Extracts every translatable case from the given OVS git directory. */
export function extract(gitDir: string): SuiteCase[] {
  const cases: SuiteCase[] = [];
  const seen = new Map<string, number>();
  const add = (c: Omit<SuiteCase, "id">, title: string) => {
    const base = `${c.file}:${title}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    cases.push({ id: n === 1 ? base : `${base} #${n}`, ...c });
  };

  const exec = read(gitDir, "ovsdb-execution.at");
  const schemas = schemaFunctions(exec);
  for (const { args } of calls(exec, "OVSDB_CHECK_EXECUTION")) {
    const [title, schemaFn, txns, output] = args.map(unquote);
    const schema = schemas.get(schemaFn!.trim());
    if (schema === undefined) throw new Error(`no schema function ${schemaFn}`);
    const list = splitArgs(txns!).map((t) => restoreQuadrigraphs(unquote(unquote(t))).trim());
    add({ file: "ovsdb-execution.at", kind: "execution", schema, args: list, expected: restoreQuadrigraphs(unquote(output!)) }, title!);
  }

  const mon = read(gitDir, "ovsdb-monitor.at");
  for (const [k, v] of schemaFunctions(mon)) schemas.set(k, v);
  // Transaction lists defined once with m4_define and used by name (OVSDB_MONITOR_INITIAL, ...).
  const defines = new Map<string, string>();
  for (const { args } of calls(mon, "m4_define")) {
    const name = unquote(args[0] ?? "").trim();
    if (/^OVSDB_MONITOR_\w+$/.test(name) && args[1] !== undefined) defines.set(name, args[1]);
  }
  const expand = (arg: string) => defines.get(unquote(arg).trim()) ?? arg;
  const txnList = (arg: string) => splitArgs(unquote(expand(arg))).map((t) => restoreQuadrigraphs(unquote(unquote(t))).trim());
  const monCalls = [
    ...calls(mon, "OVSDB_CHECK_MONITOR").map((c) => ({ ...c, cond: false })),
    ...calls(mon, "OVSDB_CHECK_MONITOR_COND").map((c) => ({ ...c, cond: true })),
  ].sort((a, b) => a.at - b.at);
  for (const { args, cond } of monCalls) {
    const arg = (i: number) => args[i] ?? "";
    const schema = schemas.get(unquote(arg(1)).trim());
    if (schema === undefined) throw new Error(`no schema function ${arg(1)}`);
    const twice = (i: number) => restoreQuadrigraphs(unquote(unquote(arg(i)))).trim();
    add(
      {
        file: "ovsdb-monitor.at",
        kind: "monitor",
        schema,
        args: txnList(arg(5)),
        expected: restoreQuadrigraphs(unquote(unquote(arg(6)))),
        monitor: {
          pre: txnList(arg(2)),
          db: twice(3),
          table: twice(4),
          // monitor-cond passes the columns unquoted to the shell, which drops their double quotes.
          columns: cond ? twice(8).replace(/"/g, "") : twice(7),
          condition: cond ? `[${twice(7)}]` : null,
          condChanges: cond && args.length > 9 ? splitArgs(unquote(arg(9))).map((c) => restoreQuadrigraphs(unquote(unquote(c))).trim()) : [],
        },
      },
      unquote(arg(0)),
    );
  }

  for (const file of ["ovsdb-condition.at", "ovsdb-mutation.at", "ovsdb-query.at"]) {
    const src = read(gitDir, file);
    const commands: { at: number; title: string; cmd: string; expected: string | null }[] = [];
    for (const { at, args } of calls(src, "OVSDB_CHECK_POSITIVE")) {
      const [title, cmd, output] = args.map(unquote);
      commands.push({ at, title: title!, cmd: unquote(cmd!), expected: restoreQuadrigraphs(unquote(output!)) });
    }
    const setups = calls(src, "AT_SETUP").map(({ at, args }) => ({ at, title: unquote(args[0]!) }));
    for (const { at, args } of calls(src, "AT_CHECK")) {
      const cmd = unquote(unquote(args[0]!)).trim();
      if (!cmd.startsWith("test-ovsdb ")) continue;
      const title = setups.filter((s) => s.at < at).at(-1)!.title;
      commands.push({ at, title, cmd: cmd.slice("test-ovsdb ".length), expected: null });
    }
    commands.sort((a, b) => a.at - b.at);
    for (const c of commands) {
      const { verb, quoted } = shellWords(c.cmd);
      const kinds = ["parse-conditions", "parse-mutations", "evaluate-conditions", "query", "execute-mutations"] as const;
      const kind = kinds.find((k) => k === verb);
      // evaluate-conditions-any / compare-conditions / query-distinct / query-distinct: test-ovsdb internals with no transaction equivalent.
      if (kind === undefined) continue;
      const [schema, ...rest] = quoted.map(restoreQuadrigraphs);
      add({ file, kind, schema: schema!.trim(), args: rest.map((r) => r.trim()), expected: c.expected }, c.title);
    }
  }
  return cases;
}

if (!process.env.VITEST) {
  const gitDir = process.env.OVS_GIT_DIR ?? "/work/.mirror/openvswitch+ovs/repo";
  const cases = extract(gitDir);
  writeFileSync(join(here, "cases.json"), `${JSON.stringify({ source: `openvswitch/ovs ${TAG} tests/`, cases }, null, 1)}\n`);
  console.log(`${cases.length} cases`);
}
