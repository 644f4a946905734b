/**
 * Proof against Wireshark: frames written by this package are dissected by `tshark` to the values we set,
 * with IPv4 header and UDP checksums reported correct; tshark's own pcapng/nanosecond output reads back here.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeneveFrameSpec, decodeGeneveFrame, encodeGeneveFrame, ovnOption, readCapture, writePcap } from "../../src/geneve/index.js";
import { peers } from "../support/peers.js";
import { INNER_FRAME, hex, toHex } from "./helpers.js";

const FIELDS = [
  "eth.type", "vlan.id", "ip.version", "ip.src", "ip.dst", "ip.checksum.status", "ipv6.src", "ipv6.dst", "ipv6.flow",
  "udp.dstport", "udp.length", "udp.checksum", "udp.checksum.status", "geneve.version", "geneve.flags.oam", "geneve.flags.critical",
  "geneve.proto_type", "geneve.vni", "geneve.option.class", "geneve.option.type", "geneve.option.type.critical",
  "geneve.option.length", "geneve.option.unknown.data",
] as const;
type Row = Record<(typeof FIELDS)[number], string[]>;

function tsharkFields(file: string): Row[] {
  const args = ["-r", file, "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "separator=\t", "-E", "aggregator=;"];
  for (const f of FIELDS) args.push("-e", f);
  const out = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
  return out
    .trimEnd()
    .split("\n")
    .map((line) => {
      const cols = line.split("\t");
      return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ? cols[i]!.split(";") : []])) as Row;
    });
}

const SPECS: GeneveFrameSpec[] = [
  {
    ethernet: { vlans: [{ vid: 100, pcp: 3 }] },
    ip: { version: 4, src: "192.0.2.1", dst: "192.0.2.2" },
    udp: { srcPort: 50000 },
    geneve: { vni: 0x123456, options: [ovnOption(3, 4), { type: "raw", optionClass: 0xffff, optionType: 0x01, data: hex("0102030405060708") }] },
    inner: INNER_FRAME,
  },
  {
    ip: { version: 4, src: "127.1.0.1", dst: "127.1.0.2" },
    udp: { checksum: "zero" },
    geneve: { vni: 1, oam: true, options: [ovnOption(32767, 0x8001)] },
    inner: INNER_FRAME,
  },
  {
    ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2", flowLabel: 0xabcde },
    geneve: { vni: 0xffffff, options: [ovnOption(1, 65535), { type: "raw", optionClass: 0x0104, optionType: 0x7f, data: new Uint8Array(124).fill(0x5a) }] },
    inner: INNER_FRAME,
  },
  {
    ip: { version: 6, src: "fd00::a", dst: "fd00::b" },
    geneve: { vni: 42 },
    inner: INNER_FRAME,
  },
];

describe.skipIf(!peers("tshark"))("tshark dissects our frames to the values we set", () => {
  // built in beforeAll so that a skipped suite (no tshark) never runs tshark while being collected
  let dir = "";
  let file = "";
  let rows: Row[] = [];
  const frames = SPECS.map((s) => encodeGeneveFrame(s));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-geneve-tshark-"));
    file = join(dir, "frames.pcap");
    writeFileSync(file, writePcap(frames.map((data, i) => ({ data, timestamp: { seconds: 1_700_000_000 + i, nanoseconds: 0 } }))));
    rows = tsharkFields(file);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("one row per frame", () => {
    expect(rows.length).toBe(SPECS.length);
  });

  it.each(SPECS.map((s, i) => [i, s] as const))("frame %i: outer IP/UDP and checksums", (i, spec) => {
    const row = rows[i]!;
    if (spec.ip.version === 4) {
      expect(row["ip.version"][0]).toBe("4");
      expect(row["ip.src"][0]).toBe(spec.ip.src);
      expect(row["ip.dst"][0]).toBe(spec.ip.dst);
      expect(row["ip.checksum.status"][0]).toBe("1"); // Good
    } else {
      expect(row["ipv6.src"][0]).toBe(spec.ip.src);
      expect(row["ipv6.dst"][0]).toBe(spec.ip.dst);
      expect(Number(row["ipv6.flow"][0])).toBe(spec.ip.flowLabel ?? 0);
    }
    expect(row["udp.dstport"][0]).toBe("6081");
    if (spec.udp?.checksum === "zero") {
      expect(row["udp.checksum"][0]).toBe("0x0000");
      expect(row["udp.checksum.status"][0]).toBe("3"); // Not present
    } else {
      expect(row["udp.checksum.status"][0]).toBe("1"); // Good
    }
    if (spec.ethernet?.vlans) expect(row["vlan.id"]).toEqual(spec.ethernet.vlans.map((v) => String(v.vid)));
  });

  it.each(SPECS.map((s, i) => [i, s] as const))("frame %i: Geneve header and options", (i, spec) => {
    const row = rows[i]!;
    const opts = spec.geneve.options ?? [];
    expect(row["geneve.version"]).toEqual(["0"]);
    expect(Number(row["geneve.vni"][0])).toBe(spec.geneve.vni);
    expect(Number(row["geneve.proto_type"][0])).toBe(0x6558);
    expect(row["geneve.flags.oam"][0]).toBe(spec.geneve.oam ? "1" : "0");
    expect(row["geneve.flags.critical"][0]).toBe(opts.some((o) => o.type === "ovn" || (o.optionType & 0x80) !== 0) ? "1" : "0");
    const expectClass = opts.map((o) => (o.type === "ovn" ? "0x0102" : `0x${o.optionClass.toString(16).padStart(4, "0")}`));
    const expectType = opts.map((o) => (o.type === "ovn" ? "0x80" : `0x${o.optionType.toString(16).padStart(2, "0")}`));
    const expectData = opts.map((o) =>
      o.type === "ovn" ? `${o.ingressPort.toString(16).padStart(4, "0")}${o.egressPort.toString(16).padStart(4, "0")}` : toHex(o.data),
    );
    const expectLen = opts.map((o) => String(4 + (o.type === "ovn" ? 4 : o.data.length))); // tshark counts the option header
    const headerLen = opts.reduce((n, o) => n + 4 + (o.type === "ovn" ? 4 : o.data.length), 0);
    expect(row["geneve.option.class"]).toEqual(expectClass);
    expect(row["geneve.option.type"]).toEqual(expectType);
    // tshark 4.0 reports the header's Opt Len (bytes) under the same field name, before the options
    expect(row["geneve.option.length"]).toEqual([String(headerLen), ...expectLen]);
    expect(row["geneve.option.unknown.data"]).toEqual(expectData);
  });

  it("reads tshark's pcapng and nanosecond pcap rewrites of our file back to the same frames", () => {
    for (const [fmt, name] of [["pcapng", "out.pcapng"], ["nsecpcap", "out-ns.pcap"]] as const) {
      const out = join(dir, name);
      execFileSync("tshark", ["-r", file, "-F", fmt, "-w", out], { stdio: "ignore", timeout: 30_000 });
      const cap = readCapture(new Uint8Array(readFileSync(out)));
      expect(cap.format).toBe(fmt === "pcapng" ? "pcapng" : "pcap");
      expect(cap.records.map((r) => toHex(r.data))).toEqual(frames.map(toHex));
      expect(cap.records.map((r) => r.timestamp.seconds)).toEqual(SPECS.map((_, i) => 1_700_000_000 + i));
      expect(decodeGeneveFrame(cap.records[2]!.data).geneve.ovn).toEqual({ datapathKey: 0xffffff, ingressPort: 1, egressPort: 65535, multicast: true });
    }
  });
});
