import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { decodeGeneveFrame, readCapture, writePcap } from "../../src/geneve/index.js";
import { peers } from "../support/peers.js";
import { INNER_FRAME, toHex } from "../geneve/helpers.js";

const INNER = toHex(INNER_FRAME);
const dir = mkdtempSync(join(tmpdir(), "ovn-ts-geneve-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], stdin = "") {
  const io = memoryIo(stdin);
  const status = await main(["geneve", ...args], io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

describe("ovn-ts geneve CLI", () => {
  it("--help prints usage and exits 0; no subcommand exits 1", async () => {
    const r = await run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ovn-ts geneve encode --vni N/);
    expect(r.stdout).toMatch(/--ovn-inport N/);
    expect((await run(["encode", "--help"])).status).toBe(0);
    expect((await run([])).status).toBe(1);
  });

  it("encode -w writes a pcap that decodes to the VNI and port keys we set", async () => {
    const file = join(dir, "one.pcap");
    const r = await run(["encode", "--vni", "0x123", "--ovn-inport", "7", "--ovn-outport", "32769", "--inner", INNER, "--vlan", "10:2", "-w", file]);
    expect(r).toMatchObject({ status: 0, stderr: "" });
    const cap = readCapture(new Uint8Array(readFileSync(file)));
    const f = decodeGeneveFrame(cap.records[0]!.data);
    expect(f.geneve.ovn).toEqual({ datapathKey: 0x123, ingressPort: 7, egressPort: 32769, multicast: true });
    expect(f.ethernet?.vlans).toEqual([{ tpid: 0x8100, pcp: 2, dei: false, vid: 10 }]);
    expect(toHex(f.inner.bytes)).toBe(INNER);
  });

  it("decode prints every layer's fields by name", async () => {
    const file = join(dir, "two.pcap");
    await run(["encode", "--vni", "5", "--ovn-inport", "1", "--ovn-outport", "2", "--option", "0xffff,0x01,01020304", "--inner", INNER, "--sport", "50000", "-w", file]);
    const r = await run(["decode", file]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^frame 1: 112 bytes time=\d+\.\d{9}$/);
    expect(lines.slice(1, -1)).toEqual([
      "  ethernet: dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x0800",
      expect.stringMatching(/^ {2}ipv4: src=192\.0\.2\.1 dst=192\.0\.2\.2 ttl=64 tos=0x00 id=0 df=1 total_length=98 protocol=17 checksum=0x[0-9a-f]{4} \(correct\)$/),
      expect.stringMatching(/^ {2}udp: src_port=50000 dst_port=6081 length=78 checksum=0x[0-9a-f]{4} \(correct\)$/),
      "  geneve: version=0 opt_len=16 oam=0 critical=1 protocol=0x6558 vni=5 (0x000005)",
      "  option: class=0x0102 (OVN) type=0x80 (critical) length=4 ingress_port=1 egress_port=2",
      "  option: class=0xffff (Experimental) type=0x01 length=4 data=01020304",
      "  ovn: datapath=5 ingress_port=1 egress_port=2",
      "  inner: dst=50:54:00:00:00:02 src=50:54:00:00:00:01 type=0x0800 length=46",
    ]);
  });

  it("encode without -w prints hex; decode HEX --json gives typed layers", async () => {
    const e = await run(["encode", "--vni", "9", "--ovn-inport", "3", "--ovn-outport", "4", "--inner", INNER, "--src", "fd00::1", "--dst", "fd00::2"]);
    expect(e.status).toBe(0);
    const hexFrame = e.stdout.trim();
    expect(hexFrame).toMatch(/^[0-9a-f]+$/);
    const d = await run(["decode", "--json", hexFrame]);
    expect(d.status).toBe(0);
    const [frame] = JSON.parse(d.stdout) as [Record<string, any>];
    expect(frame.ip).toMatchObject({ type: "ipv6", src: "fd00::1", dst: "fd00::2" });
    expect(frame.udp).toMatchObject({ dstPort: 6081, checksumStatus: "valid" });
    expect(frame.geneve).toMatchObject({ vni: 9, options: [{ type: "ovn", ingressPort: 3, egressPort: 4 }], ovn: { datapathKey: 9, ingressPort: 3, egressPort: 4 } });
    expect(frame.inner.bytes).toBe(INNER);
  });

  it("encode options: --inner-pcap, --oam, --ttl, --sport/--dport, MACs, QinQ-less VLANs, --no-udp-checksum", async () => {
    const innerPcap = join(dir, "inner.pcap");
    writeFileSync(innerPcap, writePcap([{ data: INNER_FRAME }]));
    const file = join(dir, "opts.pcap");
    const r = await run([
      "encode", "--vni=42", "--inner-pcap", innerPcap, "--oam", "--ttl", "7", "--sport", "1111", "--dport", "6081",
      "--src-mac", "aa:55:aa:55:00:01", "--dst-mac", "aa:55:aa:55:00:02", "--vlan", "5", "--vlan", "6:7",
      "--src", "127.1.0.1", "--dst", "127.1.0.2", "--no-udp-checksum", "-w", file,
    ]);
    expect(r.status).toBe(0);
    const f = decodeGeneveFrame(readCapture(new Uint8Array(readFileSync(file))).records[0]!.data);
    expect(f.ethernet).toMatchObject({ src: "aa:55:aa:55:00:01", dst: "aa:55:aa:55:00:02" });
    expect(f.ethernet?.vlans.map((v) => [v.vid, v.pcp])).toEqual([[5, 0], [6, 7]]);
    expect(f.ip).toMatchObject({ type: "ipv4", ttl: 7, src: "127.1.0.1", dst: "127.1.0.2" });
    expect(f.udp).toMatchObject({ srcPort: 1111, checksumStatus: "absent" });
    expect(f.geneve).toMatchObject({ vni: 42, oam: true, critical: false, options: [] });
    expect(toHex(f.inner.bytes)).toBe(INNER);
  });

  it("decode - reads hex lines from stdin", async () => {
    const e = await run(["encode", "--vni", "1", "--inner", INNER]);
    const d = await run(["decode", "-"], `${e.stdout}${e.stdout}`);
    expect(d.status).toBe(0);
    expect(d.stdout.match(/^frame \d/gm)).toEqual(["frame 1", "frame 2"]);
  });

  it("a capture with a non-Geneve frame reports it and exits 1", async () => {
    const file = join(dir, "mixed.pcap");
    const e = await run(["encode", "--vni", "1", "--inner", INNER]);
    const geneve = Uint8Array.from(Buffer.from(e.stdout.trim(), "hex"));
    writeFileSync(file, writePcap([{ data: geneve }, { data: INNER_FRAME }]));
    const d = await run(["decode", "--json", file]);
    expect(d.status).toBe(1);
    const frames = JSON.parse(d.stdout) as Record<string, any>[];
    expect(frames[0]!.geneve.vni).toBe(1);
    expect(frames[1]!.error).toEqual({ protocol: "udp", offset: 36, reason: "destination port 5001 is not Geneve (6081)" });
    expect(d.stderr).toMatch(/1 of 2 frame\(s\) did not decode/);
  });

  const BAD: { args: string[]; err: RegExp }[] = [
    { args: ["frobnicate"], err: /unknown subcommand 'frobnicate'/ },
    { args: ["encode", "--inner", INNER], err: /needs --vni/ },
    { args: ["encode", "--vni", "16777216", "--inner", INNER], err: /--vni: 16777216 is out of range 0\.\.16777215/ },
    { args: ["encode", "--vni", "abc", "--inner", INNER], err: /--vni: 'abc' is not a number/ },
    { args: ["encode", "--vni", "1", "--ovn-inport", "1", "--inner", INNER], err: /go together/ },
    { args: ["encode", "--vni", "1", "--ovn-inport", "32768", "--ovn-outport", "1", "--inner", INNER], err: /--ovn-inport: 32768 is out of range/ },
    { args: ["encode", "--vni", "1"], err: /exactly one of --inner/ },
    { args: ["encode", "--vni", "1", "--inner", "abc"], err: /not hex bytes/ },
    { args: ["encode", "--vni", "1", "--inner", "0011"], err: /at least 14 bytes/ },
    { args: ["encode", "--vni", "1", "--inner", INNER, "--src", "fd00::1", "--dst", "10.0.0.1"], err: /must both be IPv4 or both IPv6/ },
    { args: ["encode", "--vni", "1", "--inner", INNER, "--src", "10.0.0.300", "--dst", "10.0.0.1"], err: /invalid IPv4 address/ },
    { args: ["encode", "--vni", "1", "--inner", INNER, "--src", "fd00::1", "--dst", "fd00::2", "--no-udp-checksum"], err: /IPv6 requires a UDP checksum/ },
    { args: ["encode", "--vni", "1", "--inner", INNER, "--option", "1,2"], err: /not CLASS,TYPE,HEX/ },
    { args: ["encode", "--vni", "1", "--inner", INNER, "--option", "1,2,010203"], err: /not a multiple of 4/ },
    { args: ["encode", "--vni", "1", "--inner", INNER, "--bogus"], err: /unknown option '--bogus'/ },
    { args: ["decode"], err: /exactly one FILE, HEX or -/ },
    { args: ["decode", "/nonexistent/x.pcap"], err: /neither a readable file nor hex/ },
    { args: ["decode", "0011"], err: /did not decode/ },
  ];
  it.each(BAD)("bad usage $args → exit 1 with a clear error", async ({ args, err }) => {
    const r = await run(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(err);
  });

  it("a malformed pcap is a clear error", async () => {
    const file = join(dir, "bad.pcap");
    writeFileSync(file, Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...new Array(16).fill(0), 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0]));
    const r = await run(["decode", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pcap: captured length 65535 overruns the file/);
  });
});

describe.skipIf(!peers("tshark"))("ovn-ts geneve encode output read by tshark", () => {
  it("tshark reports the VNI, OVN option and correct checksums", async () => {
    const file = join(dir, "tshark.pcap");
    expect((await run(["encode", "--vni", "77", "--ovn-inport", "5", "--ovn-outport", "6", "--inner", INNER, "-w", file])).status).toBe(0);
    const out = execFileSync(
      "tshark",
      ["-r", file, "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=f",
        "-e", "geneve.vni", "-e", "geneve.option.class", "-e", "geneve.option.unknown.data", "-e", "ip.checksum.status", "-e", "udp.checksum.status"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 },
    );
    expect(out.trim().split("\t")).toEqual(["0x00004d", "0x0102", "00050006", "1", "1"]);
  });
});
