/**
 * Connection errors shared by every request/response client of the SDK (the OVSDB JSON-RPC
 * session, the OpenFlow connection, the unixctl client): one class per kind, so `instanceof` works
 * whichever protocol raised it (a protocol's own subclass adds its data).
 *
 * @module
 */

/** The connection closed (or was closed) while a request was pending, or a request was made on a closed connection. */
export class ConnectionClosedError extends Error {
  override readonly name: string = "ConnectionClosedError";
  /** What closed it, when known (a socket error, a framing error, a probe timeout, `close()`). */
  override readonly cause: unknown;
  constructor(message = "connection closed", cause?: unknown) {
    super(message);
    this.cause = cause;
  }
}

/** A request got no reply within its timeout. */
export class RequestTimeoutError extends Error {
  override readonly name: string = "RequestTimeoutError";
  /** What timed out: a JSON-RPC method name, `xid 0x1f`, `OpenFlow handshake`, ... */
  readonly method: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(method: string, timeoutMs: number) {
    super(`${method}: no reply within ${timeoutMs} ms`);
    this.method = method;
    this.timeoutMs = timeoutMs;
  }
}
