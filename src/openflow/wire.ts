/**
 * The OpenFlow wire layer (`ovn-ts/openflow/wire`): the bounds-checked byte `Reader`/`Writer`, the
 * frame decoder that splits a TCP byte stream into messages by the header's length field
 * (OpenFlow 1.3.5 §7.1), the header codec, and single OXM TLVs with their header bit fields
 * (§7.2.3), and the codecs that read or write one piece through a `Reader`/`Writer` (one action,
 * an action or instruction sequence, an OXM match, NXM and OpenFlow 1.0 matches and bodies). For a
 * protocol tool or a custom transport; `ovn-ts/openflow` encodes and decodes whole messages and
 * action lists as bytes, and `OpenFlowConnection` frames its own stream.
 *
 * @module
 */
export { DecodeError, EncodeError, Reader, Writer, bigToBytes, bytesToBig, fromHex, toHex } from "../bytes/index.js";
export { FrameDecoder } from "./framing.js";
export { OFP_HEADER_LEN, OFP_MAX_MESSAGE_LEN, decodeHeader } from "./messages.js";
export { decodeOxm, encodeOxm, oxmClassOf, oxmFieldOf, oxmHasMask, oxmHeader, oxmLength } from "./oxm.js";
export { decodeActions, decodeInstructions, encodeAction, encodeActions, encodeInstructions } from "./actions.js";
export { decodeMatch, encodeMatch } from "./oxm.js";
export { decodeOf10Match, encodeOf10Match } from "./v10/match.js";
export { decodeNxMatch, encodeNxMatch } from "./v10/nxm.js";
export { decodeOf10Actions, decodeOf10ActionsAsInstructions, encodeOf10Actions } from "./v10/actions.js";
export { decodeOf10Body } from "./v10/messages.js";
export { encodeOf10Message } from "./v10/encode.js";
