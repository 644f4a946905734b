/**
 * `ovn-ts trace`: placeholder until the tracer lands (see docs/ovn.md).
 *
 * @module
 */
import { type CliCommand } from "./io.js";

/** The `ovn-ts trace` command. */
export const traceCommand: CliCommand = async (_argv, io) => {
  io.err("ovn-ts trace: not implemented yet\n");
  return 1;
};
