/**
 * Fragments and IPv6 extension headers against scapy and tshark:
 * - scapy builds Geneve frames fragmented by its fragment()/fragment6() and IPv6 frames with extension
 *   header chains; our Reassembler (fed the fragments shuffled) gives back scapy's unfragmented packet byte
 *   for byte, and our decode agrees with scapy's and with tshark's dissection (which reassembles too) on the
 *   VNI, option class/type/data and the inner Ethernet header;
 * - frames we fragment with encodeGeneveFragments are reassembled by tshark and by scapy's
 *   defragment()/defragment6() to the values we set.
 *
 * Known differences in scapy 2.5 worked around in scapy_fragments.py: its defragment() strips the inner
 * frame's Ethernet padding from the first fragment when it dissected it down to the inner IPv4 packet (the
 * helper hands it the fragments' payloads as raw bytes); it leaves the AH Payload Len and Next
 * Header at 0 without an SA, and behind a Hop-by-Hop header it fills a wrong IPv6 Payload Length (and UDP
 * checksum) for large payloads; the helper sets them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DecodedGeneveFrame,
  type GeneveFrameSpec,
  Reassembler,
  decodeGeneveFrame,
  decodePacket,
  fragmentFrame,
  isFragment,
  encodeGeneveFrame,
  encodeGeneveFragments,
  ovnOption,
  writePcap,
} from "../../src/geneve/index.js";
import { DEBIAN_PYTHON, peers } from "../support/peers.js";
import { INNER_FRAME, prng, randBytes, randInt, toHex, toScapySpec } from "./helpers.js";

const HELPER = new URL("./scapy_fragments.py", import.meta.url).pathname;

function python(cmd: "build" | "defragment", input: unknown): any[] {
  const out = execFileSync(DEBIAN_PYTHON, [HELPER, cmd], { input: JSON.stringify(input), encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  return JSON.parse(out) as any[];
}

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

/** Shuffles a copy (seeded). */
function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(rnd, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Runs frames through a Reassembler; returns the whole packets it produced (and checks nothing is left). */
function reassemble(frames: readonly Uint8Array[]): Uint8Array[] {
  const r = new Reassembler<number>();
  const out: Uint8Array[] = [];
  frames.forEach((f, i) => {
    for (const e of r.push(f, { time: i }, i)) {
      if (e.type === "packet" || e.type === "datagram") out.push(e.data);
      expect(e.type, JSON.stringify(e.type === "dropped" ? e.detail : "")).not.toBe("dropped");
    }
  });
  expect(r.flush()).toEqual([]);
  expect(r.bytesHeld).toBe(0);
  return out;
}

function spec(rnd: () => number, version: 4 | 6, innerExtra: number): GeneveFrameSpec {
  return {
    ethernet: { src: "02:00:00:00:aa:01", dst: "02:00:00:00:aa:02", vlans: rnd() < 0.3 ? [{ vid: randInt(rnd, 4096) }] : [] },
    ip: version === 4 ? { version: 4, src: "10.1.0.1", dst: "10.1.0.2", dontFragment: false, identification: randInt(rnd, 65536) } : { version: 6, src: "2001:db8::1", dst: "2001:db8::2" },
    udp: { srcPort: 49152 + randInt(rnd, 16384) },
    geneve: {
      vni: randInt(rnd, 1 << 24),
      options: [ovnOption(randInt(rnd, 32768), randInt(rnd, 65536)), ...(rnd() < 0.5 ? [{ type: "raw" as const, optionClass: 0xffff, optionType: randInt(rnd, 256), data: randBytes(rnd, 4 * (1 + randInt(rnd, 8))) }] : [])],
    },
    inner: new Uint8Array([...INNER_FRAME, ...randBytes(rnd, innerExtra)]),
  };
}

/** What a frame says in the fields both tools show. */
function fieldsOf(f: DecodedGeneveFrame) {
  return {
    vni: f.geneve.vni,
    options: f.geneve.options.map((o) =>
      o.type === "ovn" ? { cls: 0x0102, type: 0x80, data: ((o.ingressPort << 16) | o.egressPort).toString(16).padStart(8, "0") } : { cls: o.optionClass, type: o.optionType, data: toHex(o.data) },
    ),
    innerDst: f.inner.ethernet?.dst,
    innerSrc: f.inner.ethernet?.src,
    inner: toHex(f.inner.bytes),
  };
}

const TSHARK_FIELDS = ["frame.number", "geneve.vni", "geneve.option.class", "geneve.option.type", "geneve.option.unknown.data", "eth.dst", "eth.src", "udp.checksum.status"];

/** tshark's view of every frame that carries Geneve (after its own IP reassembly). */
function tshark(frames: readonly Uint8Array[], dir: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, writePcap(frames.map((data, i) => ({ data, timestamp: { seconds: 1_700_000_000, nanoseconds: i * 1000 } }))));
  const args = ["-r", file, "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=\t", "-E", "aggregator=;"];
  for (const f of TSHARK_FIELDS) args.push("-e", f);
  const out = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 });
  return out
    .trimEnd()
    .split("\n")
    .map((l) => l.split("\t"))
    .filter((c) => c[1])
    .map((c) => {
      const list = (i: number) => (c[i] ? c[i]!.split(";") : []);
      return {
        vni: Number(c[1]),
        options: list(2).map((cls, k) => ({ cls: Number(cls), type: Number(list(3)[k]), data: list(4)[k] })),
        innerDst: list(5)[1],
        innerSrc: list(6)[1],
        checksum: c[7] ?? "",
      };
    });
}

describe.skipIf(!peers(DEBIAN_PYTHON, "tshark"))("fragments and IPv6 extension headers against scapy and tshark", () => {
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-geneve-frag-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rnd = prng(20261202);

  const fragCases: { spec: GeneveFrameSpec; fragment: number; ext?: string[] }[] = [
    ...[48, 256, 1000].map((n) => ({ spec: spec(rnd, 4, 600 + randInt(rnd, 2000)), fragment: n })),
    { spec: spec(rnd, 4, 3000), fragment: 1480 },
    ...[[], ["hbh"], ["hbh", "rh0"], ["dest"], ["hbh", "dest", "rh0"]].map((ext) => ({ spec: spec(rnd, 6, 2500 + randInt(rnd, 2000)), ext, fragment: 1280 })),
    { spec: spec(rnd, 6, 9000), fragment: 1500 },
  ];
  const extCases = [["hbh"], ["dest"], ["rh0"], ["srh"], ["ah"], ["atomic"], ["hbh", "dest", "rh0", "ah", "dest", "atomic"], ["hbh", "ah", "dest"], ["rh0-left"], ["hbh", "srh-left"]].map((ext) => ({
    spec: spec(rnd, 6, randInt(rnd, 200)),
    ext,
  }));
  const built = python("build", [...fragCases, ...extCases].map((c) => ({ ...c, spec: toScapySpec(c.spec) }))) as { whole: string; frames: string[] }[];

  it("scapy fragments reassemble here, shuffled, to scapy's whole packet byte for byte", () => {
    fragCases.forEach((c, i) => {
      const b = built[i]!;
      expect(b.frames.length, `case ${i}`).toBeGreaterThan(1);
      const whole = reassemble(shuffled(b.frames.map(fromHex), rnd));
      expect(whole.map(toHex), `case ${i}`).toEqual([b.whole]);
      const f = decodeGeneveFrame(whole[0]!);
      expect(f.udp.checksumStatus).toBe("valid");
      expect(fieldsOf(f)).toEqual(fieldsOf(decodeGeneveFrame(encodeGeneveFrame({ ...c.spec, udp: { ...c.spec.udp } }))));
      if (f.ip.type === "ipv6") expect(f.ip.extensionHeaders.map((h) => h.type)).toEqual((c.ext ?? []).map((e: string) => ({ hbh: "hop-by-hop", dest: "destination-options", rh0: "routing" })[e as "hbh"]));
    });
  });

  it("IPv6 extension header chains decode to scapy's values, with the UDP checksum valid (over the final destination behind a Routing header)", () => {
    extCases.forEach((c, k) => {
      const b = built[fragCases.length + k]!;
      const f = decodeGeneveFrame(fromHex(b.whole));
      expect(f.udp.checksumStatus, c.ext.join(",")).toBe("valid");
      expect(fieldsOf(f)).toEqual(fieldsOf(decodeGeneveFrame(encodeGeneveFrame(c.spec))));
      const names = { hbh: "hop-by-hop", dest: "destination-options", rh0: "routing", srh: "routing", "rh0-left": "routing", "srh-left": "routing", ah: "authentication", atomic: "fragment" } as const;
      expect(f.ip.type === "ipv6" && f.ip.extensionHeaders.map((h) => h.type)).toEqual(c.ext.map((e) => names[e as keyof typeof names]));
    });
  });

  it("tshark (reassembling) shows the same VNI, options and inner Ethernet as our decode of the reassembled packets", () => {
    const all = built.flatMap((b) => b.frames.map(fromHex));
    const theirs = tshark(all, dir, "scapy.pcap");
    const ours = reassemble(all).map((w) => decodeGeneveFrame(w));
    expect(theirs.length).toBe(built.length);
    theirs.forEach((t, i) => {
      const o = fieldsOf(ours[i]!);
      expect({ vni: t.vni, options: t.options, innerDst: t.innerDst, innerSrc: t.innerSrc }, `packet ${i}`).toEqual({ vni: o.vni, options: o.options.map((x) => ({ ...x, data: x.data })), innerDst: o.innerDst, innerSrc: o.innerSrc });
      expect(t.checksum.split(";")[0]).toBe("1"); // the outer UDP checksum (the inner one follows)
    });
  });

  const ourCases = [
    { spec: spec(rnd, 4, 1500), mtu: 576 },
    { spec: spec(rnd, 4, 4000), mtu: 1500 },
    { spec: { ...spec(rnd, 4, 700), ip: { version: 4 as const, src: "192.0.2.1", dst: "192.0.2.2" } }, mtu: 68 },
    { spec: spec(rnd, 6, 3000), mtu: 1280 },
    { spec: spec(rnd, 6, 8000), mtu: 1500 },
  ];
  const ourFrames = ourCases.map((c) => encodeGeneveFragments(c.spec, { mtu: c.mtu }));

  it("our fragments: every one within the MTU, and our Reassembler gives back the unfragmented frame", () => {
    ourCases.forEach((c, i) => {
      const frags = ourFrames[i]!;
      expect(frags.length).toBeGreaterThan(1);
      const link = 14 + 4 * (c.spec.ethernet?.vlans?.length ?? 0);
      for (const f of frags) expect(f.length - link).toBeLessThanOrEqual(c.mtu);
      const ip = c.spec.ip.version === 4 ? { ...c.spec.ip, dontFragment: false } : c.spec.ip;
      expect(reassemble(shuffled(frags, rnd)).map(toHex)).toEqual([toHex(encodeGeneveFrame({ ...c.spec, ip }))]);
    });
  });

  it("tshark reassembles our fragments to the values we set", () => {
    const theirs = tshark(ourFrames.flat(), dir, "ours.pcap");
    expect(theirs.length).toBe(ourCases.length);
    theirs.forEach((t, i) => {
      const want = fieldsOf(decodeGeneveFrame(encodeGeneveFrame(ourCases[i]!.spec)));
      expect({ vni: t.vni, options: t.options, innerDst: t.innerDst, innerSrc: t.innerSrc }).toEqual({ vni: want.vni, options: want.options, innerDst: want.innerDst, innerSrc: want.innerSrc });
      expect(t.checksum.split(";")[0]).toBe("1"); // the outer UDP checksum (the inner one follows)
    });
  });

  it("scapy's defragment()/defragment6() reassemble our fragments to the values we set", () => {
    const parsed = python("defragment", ourFrames.map((fs) => fs.map(toHex)));
    parsed.forEach((p, i) => {
      const s = ourCases[i]!.spec;
      expect(p.error, `case ${i}`).toBeUndefined();
      expect(p.geneve.vni).toBe(s.geneve.vni);
      expect(p.geneve.options.map((o: any) => ({ cls: o.cls, type: o.type, data: o.data }))).toEqual(fieldsOf(decodeGeneveFrame(encodeGeneveFrame(s))).options);
      expect(p.inner, `case ${i}`).toBe(toHex(s.inner));
    });
  });

  it("fragmentFrame keeps Hop-by-Hop and Routing headers in every IPv6 fragment; scapy and we reassemble them", () => {
    const k = fragCases.findIndex((c) => c.ext?.join() === "hbh,rh0");
    const whole = fromHex(built[k]!.whole);
    const frags = fragmentFrame(whole, { mtu: 1280, identification: 0x5eed });
    expect(frags.length).toBeGreaterThan(1);
    for (const f of frags) {
      const p = decodePacket(f);
      expect(isFragment(p) && p.ip.type === "ipv6" && p.ip.extensionHeaders.map((h) => h.type)).toEqual(["hop-by-hop", "routing", "fragment"]);
    }
    expect(reassemble(shuffled(frags, rnd)).map(toHex)).toEqual([built[k]!.whole]);
    const [p] = python("defragment", [frags.map(toHex)]);
    expect(p.error).toBeUndefined();
    expect(p.geneve.vni).toBe(fragCases[k]!.spec.geneve.vni);
    expect(p.inner).toBe(toHex(fragCases[k]!.spec.inner));
  });
});
