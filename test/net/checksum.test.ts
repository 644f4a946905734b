import { describe, expect, it } from "vitest";
import { finishChecksum, internetChecksum, onesComplementSum, transportChecksum, udpChecksum } from "../../src/net/index.js";
import { fromHex } from "./helpers.js";

describe("Internet checksum (RFC 1071)", () => {
  it("sums the RFC 1071 §3 example words to 0xddf2", () => {
    const b = fromHex("0001f203f4f5f6f7");
    expect(onesComplementSum(b) % 0xffff).toBe(0xddf2);
    expect(finishChecksum(onesComplementSum(b))).toBe(~0xddf2 & 0xffff);
  });

  it("verifies a real IPv4 header (Wikipedia's example, checksum 0xb861)", () => {
    const header = fromHex("450000730000400040110000c0a80001c0a800c7");
    expect(internetChecksum(header)).toBe(0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    expect(internetChecksum(header)).toBe(0);
  });

  it("pads an odd tail with zero and folds long inputs", () => {
    expect(internetChecksum(fromHex("01"))).toBe(~0x0100 & 0xffff);
    const big = new Uint8Array(200_001).fill(0xff);
    expect(internetChecksum(big)).toBe(~0xff00 & 0xffff);
  });

  it("computes UDP over the pseudo-header and sends a computed 0 as 0xffff; TCP keeps 0", () => {
    // src 0.0.0.0, dst 0.0.0.0, length 8: the pseudo-header adds protocol + 8; the words below make 0xffff
    const src = new Uint8Array(4);
    const seg = fromHex("0000ffde0008" + "0000");
    expect(finishChecksum(onesComplementSum(seg, 17 + 8))).toBe(0);
    expect(udpChecksum(src, src, seg)).toBe(0xffff);
    const tcp = fromHex("0000ffe90008" + "0000");
    expect(transportChecksum(src, src, 6, tcp)).toBe(0);
    expect(transportChecksum(src, src, 17, tcp)).toBe(0xfff4);
  });
});
