import { describe, expect, it } from "vitest";
import { DecodeError as GeneveDecodeError, decodeGeneveHeader } from "../../src/geneve/index.js";
import { DecodeError as OpenflowDecodeError } from "../../src/openflow/index.js";

describe("one DecodeError for every binary decoder", () => {
  it("is the same class in ovn-ts/openflow and ovn-ts/geneve, with protocol, offset and reason", () => {
    expect(GeneveDecodeError).toBe(OpenflowDecodeError);
    let e: unknown;
    try {
      decodeGeneveHeader(new Uint8Array([0x00, 0x00, 0x65]));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(OpenflowDecodeError);
    const d = e as InstanceType<typeof OpenflowDecodeError>;
    expect(d.protocol).toBe("geneve");
    expect(typeof d.offset).toBe("number");
    expect(d.message).toBe(`geneve: ${d.reason} (at byte offset ${d.offset})`);
  });
});
