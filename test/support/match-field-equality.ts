/**
 * Vitest setup: `toEqual` compares OpenFlow match entries ({@link MatchField}) by what they mean: field,
 * header, experimenter, value and mask bytes (and any other property), whether an entry is an object
 * literal or one the decoder made, whose bytes sit behind getters that `toEqual` would not read (it compares
 * own properties only, so two decoded entries would otherwise compare equal whatever their values).
 * An entry whose number ({@link MatchField.num}, {@link MatchField.maskNum}) disagrees with its bytes equals
 * nothing.
 */
import { expect } from "vitest";
import type { MatchField } from "../../src/openflow/oxm.js";

function isEntry(x: unknown): x is MatchField {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return typeof o.field === "string" && typeof o.header === "number" && o.value instanceof Uint8Array;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function asNum(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** Whether an entry's numbers, when it has them, agree with its bytes. */
function numbersAgree(e: MatchField): boolean {
  if (e.num !== undefined && (e.value.length > 6 || e.num !== asNum(e.value))) return false;
  if (e.maskNum !== undefined && (e.mask === undefined || e.maskNum !== asNum(e.mask))) return false;
  return true;
}

const OWN = new Set(["field", "header", "experimenter", "value", "mask", "num", "maskNum"]);

expect.addEqualityTesters([
  function matchFieldEquals(this: { equals: (a: unknown, b: unknown) => boolean }, a: unknown, b: unknown): boolean | undefined {
    if (!isEntry(a) || !isEntry(b)) return undefined;
    if (!numbersAgree(a) || !numbersAgree(b)) return false;
    if (a.field !== b.field || a.header !== b.header || a.experimenter !== b.experimenter) return false;
    if (!sameBytes(a.value, b.value) || !sameBytes(a.mask, b.mask)) return false;
    const rest = (e: object): Record<string, unknown> => Object.fromEntries(Object.entries(e).filter(([k, v]) => !OWN.has(k) && v !== undefined));
    return this.equals(rest(a), rest(b));
  },
]);
