import { describe, expect, it } from "vitest";
import { DecodeError, EncodeError, readCapture, readPcap, readPcapng, writePcap, looksLikeCapture } from "../../src/geneve/index.js";
import { hex, toHex } from "./helpers.js";

// Hand-written files following the pcap and pcapng drafts (little-endian unless noted).
const PCAP_LE =
  "d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000" + // magic, 2.4, zone, sigfigs, snaplen 262144, Ethernet
  "01000000 e8030000 04000000 3c000000 deadbeef" + // t=1.001000 s, 4 bytes captured of 60
  "02000000 00000000 02000000 02000000 cafe";
const PCAP_BE_NS =
  "a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065" + // nanosecond magic, big-endian, raw IP
  "00000005 0000007b 00000001 00000001 aa";
const PCAPNG =
  "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000" + // SHB
  "01000000 20000000 0100 0000 00000400 | 0900 0100 09000000 | 0000 0000 | 20000000" + // IDB, if_tsresol=9 (ns)
  "06000000 24000000 00000000 00000000 15cd5b07 04000000 04000000 deadbeef 24000000" + // EPB ts=123456789 ns
  "03000000 14000000 02000000 cafe0000 14000000" + // SPB 2 bytes
  "05000000 0c000000 0c000000"; // unknown block type 5 (skipped)

describe("pcap / pcapng", () => {
  it("reads little-endian microsecond pcap", () => {
    const c = readPcap(hex(PCAP_LE));
    expect(c.format).toBe("pcap");
    expect(c.records.map((r) => [r.timestamp, r.linkType, toHex(r.data), r.originalLength])).toEqual([
      [{ seconds: 1, nanoseconds: 1_000_000 }, 1, "deadbeef", 60],
      [{ seconds: 2, nanoseconds: 0 }, 1, "cafe", 2],
    ]);
  });

  it("reads big-endian nanosecond pcap", () => {
    const c = readCapture(hex(PCAP_BE_NS));
    expect(c.records[0]).toMatchObject({ timestamp: { seconds: 5, nanoseconds: 123 }, linkType: 101, originalLength: 1 });
  });

  it("reads pcapng: SHB, IDB with if_tsresol, EPB, SPB, skips unknown blocks", () => {
    const c = readCapture(hex(PCAPNG));
    expect(c.format).toBe("pcapng");
    expect(c.records.map((r) => [r.timestamp, r.linkType, toHex(r.data)])).toEqual([
      [{ seconds: 0, nanoseconds: 123456789 }, 1, "deadbeef"],
      [{ seconds: 0, nanoseconds: 0 }, 1, "cafe"],
    ]);
    expect(readPcapng(hex(PCAPNG)).records.length).toBe(2);
  });

  it("reads big-endian pcapng with the default microsecond resolution", () => {
    const be =
      "0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c" +
      "00000001 00000014 0001 0000 00040000 00000014" +
      "00000006 00000024 00000000 00000001 00000002 00000004 00000004 deadbeef 00000024";
    const c = readCapture(hex(be));
    expect(c.records.map((r) => [r.timestamp, r.linkType, toHex(r.data)])).toEqual([[{ seconds: 4294, nanoseconds: 967298000 }, 1, "deadbeef"]]);
  });

  it("writes the pcap it reads (byte-exact against the hand-written file)", () => {
    const out = writePcap([
      { data: hex("deadbeef"), originalLength: 60, timestamp: { seconds: 1, nanoseconds: 1_000_000 } },
      { data: hex("cafe"), timestamp: { seconds: 2, nanoseconds: 0 } },
    ]);
    expect(toHex(out)).toBe(toHex(hex(PCAP_LE)));
    expect(looksLikeCapture(out)).toBe(true);
    expect(looksLikeCapture(hex("00000000"))).toBe(false);
  });

  it("record data are zero-copy views", () => {
    const file = hex(PCAP_LE);
    expect(readPcap(file).records[0]!.data.buffer).toBe(file.buffer);
  });

  const BAD: { name: string; bytes: string; protocol: string; offset: number; reason: RegExp }[] = [
    { name: "bad magic", bytes: "00112233" + "00".repeat(20), protocol: "pcap", offset: 0, reason: /bad magic/ },
    { name: "short header", bytes: "d4c3b2a1 0200", protocol: "pcap", offset: 0, reason: /truncated file header/ },
    { name: "record overruns", bytes: PCAP_LE.slice(0, PCAP_LE.indexOf("deadbeef")) + "dead", protocol: "pcap", offset: 32, reason: /overruns/ },
    { name: "huge record", bytes: "d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000 00000000 00000000 ffffff7f 00000000", protocol: "pcap", offset: 32, reason: /exceeds/ },
    { name: "neither pcap nor pcapng", bytes: "01000000 0c000000 0c000000 00000000 00000000 00000000", protocol: "pcap", offset: 0, reason: /bad magic/ },
    { name: "pcapng block length overruns", bytes: "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000 06000000 40000000 00000000", protocol: "pcapng", offset: 32, reason: /overruns/ },
    { name: "pcapng EPB before IDB", bytes: "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000 06000000 20000000 00000000 00000000 00000000 00000000 00000000 20000000", protocol: "pcapng", offset: 36, reason: /no Interface Description/ },
    { name: "pcapng trailer mismatch", bytes: "0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1d000000", protocol: "pcapng", offset: 24, reason: /trailing length/ },
  ];
  it.each(BAD)("$name → DecodeError", ({ bytes, protocol, offset, reason }) => {
    let err: unknown;
    try {
      readCapture(hex(bytes));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(err).toMatchObject({ protocol, offset });
    expect((err as DecodeError).reason).toMatch(reason);
  });

  it("truncation at every byte → DecodeError (or a shorter valid file), never a crash", () => {
    for (const f of [PCAP_LE, PCAP_BE_NS, PCAPNG]) {
      const full = hex(f);
      for (let n = 0; n < full.length; n++) {
        try {
          readCapture(full.subarray(0, n));
        } catch (e) {
          expect(e, `length ${n}`).toBeInstanceOf(DecodeError);
        }
      }
    }
  });

  it("rejects out-of-range timestamps when writing", () => {
    expect(() => writePcap([{ data: hex("00"), timestamp: { seconds: -1, nanoseconds: 0 } }])).toThrow(EncodeError);
    expect(() => writePcap([{ data: hex("00"), timestamp: { seconds: 0, nanoseconds: 1e9 } }])).toThrow(EncodeError);
  });
});
