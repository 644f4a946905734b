/**
 * Turning UUID text obtained elsewhere (a monitor update, a CLI argument) into a table-branded
 * {@link RowUuid} (RFC 7047 §3.1 `<uuid>`).
 *
 * @module
 */
import { uuid } from "../wire/notation.js";
import type { RowUuid } from "./types.js";

/**
 * Validates `s` as a UUID and brands it as a row of table `T`:
 * `asRowUuid<"Logical_Switch">(text)`. Throws `TypeError` for anything that is not a UUID.
 * The table is not checked (it cannot be, from the text alone).
 */
export function asRowUuid<T extends string>(s: string): RowUuid<T> {
  return uuid(s) as RowUuid<T>;
}
