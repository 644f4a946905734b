/**
 * The one error every binary decoder of this package throws (OpenFlow, Geneve and the frames and
 * captures around it): which protocol layer, at which byte offset, and why. Decoders never let a
 * `RangeError` or a half-decoded message escape.
 *
 * @module
 */

/** Malformed, truncated or hostile input: names the protocol layer, the absolute byte offset and the reason. */
export class DecodeError extends Error {
  /** Always `"DecodeError"`. */
  override readonly name = "DecodeError";
  /**
   * @param protocol - the layer being decoded (`"openflow"`, `"geneve"`, `"ipv4"`, `"pcap"`, ...)
   * @param offset - absolute byte offset of the offending field in the buffer given to the decoder
   * @param reason - what is wrong, in words
   */
  constructor(
    readonly protocol: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${protocol}: ${reason} (at byte offset ${offset})`);
  }
}
