/**
 * rpc: what every request/response connection of the SDK shares (OVSDB JSON-RPC, OpenFlow,
 * unixctl): the connection errors, safe error reporting and the reconnect backoff.
 *
 * @module
 */
export { ConnectionClosedError, RequestTimeoutError } from "./errors.js";
export { UNHANDLED_ERROR_WARNING, emitErrorSafely } from "./emit.js";
export { type RetryStrategy, backoffDelay, defaultRetry, retryStrategy } from "./retry.js";
