/**
 * What the actions decoded since {@link resetActionSummary} need from the flow_mod decoder's checks, as a
 * few bits, so that a flow whose actions are all neutral (outputs, resubmits, `controller`, ...; most
 * flows) skips the version walk and the match/action consistency walk, whose string switches per action
 * cost more than decoding the action:
 * - {@link SUMMARY_CHECK}: an action the consistency check reads (decodedActionCheck() is not 0);
 * - bit `1 << version` (wire versions 2..6, OpenFlow 1.1 to 1.5): an action whose encoding that version
 *   does not have (oneActionVersionError());
 * - {@link SUMMARY_UNSURE}: an action whose flags are not known by its code (run every check).
 *
 * The flags of an action are computed from the action the first time its wire code (standard type,
 * Nicira subtype, ONF copy_field) is seen, and kept with the action type that code decoded to: a later
 * action of the code reuses them when it decoded to the same type (one comparison of the catalogue's
 * string). Nested lists (`clone`, `ct`) are summed too; the summary is a superset of what the checks walk,
 * so a flow it flags is checked as before. Module state, like match-checks.ts's: decoding is synchronous
 * and the flow_mod decoder resets it before its instructions.
 *
 * @module
 */
import type { Action } from "./action-types.js";
import { decodedActionCheck } from "./action-consistency.js";
import { oneActionVersionError } from "./action-versions.js";

/** An action the match/action consistency check reads or changes the facts for. */
export const SUMMARY_CHECK = 1 << 8;
/** An action whose flags are not cached by code: every check runs. */
export const SUMMARY_UNSURE = 1 << 9;

/** Wire codes cached: standard types below 64, 64 + a Nicira subtype below 191, and the ONF copy_field at 255. */
const CODES = 256;
/** The ONF copy_field's code. */
export const ONF_COPY_FIELD_CODE = 255;
const FLAGS_BY_CODE = new Int32Array(CODES);
const TYPE_BY_CODE: (string | undefined)[] = new Array<string | undefined>(CODES).fill(undefined);

let summary = 0;

/** Starts a new summary (the flow_mod decoder, before its instructions). */
export function resetActionSummary(): void {
  summary = 0;
}

/** The flags of the actions decoded since {@link resetActionSummary}. */
export function actionSummary(): number {
  return summary;
}

/** The flags of one action, computed (see the module's comment). */
function flagsOf(a: Action): number {
  let f = decodedActionCheck(a) !== 0 ? SUMMARY_CHECK : 0;
  for (let v = 2; v <= 6; v++) if (oneActionVersionError(a, v) !== undefined) f |= 1 << v;
  return f;
}

/**
 * Adds a decoded action to the summary; `code` is its wire code ({@link CODES}: a standard type below 64,
 * 64 + a Nicira subtype, {@link ONF_COPY_FIELD_CODE}), or -1 for one not cached.
 */
export function addToActionSummary(a: Action, code: number): void {
  if (code < 0) {
    summary |= SUMMARY_UNSURE;
    return;
  }
  const type = a.type;
  const cached = TYPE_BY_CODE[code];
  if (cached === type) {
    summary |= FLAGS_BY_CODE[code]!;
    return;
  }
  const f = flagsOf(a);
  // (a code seen decoding to another type keeps its first: this one is judged on its own)
  if (cached === undefined) {
    TYPE_BY_CODE[code] = type;
    FLAGS_BY_CODE[code] = f;
  }
  summary |= f;
}
