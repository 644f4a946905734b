/**
 * The OpenFlow wire layer (`ovn-ts/openflow/wire`): the bounds-checked byte `Reader`/`Writer`, the
 * frame decoder that splits a TCP byte stream into messages by the header's length field
 * (OpenFlow 1.3.5 §7.1), the header codec, and single OXM TLVs with their header bit fields
 * (§7.2.3). For a protocol tool or a custom transport; `ovn-ts/openflow` encodes and decodes whole
 * messages, matches and actions, and `OpenFlowConnection` frames its own stream.
 *
 * @module
 */
export { DecodeError, EncodeError, Reader, Writer, bigToBytes, bytesToBig, fromHex, toHex } from "../bytes/index.js";
export { FrameDecoder } from "./framing.js";
export { OFP_HEADER_LEN, OFP_MAX_MESSAGE_LEN, decodeHeader } from "./messages.js";
export { decodeOxm, encodeOxm, oxmClassOf, oxmFieldOf, oxmHasMask, oxmHeader, oxmLength } from "./oxm.js";
