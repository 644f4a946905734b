/**
 * openflow: public API of the `ovn-ts/openflow` subpath — OpenFlow 1.3 codec with Nicira extensions,
 * ovs-ofctl flow syntax, and an OpenFlow channel, on `Uint8Array`s. The byte-level pieces (`Reader`/`Writer`,
 * hex helpers, the stream `FrameDecoder`, the header codec, single OXM TLVs, and every codec that
 * reads or writes through a `Reader`/`Writer`: single actions, instructions, matches, OpenFlow 1.0
 * bodies) are in `ovn-ts/openflow/wire`.
 *
 * @module
 */
export { DecodeError, EncodeError } from "../bytes/index.js";
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
  nxWidth,
  OxmClass,
  ExperimenterId,
  FIELD_DEFS,
  OFPMT_OXM,
  fieldByName,
  fieldByHeader,
  matchField,
  matchFieldNum,
  fieldNum,
  fieldMaskNum,
  fieldValueLength,
  fieldHasMask,
  NUM_MAX_BYTES,
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
  ONF_COPY_FIELD,
  subField,
  decodeActionList,
  encodeActionList,
  actionListError,
  decodeInstructionList,
  encodeInstructionList,
} from "./actions.js";
export type { Action, EncapProperty, Instruction, SubField, LearnSpec } from "./actions.js";
export {
  OFPMPF_MORE,
  OnfBundleType,
  NxMessageSubtype,
  TlvTableModCommand,
  NxPacketInFormat,
  decodeMessage,
  encodeMessage,
  negotiateVersion,
  flowMod,
  mergeMultipartReplies,
} from "./messages.js";
export type {
  MessageHeader,
  OfMessage,
  OfMessageInput,
  OfMessageType,
  OfHeader,
  FlowMod,
  FlowRemoved,
  FlowStats,
  FlowStatsRequest,
  PortDesc,
  PortStats,
  TableStats,
  SwitchDesc,
  GroupStats,
  MeterStats,
  TableFeatures,
  Bucket,
  MeterBand,
  MultipartRequestBody,
  MultipartReplyBody,
  DistributiveOmit,
  NxPacketIn2,
  TlvMapping,
} from "./messages.js";
export {
  FlowSyntaxError,
  UnknownPortError,
  UnknownTableError,
  parseFlow,
  parseInstructions,
  parseActionList,
  parseSubField,
  parsePort,
  formatPort,
  formatPort16,
  port16to32,
  port32to16,
  formatMatch,
  formatActions,
  formatInstructions,
  formatSubField,
  formatFlowMod,
  splitTop,
  fieldNames,
  formatIp6Big,
  PortNames,
  TableNames,
} from "./flowtext.js";
export type { ActionParseContext, ParseFlowOptions, ParsedFlow, PortFormatter, NamedPort, NamedTable, NameMaps } from "./flowtext.js";
export { actionParseContext } from "./flowtext.js";
export { GroupIds, GroupModCommand, GroupType, assignBucketIds, parseGroupMod } from "./text/group.js";
export type { ParseGroupOptions, ParsedGroupMod } from "./text/group.js";
export { GroupCommandVersionError, groupModMessage } from "./group-mod.js";
export { MatchInconsistentError, factsOfMatch, prerequisitesMet, requireField, ctValid } from "./consistency.js";
export type { FlowFacts } from "./consistency.js";
export { PT_ETH, PT_NSH, PT_UNKNOWN } from "./consistency.js";
export { PT_USE_NEXT_PROTO, decodeNshAction, encodeNshActionBody, formatNshAction, hasOf13OnlyAction, nshActionSubtype } from "./actions-nsh.js";
export type { NshAction } from "./actions-nsh.js";
export { hasPrerequisite, matchEntriesError } from "./match-checks.js";
export { inOvsOrder } from "./match-order.js";
export { flowModConsistencyError } from "./flow-mod-checks.js";
export { formatMessage, formatFlowStats, hexDump, meterModError, packetSummary } from "./print.js";
export type { FormatOptions } from "./print.js";
export { OpenFlowConnection, OpenFlowListener, parseTarget } from "./connection.js";
export type { ConnectionState, ConnectionOptions, ConnectionEvents, Target } from "./connection.js";
export { ConnectionClosedError, RequestTimeoutError, OpenFlowError, OpenFlowTimeoutError, VersionNegotiationError } from "./errors.js";
export { type RetryStrategy, backoffDelay, defaultRetry, retryStrategy } from "../rpc/retry.js";
export { TableFeaturePropType, decodeTableFeatureProperty, encodeTableFeatureProperty, formatTableFeatures } from "./tablefeatures.js";
export type { OxmId, TableFeatureProperty } from "./tablefeatures.js";
export { ContinuationPropType, decodeContinuation, formatContinuation } from "./continuation.js";
export type { Continuation, ContinuationActions } from "./continuation.js";
export { formatTlvMappings } from "./print.js";
export { ANY_PROTOCOL, DEFAULT_ALLOWED, Protocol, chooseProtocol, flowKeys, formatProtocols, protocolName, usableProtocols } from "./protocols.js";
export { OFP10_MATCH_LEN, Ofp10Wildcards, tciFields, tciOf } from "./v10/match.js";
export type { NxMatch } from "./v10/nxm.js";
export {
  Of10ActionType,
  decodeOf10ActionList,
  encodeOf10ActionList,
  toOf10Actions,
  instructionsToOf10Actions,
  formatLegacyAction,
  legacyToOf13,
} from "./v10/actions.js";
export type { LegacyAction } from "./v10/actions.js";
export { Of11ActionType, toOf11Actions, encodeOf11Legacy, of11ActionError } from "./versions/actions11.js";
export { decodeCheckedInstructions, encodeCheckedInstructions, checkActionList, versionActionError } from "./instruction-checks.js";
export { actionVersionError, instructionsVersionError } from "./action-versions.js";
export { Of10Type, Of10StatsType, Nxt10Subtype, NxStatsSubtype, NxFlowFormat } from "./v10/messages.js";
export type { Of10Message } from "./v10/messages.js";
export { formatOf10Message } from "./v10/print.js";
export {
  NoUsableProtocolError,
  flowModMessage,
  flowStatsBody,
  protocolForFlowDump,
  protocolForFlowMod,
  protocolOfVersion,
  trySetProtocol,
  versionsOfProtocols,
} from "./v10/session.js";
export { protocolBits } from "./protocols.js";
export { formatDuration, formatPortDesc } from "./print.js";
export type { GroupProps } from "./messages.js";
export type { VersionedMessage, QueueDesc, QueueProperty } from "./versions/types.js";
export { OfpType14, NTR_VENDOR_ID, NTR_COMPAT_VENDOR_ID } from "./versions/decode.js";
export { OxsField, type OxsStats } from "./versions/oxs.js";
export { NxStats, nxStatsRequest, nxGroupRequestBody, nxStatsName, nxStatsText } from "./v10/nicira-stats.js";
export { NXET_VENDOR, nx10ErrorName } from "./v10/nicira-errors.js";
export { FlowMonitorFlags, type FlowMonitorRequest, flowMonitorRequestBody } from "./flow-monitor.js";
export { parseFlowMonitorRequest, nxFlowMonitorText } from "./text/flow-monitor.js";
export {
  type CtTuple,
  type CtFlushMatch,
  type CtTupleParseState,
  CtFlushProp,
  CtTupleProp,
  NXT_CT_FLUSH,
  CtTupleSyntaxError,
  emptyCtTuple,
  readCtFlush,
  writeCtFlush,
  ctFlushText,
  parseCtTuple,
} from "./ct-flush.js";
export { type FlowStatsLayout, readFlowStats, readPortStats, readGroupStats } from "./stats-readers.js";
export { groupFeaturesText } from "./versions/bodies.js";
