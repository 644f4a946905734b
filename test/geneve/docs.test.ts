/**
 * Runs the code samples of docs/geneve.md. Each ```ts block of the guide, minus its import lines, must appear
 * verbatim (indentation aside) in this file, so the guide cannot drift from code that compiles and runs.
 */
import { readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import {
  DecodeError,
  Reassembler,
  decodeGeneveFrame,
  decodePacket,
  encodeGeneveFragments,
  isFragment,
  decodeGeneveHeader,
  encodeGeneveFrame,
  encodeGeneveFrameInto,
  encodeGeneveHeader,
  isCriticalOption,
  ovnOption,
  readCapture,
  writePcap,
} from "../../src/geneve/index.js";
import { toHex } from "./helpers.js";

const DOC = readFileSync(new URL("../../docs/geneve.md", import.meta.url), "utf8");
const SELF = readFileSync(new URL(import.meta.url), "utf8");
const norm = (s: string) => s.split("\n").map((l) => l.trim()).filter((l) => l !== "").join("\n");

describe("docs/geneve.md", () => {
  it("every ts sample is in this file", () => {
    const blocks = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const b of blocks) {
      const body = norm(b.split("\n").filter((l) => !l.startsWith("import ")).join("\n"));
      expect(norm(SELF).includes(body), `sample not found in docs.test.ts:\n${body}`).toBe(true);
    }
  });

  it("runs the samples in order", async () => {
    // --- Encode an OVN frame and write a pcap
    // the inner frame: 50:54:00:00:00:01 -> 50:54:00:00:00:02, IPv4 10.0.0.1 -> 10.0.0.2, UDP 1234 -> 5001
    const inner = Uint8Array.from(
      Buffer.from("50540000000250540000000108004500002000000000401100000a0000010a00000204d21389000c0000deadbeef", "hex"),
    );
    const frame = encodeGeneveFrame({
      ethernet: { src: "aa:55:aa:55:00:01", dst: "aa:55:aa:55:00:02" },
      ip: { version: 4, src: "127.1.0.1", dst: "127.1.0.2" },
      geneve: { vni: 5, options: [ovnOption(1, 2)] }, // datapath key 5; from port key 1 to port key 2
      inner,
    });
    const file = join(tmpdir(), "ovn-geneve-example.pcap");
    writeFileSync(file, writePcap([{ data: frame }]));

    // --- Decode a capture
    const seen: string[] = [];
    for (const record of readCapture(readFileSync(file)).records) {
      try {
        const f = decodeGeneveFrame(record.data);
        const { datapathKey, ingressPort, egressPort } = f.geneve.ovn;
        seen.push(`datapath ${datapathKey}: port ${ingressPort} -> port ${egressPort}, udp checksum ${f.udp.checksumStatus}`);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        seen.push(`not Geneve: ${e.protocol} at byte ${e.offset}: ${e.reason}`);
      }
    }
    // seen: ["datapath 5: port 1 -> port 2, udp checksum valid"]
    expect(seen).toEqual(["datapath 5: port 1 -> port 2, udp checksum valid"]);
    rmSync(file, { force: true });

    // --- Headers and options on their own
    const bytes = encodeGeneveHeader({
      vni: 0x123456,
      options: [
        { type: "ovn", ingressPort: 3, egressPort: 4 },
        { type: "raw", optionClass: 0xffff, optionType: 0x01, data: Uint8Array.of(1, 2, 3, 4) },
      ],
    });
    const { header, payload } = decodeGeneveHeader(bytes);
    const critical = header.options.map(isCriticalOption); // [true, false]
    const again = encodeGeneveHeader(header); // same bytes as `bytes`
    expect(critical).toEqual([true, false]);
    expect(toHex(again)).toBe(toHex(bytes));
    expect(payload.length).toBe(0);

    // Opt Len says 8 bytes of options; the option inside claims 8 data bytes but only 4 remain
    const bad = Uint8Array.from([0x02, 0x00, 0x65, 0x58, 0, 0, 1, 0, 0x01, 0x02, 0x80, 0x02, 0, 0, 0, 0]);
    let error: DecodeError | undefined;
    try {
      decodeGeneveHeader(bad);
    } catch (e) {
      if (e instanceof DecodeError) error = e;
    }
    // error.protocol === "geneve", error.offset === 11, error.reason: "option length 8 overruns the options area ..."
    expect(error).toMatchObject({ protocol: "geneve", offset: 11 });
    expect(error?.reason).toMatch(/^option length 8 overruns the options area/);

    // --- IPv6 outer header, VLAN tags, no UDP checksum
    const v6 = encodeGeneveFrame({
      ethernet: { vlans: [{ vid: 100, pcp: 3 }] },
      ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2", flowLabel: 0x12345 },
      geneve: { vni: 7, options: [ovnOption(32767, 0x8001)] },
      inner,
    });
    const decoded = decodeGeneveFrame(v6);
    // decoded.ip.type === "ipv6", decoded.udp.checksumStatus === "valid", decoded.geneve.ovn.multicast === true

    const v4NoChecksum = encodeGeneveFrame({
      ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2" },
      udp: { checksum: "zero" }, // allowed over IPv4 only; over IPv6 this is an EncodeError
      geneve: { vni: 7 },
      inner,
    });
    expect(decoded.ip.type).toBe("ipv6");
    expect(decoded.udp.checksumStatus).toBe("valid");
    expect(decoded.geneve.ovn.multicast).toBe(true);
    expect(decodeGeneveFrame(v4NoChecksum).udp.checksumStatus).toBe("absent");

    // --- Fragments and reassembly
    // a 1500-byte inner frame over IPv4, fragmented at an MTU of 576 (DF is cleared for this)
    const big = new Uint8Array(1500);
    big.set(inner);
    const fragments = encodeGeneveFragments(
      { ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2", identification: 77 }, geneve: { vni: 5, options: [ovnOption(1, 2)] }, inner: big },
      { mtu: 576 },
    );
    const first = decodePacket(fragments[0]!);
    // isFragment(first) === true, first.fragment.identification === 77, first.fragment.moreFragments === true

    const reassembler = new Reassembler<number>({ timeoutMs: 30_000 });
    const whole: Uint8Array[] = [];
    [...fragments].reverse().forEach((f, i) => {
      for (const event of reassembler.push(f, { time: 1000 + i }, i)) {
        if (event.type === "datagram" || event.type === "packet") whole.push(event.data);
        if (event.type === "dropped") console.warn(`dropped (${event.reason}): ${event.detail}`);
      }
    });
    const reassembled = decodeGeneveFrame(whole[0]!);
    // fragments.length === 3; reassembled.geneve.vni === 5, reassembled.udp.checksumStatus === "valid"
    const leftover = reassembler.flush(); // at the end of a capture: incomplete datagrams, as "dropped" events
    expect(isFragment(first) && [first.fragment.identification, first.fragment.moreFragments]).toEqual([77, true]);
    expect(fragments.length).toBe(3);
    expect([reassembled.geneve.vni, reassembled.udp.checksumStatus, leftover.length, whole.length]).toEqual([5, "valid", 0, 1]);

    // --- Encoding without allocating
    const scratch = new Uint8Array(2048);
    const view = encodeGeneveFrameInto(
      { ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2" }, geneve: { vni: 5, options: [ovnOption(1, 2)] }, inner },
      scratch,
    );
    // view.buffer === scratch.buffer; view.length === 14 + 20 + 8 + 16 + inner.length
    expect(view.buffer).toBe(scratch.buffer);
    expect(view.length).toBe(14 + 20 + 8 + 16 + inner.length);
  });

  it("the CLI sample runs and prints what the guide shows", async () => {
    const dir = join(tmpdir(), `ovn-ts-geneve-docs-${process.pid}`);
    const pcap = join(dir, "ovn.pcap");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    try {
      const inner = "50540000000250540000000108004500002000000000401100000a0000010a00000204d21389000c0000deadbeef";
      const enc = memoryIo();
      expect(await main(["geneve", "encode", "--vni", "5", "--ovn-inport", "1", "--ovn-outport", "2", "--inner", inner, "-w", pcap], enc)).toBe(0);
      const dec = memoryIo();
      expect(await main(["geneve", "decode", pcap], dec)).toBe(0);
      const shown = [...DOC.matchAll(/^# {1,3}(frame 1: .*|  \w+: .*)$/gm)].map((m) => m[1]!);
      const printed = dec.stdout.trimEnd().split("\n");
      expect(printed.length).toBe(shown.length);
      shown.forEach((line, i) => {
        const pattern = new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\.\\\.\\\./g, "\\S+")}$`);
        expect(printed[i]).toMatch(pattern);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
