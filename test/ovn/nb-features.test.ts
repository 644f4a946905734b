import { describe, expect, it } from "vitest";
import { COPP_PROTOCOLS, OvnInvalidArgumentError, checkCoppProtocol, dnsRecordsColumn, ipv6RaConfigs } from "../../src/ovn/index.js";
import type { Ipv6RaConfig } from "../../src/ovn/index.js";

describe("IPv6 RA settings", () => {
  it("valid settings map to the ipv6_ra_configs keys of ovn-nb(5)", () => {
    expect(ipv6RaConfigs({ addressMode: "slaac" })).toEqual({ address_mode: "slaac" });
    expect(
      ipv6RaConfigs({
        addressMode: "dhcpv6_stateless",
        mtu: 1280,
        routerPreference: "LOW",
        routeInfo: [
          { preference: "HIGH", prefix: "aef1::11/48" },
          { preference: "LOW", prefix: "aef2::/96" },
        ],
        sendPeriodic: true,
        maxInterval: 1800,
        minInterval: 1350,
        rdnss: "fd00::53",
        dnssl: ["a.b.c", "d.e.f"],
      }),
    ).toEqual({
      address_mode: "dhcpv6_stateless",
      mtu: "1280",
      router_preference: "LOW",
      route_info: "HIGH-aef1::11/48,LOW-aef2::/96",
      send_periodic: "true",
      max_interval: "1800",
      min_interval: "1350",
      rdnss: "fd00::53",
      dnssl: "a.b.c,d.e.f",
    });
    expect(ipv6RaConfigs({ addressMode: "dhcpv6_stateful", sendPeriodic: false })).toEqual({ address_mode: "dhcpv6_stateful", send_periodic: "false" });
  });

  const bad: [string, Ipv6RaConfig, string][] = [
    ["address mode", { addressMode: "stateful" as never }, 'invalid IPv6 RA address mode of lrp1 "stateful": must be one of slaac, dhcpv6_stateful, dhcpv6_stateless'],
    ["MTU below IPv6's minimum", { addressMode: "slaac", mtu: 1279 }, 'invalid IPv6 RA MTU of lrp1 "1279": must be an integer in 1280..65535'],
    ["fractional MTU", { addressMode: "slaac", mtu: 1500.5 }, 'invalid IPv6 RA MTU of lrp1 "1500.5": must be an integer in 1280..65535'],
    ["router preference", { addressMode: "slaac", routerPreference: "high" as never }, 'invalid IPv6 RA router preference of lrp1 "high": must be one of HIGH, MEDIUM, LOW'],
    ["max interval", { addressMode: "slaac", sendPeriodic: true, maxInterval: 3 }, 'invalid IPv6 RA max_interval of lrp1 "3": must be an integer in 4..1800'],
    ["min interval above 3/4 of max", { addressMode: "slaac", sendPeriodic: true, maxInterval: 40, minInterval: 31 }, 'invalid IPv6 RA min_interval of lrp1 "31": must be an integer in 3..30'],
    ["min interval below 3", { addressMode: "slaac", sendPeriodic: true, minInterval: 2 }, 'invalid IPv6 RA min_interval of lrp1 "2": must be an integer in 3..450'],
    ["intervals without periodic sending", { addressMode: "slaac", maxInterval: 100 }, 'invalid IPv6 RA intervals of lrp1 "..100": only apply with sendPeriodic: true'],
    ["RDNSS of IPv4", { addressMode: "slaac", rdnss: "10.0.0.53" }, 'invalid IPv6 RA RDNSS of lrp1 "10.0.0.53": not an IPv6 address'],
    ["IPv4 route", { addressMode: "slaac", routeInfo: [{ preference: "HIGH", prefix: "10.0.0.0/8" }] }, 'invalid IPv6 RA route prefix of lrp1 "10.0.0.0/8": expected an IPv6 prefix ADDR/LEN'],
    ["route preference", { addressMode: "slaac", routeInfo: [{ preference: "TOP" as never, prefix: "aef1::/48" }] }, 'invalid IPv6 RA route preference of lrp1 "TOP": must be one of HIGH, MEDIUM, LOW'],
    ["DNSSL", { addressMode: "slaac", dnssl: ["a b"] }, 'invalid IPv6 RA DNSSL domain of lrp1 "a b": not a domain name'],
  ];
  it.each(bad)("refuses a bad %s, naming the setting and the port", (_what, config, message) => {
    expect(() => ipv6RaConfigs(config, "lrp1")).toThrow(OvnInvalidArgumentError);
    expect(() => ipv6RaConfigs(config, "lrp1")).toThrow(message);
  });
});

describe("DNS records", () => {
  it("lower-cases query names and joins addresses; PTR values are names", () => {
    expect(dnsRecordsColumn({ "Web.NS1.svc": ["10.0.0.1", "fd00::1"], db: "10.0.0.2  10.0.0.3", "1.0.0.10.in-addr.arpa": "web.ns1.svc" })).toEqual({
      "web.ns1.svc": "10.0.0.1 fd00::1",
      db: "10.0.0.2 10.0.0.3",
      "1.0.0.10.in-addr.arpa": "web.ns1.svc",
    });
  });
  it.each([
    [{ "bad name": "10.0.0.1" }, 'invalid DNS query name "bad name"'],
    [{ "a..b": "10.0.0.1" }, 'invalid DNS query name "a..b"'],
    [{ web: "10.0.0.300" }, 'invalid address of DNS record web "10.0.0.300": not an IPv4 or IPv6 address'],
    [{ web: [] }, 'invalid DNS record "web": has no value'],
    [{ "1.0.0.10.in-addr.arpa": "two names" }, 'invalid PTR record "1.0.0.10.in-addr.arpa": needs exactly one host name, not "two names"'],
    [{ "1.0.0.10.in-addr.arpa": "10.0.0.1/8" }, 'invalid PTR value of 1.0.0.10.in-addr.arpa "10.0.0.1/8"'],
  ] as const)("refuses %j", (records, message) => {
    expect(() => dnsRecordsColumn(records)).toThrow(OvnInvalidArgumentError);
    expect(() => dnsRecordsColumn(records)).toThrow(message);
  });
});

describe("CoPP protocols", () => {
  it("accepts OVN 23.03's control protocols and names the valid ones otherwise", () => {
    for (const p of COPP_PROTOCOLS) expect(checkCoppProtocol(p)).toBe(p);
    expect(() => checkCoppProtocol("ARP")).toThrow('invalid control protocol "ARP": allowed values: arp, arp-resolve, dhcpv4-opts');
  });
});
