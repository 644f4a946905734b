/**
 * Errors of the OpenFlow connection. Closing and timing out are the SDK's shared
 * {@link ConnectionClosedError} and {@link RequestTimeoutError} (from `src/rpc`), so `instanceof`
 * works whichever protocol raised them; a request timeout is the {@link OpenFlowTimeoutError}
 * subclass, which adds the request's xid and type.
 *
 * @module
 */
import { ConnectionClosedError, RequestTimeoutError } from "../rpc/errors.js";
import { errorCodeName, errorTypeName } from "./constants.js";
import type { OfMessage } from "./messages.js";

export { ConnectionClosedError, RequestTimeoutError };

/** The switch answered a request with OFPT_ERROR. */
export class OpenFlowError extends Error {
  override readonly name = "OpenFlowError";
  /**
   * @param reply - the error message received
   */
  constructor(readonly reply: Extract<OfMessage, { type: "error" }>) {
    super(`${errorCodeName(reply.errType, reply.code) ?? `${errorTypeName(reply.errType)} code ${reply.code}`}`);
  }
}

/** A request got no reply within its timeout: the shared {@link RequestTimeoutError}, with the request's xid and type. */
export class OpenFlowTimeoutError extends RequestTimeoutError {
  override readonly name = "OpenFlowTimeoutError";
  /** The xid of the request. */
  readonly xid: number;
  /** The request's message type, e.g. `barrier_request`. */
  readonly request: string;
  constructor(request: string, xid: number, timeoutMs: number) {
    super(`${request} (xid 0x${xid.toString(16)})`, timeoutMs);
    this.xid = xid;
    this.request = request;
  }
}

/** The switch's HELLO offers no OpenFlow version we allow: the connection is refused (and closed). */
export class VersionNegotiationError extends Error {
  override readonly name = "VersionNegotiationError";
  /**
   * @param ours - the wire versions we offered
   * @param peer - the versions the peer's HELLO offered (its bitmap, or the versions up to its header's)
   */
  constructor(
    readonly ours: readonly number[],
    readonly peer: readonly number[],
  ) {
    super(`no common OpenFlow version (peer offers ${peer.join(",")})`);
  }
}
