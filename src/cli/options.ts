/**
 * Command-line options of the ovn-ts commands that mirror no OVS tool's syntax (`server`, `trace`,
 * `exporter`, `demo`), read with `node:util`'s `parseArgs`: `--opt=VALUE`, `--opt VALUE`, `-o VALUE`,
 * options and operands in any order, repeated options collected in order. What `parseArgs` leaves to
 * the caller in its non-strict mode (an unknown option, a missing value, a value given to a flag,
 * `--`) is reported with the command's own wording, so the messages stay what they were.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./io.js";

/** One option: a flag (`boolean`) or one that takes a value (`string`), with an optional one-letter alias. */
export interface OptionSpec {
  readonly type: "boolean" | "string";
  readonly short?: string;
}

/** What {@link readOptions} reports, in command-line order. */
export type OptionEvent =
  | { readonly kind: "option"; readonly name: string; readonly value: string | undefined; readonly arg: string }
  | { readonly kind: "operand"; readonly value: string; readonly arg: string };

/** How a command words its errors. */
export interface OptionErrors {
  /** An unknown option, a flag given a value, `--`, or an operand the command takes none of: `arg` as written. */
  unknown(arg: string): UsageError;
  /** An option that takes a value, given none (`--NAME` last): `option` as written (`--schema`, `-p`). */
  missingValue?(option: string): UsageError;
}

/** How {@link readOptions} reads. */
export interface ReadOptions {
  /** Operands are allowed (else each is an error). */
  readonly operands?: boolean;
  /** Options that end the reading where they stand (`help`: what follows is not looked at). */
  readonly stopAt?: readonly string[];
}

/**
 * Reads `argv` against `options` (long names without `--`) and returns the options and operands in
 * order, up to and including the first option of `how.stopAt`. Operands are errors unless
 * `how.operands`. Throws the command's {@link UsageError}s, for the first bad argument.
 */
export function readOptions(argv: readonly string[], options: Readonly<Record<string, OptionSpec>>, errors: OptionErrors, how: ReadOptions = {}): OptionEvent[] {
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, multiple: true, ...(o.short !== undefined ? { short: o.short } : {}) }]));
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const out: OptionEvent[] = [];
  for (const t of tokens) {
    const arg = argv[t.index]!;
    if (t.kind === "option-terminator") throw errors.unknown(arg);
    if (t.kind === "positional") {
      if (!how.operands) throw errors.unknown(arg);
      out.push({ kind: "operand", value: t.value, arg });
      continue;
    }
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    // (a short option in a group, `-hx`, is a token per letter: report the whole argument)
    if (spec === undefined || (spec.type === "boolean" && t.inlineValue === true)) throw errors.unknown(arg);
    if (spec.type === "string" && t.value === undefined) throw (errors.missingValue ?? errors.unknown)(t.rawName);
    out.push({ kind: "option", name: t.name, value: t.value, arg });
    if (how.stopAt?.includes(t.name)) break;
  }
  return out;
}
