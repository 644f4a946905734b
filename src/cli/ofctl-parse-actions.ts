/**
 * `ovn-ts ofctl parse-actions` / `parse-instructions` (ovs-ofctl's `ofp-parse-actions` paths): hex action or
 * instruction lists decoded, printed and re-encoded as ovs-ofctl does, without a switch.
 *
 * @module
 */
import type { CliIo } from "./io.js";
import { DecodeError } from "../bytes/decode-error.js";
import { Reader } from "../bytes/reader.js";
import { Writer } from "../bytes/writer.js";
import { fromHex } from "../bytes/hex.js";
import { decodeOf10ActionList, decodeOf10ActionsAsInstructions, encodeOf10ActionList, encodeOf10Actions, instructionsToOf10Actions } from "../openflow/v10/actions.js";
import { actionListError, decodeActionList, encodeActionList } from "../openflow/actions.js";
import { checkActionList, decodeCheckedInstructions, encodeCheckedInstructions } from "../openflow/instruction-checks.js";
import { OfpVersion } from "../openflow/constants.js";
import { formatActions, formatInstructions } from "../openflow/flowtext.js";

/** Versions `parse-actions` accepts besides OpenFlow10, with the version their lists are re-encoded in. */
const ACTION_VERSIONS = new Map([
  ["OpenFlow11", OfpVersion.OF11],
  ["OpenFlow12", OfpVersion.OF12],
  ["OpenFlow13", OfpVersion.OF13],
  ["OpenFlow14", OfpVersion.OF14],
  ["OpenFlow15", OfpVersion.OF15],
]);
const ALL_VERSIONS = new Set(["OpenFlow10", ...ACTION_VERSIONS.keys()]);

/**
 * parse-actions / parse-instructions VERSION: each non-blank, non-comment line of `input` is a hex action
 * (instruction) list, optionally preceded by `TABLE_ID,`; prints `actions=...` and the bytes that change when
 * it is encoded again (`OFFSET: OLD -> NEW`), or `bad VERSION actions: ERROR`, then a blank line.
 */
export function parseActionLines(io: CliIo, version: string, instructions: boolean, input: string): number {
  if (!ALL_VERSIONS.has(version)) throw new Error(`${version}: not a valid OpenFlow version`);
  const of10 = version.toLowerCase() === "openflow10";
  const ofVersion = ACTION_VERSIONS.get(version) ?? OfpVersion.OF10;
  for (const raw of input.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    let bytes: Uint8Array;
    try {
      bytes = fromHex(line.includes(",") ? line.slice(line.indexOf(",") + 1) : line);
    } catch {
      throw new Error("Trailing garbage in hex data");
    }
    // `TABLE_ID,` as C's atoi() reads it (the table a goto_table must go past)
    const tableId = line.includes(",") ? Number(/^\s*[+-]?\d*/.exec(line)![0].trim() || 0) : 0;
    if (bytes.length === 0 && !(instructions && !of10)) {
      // an empty list is a zero-length pull from an empty buffer in ovs-ofctl
      io.out(`bad ${version} ${instructions ? "instructions" : "actions"}: OFPBRC_BAD_LEN\n\n`);
      continue;
    }
    let text: string;
    let again: Uint8Array;
    try {
      if (of10 && instructions) {
        // OpenFlow 1.0 has no instructions: an action list, write_metadata as a Nicira action
        const insts = decodeOf10ActionsAsInstructions(new Reader(bytes, "openflow"));
        const bad = actionListError(insts.flatMap((i) => (i.type === "apply_actions" ? i.actions : [])));
        if (bad) {
          io.out(`bad ${version} instructions: ${bad}\n\n`);
          continue;
        }
        text = formatInstructions(insts);
        const w = new Writer("openflow", 64);
        encodeOf10Actions(w, instructionsToOf10Actions(insts));
        again = w.finish().slice();
      } else if (instructions) {
        const insts = decodeCheckedInstructions(bytes, ofVersion, tableId);
        text = formatInstructions(insts);
        again = encodeCheckedInstructions(insts, ofVersion);
      } else {
        const actions = of10 ? decodeOf10ActionList(bytes) : decodeActionList(bytes);
        if (!of10) checkActionList(actions, ofVersion);
        const bad = of10 ? actionListError(actions) : undefined;
        if (bad) {
          io.out(`bad ${version} actions: ${bad}\n\n`);
          continue;
        }
        text = actions.length ? formatActions(actions) : "drop";
        again = of10 ? encodeOf10ActionList(actions) : encodeActionList(actions, ofVersion);
      }
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      io.out(`bad ${version} ${instructions ? "instructions" : "actions"}: ${e.reason}\n\n`);
      continue;
    }
    io.out(`actions=${text}\n${byteDifferences(bytes, again)}\n`);
  }
  return 0;
}

/** ovs-ofctl's print_differences(): one `OFFSET: OLD -> NEW` line per changed, added or removed byte. */
function byteDifferences(a: Uint8Array, b: Uint8Array): string {
  const h = (x: number) => x.toString(16).padStart(2, "0");
  let s = "";
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) s += `${String(i).padStart(2)}: ${h(a[i]!)} -> ${h(b[i]!)}\n`;
  for (let i = a.length; i < b.length; i++) s += `${String(i).padStart(2)}: (none) -> ${h(b[i]!)}\n`;
  for (let i = b.length; i < a.length; i++) s += `${String(i).padStart(2)}: ${h(a[i]!)} -> (none)\n`;
  return s;
}

