/**
 * Frames OVN itself sends: two ovn-controller chassis (userspace, dummy datapaths) tunnel lp1 → lp2 traffic
 * over Geneve (IPv4 and IPv6 underlay); the underlay capture decodes to the datapath and port keys SB assigned. And the other way:
 * a frame built by encodeGeneveFrame, injected on hv2's underlay port, is delivered by OVN to lp2.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type DecodedGeneveFrame, DecodeError, decodeGeneveFrame, encodeGeneveFrame, ovnOption, readCapture } from "../../src/geneve/index.js";
import { peers } from "../support/peers.js";
import { INNER_FRAME, toHex } from "./helpers.js";
import { SANDBOX_PROGRAMS, TwoChassis, underlayIp, underlayMac } from "./two-chassis.js";

const REQUESTED = { datapath: 0x1234, lp1: 300, lp2: 7000 };
const SENT = 3;

/** Records of a pcap that OVS may still be appending to (a partial last record reads as "not yet"). */
function records(pcap: Uint8Array): Uint8Array[] {
  if (pcap.length === 0) return [];
  try {
    return readCapture(pcap).records.map((r) => r.data);
  } catch (e) {
    if (e instanceof DecodeError) return [];
    throw e;
  }
}

function geneveFrames(pcap: Uint8Array): DecodedGeneveFrame[] {
  const out: DecodedGeneveFrame[] = [];
  for (const data of records(pcap)) {
    try {
      out.push(decodeGeneveFrame(data));
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e; // non-Geneve underlay traffic is skipped
    }
  }
  return out;
}

describe.skipIf(!peers(...SANDBOX_PROGRAMS)).each([4, 6] as const)("Geneve between two OVN chassis, IPv%i underlay", (family) => {
  let sb: TwoChassis | undefined;
  afterAll(() => sb?.down());
  beforeAll(() => {
    sb = TwoChassis.up(REQUESTED, family);
  });

  it("SB assigned the requested tunnel keys", () => {
    expect(sb!.sbKeys()).toEqual(REQUESTED);
  });

  it("hv1's underlay capture decodes to SB's datapath and port keys", () => {
    const s = sb!;
    const keys = s.sbKeys();
    s.sendFromLp1(SENT);
    let frames: DecodedGeneveFrame[] = [];
    const ok = TwoChassis.waitFor(() => (frames = geneveFrames(s.readPcapFile(1, "br-phys_n1-tx.pcap"))).length >= SENT);
    expect(ok, `expected ${SENT} Geneve frames on hv1's underlay, got ${frames.length}`).toBe(true);
    for (const f of frames) {
      expect(f.ethernet).toMatchObject({ src: underlayMac(1), dst: underlayMac(2) });
      if (family === 4) expect(f.ip).toMatchObject({ type: "ipv4", src: underlayIp(1), dst: underlayIp(2), checksumValid: true });
      else expect(f.ip).toMatchObject({ type: "ipv6", src: underlayIp(1, 6), dst: underlayIp(2, 6) });
      expect(f.udp).toMatchObject({ dstPort: 6081, checksumStatus: "valid" }); // SB Encap options csum=true
      expect(f.geneve.vni).toBe(keys.datapath);
      expect(f.geneve.critical).toBe(true);
      expect(f.geneve.options).toEqual([{ type: "ovn", ingressPort: keys.lp1, egressPort: keys.lp2 }]);
      expect(f.geneve.ovn).toEqual({ datapathKey: keys.datapath, ingressPort: keys.lp1, egressPort: keys.lp2, multicast: false });
      expect(f.inner.ethernet).toMatchObject({ src: "50:54:00:00:00:01", dst: "50:54:00:00:00:02", etherType: 0x0800 });
    }
    // the inner UDP destination ports are the ones we injected (5001..5000+SENT)
    const ports = frames.map((f) => (f.inner.payload[22]! << 8) | f.inner.payload[23]!).sort((a, b) => a - b);
    expect(ports.slice(0, SENT)).toEqual(Array.from({ length: SENT }, (_, i) => 5001 + i));
  });

  it("ovn-ts geneve decode prints the port keys of OVN's own frames", async () => {
    const s = sb!;
    const keys = s.sbKeys();
    const io = memoryIo();
    await main(["geneve", "decode", join(s.hv(1), "br-phys_n1-tx.pcap")], io);
    expect(io.stdout).toContain(`option: class=0x0102 (OVN) type=0x80 (critical) length=4 ingress_port=${keys.lp1} egress_port=${keys.lp2}`);
    expect(io.stdout).toContain(`ovn: datapath=${keys.datapath} ingress_port=${keys.lp1} egress_port=${keys.lp2}`);
  });

  it("a frame built by encodeGeneveFrame is accepted by hv2 and delivered to lp2", () => {
    const s = sb!;
    const keys = s.sbKeys();
    const beforeCount = records(s.readPcapFile(2, "vif2-tx.pcap")).length;
    const inner = Uint8Array.from(INNER_FRAME);
    inner[inner.length - 1] = 0x42; // mark it
    const frame = encodeGeneveFrame({
      ethernet: { src: underlayMac(1), dst: underlayMac(2) },
      ip: { version: family, src: underlayIp(1, family), dst: underlayIp(2, family) },
      udp: { srcPort: 50123 },
      geneve: { vni: keys.datapath, options: [ovnOption(keys.lp1, keys.lp2)] },
      inner,
    });
    s.receive(2, "br-phys_n1", frame);
    let delivered: Uint8Array[] = [];
    const ok = TwoChassis.waitFor(() => {
      delivered = records(s.readPcapFile(2, "vif2-tx.pcap")).slice(beforeCount);
      return delivered.some((d) => toHex(d) === toHex(inner));
    });
    expect(ok, `inner frame not delivered to vif2; saw ${delivered.map(toHex).join(", ") || "nothing"}`).toBe(true);
  });
});
