/**
 * wire: JSON-RPC framing, the session, remotes, the OVSDB JSON notation, operations and errors.
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
