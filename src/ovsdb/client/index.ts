/**
 * client: the OVSDB client connection, calls, monitors, locks and reconnect.
 *
 * @module
 */
export * from "./client.js";
export { type RetryStrategy, backoffDelay, defaultRetry, retryStrategy } from "../../rpc/retry.js";
export { type VerifiedConnection, connectVerified } from "./verified.js";
export { UNHANDLED_ERROR_WARNING, emitErrorSafely } from "../../rpc/index.js";
