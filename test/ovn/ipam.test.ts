import { describe, expect, it } from "vitest";
import {
  Ipam,
  IpamConflictError,
  IpamExcludedError,
  IpamExhaustedError,
  IpamOutOfRangeError,
  IpamUnknownSubnetError,
  SubnetIpam,
  addressesEntry,
  randomMacGenerator,
} from "../../src/ovn/ipam.js";
import type { NbReader } from "../../src/ovn/reader.js";

/** A deterministic generator: 0a:00:00:00:00:01, :02, ... */
function counterMacs() {
  let i = 0;
  return { next: () => `0a:00:00:00:${((++i >> 8) & 0xff).toString(16).padStart(2, "0")}:${(i & 0xff).toString(16).padStart(2, "0")}` };
}

describe("SubnetIpam", () => {
  it("allocates IPv4 in order, skipping network, broadcast and exclude_ips", () => {
    const s = new SubnetIpam("a", "10.16.0.0/29", { excludeIps: ["10.16.0.1", "10.16.0.3..10.16.0.4"], macs: counterMacs() });
    expect(s.free(4)).toBe(3n);
    expect(s.allocate("p1").ipv4).toBe("10.16.0.2");
    expect(s.allocate("p2").ipv4).toBe("10.16.0.5");
    expect(s.allocate("p3").ipv4).toBe("10.16.0.6");
    expect(() => s.allocate("p4")).toThrow(IpamExhaustedError);
    expect(() => s.allocate("p4")).toThrow("subnet a has no free IPv4 address");
  });

  it("is idempotent per owner and keeps MACs unique", () => {
    const s = new SubnetIpam("a", "10.16.0.0/24", { macs: counterMacs() });
    const a = s.allocate("p1");
    expect(s.allocate("p1")).toBe(a);
    expect(a.mac).toBe("0a:00:00:00:00:01");
    expect(s.allocate("p2").mac).toBe("0a:00:00:00:00:02");
    expect(addressesEntry(a)).toBe("0a:00:00:00:00:01 10.16.0.1");
  });

  it("IPv6 and dual stack, with a /64 costing nothing", () => {
    const v6 = new SubnetIpam("b", "fd00:10:16::/64", { excludeIps: ["fd00:10:16::1"] });
    expect(v6.allocate("p1").ipv6).toBe("fd00:10:16::2");
    expect(v6.free(6)).toBe(2n ** 64n - 3n);
    const ds = new SubnetIpam("c", "10.16.0.0/24,fd00:10:16::/120", { excludeIps: ["10.16.0.1", "fd00:10:16::1"] });
    const a = ds.allocate("p1");
    expect([a.ipv4, a.ipv6]).toEqual(["10.16.0.2", "fd00:10:16::2"]);
    expect(addressesEntry(a)).toMatch(/^0a:00:00:[0-9a-f:]{8} 10\.16\.0\.2 fd00:10:16::2$/);
    expect(ds.families).toEqual([4, 6]);
  });

  it("fixed IP/MAC reservations: conflicts, out of range and excluded addresses are refused by name", () => {
    const s = new SubnetIpam("a", "10.16.0.0/24", { excludeIps: ["10.16.0.1"] });
    expect(s.allocate("p1", { ips: ["10.16.0.100"], mac: "0A:58:0A:10:00:64" })).toEqual({ owner: "p1", ipv4: "10.16.0.100", mac: "0a:58:0a:10:00:64" });
    expect(() => s.allocate("p2", { ips: ["10.16.0.100"] })).toThrow(new IpamConflictError("10.16.0.100", "p1", "p2", "a"));
    expect(() => s.allocate("p2", { ips: ["10.16.0.100"] })).toThrow("10.16.0.100 in subnet a is already allocated to p1, cannot give it to p2");
    expect(() => s.allocate("p2", { mac: "0a:58:0a:10:00:64" })).toThrow(IpamConflictError);
    expect(() => s.allocate("p2", { ips: ["10.17.0.1"] })).toThrow(IpamOutOfRangeError);
    expect(() => s.allocate("p2", { ips: ["10.16.0.1"] })).toThrow(IpamExcludedError);
    expect(() => s.allocate("p2", { ips: ["10.16.0.255"] })).toThrow(IpamExcludedError);
    // Dynamic allocations never hand out the reserved address.
    for (let i = 0; i < 200; i++) expect(s.allocate(`q${i}`).ipv4).not.toBe("10.16.0.100");
    // Changing a fixed IP moves the owner (MAC kept); a refused change leaves it as it was.
    expect(s.allocate("p1", { ips: ["10.16.0.250"] })).toEqual({ owner: "p1", ipv4: "10.16.0.250", mac: "0a:58:0a:10:00:64" });
    expect(s.ownerOf("10.16.0.100")).toBeUndefined();
    expect(() => s.allocate("p1", { ips: ["10.16.0.2"] })).toThrow(IpamConflictError);
    expect(s.get("p1")?.ipv4).toBe("10.16.0.250");
    expect(s.ownerOf("10.16.0.250")).toBe("p1");
  });

  it("IP pools: first free address of the pool, exhausted pools named", () => {
    const s = new SubnetIpam("a", "10.16.0.0/24");
    const pool = ["10.16.0.20", "10.16.0.21"];
    expect(s.allocate("sts-0", { pool }).ipv4).toBe("10.16.0.20");
    expect(s.allocate("sts-1", { pool }).ipv4).toBe("10.16.0.21");
    expect(() => s.allocate("sts-2", { pool })).toThrow("IP pool 10.16.0.20,10.16.0.21 of subnet a has no free IPv4 address");
    s.release("sts-0");
    expect(s.allocate("sts-2", { pool }).ipv4).toBe("10.16.0.20");
  });

  it("stable name → IP for a returning StatefulSet pod; others reuse released addresses only when nothing fresh is left", () => {
    const s = new SubnetIpam("a", "10.16.0.0/29", { macs: counterMacs() });
    const web0 = s.allocate("web-0.ns");
    s.allocate("web-1.ns");
    expect(s.release("web-0.ns")).toEqual(web0);
    expect(s.allocate("other").ipv4).toBe("10.16.0.3"); // fresh first, web-0's address is kept aside
    expect(s.allocate("web-0.ns")).toEqual(web0); // same IP and MAC again
    s.allocate("x1");
    s.allocate("x2");
    s.allocate("x3");
    s.release("x1");
    expect(s.allocate("y").ipv4).toBe("10.16.0.4"); // only the released one is left: reused
  });

  it("random MACs carry the prefix", () => {
    const g = randomMacGenerator("0a:58:00");
    for (let i = 0; i < 20; i++) expect(g.next()).toMatch(/^0a:58:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
  });
});

describe("Ipam", () => {
  it("keeps MACs unique across subnets and names unknown subnets", () => {
    let n = 0;
    const ipam = new Ipam({ macs: { next: () => (n++ < 2 ? "0a:00:00:00:00:01" : "0a:00:00:00:00:02") } });
    ipam.addSubnet("a", "10.16.0.0/24");
    ipam.addSubnet("b", "10.17.0.0/24");
    expect(ipam.allocate("a", "p1").mac).toBe("0a:00:00:00:00:01");
    expect(ipam.allocate("b", "p2").mac).toBe("0a:00:00:00:00:02");
    expect(() => ipam.allocate("c", "p3")).toThrow(IpamUnknownSubnetError);
  });

  it("rebuilds from NB port addresses and reports conflicts instead of double-allocating", async () => {
    const u = (i: number) => `00000000-0000-4000-8000-${i.toString().padStart(12, "0")}`;
    const lsp = (i: number, name: string, addresses: string[]) => ({ _uuid: u(i), name, addresses, port_security: [], type: "", options: new Map(), external_ids: new Map(), mirror_rules: [] });
    const tables: Record<string, unknown[]> = {
      Logical_Switch: [{ _uuid: u(100), name: "subnet-a", ports: [u(1), u(2), u(3), u(4), u(5), u(6)] }],
      Logical_Switch_Port: [
        lsp(1, "pod1.ns", ["0a:00:00:00:00:01 10.16.0.5"]),
        lsp(2, "pod2.ns", ["0a:00:00:00:00:02 10.16.0.5"]),
        lsp(3, "pod3.ns", ["dynamic"]),
        lsp(4, "router-port", ["router"]),
        lsp(5, "pod5.ns", ["0a:00:00:00:00:01 10.16.0.6"]),
        lsp(6, "pod6.ns", ["0a:00:00:00:00:06 10.99.0.6"]),
      ],
    };
    const reader = { find: async (t: string) => tables[t] ?? [] } as unknown as NbReader;
    const ipam = new Ipam({ macs: counterMacs() });
    ipam.addSubnet("subnet-a", "10.16.0.0/24", { excludeIps: ["10.16.0.1"] });
    const report = await ipam.rebuildFromNb(reader);
    expect(report.restored).toBe(1);
    expect(report.skipped).toBe(2);
    expect(report.conflicts.map((c) => [c.port, c.error.name])).toEqual([
      ["pod2.ns", "IpamConflictError"],
      ["pod5.ns", "IpamConflictError"],
      ["pod6.ns", "IpamOutOfRangeError"],
    ]);
    expect(report.conflicts[0]!.reason).toBe("10.16.0.5 in subnet subnet-a is already allocated to pod1.ns, cannot give it to pod2.ns");
    expect(ipam.subnet("subnet-a").ownerOf("10.16.0.5")).toBe("pod1.ns");
    // New allocations avoid restored addresses and MACs.
    const next = ipam.allocate("subnet-a", "pod7.ns", { ips: ["10.16.0.7"] });
    expect(next.mac).not.toBe("0a:00:00:00:00:01");
  });
});
