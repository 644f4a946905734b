/**
 * The one error every binary encoder of this package throws for a value that cannot be put on the wire.
 *
 * @module
 */

/**
 * A value that cannot be encoded (out of range, too long, malformed address): names the protocol layer,
 * the field and why. Never a silently wrapped or truncated value.
 */
export class EncodeError extends Error {
  /** Always `"EncodeError"`. */
  override readonly name = "EncodeError";
  /**
   * @param protocol - the layer being encoded (`"geneve"`, `"ipv4"`, `"pcap"`, ...)
   * @param field - the offending input field (`"vni"`, `"ip.src"`, `"vlans[0].vid"`, ...)
   * @param reason - what is wrong, in words
   */
  constructor(
    readonly protocol: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${protocol}: ${field}: ${reason}`);
  }
}
