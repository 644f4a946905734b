/**
 * `ovn-ts ofctl`: placeholder until the openflow area lands its CLI.
 *
 * @module
 */
import type { CliCommand } from "../cli/io.js";

/** Entry point of `ovn-ts ofctl`. */
export const ofctlCommand: CliCommand = async (_argv, io) => {
  io.err("ovn-ts ofctl: not implemented yet\n");
  return 1;
};
