/**
 * The binary codec core every protocol area shares: one bounded {@link Reader}, one range-checked
 * {@link Writer}, one {@link DecodeError} and one {@link EncodeError}, and hex helpers.
 *
 * @module
 */
export { DecodeError } from "./decode-error.js";
export { EncodeError } from "./encode-error.js";
export { Reader } from "./reader.js";
export { Writer } from "./writer.js";
export { bigToBytes, bytesToBig, fromHex, toHex } from "./hex.js";
