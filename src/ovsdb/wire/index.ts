/**
 * The OVSDB wire layer (`ovn-ts/ovsdb/wire`): JSON-RPC 1.0 framing of a byte stream, the message
 * codecs (RFC 7047 §4), the JSON-RPC session under `OvsdbClient` and the embedded server, exact
 * 64-bit JSON, remotes, and the JSON notation, operations and errors (these last three are also
 * in `ovn-ts/ovsdb`). For a protocol tool or a custom transport; `OvsdbClient` covers the rest.
 *
 * @module
 */
export { FramingError, JsonFramer, type JsonFramerOptions } from "./framer.js";
export { INT64_MAX, INT64_MIN, LONG_DIGIT_RUN, isInt64, parseJson, parseJsonExact, stringifyJson, toInt64 } from "./json.js";
export * from "./notation.js";
export * from "./errors.js";
export * from "./operations.js";
export {
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  encodeError,
  encodeNotification,
  encodeRequest,
  encodeResult,
  parseMessage,
} from "./jsonrpc.js";
export {
  type CallEnded,
  type CallObserver,
  type CallOptions,
  JsonRpcSession,
  type RequestHandler,
  type SessionEvents,
  type SessionOptions,
  type SessionState,
} from "./session.js";
export {
  type ActiveRemote,
  ConnectError,
  type ConnectOptions,
  DEFAULT_OVSDB_PORT,
  type PassiveRemote,
  RemoteSyntaxError,
  type TlsOptions,
  connectRemote,
  formatRemote,
  parseActiveRemote,
  parsePassiveRemote,
  parseRemoteList,
  readPem,
} from "./remote.js";
