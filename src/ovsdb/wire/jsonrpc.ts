/**
 * JSON-RPC 1.0 as OVSDB uses it (RFC 7047 §4): requests `{"method", "params", "id"}`, notifications
 * (the same with `"id": null`), and responses `{"result", "error", "id"}`. OVS's `ovsdb-server`
 * rejects any other member (a `"jsonrpc": "2.0"` member closes the connection), so this module
 * emits exactly these members and nothing else.
 *
 * @module
 */
import { stringifyJson } from "./json.js";
import { ProtocolError, safeJson } from "./errors.js";
import type { Json } from "./notation.js";

/** A request: expects a response with the same `id` (RFC 7047 §4). */
export interface JsonRpcRequest {
  readonly kind: "request";
  readonly method: string;
  readonly params: readonly unknown[];
  readonly id: Json;
}
/** A notification: a request with `"id": null`, never answered (RFC 7047 §4). */
export interface JsonRpcNotification {
  readonly kind: "notification";
  readonly method: string;
  readonly params: readonly unknown[];
}
/** A response: `result` set and `error` null on success, the reverse on failure (RFC 7047 §4). */
export interface JsonRpcResponse {
  readonly kind: "response";
  readonly id: Json;
  readonly result: unknown;
  readonly error: unknown;
}
/** Any JSON-RPC 1.0 message, discriminated on `kind`. */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/**
 * Validates a parsed JSON value as a JSON-RPC 1.0 message, as OVS's `jsonrpc_msg_from_json` does;
 * throws {@link ProtocolError} naming what is wrong.
 */
export function parseMessage(value: unknown): JsonRpcMessage {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProtocolError(`JSON-RPC message is not an object: ${safeJson(value)}`);
  }
  const o = value as Record<string, unknown>;
  if ("method" in o) {
    for (const k in o) {
      if (k !== "method" && k !== "params" && k !== "id") throw new ProtocolError(`JSON-RPC request has unexpected member "${k}"`);
    }
    if (typeof o["method"] !== "string") throw new ProtocolError(`JSON-RPC "method" is not a string: ${safeJson(o["method"])}`);
    if (!Array.isArray(o["params"])) throw new ProtocolError(`JSON-RPC "params" of ${o["method"]} is not an array`);
    if (!("id" in o)) throw new ProtocolError(`JSON-RPC request ${o["method"]} has no "id"`);
    const id = o["id"] as Json;
    if (id === null) return { kind: "notification", method: o["method"], params: o["params"] };
    return { kind: "request", method: o["method"], params: o["params"], id };
  }
  for (const k in o) {
    if (k !== "result" && k !== "error" && k !== "id") throw new ProtocolError(`JSON-RPC response has unexpected member "${k}"`);
  }
  if (!("id" in o) || o["id"] === null) throw new ProtocolError(`JSON-RPC response without an "id": ${safeJson(o)}`);
  const result = o["result"] ?? null;
  const error = o["error"] ?? null;
  if (result === null && error === null && !("result" in o)) {
    throw new ProtocolError(`JSON-RPC response has neither "result" nor "error": ${safeJson(o)}`);
  }
  return { kind: "response", id: o["id"] as Json, result, error };
}

/** Serializes a request (RFC 7047 §4). */
export function encodeRequest(method: string, params: readonly unknown[], id: Json): string {
  return stringifyJson({ method, params, id });
}
/** Serializes a notification (`"id": null`, RFC 7047 §4). */
export function encodeNotification(method: string, params: readonly unknown[]): string {
  return stringifyJson({ method, params, id: null });
}
/** Serializes a successful response (RFC 7047 §4: `"error": null`). */
export function encodeResult(id: Json, result: unknown): string {
  return stringifyJson({ id, result, error: null });
}
/** Serializes an error response (RFC 7047 §4: `"result": null`). */
export function encodeError(id: Json, error: unknown): string {
  return stringifyJson({ id, result: null, error });
}
