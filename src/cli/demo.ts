/**
 * `ovn-ts demo` (what `npm start` runs): placeholder until the embedded server lands.
 *
 * @module
 */
import type { CliCommand } from "./io.js";

/** Entry point of `ovn-ts demo`. */
export const demoCommand: CliCommand = async (_argv, io) => {
  io.out("ovn-ts demo: nothing yet\n");
  return 0;
};
