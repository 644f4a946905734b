/**
 * Errors of the flow text parser.
 *
 * @module
 */


/** Thrown for text that is not valid flow syntax; the message mirrors ovs-ofctl's where practical. */
export class FlowSyntaxError extends Error {
  override readonly name: string = "FlowSyntaxError";
}

/**
 * A port that is neither a number nor a reserved name (nor a name in {@link ParseFlowOptions.portNames}):
 * a caller connected to the switch can look the name up and parse again.
 */
export class UnknownPortError extends FlowSyntaxError {
  override readonly name = "UnknownPortError";
  /** @param port - the text given as a port */
  constructor(readonly port: string) {
    super(`${port}: invalid or unknown port`);
  }
}
