import { Address4, Address6 } from "ip-address";
import { describe, expect, it } from "vitest";
import { formatIpv4BigInt, formatMacBigInt, ipv4ToBigInt, ipv6ToBigInt, macToBigInt } from "../../src/net/index.js";
import { prng } from "../support/prng.js";

describe("addresses as integers", () => {
  it.each([
    ["00:11:22:33:44:55", 0x001122334455n],
    ["0:1:a2:b3:c4:D5", 0x0001a2b3c4d5n],
    ["ff:ff:ff:ff:ff:ff", 0xffffffffffffn],
    ["00:11:22:33:44", undefined],
    ["00:11:22:33:44:55:66", undefined],
    ["00-11-22-33-44-55", undefined],
    ["000:11:22:33:44:55", undefined],
    ["00:11:22:33:44:5g", undefined],
    ["00:11:22:33:44:", undefined],
    ["", undefined],
  ] as const)("macToBigInt(%s) = %s", (s, v) => expect(macToBigInt(s)).toBe(v));

  it("formats MACs and IPv4 addresses from integers", () => {
    expect(formatMacBigInt(0x0001a2b3c4d5n)).toBe("00:01:a2:b3:c4:d5");
    expect(formatMacBigInt(0xfedcba987654n)).toBe("fe:dc:ba:98:76:54");
    expect(formatIpv4BigInt(0xc000020an)).toBe("192.0.2.10");
    expect(formatIpv4BigInt(0n)).toBe("0.0.0.0");
  });

  it.each([
    ["192.0.2.10", 0xc000020an],
    ["255.255.255.255", 0xffffffffn],
    ["0.0.0.0", 0n],
    ["1.2.3", undefined],
    ["1.2.3.4/24", undefined],
    ["1.2.3.256", undefined],
    ["1.2.3.4.5", undefined],
    ["a.b.c.d", undefined],
    ["", undefined],
  ] as const)("ipv4ToBigInt(%s) = %s", (s, v) => expect(ipv4ToBigInt(s)).toBe(v));

  it("ipv4ToBigInt agrees with ip-address on random and odd dotted quads", () => {
    const r = prng(7);
    const texts: string[] = ["01.2.3.4", "1.02.3.4", "00.0.0.0", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.0004"];
    for (let i = 0; i < 500; i++) texts.push(Array.from({ length: 4 }, () => String(Math.floor(r() * 300))).join("."));
    for (const t of texts) {
      const want = !t.includes("/") && Address4.isValid(t) ? BigInt(new Address4(t).bigInt()) : undefined;
      expect([t, ipv4ToBigInt(t)]).toEqual([t, want]);
    }
  });

  it.each([
    ["2001:db8::1", 0x20010db8000000000000000000000001n],
    ["[2001:db8::1]", 0x20010db8000000000000000000000001n],
    ["::ffff:1.2.3.4", 0xffff01020304n],
    ["::", 0n],
    ["2001:db8:::1", undefined],
    ["2001:db8::/32", undefined],
    ["1.2.3.4", undefined],
  ] as const)("ipv6ToBigInt(%s) = %s", (s, v) => expect(ipv6ToBigInt(s)).toBe(v));

  it("ipv6ToBigInt gives what ip-address gives, twice (memoized)", () => {
    for (const t of ["fe80::1", "2001:db8:0:0:1:0:0:1", "fe80::1"]) expect(ipv6ToBigInt(t)).toBe(new Address6(t).bigInt());
  });
});
