/**
 * rpc: what every request/response connection of the SDK shares (OVSDB JSON-RPC, OpenFlow):
 * the connection errors and safe error reporting.
 *
 * @module
 */
export { ConnectionClosedError, RequestTimeoutError } from "./errors.js";
export { UNHANDLED_ERROR_WARNING, emitErrorSafely } from "./emit.js";
