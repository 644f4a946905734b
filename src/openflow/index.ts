/**
 * openflow: public API of the `ovn-ts/openflow` subpath — OpenFlow 1.3 codec with Nicira extensions,
 * ovs-ofctl flow syntax, and an OpenFlow channel.
 *
 * @module
 */
export { DecodeError, EncodeError, Reader, Writer, toHex, fromHex, bytesToBig, bigToBytes } from "./bytes.js";
export {
  OfpVersion,
  OfpType,
  MultipartType,
  FlowModCommand,
  FlowModFlags,
  ControllerRole,
  PacketInReason,
  FlowRemovedReason,
  PortReason,
  ErrorType,
  ERROR_CODES,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPTT_ALL,
  errorTypeName,
  errorCodeName,
} from "./constants.js";
export {
  OxmClass,
  ExperimenterId,
  FIELD_DEFS,
  OFPMT_OXM,
  fieldByName,
  fieldByHeader,
  matchField,
  decodeOxm,
  encodeOxm,
  decodeMatch,
  encodeMatch,
  oxmHeader,
  oxmClassOf,
  oxmFieldOf,
  oxmHasMask,
  oxmLength,
} from "./oxm.js";
export type { FieldDef, FieldFormat, MatchField } from "./oxm.js";
export {
  ActionType,
  NxActionSubtype,
  InstructionType,
  OfpPort,
  CtFlags,
  NatFlags,
  NatRange,
  LearnFlags,
  MAX_ACTION_DEPTH,
  subField,
  decodeActions,
  encodeActions,
  encodeAction,
  decodeInstructions,
  encodeInstructions,
} from "./actions.js";
export type { Action, Instruction, SubField, LearnSpec } from "./actions.js";
export {
  OFP_HEADER_LEN,
  OFP_MAX_MESSAGE_LEN,
  OFPMPF_MORE,
  OnfBundleType,
  decodeHeader,
  decodeMessage,
  encodeMessage,
  negotiateVersion,
  flowMod,
  mergeMultipartReplies,
} from "./messages.js";
export type {
  OfMessage,
  OfMessageInput,
  OfMessageType,
  OfHeader,
  FlowMod,
  FlowStats,
  FlowStatsRequest,
  PortDesc,
  PortStats,
  TableStats,
  SwitchDesc,
  Bucket,
  MeterBand,
  MultipartRequestBody,
  MultipartReplyBody,
  DistributiveOmit,
} from "./messages.js";
export { FrameDecoder } from "./framing.js";
