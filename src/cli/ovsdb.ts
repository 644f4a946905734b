/**
 * `ovn-ts ovsdb`: placeholder until the ovsdb-client mirror lands.
 *
 * @module
 */
import type { CliCommand } from "./io.js";

/** Entry point of `ovn-ts ovsdb`. */
export const ovsdbCommand: CliCommand = async (_argv, io) => {
  io.err("ovn-ts ovsdb: not implemented yet\n");
  return 1;
};
