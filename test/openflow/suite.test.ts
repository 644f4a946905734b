/**
 * Differential test over Open vSwitch's own test suite (tests/ofp-print.at, ofp-actions.at, ovs-ofctl.at at
 * v3.1.0, extracted by extract-corpus.ts into corpus/suite/*.jsonl): every case runs through the installed
 * `ovs-ofctl` and through `ovn-ts ofctl` with the same argv and stdin; stdout and exit status must agree,
 * except for the cases of corpus/suite/known-differences.json (each with its reason), which must differ:
 * a fixed case has to leave the list.
 *
 * ovs-ofctl runs from a few shell scripts (one process per case, the scripts in parallel), not from Node.
 * `UPDATE_KNOWN=1` rewrites the list with the differences found (new ones get the reason "TODO", which fails);
 * `SUITE_DUMP=FILE` writes every differing case with both outputs to FILE (JSON lines).
 */
import { describe, expect, it, beforeAll } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { peers } from "../support/peers.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

const dir = new URL("./corpus/suite/", import.meta.url).pathname;
const FILES = ["ofp-print", "ofp-actions", "ovs-ofctl"] as const;
const knownPath = join(dir, "known-differences.json");

interface SuiteCase {
  file: string;
  key: string;
  argv: string[];
  stdin?: string;
}
interface Outcome {
  out: string;
  code: number;
  /** Our stderr (for SUITE_DUMP; ovs-ofctl's is not kept). */
  err?: string;
}

function loadCases(): SuiteCase[] {
  const seen = new Set<string>();
  const out: SuiteCase[] = [];
  for (const file of FILES) {
    for (const line of readFileSync(join(dir, `${file}.jsonl`), "utf8").split("\n")) {
      if (!line.trim() || line.startsWith("#")) continue;
      const c = JSON.parse(line) as { argv: string[]; stdin?: string };
      if (seen.has(line)) continue;
      seen.add(line);
      out.push({ file, key: line, ...c });
    }
  }
  return out;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const MARK = "@@ovn-ts-suite-rc=";

/** Runs the cases through ovs-ofctl from `jobs` shell scripts in parallel; one outcome per case. */
async function runOvs(cases: readonly SuiteCase[], tmp: string, jobs = 4): Promise<Outcome[]> {
  const results: Outcome[] = new Array(cases.length);
  const per = Math.ceil(cases.length / jobs);
  await Promise.all(
    Array.from({ length: jobs }, async (_, j) => {
      const slice = cases.slice(j * per, (j + 1) * per);
      const script = slice
        .map((c, i) => {
          const stdin = c.stdin === undefined ? "</dev/null" : `<<'__EOF_${i}__'\n${c.stdin}__EOF_${i}__`;
          return `ovs-ofctl ${c.argv.map(sq).join(" ")} 2>/dev/null ${stdin}\necho "${MARK}$?"`;
        })
        .join("\n");
      const file = join(tmp, `run${j}.sh`);
      writeFileSync(file, script + "\n");
      const { stdout } = await promisify(execFile)("sh", [file], { maxBuffer: 256 << 20, encoding: "utf8" });
      const parts = stdout.split(new RegExp(`^${MARK}(\\d+)\\n`, "m"));
      slice.forEach((_, i) => {
        results[j * per + i] = { out: parts[2 * i]!, code: Number(parts[2 * i + 1]) };
      });
    }),
  );
  return results;
}

async function runOurs(c: SuiteCase): Promise<Outcome> {
  const io = memoryIo(c.stdin ?? "");
  let code: number;
  try {
    code = await main(["ofctl", ...c.argv], io);
  } catch (e) {
    return { out: `${io.stdout}(threw ${String(e)})`, code: -1 };
  }
  return { out: io.stdout, code, err: io.stderr };
}

const cases = loadCases();
const known: Record<string, string> = JSON.parse(readFileSync(knownPath, "utf8"));

describe.skipIf(!peers("ovs-ofctl"))(`OVS test suite corpus (${cases.length} ovs-ofctl invocations)`, () => {
  let ovs: Outcome[];
  let ours: Outcome[];
  beforeAll(async () => {
    const tmp = mkdtempSync(join(tmpdir(), "ovn-ts-suite-"));
    try {
      ovs = await runOvs(cases, tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    ours = [];
    for (const c of cases) ours.push(await runOurs(c));
  }, 120_000);

  it("every case agrees with ovs-ofctl (stdout and exit status) or is a listed known difference", () => {
    const differ = new Set<string>();
    const stats = new Map<string, { n: number; same: number }>();
    const report: string[] = [];
    cases.forEach((c, i) => {
      const same = ovs[i]!.out === ours[i]!.out && ovs[i]!.code === ours[i]!.code;
      const s = stats.get(c.file) ?? { n: 0, same: 0 };
      s.n++;
      if (same) s.same++;
      stats.set(c.file, s);
      if (!same) {
        differ.add(c.key);
        if (!(c.key in known)) report.push(`${c.key}\n  ovs  (${ovs[i]!.code}): ${JSON.stringify(ovs[i]!.out)}\n  ours (${ours[i]!.code}): ${JSON.stringify(ours[i]!.out)}`);
      }
    });
    const dump = process.env["SUITE_DUMP"];
    if (dump) {
      const lines = cases.flatMap((c, i) => (differ.has(c.key) ? [JSON.stringify({ key: c.key, ovs: ovs[i], ours: ours[i] })] : []));
      writeFileSync(dump, lines.join("\n") + "\n");
    }
    const summary = [...stats].map(([f, s]) => `${f}: ${s.same}/${s.n}`).join(", ");
    console.log(`agreement with ovs-ofctl: ${summary}`);
    if (process.env["UPDATE_KNOWN"]) {
      const next: Record<string, string> = {};
      for (const c of cases) if (differ.has(c.key)) next[c.key] = known[c.key] ?? "TODO";
      writeFileSync(knownPath, JSON.stringify(next, null, 1) + "\n");
    }
    const fixed = Object.keys(known).filter((k) => !differ.has(k));
    expect(report, `unexpected differences:\n${report.join("\n")}`).toEqual([]);
    expect(fixed, "listed as known differences but now identical (remove them)").toEqual([]);
    const unexplained = Object.entries(known).filter(([, r]) => !r.trim() || r === "TODO");
    expect(unexplained.map(([k]) => k), "known differences without a reason").toEqual([]);
  });
});
