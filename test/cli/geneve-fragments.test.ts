/**
 * `ovn-ts geneve encode --mtu` and `decode` of fragmented captures: reassembly by default (timeouts from
 * the capture timestamps), --no-reassemble, incomplete and timed-out datagrams, IPv6 extension header lines.
 * The fragments are also read by tshark, which must reassemble them to the VNI we set.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { readCapture, writePcap } from "../../src/geneve/index.js";
import { peers } from "../support/peers.js";
import { INNER_FRAME, toHex } from "../geneve/helpers.js";

const BIG_INNER = toHex(new Uint8Array([...INNER_FRAME, ...new Uint8Array(1200).fill(0x42)]));
const dir = mkdtempSync(join(tmpdir(), "ovn-ts-geneve-cli-frag-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = memoryIo("");
  const status = await main(["geneve", ...args], io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

async function fragments(name: string, extra: string[] = [], mtu = 576, count = 3): Promise<string> {
  const file = join(dir, name);
  const r = await run(["encode", "--vni", "77", "--ovn-inport", "3", "--ovn-outport", "4", "--inner", BIG_INNER, "--mtu", String(mtu), ...extra, "-w", file]);
  expect(r).toMatchObject({ status: 0, stderr: "" });
  expect(r.stdout).toMatch(new RegExp(`^wrote ${count} fragments \\(\\d+ bytes\\) to `));
  return file;
}

describe("ovn-ts geneve with fragments", () => {
  it("encode --mtu writes fragments; decode reassembles them at the last one", async () => {
    const file = await fragments("frag.pcap");
    const r = await run(["decode", file]);
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(r.stdout.match(/\(held for reassembly\)/g)?.length).toBe(2);
    expect(r.stdout).toMatch(/^ {2}fragment: ipv4 id=0 offset=0 more_fragments=1 length=552 protocol=17$/m);
    expect(r.stdout).toMatch(/^frame 3: .*\n {2}ethernet: .*\n {2}ipv4: .* mf=0 frag_offset=1104 .*\n {2}fragment: ipv4 id=0 offset=1104 more_fragments=0 length=\d+ protocol=17\n {2}reassembled: frames 1,2,3 into \d+ bytes\n {2}ethernet: .*\n {2}ipv4: .* df=0 total_length=\d+ protocol=17 checksum=0x[0-9a-f]{4} \(correct\)\n {2}udp: .*\(correct\)\n {2}geneve: .* vni=77 /m);
    expect(r.stdout).toMatch(/ovn: datapath=77 ingress_port=3 egress_port=4/);
    const json = JSON.parse((await run(["decode", "--json", file])).stdout) as any[];
    expect(json.map((e) => e.status ?? e.reassembledFrom)).toEqual(["(held for reassembly)", "(held for reassembly)", [1, 2, 3]]);
    expect(json[2].geneve.vni).toBe(77);
  });

  it("--no-reassemble reports each fragment and exits 0", async () => {
    const file = await fragments("frag6.pcap", ["--src", "2001:db8::1", "--dst", "2001:db8::2"], 1280, 2);
    const r = await run(["decode", "--no-reassemble", file]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/\(fragment, not reassembled\)/g)?.length).toBe(2);
    expect(r.stdout).toMatch(/^ {2}ipv6_ext: fragment length=8 next_header=17 id=\d+ offset=0 more_fragments=1$/m);
  });

  it("a missing fragment or a timeout between capture timestamps is an error (exit 1)", async () => {
    const file = await fragments("frag-b.pcap");
    const recs = readCapture(new Uint8Array(readFileSync(file))).records;
    const missing = join(dir, "missing.pcap");
    writeFileSync(missing, writePcap([recs[0]!, recs[2]!].map((r) => ({ data: r.data, timestamp: r.timestamp }))));
    const r = await run(["decode", missing]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^datagram of frames 1,2 dropped \(incomplete\): incomplete \(2 fragment\(s\); missing 552\.\.1104\) at end of input$/m);
    expect(r.stderr).toMatch(/did not decode/);
    const slow = join(dir, "slow.pcap");
    writeFileSync(slow, writePcap(recs.map((r, i) => ({ data: r.data, timestamp: { seconds: 1_700_000_000 + (i === 2 ? 31 : 0), nanoseconds: 0 } }))));
    const t = await run(["decode", slow]);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/^datagram of frames 1,2 dropped \(timeout\): .* after 30000 ms$/m);
  });

  it("prints IPv6 extension headers", async () => {
    // Ethernet, IPv6 -> Hop-by-Hop (PadN) -> UDP 6081, Geneve VNI 5, the inner frame; UDP checksum zero
    const udp = `c00017c1${(16 + INNER_FRAME.length).toString(16).padStart(4, "0")}0000 00006558 00000500 ${toHex(INNER_FRAME)}`.replace(/ /g, "");
    const plen = (8 + udp.length / 2).toString(16).padStart(4, "0");
    const frame = `02000000000202000000000186dd 60000000${plen}0040 ${"20010db8000000000000000000000001"}${"20010db8000000000000000000000002"} 1100010400000000 ${udp}`.replace(/ /g, "");
    const r = await run(["decode", frame]);
    expect(r.stdout).toMatch(/^ {2}ipv6: .* next_header=0\n {2}ipv6_ext: hop-by-hop length=8 next_header=17\n {2}udp: /m);
  });

  it.skipIf(!peers("tshark"))("tshark reassembles the fragments the CLI wrote", async () => {
    const file = await fragments("frag-t.pcap");
    const out = execFileSync("tshark", ["-r", file, "-T", "fields", "-e", "geneve.vni", "-e", "ip.fragment.count"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
    expect(out.trim().split("\n").at(-1)).toBe("0x00004d\t3");
  });
});
