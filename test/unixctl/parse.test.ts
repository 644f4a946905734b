import { describe, expect, it } from "vitest";
import {
  UnixctlParseError,
  parseClusterStatus,
  parseConnectionStatus,
  parseCoverageShow,
  parseDpctlShow,
  parseDpifShow,
  parseDumpDps,
  parseMemoryShow,
  parseNorthdStatus,
  parseStorageStatus,
} from "../../src/unixctl/index.js";

// Outputs captured from OVS 3.1.0 / OVN 23.03 daemons (ovs-appctl), verbatim.
const LEADER = `13c9
Name: OVN_Northbound
Cluster ID: 4872 (4872e7c5-bf18-4ebe-915a-e103e93b0345)
Server ID: 13c9 (13c9bfa3-d05b-4077-8804-2cd377f9565c)
Address: tcp:127.0.0.1:16640
Status: cluster member
Role: leader
Term: 1
Leader: self
Vote: self

Last Election started 3034 ms ago, reason: timeout
Last Election won: 3034 ms ago
Election timer: 1000
Log: [2, 5]
Entries not yet committed: 0
Entries not yet applied: 0
Connections: <-a33d ->a33d <-3e56 ->3e56
Disconnections: 0
Servers:
    a33d (a33d at tcp:127.0.0.1:16641) next_index=5 match_index=4 last msg 0 ms ago
    3e56 (3e56 at tcp:127.0.0.1:16642) next_index=5 match_index=4 last msg 336 ms ago
    13c9 (13c9 at tcp:127.0.0.1:16640) (self) next_index=2 match_index=4
`;

const FOLLOWER = `a33d
Name: OVN_Northbound
Cluster ID: 4872 (4872e7c5-bf18-4ebe-915a-e103e93b0345)
Server ID: a33d (a33df540-7c84-48c4-88f2-96f8bf4509b7)
Address: tcp:127.0.0.1:16641
Status: cluster member
Role: follower
Term: 1
Leader: 13c9
Vote: unknown

Election timer: 1000
Log: [2, 5]
Entries not yet committed: 0
Entries not yet applied: 0
Connections: ->0000 <-13c9 <-3e56 ->3e56
Disconnections: 0
Servers:
    a33d (a33d at tcp:127.0.0.1:16641) (self)
    3e56 (3e56 at tcp:127.0.0.1:16642)
    13c9 (13c9 at tcp:127.0.0.1:16640) last msg 8 ms ago
`;

describe("parseClusterStatus", () => {
  it("reads a leader's status", () => {
    const s = parseClusterStatus(LEADER);
    expect(s).toMatchObject({
      nickname: "13c9",
      name: "OVN_Northbound",
      clusterId: { short: "4872", uuid: "4872e7c5-bf18-4ebe-915a-e103e93b0345" },
      serverId: { short: "13c9", uuid: "13c9bfa3-d05b-4077-8804-2cd377f9565c" },
      address: "tcp:127.0.0.1:16640",
      status: "cluster member",
      role: "leader",
      term: 1,
      leader: "self",
      vote: "self",
      lastElection: { startedMsAgo: 3034, reason: "timeout" },
      lastElectionWonMsAgo: 3034,
      electionTimerMs: 1000,
      log: { start: 2, next: 5 },
      notCommitted: 0,
      notApplied: 0,
      disconnections: 0,
    });
    expect(s.connections).toEqual([
      { direction: "in", server: "a33d", connected: true },
      { direction: "out", server: "a33d", connected: true },
      { direction: "in", server: "3e56", connected: true },
      { direction: "out", server: "3e56", connected: true },
    ]);
    expect(s.servers).toEqual([
      { nickname: "a33d", sid: "a33d", address: "tcp:127.0.0.1:16641", self: false, phase: undefined, votedFor: undefined, nextIndex: 5, matchIndex: 4, lastMsgMsAgo: 0 },
      { nickname: "3e56", sid: "3e56", address: "tcp:127.0.0.1:16642", self: false, phase: undefined, votedFor: undefined, nextIndex: 5, matchIndex: 4, lastMsgMsAgo: 336 },
      { nickname: "13c9", sid: "13c9", address: "tcp:127.0.0.1:16640", self: true, phase: undefined, votedFor: undefined, nextIndex: 2, matchIndex: 4, lastMsgMsAgo: undefined },
    ]);
  });

  it("reads a follower's status", () => {
    const s = parseClusterStatus(FOLLOWER);
    expect(s.role).toBe("follower");
    expect(s.leader).toBe("13c9");
    expect(s.vote).toBe("unknown");
    expect(s.lastElection).toBeUndefined();
    expect(s.connections[0]).toEqual({ direction: "out", server: "0000", connected: true });
    expect(s.servers.map((x) => [x.sid, x.self, x.nextIndex, x.lastMsgMsAgo])).toEqual([
      ["a33d", true, undefined, undefined],
      ["3e56", false, undefined, undefined],
      ["13c9", false, undefined, 8],
    ]);
  });

  it("reads unconnected peers, a changing timer, a candidate's votes and a joining server", () => {
    const t = LEADER.replace("Connections: <-a33d ->a33d <-3e56 ->3e56", "Connections: (->a33d) <-3e56")
      .replace("Election timer: 1000", "Election timer: 1000 (changing to 2000)")
      .replace("Role: leader", "Role: candidate")
      .replace("    a33d (a33d at tcp:127.0.0.1:16641) next_index=5 match_index=4 last msg 0 ms ago", "    a33d (a33d at tcp:127.0.0.1:16641) (voted for 13c9)")
      .replace("Cluster ID: 4872 (4872e7c5-bf18-4ebe-915a-e103e93b0345)", "Cluster ID: not yet known")
      .replace("Status: cluster member", "Status: joining cluster\nRemotes for joining: tcp:127.0.0.1:1 tcp:127.0.0.1:2");
    const s = parseClusterStatus(t);
    expect(s.connections).toEqual([
      { direction: "out", server: "a33d", connected: false },
      { direction: "in", server: "3e56", connected: true },
    ]);
    expect(s.electionTimerChangingToMs).toBe(2000);
    expect(s.role).toBe("candidate");
    expect(s.servers[0]!.votedFor).toBe("13c9");
    expect(s.clusterId).toBeUndefined();
    expect(s.status).toBe("joining cluster");
    expect(s.joiningRemotes).toEqual(["tcp:127.0.0.1:1", "tcp:127.0.0.1:2"]);
  });

  it.each([
    ["a missing Role line", LEADER.replace("Role: leader\n", ""), 0, 'no "Role:" line'],
    ["an unknown role", LEADER.replace("Role: leader", "Role: boss"), 7, 'unknown role "boss"'],
    ["a bad log range", LEADER.replace("Log: [2, 5]", "Log: [2]"), 15, 'bad log range "[2]"'],
    ["a bad connection", LEADER.replace("<-a33d ->a33d", "<-a33d (->a33d"), 18, 'bad connection "(->a33d"'],
    ["a bad server line", LEADER.replace("    3e56 (3e56 at tcp:127.0.0.1:16642)", "    3e56 3e56"), 22, 'not a server line: "    3e56 3e56 next_index=5 match_index=4 last msg 336 ms ago"'],
    ["an empty reply", "", 1, 'expected the server\'s nickname but found ""'],
  ])("rejects %s with the line and reason", (_n, text, line, reason) => {
    try {
      parseClusterStatus(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnixctlParseError);
      expect((e as UnixctlParseError).line).toBe(line);
      expect((e as UnixctlParseError).reason).toBe(reason);
      expect((e as UnixctlParseError).command).toBe("cluster/status");
    }
  });
});

describe("datapath parsers", () => {
  const SHOW = `dummy@ovs-dummy:
  lookups: hit:12 missed:3 lost:1
  flows: 2
  masks: hit:40 total:3 hit/pkt:2.67
  cache: hit:10 hit-rate:66.67%
  caches:
    masks-cache: size:256
  port 0: ovs-dummy (dummy-internal)
  port 1: br-int (dummy-internal)
  port 2: p1 (dummy)
  port 3: eth0
  port 4: genev_sys_6081 (geneve: packet_type=ptap, dst_port=6081)
`;
  it("parses dpctl/show", () => {
    const [dp] = parseDpctlShow(SHOW);
    expect(dp).toMatchObject({ dpif: "dummy@ovs-dummy", type: "dummy", name: "ovs-dummy", lookups: { hit: 12, missed: 3, lost: 1 }, flows: 2, masks: { hit: 40, total: 3, hitPerPacket: 2.67 }, cache: { hit: 10, hitRate: 66.67 } });
    expect(dp!.ports.map((p) => [p.number, p.name, p.type])).toEqual([
      [0, "ovs-dummy", "dummy-internal"],
      [1, "br-int", "dummy-internal"],
      [2, "p1", "dummy"],
      [3, "eth0", "system"],
      [4, "genev_sys_6081", "geneve"],
    ]);
    expect([...dp!.ports[4]!.config]).toEqual([
      ["packet_type", "ptap"],
      ["dst_port", "6081"],
    ]);
  });
  it("skips dpctl/show -s statistics", () => {
    const t = "dummy@ovs-dummy:\n  lookups: hit:0 missed:0 lost:0\n  flows: 0\n  port 0: ovs-dummy (dummy-internal)\n    RX packets:0 errors:? dropped:? overruns:? frame:?\n    collisions:?\n    RX bytes:0  TX bytes:0\n";
    expect(parseDpctlShow(t)[0]!.ports).toHaveLength(1);
  });
  it("rejects a line it does not know", () => {
    expect(() => parseDpctlShow("dummy@ovs-dummy:\n  frobs: 3\n")).toThrow(new UnixctlParseError("dpctl/show", 2, 'unexpected line "  frobs: 3"'));
    expect(() => parseDpctlShow("nonsense\n")).toThrow(UnixctlParseError);
  });
  it("parses dpctl/dump-dps and dpif/show", () => {
    expect(parseDumpDps("dummy@ovs-dummy\nsystem@ovs-system\n")).toEqual([
      { type: "dummy", name: "ovs-dummy" },
      { type: "system", name: "ovs-system" },
    ]);
    expect(() => parseDumpDps("nope\n")).toThrow(UnixctlParseError);
    const d = parseDpifShow("dummy@ovs-dummy: hit:0 missed:0\n  br-int:\n    br-int 65534/1: (dummy-internal)\n    p1 1/2: (dummy)\n    patch 2/none: (patch: peer=x)\n");
    expect(d).toEqual([
      {
        dpif: "dummy@ovs-dummy",
        hit: 0,
        missed: 0,
        bridges: [
          {
            name: "br-int",
            ports: [
              { name: "br-int", ofport: 65534, dpPort: 1, detail: "dummy-internal" },
              { name: "p1", ofport: 1, dpPort: 2, detail: "dummy" },
              { name: "patch", ofport: 2, dpPort: undefined, detail: "patch: peer=x" },
            ],
          },
        ],
      },
    ]);
  });
});

describe("status parsers", () => {
  it("parses memory/show", () => {
    expect([...parseMemoryShow("atoms:17 cells:20 monitors:0 n-weak-refs:0 raft-connections:4 raft-log:3 txn-history:1\n")]).toEqual([
      ["atoms", 17],
      ["cells", 20],
      ["monitors", 0],
      ["n-weak-refs", 0],
      ["raft-connections", 4],
      ["raft-log", 3],
      ["txn-history", 1],
    ]);
    expect(parseMemoryShow("").size).toBe(0);
    expect(() => parseMemoryShow("atoms=3")).toThrow(UnixctlParseError);
  });
  it("parses coverage/show", () => {
    const c = parseCoverageShow(`Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=7fa679e1:
bridge_reconfigure         0.0/sec     0.000/sec        0.0000/sec   total: 2
hmap_expand                0.4/sec     1.250/sec        0.0208/sec   total: 657
104 events never hit
`);
    expect(c.hash).toBe("7fa679e1");
    expect(c.neverHit).toBe(104);
    expect(c.counters[1]).toEqual({ name: "hmap_expand", ratePerSec5s: 0.4, ratePerSecMinute: 1.25, ratePerSecHour: 0.0208, total: 657 });
    expect(() => parseCoverageShow("hello\n")).toThrow(UnixctlParseError);
  });
  it("parses storage, northd and connection status", () => {
    expect(parseStorageStatus("status: ok")).toEqual({ ok: true });
    expect(parseStorageStatus("status: ovsdb error: I/O error: m0.db: read failed")).toEqual({ ok: false, error: "ovsdb error: I/O error: m0.db: read failed" });
    expect(() => parseStorageStatus("Failed to find the database.")).toThrow(UnixctlParseError);
    expect(parseNorthdStatus("Status: active\n")).toBe("active");
    expect(parseNorthdStatus("Status: standby\n")).toBe("standby");
    expect(() => parseNorthdStatus("Status: asleep\n")).toThrow(UnixctlParseError);
    expect(parseConnectionStatus("connected")).toBe("connected");
    expect(parseConnectionStatus("not connected\n")).toBe("not connected");
    expect(() => parseConnectionStatus("maybe")).toThrow(UnixctlParseError);
  });
});
