/**
 * Transaction replies (RFC 7047 §4.1.3): the shape check and the error of the first failed
 * operation, shared by the client and the typed layer.
 *
 * @module
 */
import { ProtocolError, errorFromJson, safeJson } from "../wire/errors.js";
import { type OperationResult, describeOperation } from "../wire/operations.js";

/** The results of a `transact` reply; a {@link ProtocolError} when the reply is not an array. */
export function checkTransactReply(r: unknown): OperationResult[] {
  if (!Array.isArray(r)) throw new ProtocolError(`transact: reply is not an array: ${safeJson(r)}`);
  return r as OperationResult[];
}

/**
 * Throws the error of the first failed operation of a transaction reply (RFC 7047 §4.1.3), or a
 * `ProtocolError` for a reply of the wrong length. Shared by the client and the typed layer.
 */
export function throwTransactError(database: string, operations: readonly unknown[], results: readonly OperationResult[]): void {
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r !== null && typeof r === "object" && "error" in r && typeof (r as { error: unknown }).error === "string") {
      const opText = i < operations.length ? describeOperation(operations[i]) : "commit";
      throw errorFromJson(r, { database, operationIndex: i, ...(opText ? { operation: opText } : {}) });
    }
  }
  if (results.length < operations.length) {
    throw new ProtocolError(`transact on ${database}: ${results.length} results for ${operations.length} operations`);
  }
}
