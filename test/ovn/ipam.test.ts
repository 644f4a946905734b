import { describe, expect, it } from "vitest";
import {
  IPAM_MEMORY_KEY,
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
function counterMacs(start = 0) {
  let i = start;
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

  it("a new owner asking for nothing, or for one address or a MAC, gets what the general path gives (random allocations, fixed addresses and MACs, conflicts, releases, exhaustion; IPv4, IPv6 first, dual stack)", () => {
    let x = 12345;
    const rnd = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    for (const cidrs of ["10.16.0.0/27", "fd00::/123", "fd00::/124,10.16.0.0/28", "10.16.0.0/28,fd00::/123"]) {
      // `ips: []` asks for nothing too, but takes the general path
      const fast = new SubnetIpam("a", cidrs, { excludeIps: ["10.16.0.1", "fd00::1", "10.16.0.9..10.16.0.10"], macs: counterMacs() });
      const general = new SubnetIpam("a", cidrs, { excludeIps: ["10.16.0.1", "fd00::1", "10.16.0.9..10.16.0.10"], macs: counterMacs() });
      const outcome = (f: () => unknown) => {
        try {
          return f();
        } catch (e) {
          return e instanceof Error ? `${e.constructor.name}: ${e.message}` : e;
        }
      };
      // fixed addresses: in range or not, excluded, taken, of either family, written uncanonically; fixed MACs, some taken
      const v4 = () => `10.16.0.${rnd(40)}`;
      const v6 = () => (rnd(2) ? `fd00::${rnd(40).toString(16)}` : `fd00:0:0:0:0:0:0:${rnd(40).toString(16)}`);
      const macOf = () => `0A:00:00:00:00:${rnd(8).toString(16).padStart(2, "0")}`;
      for (let step = 0; step < 600; step++) {
        const owner = `p${rnd(40)}`;
        const kind = rnd(5);
        if (kind === 0) expect(fast.release(owner, { forget: true }), owner).toEqual(general.release(owner, { forget: true }));
        else if (kind === 1) expect(outcome(() => fast.allocate(owner)), owner).toEqual(outcome(() => general.allocate(owner, { ips: [] })));
        else {
          // `pool: []` asks for no pool, but takes the general path
          const options = { ...(kind !== 2 ? { ips: [rnd(2) ? v4() : v6()] } : {}), ...(kind !== 3 ? { mac: macOf() } : {}) };
          expect(outcome(() => fast.allocate(owner, options)), `${owner} ${JSON.stringify(options)}`).toEqual(outcome(() => general.allocate(owner, { ...options, pool: [] })));
        }
        expect(fast.memory()).toEqual(general.memory());
      }
      expect(fast.allocations()).toEqual(general.allocations());
      expect(Object.keys(fast.allocations()[0]!)).toEqual(Object.keys(general.allocations()[0]!));
    }
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

  it("keeps released-address order and StatefulSet memory across a restart, through the switch's external_ids", async () => {
    const before = new Ipam({ macs: counterMacs() });
    before.addSubnet("subnet-a", "10.16.0.0/28,fd00::/124", { excludeIps: ["10.16.0.1", "fd00::1"] });
    for (const p of ["web-0.ns", "a", "b", "c", "d", "e"]) before.allocate("subnet-a", p);
    const web0 = before.subnet("subnet-a").get("web-0.ns")!;
    before.release("subnet-a", "d", { forget: true }); // 10.16.0.6 released first
    before.release("subnet-a", "b", { forget: true }); // then 10.16.0.4
    before.release("subnet-a", "c", { forget: true }); // then 10.16.0.5: one run with .4
    before.release("subnet-a", "web-0.ns"); // remembered for its return
    expect(before.subnet("subnet-a").memory()).toEqual({
      released: ["10.16.0.6", "10.16.0.4..10.16.0.5", "10.16.0.2", "fd00::6", "fd00::4..fd00::5", "fd00::2"],
      remembered: { "web-0.ns": addressesEntry(web0) },
    });
    // What memoryOperations() writes, as the NB would then hold it.
    const [op, ...rest] = before.memoryOperations();
    expect(rest).toHaveLength(0);
    expect(op).toMatchObject({ op: "mutate", table: "Logical_Switch", where: [["name", "==", "subnet-a"]] });
    expect(op!.mutations[0]).toEqual(["external_ids", "delete", ["set", [IPAM_MEMORY_KEY]]]);
    const [column, mutator, [kind, pairs]] = op!.mutations[1] as [string, string, [string, [string, string][]]];
    expect([column, mutator, kind, pairs.length, pairs[0]![0]]).toEqual(["external_ids", "insert", "map", 1, IPAM_MEMORY_KEY]);
    const saved = new Map([[IPAM_MEMORY_KEY, pairs[0]![1]]]);
    const u = (i: number) => `00000000-0000-4000-8000-${i.toString().padStart(12, "0")}`;
    const lsp = (i: number, name: string) => {
      const a = before.subnet("subnet-a").get(name)!;
      return { _uuid: u(i), name, addresses: [addressesEntry(a)], port_security: [], type: "", options: new Map(), external_ids: new Map(), mirror_rules: [] };
    };
    const tables: Record<string, unknown[]> = {
      Logical_Switch: [{ _uuid: u(100), name: "subnet-a", ports: [u(1), u(2)], external_ids: saved }],
      Logical_Switch_Port: [lsp(1, "a"), lsp(2, "e")],
    };
    const reader = { find: async (t: string) => tables[t] ?? [] } as unknown as NbReader;
    const after = new Ipam({ macs: counterMacs(0x100) }); // a new process: other MACs
    after.addSubnet("subnet-a", "10.16.0.0/28,fd00::/124", { excludeIps: ["10.16.0.1", "fd00::1"] });
    const report = await after.rebuildFromNb(reader);
    expect(report).toMatchObject({ restored: 2, memoryRestored: 1, memoryProblems: [] });
    // Fresh addresses first (.8 is the first never-used one), then the released in release order.
    const s = after.subnet("subnet-a");
    expect(s.allocate("n1").ipv4).toBe("10.16.0.8");
    for (let i = 9; i <= 14; i++) s.allocate(`f${i}`);
    expect(s.allocate("n2").ipv4).toBe("10.16.0.6");
    expect(s.allocate("n3").ipv4).toBe("10.16.0.4");
    expect(s.allocate("web-0.ns")).toEqual(web0); // its address and MAC, kept through the restart
    expect(s.allocate("n4").ipv4).toBe("10.16.0.5");
  });

  it("reports a damaged saved memory and keeps what fits", async () => {
    const cases: [string, RegExp][] = [
      ["{not json", /is not JSON/],
      [JSON.stringify({ v: 2, released: [], remembered: {} }), /not a version 1 IPAM memory/],
      [JSON.stringify({ v: 1, released: [3], remembered: {} }), /"released" must be an array of strings/],
      [JSON.stringify({ v: 1, released: ["10.99.0.1", "10.16.0.9..10.16.0.3", "bogus", "10.16.0.7"], remembered: { x: "zz 10.16.0.2", y: "0a:00:00:00:00:09 10.77.0.1", z: "0a:00:00:00:00:0a 10.16.0.12" } }), /outside subnet subnet-a/],
      [JSON.stringify({ v: 1, released: ["::..ffff::"], remembered: {} }), /outside subnet|more than/],
    ];
    for (const [text, problem] of cases) {
      const tables: Record<string, unknown[]> = { Logical_Switch: [{ _uuid: "00000000-0000-4000-8000-000000000001", name: "subnet-a", ports: [], external_ids: new Map([[IPAM_MEMORY_KEY, text]]) }], Logical_Switch_Port: [] };
      const ipam = new Ipam({ macs: counterMacs() });
      ipam.addSubnet("subnet-a", "10.16.0.0/28", { excludeIps: ["10.16.0.1"] });
      const report = await ipam.rebuildFromNb({ find: async (t: string) => tables[t] ?? [] } as unknown as NbReader);
      expect(report.memoryProblems.map((p) => p.problem).join("\n")).toMatch(problem);
      expect(report.memoryProblems.every((p) => p.subnet === "subnet-a")).toBe(true);
    }
    // The entries that fit were kept: 10.16.0.7 queued as released, z remembered; the rest reported.
    const tables: Record<string, unknown[]> = { Logical_Switch: [{ _uuid: "00000000-0000-4000-8000-000000000001", name: "subnet-a", ports: [], external_ids: new Map([[IPAM_MEMORY_KEY, cases[3]![0]]]) }], Logical_Switch_Port: [] };
    const ipam = new Ipam({ macs: counterMacs() });
    ipam.addSubnet("subnet-a", "10.16.0.0/28", { excludeIps: ["10.16.0.1"] });
    const report = await ipam.rebuildFromNb({ find: async (t: string) => tables[t] ?? [] } as unknown as NbReader);
    expect(report.memoryProblems.map((p) => p.problem.split(":")[0])).toEqual(["released 10.99.0.1", 'released "10.16.0.9..10.16.0.3"', 'released "bogus"', 'remembered x "zz 10.16.0.2"', 'remembered y "0a']);
    expect(ipam.allocate("subnet-a", "z")).toMatchObject({ ipv4: "10.16.0.12", mac: "0a:00:00:00:00:0a" });
    const s = ipam.subnet("subnet-a");
    const got: string[] = [];
    for (let i = 0; i < 12; i++) got.push(s.allocate(`p${i}`).ipv4!);
    expect(got.at(-1)).toBe("10.16.0.7"); // the released one comes last
  });
});
