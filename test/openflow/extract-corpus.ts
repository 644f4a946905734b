/**
 * Extractor (run by hand, not part of the suite) of the OVS test-suite corpus in test/openflow/corpus/suite/:
 * reads `tests/ofp-print.at`, `tests/ofp-actions.at` and `tests/ovs-ofctl.at` of Open vSwitch at tag v3.1.0
 * (the version of the installed Debian binaries) and writes every `ovs-ofctl` invocation in scope as one
 * JSON line `{"argv": [...], "stdin"?: "..."}`:
 *
 * - ofp-print.jsonl: every `ovs-ofctl ofp-print HEX [VERBOSITY]` (logging options dropped);
 * - ofp-actions.jsonl: every hex action list of a `parse-actions VERSION` / `parse-instructions VERSION`
 *   block (one case per line of input), every `# actions=...` line of those blocks and every
 *   `bad_action` of "action parsing errors" as `parse-flow actions=...`, every flow piped to test-ofparse.py;
 * - ovs-ofctl.jsonl: every flow of the parse-flow(s) tests, with the options of its test, plus the same flow
 *   with `-O OpenFlow13` when the test names no protocol.
 *
 * The test (suite.test.ts) runs each argv with `ovs-ofctl` and with `ovn-ts ofctl` and compares the outputs.
 *
 *   npx vite-node test/openflow/extract-corpus.ts [OVS_GIT_DIR]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

const TAG = "v3.1.0";
const repo = process.argv[2] ?? "/work/.mirror/openvswitch+ovs/repo";
const outDir = new URL("./corpus/suite/", import.meta.url).pathname;

/** One ovs-ofctl invocation. */
export interface SuiteCase {
  argv: string[];
  stdin?: string;
}

function at(file: string): string {
  return execFileSync("git", ["-C", repo, "show", `${TAG}:tests/${file}`], { encoding: "utf8", maxBuffer: 16 << 20 });
}

/** Removes one level of m4 quotes ([ ]) and the quadrigraphs, as a rescan by autotest does. */
function unquote(s: string): string {
  let out = "";
  let depth = 0;
  for (const c of s) {
    if (c === "[") {
      if (depth++ > 0) out += c;
    } else if (c === "]") {
      if (--depth > 0) out += c;
    } else out += c;
  }
  return out.replace(/@<:@/g, "[").replace(/@:>@/g, "]").replace(/@S\|@/g, "$");
}

/** Reads one m4 argument starting at `i` (after optional blanks): returns its raw text and the index after it. */
function m4Arg(s: string, i: number): { text: string; end: number } {
  while (/\s/.test(s[i]!)) i++;
  const start = i;
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (depth === 0 && (c === "," || c === ")")) break;
  }
  return { text: s.slice(start, i).trim(), end: i };
}

/** Every AT_SETUP section: its title and body. */
function sections(text: string): { title: string; body: string }[] {
  return text
    .split(/^AT_SETUP\(/m)
    .slice(1)
    .map((chunk) => {
      const { text: t, end } = m4Arg(chunk, 0);
      return { title: unquote(unquote(t)), body: chunk.slice(end) };
    });
}

/** The first argument (the shell command) of every AT_CHECK / AT_CHECK_UNQUOTED, m4-unquoted twice. */
function checks(body: string): string[] {
  const out: string[] = [];
  const re = /AT_CHECK(?:_UNQUOTED)?\(/g;
  for (let m = re.exec(body); m; m = re.exec(body)) out.push(unquote(unquote(m4Arg(body, re.lastIndex).text)));
  return out;
}

/** The contents of every AT_DATA([name], [...]) of a section, by name. */
function data(body: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /AT_DATA\(/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const name = m4Arg(body, re.lastIndex);
    const content = m4Arg(body, name.end + 1);
    out.set(unquote(unquote(name.text)), unquote(unquote(content.text)).replace(/^dnl\n/, "").replace(/dnl\n/g, ""));
  }
  return out;
}

/** Splits a shell command into words (single and double quotes, backslash escapes and line continuations). */
function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === "\\" && cmd[i + 1] === "\n") {
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
      if (c === "\n") words.push("\n");
      continue;
    }
    cur ??= "";
    if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      cur += cmd.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      for (i++; cmd[i] !== '"'; i++) {
        if (cmd[i] === "\\" && cmd[i + 1] === "\n") i++;
        else if (cmd[i] === "\\" && /["\\$`]/.test(cmd[i + 1]!)) cur += cmd[++i];
        else cur += cmd[i];
      }
    } else if (c === "\\") cur += cmd[++i];
    else cur += c;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** The ovs-ofctl argv of a command line (its first line only), without logging options. */
function ofctlArgv(cmd: string): string[] | undefined {
  const words = shellWords(cmd);
  const nl = words.indexOf("\n");
  let first = nl < 0 ? words : words.slice(0, nl);
  const redirect = first.findIndex((w) => /^[|<>]/.test(w));
  if (redirect >= 0) first = first.slice(0, redirect);
  if (first[0] !== "ovs-ofctl") return undefined;
  return first.slice(1).filter((w) => !w.startsWith("-v"));
}

function ofpPrint(): SuiteCase[] {
  const out: SuiteCase[] = [];
  for (const { body } of sections(at("ofp-print.at"))) {
    for (const cmd of checks(body)) {
      const argv = ofctlArgv(cmd);
      const i = argv?.indexOf("ofp-print") ?? -1;
      if (!argv || i < 0 || argv[i + 1] === "-") continue;
      out.push({ argv: ["ofp-print", ...argv.slice(i + 1).map((a, k) => (k === 0 ? a.replace(/\s+/g, "") : a))] });
    }
  }
  return out;
}

function ofpActions(): SuiteCase[] {
  const out: SuiteCase[] = [];
  const seenFlows = new Set<string>();
  const flow = (f: string) => {
    if (seenFlows.has(f)) return;
    seenFlows.add(f);
    out.push({ argv: ["parse-flow", f] });
  };
  for (const { title, body } of sections(at("ofp-actions.at"))) {
    const testData = data(body).get("test-data");
    for (const cmd of checks(body)) {
      const argv = ofctlArgv(cmd) ?? [];
      const k = argv.findIndex((a) => a === "parse-actions" || a === "parse-instructions");
      if (k >= 0 && testData !== undefined) {
        for (const line of testData.split("\n")) {
          const hex = line.trim();
          if (!hex || hex.startsWith("#") || hex.startsWith("&")) continue;
          out.push({ argv: [argv[k]!, argv[k + 1]!], stdin: `${hex}\n` });
        }
        for (const line of testData.split("\n")) if (line.startsWith("# actions=")) flow(line.slice(2));
      }
      // flows piped to test-ofparse.py: `echo 'FLOW' | test-ofparse.py`
      const echo = /^echo '([^']*)' \| test-ofparse\.py$/.exec(cmd.trim());
      if (echo) flow(echo[1]!);
    }
    if (title === "action parsing errors") {
      for (const m of body.matchAll(/^bad_action '((?:[^'\\]|\\.)*)'/gm)) flow(`actions=${unquote(m[1]!)}`);
    }
  }
  return out;
}

function ovsOfctl(): SuiteCase[] {
  const out: SuiteCase[] = [];
  const add = (opts: string[], f: string) => {
    out.push({ argv: [...opts, "parse-flow", f] });
    if (!opts.some((o) => /^(-O|--protocols|-F|--flow-format)/.test(o))) out.push({ argv: ["-O", "OpenFlow13", ...opts, "parse-flow", f] });
  };
  for (const { title, body } of sections(at("ovs-ofctl.at"))) {
    if (title === "ovs-ofctl parse-flows choice of protocol") {
      for (const m of body.matchAll(/^\s+'(\S+)\s+\S+'/gm)) add([], `${unquote(m[1]!)},actions=drop`);
      continue;
    }
    if (title === "ovs-ofctl parse-flow with invalid mask") {
      for (const m of body.matchAll(/^\s+'([^']+)'/gm)) {
        const w = m[1]!.split(/\s+/);
        const [prereq, field, value] = w.length === 3 ? [`${w[0]},`, w[1], w[2]] : ["", w[0], w[1]];
        add([], `${prereq}${field}=${value},actions=drop`);
      }
      continue;
    }
    if (!/parse-flows/.test(title)) continue;
    const files = data(body);
    for (const cmd of checks(body)) {
      const argv = ofctlArgv(cmd);
      const k = argv?.indexOf("parse-flows") ?? -1;
      if (!argv || k < 0) continue;
      const content = files.get(argv[k + 1]!);
      if (content === undefined) continue;
      const opts = argv.slice(0, k).filter((o) => !/^-m+$/.test(o));
      for (const line of content.split("\n")) {
        const f = line.trim();
        if (f && !f.startsWith("#")) add(opts, f);
      }
    }
  }
  return out;
}

mkdirSync(outDir, { recursive: true });
const header = (src: string) => `# generated by test/openflow/extract-corpus.ts from tests/${src} of openvswitch/ovs ${TAG}; one ovs-ofctl invocation per line\n`;
for (const [name, cases] of [
  ["ofp-print", ofpPrint()],
  ["ofp-actions", ofpActions()],
  ["ovs-ofctl", ovsOfctl()],
] as const) {
  writeFileSync(`${outDir}${name}.jsonl`, header(`${name}.at`) + cases.map((c) => JSON.stringify(c)).join("\n") + "\n");
  console.log(`${name}: ${cases.length} cases`);
}
