/**
 * The runnable samples of the README and the guides, read from the markdown itself so the docs
 * cannot drift from what runs. A code block runs when a `<!-- run: GROUP needs=NEED -->` comment
 * precedes it (other comments may sit between the marker and the fence); the blocks of one guide
 * marked with the same GROUP form one program, in order, with their imports hoisted and merged.
 *
 * NEED says what the program needs around it:
 * - `none`: nothing (codecs, pure functions);
 * - `embedded`: an embedded OVSDB server serving OVN_Northbound and OVN_Southbound, whose remotes
 *   the runner passes in `OVN_NB_DB` and `OVN_SB_DB` (as `ovn-nbctl` and `ovn-sbctl` read them);
 * - `ovn`: a real OVN central (NB, SB and `ovn-northd`), in `OVN_NB_DB` and `OVN_SB_DB` too;
 * - another key of `SANDBOX_PROGRAMS` (`ovsdbServer`, `raft`, `vswitchd`, `chassis`): the program
 *   starts its own sandbox, which needs those real programs. For `vswitchd` the runner also starts
 *   one with bridges `br0` (ports `p1`, `p2`) and `br-int`, and passes its directory in `OVS_RUNDIR`
 *   (where `ovs-ofctl` looks for `BRIDGE.mgmt`, `ovs-appctl -t ovs-vswitchd` for the pidfile and
 *   control socket, `ovs-vsctl` for `db.sock`), for samples that connect to a switch. For `raft` it
 *   also starts a 3-member `OVN_Northbound` cluster and passes its directory in `OVN_RUNDIR`, where
 *   `ovnnb_db.ctl` is the first member's control socket.
 * - `ic`: the program starts its own `startIcSandbox`, which needs `IC_SANDBOX_PROGRAMS`.
 * - `ovnSandbox`: the program starts its own `startOvnSandbox` (for the sandbox's own methods, such as
 *   `learnMacBinding`), which needs `SANDBOX_PROGRAMS.ovn`; the runner starts nothing.
 * Without the real programs a group is skipped outside CI; under CI a missing one fails.
 *
 * A `sh` block runs with `bash -e` (the package's bin on `PATH`), with the same NEEDs.
 *
 * `dir=NAME:PATH` (after `needs`) copies the repository's PATH to NAME in the program's working
 * directory first, for a sample that reads files (e.g. `dir=network:test/model/fixtures`).
 * `codegen=DIR:SCHEMA` runs the installed `ovn-ts codegen SCHEMA -o DIR` next to the program before
 * it is compiled, for a sample that imports a generated model (`./DIR/NAME.js`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** What a runnable group needs (see the module documentation). */
export type SnippetNeed = "none" | "embedded" | "ovsdbServer" | "raft" | "ovn" | "vswitchd" | "chassis" | "ic" | "ovnSandbox";

const NEEDS: readonly SnippetNeed[] = ["none", "embedded", "ovsdbServer", "raft", "ovn", "vswitchd", "chassis", "ic", "ovnSandbox"];

/** One program made of the blocks of one guide that share a run group. */
export interface SnippetProgram {
  /** The markdown file, relative to the repository root. */
  readonly guide: string;
  readonly group: string;
  readonly need: SnippetNeed;
  /** `ts`, `js` or `sh` (every block of a group has the same language). */
  readonly lang: "ts" | "js" | "sh";
  /** Directories to copy into the working directory: [name there, path in the repository]. */
  readonly dirs: readonly (readonly [string, string])[];
  /** Models to generate next to the program: [directory there, schema path in the repository]. */
  readonly codegen: readonly (readonly [string, string])[];
  /** The 1-based lines of the fences, for messages. */
  readonly lines: readonly number[];
  /** The program: merged imports first, then the blocks' bodies in order. */
  readonly code: string;
}

/** Merges `import { a } from "m"` lines per module; other imports are kept once each. */
export function mergeImports(lines: readonly string[]): string[] {
  const byModule = new Map<string, Set<string>>();
  const other: string[] = [];
  for (const l of lines) {
    const m = /^import (type )?\{([^}]*)\} from "([^"]+)";\s*$/.exec(l);
    if (!m) {
      if (!other.includes(l)) other.push(l);
      continue;
    }
    let names = byModule.get(m[3]!);
    if (!names) byModule.set(m[3]!, (names = new Set()));
    for (const n of m[2]!.split(",").map((x) => x.trim()).filter((x) => x !== "")) names.add(m[1] ? `type ${n}` : n);
  }
  const merged = [...byModule].map(([mod, names]) => {
    // a name imported both as a type and as a value needs only the value import
    const values = new Set([...names].filter((n) => !n.startsWith("type ")));
    const kept = [...names].filter((n) => !(n.startsWith("type ") && values.has(n.slice(5))));
    return `import { ${kept.join(", ")} } from "${mod}";`;
  });
  return [...merged, ...other];
}

/** The marker of a run group in the text before a fence (see the module documentation). */
const MARKER = /<!-- run: (\S+)(?: needs=(\S+))?((?: (?:dir|codegen)=\S+:\S+)*) -->\s*(?:<!--[^>]*-->\s*)*$/;

/** The runnable programs of `guides` (paths relative to `root`), in file order. */
export function snippetPrograms(root: string, guides: readonly string[]): SnippetProgram[] {
  const out: SnippetProgram[] = [];
  for (const guide of guides) {
    const text = readFileSync(join(root, guide), "utf8");
    const groups = new Map<string, { need: SnippetNeed; lang: "ts" | "js" | "sh"; dirs: [string, string][]; codegen: [string, string][]; lines: number[]; blocks: string[] }>();
    let from = 0;
    let markers = 0;
    for (const fence of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
      const before = text.slice(from, fence.index);
      from = fence.index + fence[0].length;
      const marker = MARKER.exec(before);
      if (!marker) continue;
      markers++;
      const line = text.slice(0, fence.index).split("\n").length;
      const lang = fence[1];
      if (lang !== "ts" && lang !== "js" && lang !== "sh") throw new Error(`${guide}:${line}: a run marker on a \`\`\`${lang} block (only ts, js and sh run)`);
      const need = (marker[2] ?? "none") as SnippetNeed;
      if (!NEEDS.includes(need)) throw new Error(`${guide}:${line}: needs=${need} is not one of ${NEEDS.join(", ")}`);
      const group = groups.get(marker[1]!) ?? { need, lang, dirs: [], codegen: [], lines: [], blocks: [] };
      for (const d of marker[3]!.trim().split(/\s+/).filter((x) => x !== "")) {
        const [key, name, path] = d.split(/[=:]/) as [string, string, string];
        (key === "codegen" ? group.codegen : group.dirs).push([name, path]);
      }
      if (group.need !== need || group.lang !== lang) throw new Error(`${guide}:${line}: group ${marker[1]} mixes needs or languages`);
      groups.set(marker[1]!, group);
      group.lines.push(line);
      group.blocks.push(fence[2]!);
    }
    // a marker (a line that starts with it) misspelt or not right before a fence would silently run nothing
    const written = [...text.matchAll(/^<!--\s*run\b/gm)];
    if (written.length !== markers) {
      const lines = written.map((m) => text.slice(0, m.index).split("\n").length);
      throw new Error(`${guide}: ${written.length} run markers (lines ${lines.join(", ")}) but ${markers} well-formed ones right before a \`\`\`ts, \`\`\`js or \`\`\`sh block`);
    }
    for (const [name, g] of groups) {
      if (g.lang === "sh") {
        out.push({ guide, group: name, need: g.need, lang: g.lang, dirs: g.dirs, codegen: g.codegen, lines: g.lines, code: `# ${guide}, run group ${name} (lines ${g.lines.join(", ")})\n${g.blocks.join("\n")}` });
        continue;
      }
      const lines = g.blocks.join("\n").split("\n");
      const imports = mergeImports(lines.filter((l) => l.startsWith("import ")));
      const body = lines.filter((l) => !l.startsWith("import "));
      const code = `// ${guide}, run group ${name} (lines ${g.lines.join(", ")})\n${imports.join("\n")}\n${body.join("\n")}\nexport {};\n`;
      out.push({ guide, group: name, need: g.need, lang: g.lang, dirs: g.dirs, codegen: g.codegen, lines: g.lines, code });
    }
  }
  return out;
}

/**
 * The named snippets (`<!-- snippet: NAME -->`) that `test/package/pack.test.ts` runs as test files
 * against the installed package; a guide may show each one, and every copy must be the same text.
 */
export const RUN_SNIPPETS: readonly string[] = ["vitest", "node-test"];

/** Fence languages of data and output shown as text (a schema, a config, a message), not code. */
const DATA_LANGS: readonly string[] = ["json", "yaml", "text"];

/** The marker of a block that is deliberately not run, with its reason (see {@link unaccountedBlocks}). */
const FRAGMENT = /<!-- fragment: \S[^>]*-->\s*(?:<!--[^>]*-->\s*)*$/;
const SNIPPET = /<!-- snippet: (\S+) -->\s*(?:<!--[^>]*-->\s*)*$/;
const ANY_RUN = /<!-- run: [^>]*-->\s*(?:<!--[^>]*-->\s*)*$/;

/** The named snippets of `guides` (paths relative to `root`): name → the texts of its copies. */
export function namedSnippets(root: string, guides: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const guide of guides) {
    const text = readFileSync(join(root, guide), "utf8");
    let from = 0;
    for (const fence of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
      const before = text.slice(from, fence.index);
      from = fence.index + fence[0].length;
      const m = SNIPPET.exec(before);
      if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), fence[2]!]);
    }
  }
  return out;
}

/**
 * The code blocks of `guides` that nothing runs and nothing excuses, as `guide:line: ...` messages:
 * every fenced block whose language is not data (json, yaml, text) is either run (a
 * `<!-- run: ... -->` marker), one of {@link RUN_SNIPPETS} (`<!-- snippet: NAME -->`), or marked
 * `<!-- fragment: REASON -->` with the reason it cannot run as written (placeholders, a live
 * deployment's paths, a piece of a larger file). A block without a language counts as code.
 */
export function unaccountedBlocks(root: string, guides: readonly string[]): string[] {
  const out: string[] = [];
  for (const guide of guides) {
    const text = readFileSync(join(root, guide), "utf8");
    let from = 0;
    for (const fence of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
      const before = text.slice(from, fence.index);
      from = fence.index + fence[0].length;
      const lang = fence[1]!;
      if (DATA_LANGS.includes(lang)) continue;
      if (ANY_RUN.test(before) || FRAGMENT.test(before)) continue;
      const snippet = SNIPPET.exec(before);
      if (snippet && RUN_SNIPPETS.includes(snippet[1]!)) continue;
      const line = text.slice(0, fence.index).split("\n").length;
      out.push(`${guide}:${line}: a \`\`\`${lang} block neither run (<!-- run: GROUP needs=... -->) nor marked <!-- fragment: REASON -->${snippet ? ` (snippet ${snippet[1]} is not one the pack test runs)` : ""}`);
    }
    // a fragment marker not right before a block excuses nothing
    const written = [...text.matchAll(/<!--\s*fragment\b[^>]*-->/g)];
    for (const w of written) {
      const after = text.slice(w.index + w[0].length);
      if (!/^\s*(?:<!--[^>]*-->\s*)*```/.test(after) || !/^<!-- fragment: (?!-->)\S/.test(w[0])) out.push(`${guide}:${text.slice(0, w.index).split("\n").length}: a fragment marker that is misspelt, has no reason or is not right before a block`);
    }
  }
  return out;
}
