/**
 * Differential tests with scapy (scapy.contrib.geneve) run by the Debian /usr/bin/python3, both directions:
 * scapy builds the same frames byte for byte, scapy parses our frames to the values we set, and we decode
 * scapy's frames to the values scapy was given.
 *
 * Known differences (each checked below so it stays true):
 * - scapy 2.5 computes GENEVE.optionlen, when left unset, as `(len - 8) // 4 & 0x2f`, dropping bit 4, so
 *   headers with 64..127 or 192..252 bytes of options get a wrong Opt Len. The helper passes optionlen
 *   explicitly; the last test shows scapy's automatic value against ours.
 * - scapy 2.5's GeneveOptions has no `extract_padding`, so dissecting a GENEVE header with several options
 *   yields the first option followed by a Raw layer holding the rest. The helper dissects the options area
 *   one GeneveOptions at a time; a test below shows scapy's own list.
 * - scapy leaves GENEVE's C bit to the caller; we derive it from the options' critical bits (RFC 8926 §3.4).
 *   The helper derives it the same way.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { type GeneveFrameSpec, type GeneveOption, decodeGeneveFrame, encodeGeneveFrame } from "../../src/geneve/index.js";
import { DEBIAN_PYTHON, peers } from "../support/peers.js";
import { INNER_FRAME, prng, randBytes, randInt, toHex, toScapySpec } from "./helpers.js";

const HELPER = new URL("./scapy_geneve.py", import.meta.url).pathname;

function scapy(cmd: "build" | "parse", input: unknown): any[] {
  const out = execFileSync(DEBIAN_PYTHON, [HELPER, cmd], { input: JSON.stringify(input), encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  return JSON.parse(out) as any[];
}

function randomSpecs(seed: number, n: number): GeneveFrameSpec[] {
  const rnd = prng(seed);
  const specs: GeneveFrameSpec[] = [];
  for (let i = 0; i < n; i++) {
    const v6 = rnd() < 0.5;
    const options: GeneveOption[] = [];
    let size = 0;
    for (let k = randInt(rnd, 5); k > 0; k--) {
      const o: GeneveOption =
        rnd() < 0.4
          ? { type: "ovn", ingressPort: randInt(rnd, 32768), egressPort: randInt(rnd, 65536) }
          : { type: "raw", optionClass: randInt(rnd, 65536), optionType: randInt(rnd, 256), flags: randInt(rnd, 8), data: randBytes(rnd, 4 * randInt(rnd, 32)) };
      const len = 4 + (o.type === "ovn" ? 4 : o.data.length);
      if (size + len > 252) continue;
      size += len;
      options.push(o);
    }
    const mac = () => Array.from(randBytes(rnd, 6), (b, j) => (j === 0 ? b & 0xfe : b).toString(16).padStart(2, "0")).join(":");
    specs.push({
      ethernet: { src: mac(), dst: mac(), vlans: Array.from({ length: randInt(rnd, 3) }, () => ({ vid: randInt(rnd, 4096), pcp: randInt(rnd, 8), dei: rnd() < 0.5 })) },
      ip: v6
        ? { version: 6, src: `2001:db8:${randInt(rnd, 65536).toString(16)}::${randInt(rnd, 65536).toString(16)}`, dst: `fd${randInt(rnd, 256).toString(16).padStart(2, "0")}::1`, hopLimit: randInt(rnd, 256), trafficClass: randInt(rnd, 256), flowLabel: randInt(rnd, 1 << 20) }
        : { version: 4, src: `10.${randInt(rnd, 256)}.${randInt(rnd, 256)}.${randInt(rnd, 256)}`, dst: `192.0.2.${randInt(rnd, 256)}`, ttl: randInt(rnd, 256), tos: randInt(rnd, 256), identification: randInt(rnd, 65536), dontFragment: rnd() < 0.5 },
      udp: { srcPort: randInt(rnd, 65536), checksum: !v6 && rnd() < 0.25 ? "zero" : "compute" },
      geneve: { vni: randInt(rnd, 1 << 24), oam: rnd() < 0.2, options },
      inner: new Uint8Array([...INNER_FRAME, ...randBytes(rnd, randInt(rnd, 64))]),
    });
  }
  return specs;
}

describe.skipIf(!peers(DEBIAN_PYTHON))("differential with scapy", () => {
  const specs = randomSpecs(20261125, 200);

  it("scapy builds the same bytes as encodeGeneveFrame for 200 random frames", () => {
    const theirs = scapy("build", specs.map(toScapySpec)) as string[];
    const ours = specs.map((s) => toHex(encodeGeneveFrame(s)));
    for (let i = 0; i < specs.length; i++) expect(ours[i], `frame ${i}`).toBe(theirs[i]);
  });

  it("scapy parses our frames to the values we set", () => {
    const parsed = scapy("parse", specs.map((s) => toHex(encodeGeneveFrame(s))));
    specs.forEach((s, i) => {
      const p = parsed[i];
      expect(p.ip.src, `frame ${i}`).toBe(s.ip.src);
      expect(p.ip.dst).toBe(s.ip.dst);
      expect(p.vlans).toEqual((s.ethernet?.vlans ?? []).map((v) => ({ vid: v.vid, pcp: v.pcp, dei: v.dei })));
      expect(p.udp.dport).toBe(6081);
      if (s.udp?.checksum === "zero") expect(p.udp.chksum).toBe(0);
      expect(p.geneve.vni).toBe(s.geneve.vni);
      expect(p.geneve.oam).toBe(s.geneve.oam ? 1 : 0);
      expect(p.geneve.options).toEqual(
        (s.geneve.options ?? []).map((o) =>
          o.type === "ovn"
            ? { cls: 0x0102, type: 0x80, flags: 0, length: 1, data: ((o.ingressPort << 16) | o.egressPort).toString(16).padStart(8, "0") }
            : { cls: o.optionClass, type: o.optionType, flags: o.flags ?? 0, length: o.data.length / 4, data: toHex(o.data) },
        ),
      );
      expect(p.inner).toBe(toHex(s.inner));
    });
  });

  it("we decode scapy's frames to the values scapy was given", () => {
    const theirs = scapy("build", specs.map(toScapySpec)) as string[];
    theirs.forEach((h, i) => {
      const s = specs[i]!;
      const f = decodeGeneveFrame(Uint8Array.from(Buffer.from(h, "hex")));
      expect(f.ip.src, `frame ${i}`).toBe(s.ip.src);
      expect(f.ethernet?.src).toBe(s.ethernet?.src);
      expect(f.ethernet?.vlans.map((v) => v.vid)).toEqual((s.ethernet?.vlans ?? []).map((v) => v.vid));
      expect(f.udp.checksumStatus).toBe(s.udp?.checksum === "zero" ? "absent" : "valid");
      if (f.ip.type === "ipv4") expect(f.ip.checksumValid).toBe(true);
      expect(f.geneve.vni).toBe(s.geneve.vni);
      expect(f.geneve.options.length).toBe((s.geneve.options ?? []).length);
      expect(toHex(f.inner.bytes)).toBe(toHex(s.inner));
    });
  });

  it("known difference: scapy's automatic optionlen drops bit 4 (64..127 bytes of options)", () => {
    const code = [
      "from scapy.contrib.geneve import GENEVE, GeneveOptions",
      "g = GENEVE(vni=1, proto=0x6558, options=[GeneveOptions(classid=0xffff, type=1, data=bytes(60))])",
      "print(bytes(g)[0])",
    ].join("\n");
    const scapyFirstByte = Number(execFileSync(DEBIAN_PYTHON, ["-c", code], { encoding: "utf8", timeout: 60_000 }).trim());
    const ours = encodeGeneveFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1, options: [{ type: "raw", optionClass: 0xffff, optionType: 1, data: new Uint8Array(60) }] }, inner: INNER_FRAME });
    expect(ours[42]).toBe(16); // 64 bytes of options = 16 units
    expect(scapyFirstByte).toBe(0); // 16 & 0x2f
  });

  it("known difference: scapy's GENEVE dissector keeps only the first of several options", () => {
    const frame = encodeGeneveFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, geneve: { vni: 1, options: [{ type: "ovn", ingressPort: 1, egressPort: 2 }, { type: "raw", optionClass: 0xffff, optionType: 1, data: new Uint8Array(4) }] }, inner: INNER_FRAME });
    const code = ["import sys", "from scapy.layers.l2 import Ether", "from scapy.contrib.geneve import GENEVE", "print(len(Ether(bytes.fromhex(sys.argv[1]))[GENEVE].options))"].join("\n");
    expect(execFileSync(DEBIAN_PYTHON, ["-c", code, toHex(frame)], { encoding: "utf8", timeout: 60_000 }).trim()).toBe("1");
    expect(decodeGeneveFrame(frame).geneve.options.length).toBe(2);
  });
});
