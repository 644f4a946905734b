import { describe, expect, it } from "vitest";
import { ProtocolError, encodeError, encodeNotification, encodeRequest, encodeResult, parseMessage } from "../../../src/ovsdb/wire/index.js";
import { ConstraintViolation, OvsdbError, errorFromJson, errorToJson, NotOwner } from "../../../src/ovsdb/wire/errors.js";

describe("JSON-RPC 1.0 messages", () => {
  it("encodes exactly the members ovsdb-server accepts", () => {
    expect(encodeRequest("transact", ["db"], 3)).toBe('{"method":"transact","params":["db"],"id":3}');
    expect(encodeNotification("cancel", [3])).toBe('{"method":"cancel","params":[3],"id":null}');
    expect(encodeResult("echo", [])).toBe('{"id":"echo","result":[],"error":null}');
    expect(encodeError(1, { error: "x" })).toBe('{"id":1,"result":null,"error":{"error":"x"}}');
  });
  it("classifies requests, notifications and responses", () => {
    expect(parseMessage({ method: "echo", params: [], id: "echo" })).toEqual({ kind: "request", method: "echo", params: [], id: "echo" });
    expect(parseMessage({ method: "update", params: [null, {}], id: null })).toEqual({ kind: "notification", method: "update", params: [null, {}] });
    expect(parseMessage({ id: 1, result: ["a"], error: null })).toEqual({ kind: "response", id: 1, result: ["a"], error: null });
  });
  const bad: [unknown, string][] = [
    [[1], "JSON-RPC message is not an object"],
    [{ method: "x", params: [], id: 1, jsonrpc: "2.0" }, 'JSON-RPC request has unexpected member "jsonrpc"'],
    [{ method: 1, params: [], id: 1 }, 'JSON-RPC "method" is not a string'],
    [{ method: "x", params: {}, id: 1 }, 'JSON-RPC "params" of x is not an array'],
    [{ method: "x", params: [] }, 'JSON-RPC request x has no "id"'],
    [{ result: 1, id: null }, 'JSON-RPC response without an "id"'],
    [{ id: 1 }, 'JSON-RPC response has neither "result" nor "error"'],
  ];
  for (const [msg, text] of bad) {
    it(`rejects ${JSON.stringify(msg)}`, () => {
      expect(() => parseMessage(msg)).toThrow(ProtocolError);
      expect(() => parseMessage(msg)).toThrow(text);
    });
  }
});

describe("OVSDB errors", () => {
  it("maps each server error string to its class and back", () => {
    const e = errorFromJson({ error: "constraint violation", details: "bad" }, { operationIndex: 2, operation: "insert ACL", database: "OVN_Northbound" });
    expect(e).toBeInstanceOf(ConstraintViolation);
    expect(e.message).toBe("constraint violation: bad (operation 2: insert ACL on OVN_Northbound)");
    expect(errorToJson(e)).toEqual({ error: "constraint violation", details: "bad" });
    expect(errorFromJson("not owner")).toBeInstanceOf(NotOwner);
    const unknown = errorFromJson({ error: "brand new error" });
    expect(unknown).toBeInstanceOf(OvsdbError);
    expect(unknown.error).toBe("brand new error");
    expect(errorFromJson(42).message).toMatch(/malformed error object 42/);
  });
});
