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
 * A table given by a text that is no table number and not a name this parser was told (ovs-ofctl's
 * `unknown table "NAME"`, `table=` and `goto_table:`): a caller connected to the switch can look the name
 * up in its table names and parse again.
 */
export class UnknownTableError extends FlowSyntaxError {
  override readonly name = "UnknownTableError";
  /**
   * @param table - the text given as a table
   * @param message - ovs-ofctl's wording where it is not `unknown table "TABLE"` (`resubmit`'s)
   */
  constructor(
    readonly table: string,
    message = `unknown table "${table}"`,
  ) {
    super(message);
  }
}

/**
 * A port given by a name this parser was not told (ovs-ofctl's `invalid or unknown port`): a caller
 * connected to the switch can look the name up and parse again.
 */
export class UnknownPortError extends FlowSyntaxError {
  override readonly name = "UnknownPortError";
  /** @param port - the text given as a port */
  constructor(readonly port: string) {
    super(`${port}: invalid or unknown port`);
  }
}
