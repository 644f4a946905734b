/**
 * Reading Open vSwitch's autotest (`.at`) sources at tag v3.1.0: m4 quote removal, macro calls and
 * their arguments, shell words. Shared by the corpus extractors (`extract.ts`, `extract-idl.ts`).
 */
import { execFileSync } from "node:child_process";

/** The OVS tag the corpora come from. */
export const OVS_TAG = "v3.1.0";

/** Removes one level of m4 quotes: brackets at quote depth 1. */
export function unquote(text: string): string {
  let depth = 0;
  let out = "";
  for (const ch of text) {
    if (ch === "[") {
      if (depth++ > 0) out += ch;
    } else if (ch === "]") {
      if (--depth > 0) out += ch;
    } else out += ch;
  }
  return out;
}

/** Splits at commas outside quotes and parentheses (m4 argument splitting); leading whitespace of each part is dropped. */
export function splitArgs(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let parens = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    else if (depth === 0 && ch === "(") parens++;
    else if (depth === 0 && ch === ")") parens--;
    if (depth === 0 && parens === 0 && ch === ",") {
      parts.push(cur.replace(/^\s+/, ""));
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") parts.push(cur.replace(/^\s+/, ""));
  return parts;
}

/** Every call of macro `name` in `src`: its raw (still quoted) arguments and where it starts. */
export function calls(src: string, name: string): { at: number; args: string[] }[] {
  const out: { at: number; args: string[] }[] = [];
  const re = new RegExp(`(?<![A-Za-z0-9_])${name}\\(`, "g");
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let i = m.index + m[0].length;
    let depth = 0;
    let parens = 0;
    const start = i;
    for (; i < src.length; i++) {
      const ch = src[i];
      if (ch === "[") depth++;
      else if (ch === "]") depth--;
      else if (depth === 0 && ch === "(") parens++;
      else if (depth === 0 && ch === ")") {
        if (parens === 0) break;
        parens--;
      }
    }
    out.push({ at: m.index, args: splitArgs(src.slice(start, i)).map((a) => a.replace(/\s+$/, "")) });
  }
  return out;
}

/** Splits a shell command line into words (single quotes, backslash-newline continuations). */
export function shellWords(cmd: string): { verb: string; quoted: string[] } {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i]!;
    if (ch === "'") {
      const end = cmd.indexOf("'", i + 1);
      cur = (cur ?? "") + cmd.slice(i + 1, end);
      i = end;
    } else if (ch === "\\" && cmd[i + 1] === "\n") i++;
    else if (/\s/.test(ch)) {
      if (cur !== null) words.push(cur);
      cur = null;
    } else cur = (cur ?? "") + ch;
  }
  if (cur !== null) words.push(cur);
  return { verb: words[0]!, quoted: words.slice(1).filter((w) => w !== "\\") };
}

export function read(gitDir: string, file: string): string {
  const text = execFileSync("git", ["-C", gitDir, "show", `${OVS_TAG}:tests/${file}`], { encoding: "utf8", maxBuffer: 1 << 26 });
  return text.replace(/^#[^\n]*\n/gm, "").replace(/(?<![A-Za-z0-9_])dnl\b[^\n]*\n/g, "").replaceAll("@<:@", "\u0001").replaceAll("@:>@", "\u0002");
}

export const restoreQuadrigraphs = (s: string) => s.replaceAll("\u0001", "[").replaceAll("\u0002", "]");
