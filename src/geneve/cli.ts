/**
 * `ovn-ts geneve`: placeholder until the geneve area lands its CLI.
 *
 * @module
 */
import type { CliCommand } from "../cli/io.js";

/** Entry point of `ovn-ts geneve`. */
export const geneveCommand: CliCommand = async (_argv, io) => {
  io.err("ovn-ts geneve: not implemented yet\n");
  return 1;
};
