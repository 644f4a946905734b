import { describe, expect, it } from "vitest";
import { EncodeError } from "../../src/bytes/index.js";
import { formatIpv4, formatIpv6, formatIpv6BigInt, formatMac, ipFamily, ipPrefix, isIp, isIpv4, isIpv6, isMac, parseIpv4, parseIpv6, parseMac } from "../../src/net/index.js";
import { DEBIAN_PYTHON, peers } from "../support/peers.js";
import { prng } from "../support/prng.js";
import { scapy, toHex } from "./helpers.js";

describe("address predicates", () => {
  it.each([
    ["10.0.0.1", 4, true, true, false],
    ["10.0.0.0/8", 4, false, false, false],
    ["2001:db8::1", 6, true, false, true],
    ["::ffff:1.2.3.4", 6, true, false, true],
    ["fe80::/10", 6, false, false, false],
    ["10.0.0.256", undefined, false, false, false],
    ["", undefined, false, false, false],
    ["00:11:22:33:44:55", undefined, false, false, false],
  ] as const)("%s", (s, family, ip, v4, v6) => {
    expect([ipFamily(s), isIp(s), isIpv4(s), isIpv6(s)]).toEqual([family, ip, v4, v6]);
  });

  it.each([
    ["00:11:22:33:44:55", true],
    ["AA:BB:CC:DD:EE:FF", true],
    ["0:11:22:33:44:55", false],
    ["00-11-22-33-44-55", false],
    ["00:11:22:33:44", false],
    ["00:11:22:33:44:55:66", false],
  ] as const)("isMac(%s) = %s (the form OVN stores)", (s, ok) => expect(isMac(s)).toBe(ok));

  it("parses prefixes to the network with host bits cleared", () => {
    expect(ipPrefix("10.1.2.3/8")).toEqual({ family: 4, network: "10.0.0.0", length: 8 });
    expect(ipPrefix("2001:db8::1/64")).toEqual({ family: 6, network: "2001:db8::", length: 64 });
    expect(ipPrefix("10.1.2.3")).toEqual({ family: 4, network: "10.1.2.3", length: 32 });
    expect(ipPrefix("10.1.2.3/x")).toBeUndefined();
    expect(ipPrefix("nope")).toBeUndefined();
  });
});

describe("address bytes", () => {
  it("parses and formats MACs, IPv4 and IPv6", () => {
    expect(Array.from(parseMac("0:1:a2:b3:c4:D5"))).toEqual([0, 1, 0xa2, 0xb3, 0xc4, 0xd5]);
    expect(formatMac(Uint8Array.from([9, 0, 0, 0, 0, 0, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7]), 6)).toBe("a2:b3:c4:d5:e6:f7");
    expect(Array.from(parseIpv4("192.0.2.10"))).toEqual([192, 0, 2, 10]);
    expect(formatIpv4(Uint8Array.from([192, 0, 2, 10]))).toBe("192.0.2.10");
    expect(toHex(parseIpv6("2001:db8::1"))).toBe("20010db8000000000000000000000001");
    expect(formatIpv6BigInt(0x20010db8000000000000000000000001n)).toBe("2001:db8::1");
  });

  it.each([
    [() => parseMac("00:11:22:33:44", "eth.src"), ["ethernet", "eth.src", "invalid MAC address '00:11:22:33:44'"]],
    [() => parseIpv4("1.2.3", "ip.src"), ["ipv4", "ip.src", "invalid IPv4 address '1.2.3'"]],
    [() => parseIpv4("1.2.3.4/24", "ip.src"), ["ipv4", "ip.src", "expected an address, not a prefix: '1.2.3.4/24'"]],
    [() => parseIpv6("2001:db8:::1"), ["ipv6", "address", "invalid IPv6 address '2001:db8:::1'"]],
  ])("rejects bad text with an EncodeError naming the field (%#)", (f, expected) => {
    try {
      f();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EncodeError);
      const x = e as EncodeError;
      expect([x.protocol, x.field, x.reason]).toEqual(expected);
    }
  });
});

describe.skipIf(!peers(DEBIAN_PYTHON))("formatIpv6 against inet_ntop", () => {
  it("prints 400 random addresses (zero runs, IPv4-mapped, all-zero) as inet_ntop does", () => {
    const rnd = prng(5952);
    const addrs: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) {
      const b = Uint8Array.from({ length: 16 }, () => (rnd() < 0.5 ? 0 : Math.floor(rnd() * 256)));
      if (i % 10 === 0) b.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
      if (i === 1) b.fill(0);
      addrs.push(b);
    }
    const want = scapy<string[]>("ntop", addrs.map(toHex));
    addrs.forEach((a, i) => expect(formatIpv6(a), toHex(a)).toBe(want[i]));
  });
});
