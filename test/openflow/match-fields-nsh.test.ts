/**
 * The NSH (nsh_flags, nsh_ttl, nsh_mdtype, nsh_np, nsh_spi, nsh_si, nsh_c1..nsh_c4), ERSPAN (tun_erspan_idx,
 * tun_erspan_ver, tun_erspan_dir, tun_erspan_hwid) and GTP-U (tun_gtpu_flags, tun_gtpu_msgtype) match fields
 * of Open vSwitch 3.1 (meta-flow.h): their experimenter OXM bytes built by hand from the headers meta-flow.h
 * names (NXOXM_NSH_* of experimenter 0x005ad650, NXOXM_ET_* of Nicira's 0x00002320), then text, bytes and
 * errors against the installed ovs-ofctl for every -O version (parse-flow's stdout, error and exit status;
 * ofp-print of ovs-ofctl's own flow_mod bytes); and IPv4 values read as ovs-ofctl's scanf-style
 * ip_parse_masked() reads them (`1.2.3.400` is 1.2.3.144).
 */
import { describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { Reader } from "../../src/bytes/reader.js";
import { Writer } from "../../src/bytes/writer.js";
import { decodeOxm, encodeOxm, fieldByName, matchField, nxWidth, withOf15Headers } from "../../src/openflow/oxm.js";
import { matchEntriesError } from "../../src/openflow/match-checks.js";
import { scanIpv4Masked } from "../../src/openflow/text/ipv4-scan.js";
import { ofpPrintDiff, ovsFlowModHex, parseFlowDiffs } from "./gen-compare.js";

const hex = (s: string) => s.replace(/\s+/g, "");

describe("NSH, ERSPAN and GTP-U fields: bytes", () => {
  // [field, value bytes, mask bytes or "", the whole TLV]
  const CASES: [string, string, string, string][] = [
    ["nsh_flags", "01", "", "ffff0205 005ad650 01"],
    ["nsh_mdtype", "01", "", "ffff0405 005ad650 01"],
    ["nsh_np", "03", "", "ffff0605 005ad650 03"],
    ["nsh_spi", "00000005", "", "ffff0808 005ad650 00000005"],
    ["nsh_si", "03", "", "ffff0a05 005ad650 03"],
    ["nsh_c1", "00000010", "000000ff", "ffff0d0c 005ad650 00000010 000000ff"],
    ["nsh_c4", "00000003", "", "ffff1208 005ad650 00000003"],
    ["nsh_ttl", "3f", "", "ffff1405 005ad650 3f"],
    ["tun_erspan_idx", "00000012", "000000ff", "ffff170c 00002320 00000012 000000ff"],
    ["tun_erspan_ver", "01", "01", "ffff1906 00002320 01 01"],
    ["tun_erspan_dir", "01", "", "ffff1a05 00002320 01"],
    ["tun_erspan_hwid", "3f", "", "ffff1c05 00002320 3f"],
    ["tun_gtpu_flags", "30", "30", "ffff1f06 00002320 30 30"],
    ["tun_gtpu_msgtype", "ff", "", "ffff2005 00002320 ff"],
  ];
  for (const [name, value, mask, tlv] of CASES) {
    it(`${name}: encodes to ${hex(tlv)} and decodes back`, () => {
      const f = matchField(name, fromHex(value), mask ? fromHex(mask) : undefined);
      const w = new Writer("openflow", 64);
      encodeOxm(w, f);
      expect(toHex(w.finish())).toBe(hex(tlv));
      const d = decodeOxm(new Reader(fromHex(hex(tlv)), "openflow"));
      expect(d.field).toBe(name);
      expect(toHex(d.value)).toBe(value);
      expect(d.mask ? toHex(d.mask) : "").toBe(mask);
    });
  }

  it("the aliases nsp, nsi and nshcN, and the widths Nicira actions give them (nsh_spi 24 bits, tun_erspan_ver 4)", () => {
    expect(fieldByName("nsp")?.name).toBe("nsh_spi");
    expect(fieldByName("nsi")?.name).toBe("nsh_si");
    expect(fieldByName("nshc3")?.name).toBe("nsh_c3");
    expect(fieldByName("NXOXM_ET_GTPU_FLAGS")?.name).toBe("tun_gtpu_flags");
    expect(nxWidth(fieldByName("nsh_spi")!)).toBe(24);
    expect(nxWidth(fieldByName("tun_erspan_ver")!)).toBe(4);
    expect(nxWidth(fieldByName("tun_erspan_idx")!)).toBe(20);
  });

  it("OpenFlow 1.5 writes tcp_flags and actset_output under their standard headers, and reads them back", () => {
    const m = [matchField("dl_type", fromHex("0800")), matchField("tcp_flags", fromHex("0002"), fromHex("0002")), matchField("actset_output", fromHex("00000001"))];
    const of15 = withOf15Headers(m);
    const w = new Writer("openflow", 64);
    for (const f of of15) encodeOxm(w, f);
    expect(toHex(w.finish())).toBe(hex("80000a02 0800  80005504 0002 0002  80005604 00000001"));
    const r = new Reader(fromHex(hex("80005504 0002 0002  80005604 00000001")), "openflow");
    expect([decodeOxm(r).field, decodeOxm(r).field]).toEqual(["tcp_flags", "actset_output"]);
    expect(withOf15Headers([m[0]!])).toEqual([m[0]]);
  });

  it("OpenFlow 1.5 writes reg2n and reg2n+1 as one packet register xregn (reg2n the high half)", () => {
    const m = [matchField("reg1", fromHex("00000002")), matchField("reg0", fromHex("00000010"), fromHex("000000ff")), matchField("reg15", fromHex("ffffffff"))];
    const w = new Writer("openflow", 64);
    for (const f of withOf15Headers(m)) encodeOxm(w, f);
    expect(toHex(w.finish())).toBe(hex("80010110 00000010 00000002 000000ff ffffffff  80010f10 00000000 ffffffff 00000000 ffffffff"));
  });

  it("the strict decoder: NSH values checked before prerequisites (OFPBMC_BAD_VALUE), then the NSH Ethertype (OFPBMC_BAD_PREREQ)", () => {
    const dl = matchField("dl_type", fromHex("894f"));
    expect(matchEntriesError([dl, matchField("nsh_ttl", fromHex("3f"))])).toBeUndefined();
    expect(matchEntriesError([dl, matchField("nsh_ttl", fromHex("40"))])).toBe("OFPBMC_BAD_VALUE");
    expect(matchEntriesError([dl, matchField("nsh_mdtype", fromHex("03"))])).toBe("OFPBMC_BAD_VALUE");
    expect(matchEntriesError([dl, matchField("nsh_spi", fromHex("01000000"))])).toBe("OFPBMC_BAD_VALUE");
    expect(matchEntriesError([matchField("nsh_spi", fromHex("00000005"))])).toBe("OFPBMC_BAD_PREREQ");
    expect(matchEntriesError([matchField("packet_type", fromHex("0001894f")), matchField("nsh_si", fromHex("03"))])).toBeUndefined();
    expect(matchEntriesError([matchField("tun_erspan_ver", fromHex("01"), fromHex("01"))])).toBeUndefined();
  });
});

describe("IPv4 values as ip_parse_masked() scans them", () => {
  const CASES: [string, number, number][] = [
    ["1.2.3.400", 0x01020390, 0xffffffff],
    ["1.2.3.-1", 0x010203ff, 0xffffffff],
    ["01.02.03.010", 0x0102030a, 0xffffffff],
    ["1.2.3.4/+8", 0x01020304, 0xff000000],
    ["1.2.3.4/255.255.255.256", 0x01020304, 0xffffff00],
    ["1.2.3.99999999999999999999", 0x010203ff, 0xffffffff],
  ];
  for (const [text, v, m] of CASES) it(`${text}`, () => expect(scanIpv4Masked(text)).toEqual({ v, m }));
  for (const [text, message] of [
    ["1.2.3", "1.2.3: invalid IP address"],
    ["1.2.3.4x", "1.2.3.4x: invalid IP address"],
    ["1.2.3.4/255.255.0.0x", "1.2.3.4/255.255.0.0x: invalid IP address"],
    ["1.2.3.4/-1", "1.2.3.4/-1: IPv4 network prefix bits not between 0 and 32, inclusive"],
    ["1.2.3.4/255.255", "1.2.3.4/255.255: IPv4 network prefix bits not between 0 and 32, inclusive"],
  ]) {
    it(`${text}: refused`, () => expect(() => scanIpv4Masked(text!)).toThrow(message));
  }
});

/** Flows with the new fields: matches, masks, prerequisites, value errors, set_field/load/move, the IPv4 scan. */
const FLOWS = [
  "nsh_spi=5,actions=drop",
  "dl_type=0x894f,nsh_spi=5,nsh_si=3,actions=drop",
  "packet_type=(1,0x894f),nsh_spi=5,nsh_si=3,nsh_c1=0x10/0xff,nsh_flags=1,nsh_ttl=3,nsh_mdtype=1,nsh_np=3,nsh_c2=1,nsh_c3=2,nsh_c4=3,actions=drop",
  "tun_erspan_ver=1,tun_erspan_idx=0x12/0xff,tun_erspan_dir=1,tun_erspan_hwid=0x3,actions=drop",
  "tun_erspan_ver=2,tun_erspan_idx=0x12/0xff,tun_erspan_dir=1,tun_erspan_hwid=0x3,actions=drop",
  "tun_gtpu_flags=0x30,tun_gtpu_msgtype=255,actions=drop",
  "tun_erspan_ver=16,actions=drop",
  "tun_erspan_ver=0x1/0x3,actions=drop",
  "tun_gtpu_flags=0x31/0xf0,actions=drop",
  "tun_gtpu_msgtype=256,actions=drop",
  "gtpu_flags=1,actions=drop",
  "nsh_ttl=64,actions=drop",
  "nsh_ttl=3/3,actions=drop",
  "nsh_mdtype=3,actions=drop",
  "nsh_mdtype=1/0xff,actions=drop",
  "nsh_spi=0x1000000,actions=drop",
  "nsh_spi=5/0xff,actions=drop",
  "nsp=5/0xff,actions=drop",
  "nsp=5,nsi=3,nshc1=4,actions=drop",
  "nsh_si=256,actions=drop",
  "nsh_np=5/0,actions=drop",
  "dl_type=0x894f,nsh_spi=0xffffff,actions=drop",
  "dl_type=0x894f,nsh_mdtype=2,nsh_c1=5,actions=drop",
  "dl_type=0x894f,nsh_mdtype=1,nsh_c1=5/0xf,nsh_flags=0x1/0x3,actions=drop",
  "dl_type=0x894f,nsh_ttl=64,actions=drop",
  "dl_type=0x894f,nsh_mdtype=3,actions=drop",
  "dl_type=0x894f,nsh_spi=0x1000000,actions=drop",
  "tun_erspan_ver=0,tun_erspan_idx=3,actions=drop",
  "tun_erspan_ver=0/0,actions=drop",
  "tun_gtpu_flags=0,actions=drop",
  "ip,nsh_spi=5,actions=drop",
  "actions=set_field:5->nsh_spi",
  "actions=set_field:1->nsh_mdtype",
  "actions=set_field:3->nsh_np",
  "actions=set_field:1->tun_erspan_ver",
  "actions=set_field:1->tun_erspan_idx",
  "actions=set_field:1->tun_gtpu_flags",
  "actions=load:1->NXOXM_NSH_SPI[]",
  "actions=move:nsh_spi[]->NXM_NX_REG0[]",
  "actions=load:1->tun_erspan_ver[]",
  "actions=load:1->NXOXM_ET_ERSPAN_IDX[]",
  "actions=set_field:64->nsh_ttl",
  "dl_type=0x894f,actions=set_field:64->nsh_ttl",
  "dl_type=0x894f,actions=set_field:0x1000000->nsh_spi",
  "dl_type=0x894f,actions=set_field:5->nsh_spi,set_field:3->nsh_si,set_field:0x5/0xff->nsh_c1,set_field:4->nsh_flags,set_field:9->nsh_ttl",
  "dl_type=0x894f,actions=load:1->nsh_spi[0..7],move:NXM_NX_REG0[0..7]->nsh_si[],move:nsh_c2[]->NXM_NX_REG1[]",
  "dl_type=0x894f,actions=load:1->NXOXM_NSH_TTL[],load:1->NXOXM_NSH_C1[],load:1->NXOXM_NSH_C1[4..7]",
  "actions=set_field:5/0xff->nsh_spi",
  "actions=move:tun_gtpu_flags[]->NXM_NX_REG0[0..7]",
  "actions=move:NXM_NX_REG0[0..7]->tun_gtpu_flags[]",
  "actions=move:NXM_NX_REG0[0..19]->tun_erspan_idx[],move:tun_erspan_hwid[]->NXM_NX_REG1[0..5]",
  "packet_type=(1,0x86dd),ipv6_src=::1,actions=drop",
  "packet_type=(1,0x800),icmp_type=3,actions=drop",
  "ip,nw_src=1.2.3.400,nw_dst=01.02.03.010/+8,actions=drop",
  "ip,nw_src=1.2.3.-1,actions=drop",
  "ip,nw_src=1.2.3,actions=drop",
  "ip,nw_src=1.2.3.4/255.255.0.0x,actions=drop",
  "ip,nw_src=1.2.3.4/-1,actions=drop",
  "ip,nw_src=1.2.3.4/255.255,actions=drop",
  "arp,arp_spa=10.0.0.300,actions=drop",
  "ip,actions=set_field:1.2.3.400->nw_src",
  "ip,actions=mod_nw_src:1.2.3.400",
  "ip,actions=mod_nw_dst:01.2.3.4",
  "ip,actions=mod_nw_src:255.255.255.255",
  // OpenFlow 1.5's standard headers of tcp_flags and actset_output
  "tcp,tcp_flags=+syn,actset_output=1,actions=drop",
  "tcp,tcp_flags=+syn-ack,actions=drop",
  // OpenFlow 1.5 writes the registers as packet registers
  "reg1=2,reg0=0x10/0xff,reg15=0xffffffff,actions=drop",
  "xreg1=0x1234,actions=drop",
];

describe.skipIf(!peers("ovs-ofctl"))("NSH, ERSPAN and GTP-U fields against ovs-ofctl", () => {
  for (const version of [undefined, "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"]) {
    it(`${version ?? "no -O"}: ${FLOWS.length} flows print (or fail) as ovs-ofctl parse-flow`, async () => {
      expect(await parseFlowDiffs(FLOWS, version)).toEqual([]);
    }, 180_000);
  }

  it("ovs-ofctl's own flow_mod bytes of every version print under our ofp-print as under its", async () => {
    const flows = [
      "tcp,tcp_flags=+syn,actset_output=1,actions=drop",
      "reg1=2,reg0=0x10/0xff,reg15=0xffffffff,actions=drop",
      "packet_type=(1,0x894f),nsh_spi=5,nsh_si=3,nsh_c1=0x10/0xff,nsh_flags=1,nsh_ttl=3,nsh_mdtype=1,nsh_np=3,nsh_c2=1,nsh_c3=2,nsh_c4=3,actions=drop",
      "dl_type=0x894f,nsh_flags=0x1/0x3,nsh_spi=0xffffff,nsh_mdtype=2,nsh_c3=7,actions=drop",
      "tun_erspan_ver=1,tun_erspan_idx=0x12/0xff,tun_gtpu_flags=0x31/0xf0,tun_gtpu_msgtype=3,actions=drop",
      "tun_erspan_ver=2,tun_erspan_dir=1,tun_erspan_hwid=0x3f,actions=drop",
      "nsh_ttl=64,actions=drop",
      "nsh_mdtype=3,actions=drop",
      "nsh_spi=5,actions=drop",
      "dl_type=0x894f,actions=set_field:5->nsh_spi,set_field:3->nsh_si,set_field:0x5/0xff->nsh_c1,set_field:4->nsh_flags,set_field:9->nsh_ttl",
      "dl_type=0x894f,actions=load:1->nsh_spi[0..7],move:NXM_NX_REG0[0..7]->nsh_si[],move:nsh_c2[]->NXM_NX_REG1[],load:1->NXOXM_NSH_TTL[]",
      "actions=set_field:1->tun_erspan_ver,set_field:0x12->tun_erspan_idx,load:1->tun_erspan_hwid[],move:tun_gtpu_flags[]->NXM_NX_REG0[0..7]",
    ];
    const diffs: string[] = [];
    let compared = 0;
    for (const version of ["OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15"]) {
      for (const flow of flows) {
        const h = ovsFlowModHex(version, flow);
        // a flow this version cannot carry (ovs-ofctl refuses it): nothing to print
        if (h === undefined) continue;
        compared++;
        const diff = await ofpPrintDiff(h);
        if (diff !== undefined) diffs.push(`${version} ${flow}\n ${diff}`);
      }
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(40);
  }, 180_000);
});
