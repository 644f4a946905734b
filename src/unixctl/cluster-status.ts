/**
 * Parser of `ovsdb-server`'s `cluster/status DB` output (OVS `ovsdb/raft.c`, `raft_unixctl_status`).
 *
 * @module
 */
import { UnixctlParseError } from "./errors.js";

/** A Raft id as printed: the 4-hex-digit short form and the full UUID (`4872 (4872e7c5-...)`). */
export interface RaftId {
  /** Short form (first 4 hex digits), as used in `Leader:`, `Connections:` and server lines. */
  readonly short: string;
  /** The full UUID. */
  readonly uuid: string;
}

/** Raft role of the server (`Role:`). */
export type RaftRole = "leader" | "follower" | "candidate";

/** One entry of `Connections:`: `->abcd` outbound, `<-abcd` inbound, in parentheses when not (yet) connected. */
export interface RaftConnection {
  /** `out` for `->`, `in` for `<-`. */
  readonly direction: "in" | "out";
  /** The peer's short server id (`0000` for an outbound connection whose peer id is not known yet). */
  readonly server: string;
  /** False when printed in parentheses: the connection is not established. */
  readonly connected: boolean;
}

/** One line under `Servers:`. */
export interface RaftServer {
  /** The server's nickname (its short id unless known by address). */
  readonly nickname: string;
  /** Short server id. */
  readonly sid: string;
  /** Raft address, e.g. `tcp:127.0.0.1:6643`. */
  readonly address: string;
  /** This is the server that answered. */
  readonly self: boolean;
  /** A membership-change phase when not stable (e.g. `catchup`, `caught up`, `committing`). */
  readonly phase: string | undefined;
  /** As a candidate: whom this server voted for. */
  readonly votedFor: string | undefined;
  /** As leader: the next log index to send to this server. */
  readonly nextIndex: number | undefined;
  /** As leader: the highest log index known replicated on this server. */
  readonly matchIndex: number | undefined;
  /** Milliseconds since the last message from this server, when any was received. */
  readonly lastMsgMsAgo: number | undefined;
}

/** `cluster/status DB`, parsed. */
export interface ClusterStatus {
  /** First line: this server's nickname. */
  readonly nickname: string;
  /** Database name. */
  readonly name: string;
  /** Cluster id, undefined while `not yet known` (joining). */
  readonly clusterId: RaftId | undefined;
  /** This server's id. */
  readonly serverId: RaftId;
  /** This server's Raft address. */
  readonly address: string;
  /**
   * `cluster member`, `joining cluster`, `leaving cluster`, `left cluster`, `failed` or
   * `disconnected from the cluster (election timeout)`.
   */
  readonly status: string;
  /** `Remotes for joining:` while joining. */
  readonly joiningRemotes: readonly string[];
  /** Role. */
  readonly role: RaftRole;
  /** Current term. */
  readonly term: number;
  /** `self`, `unknown`, or the leader's nickname. */
  readonly leader: string;
  /** `self`, `unknown`, or the nickname voted for in this term. */
  readonly vote: string;
  /** `Last Election started N ms ago, reason: R`. */
  readonly lastElection: { readonly startedMsAgo: number; readonly reason: string } | undefined;
  /** `Last Election won: N ms ago`. */
  readonly lastElectionWonMsAgo: number | undefined;
  /** Election timer in ms. */
  readonly electionTimerMs: number;
  /** On a leader changing the timer: the new value. */
  readonly electionTimerChangingToMs: number | undefined;
  /** `Log: [start, next]`. */
  readonly log: { readonly start: number; readonly next: number };
  /** Entries not yet committed. */
  readonly notCommitted: number;
  /** Entries not yet applied. */
  readonly notApplied: number;
  /** Raft connections. */
  readonly connections: readonly RaftConnection[];
  /** Count of disconnections since start. */
  readonly disconnections: number;
  /** Cluster members as this server knows them. */
  readonly servers: readonly RaftServer[];
}

const ROLES: ReadonlySet<string> = new Set(["leader", "follower", "candidate"]);

function id(cmd: string, line: number, v: string): RaftId {
  const m = /^([0-9a-f]{4}) \(([0-9a-f-]{36})\)$/.exec(v);
  if (!m) throw new UnixctlParseError(cmd, line, `expected "XXXX (UUID)" but found "${v}"`);
  return { short: m[1]!, uuid: m[2]! };
}

function int(cmd: string, line: number, field: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UnixctlParseError(cmd, line, `${field} is not a number: "${v}"`);
  return Number(v);
}

function server(cmd: string, line: number, text: string): RaftServer {
  const m = /^ {4}(\S+) \(([0-9a-f]{4}) at (\S+)\)(.*)$/.exec(text);
  if (!m) throw new UnixctlParseError(cmd, line, `not a server line: "${text}"`);
  let rest = m[4]!;
  let self = false;
  let phase: string | undefined;
  let votedFor: string | undefined;
  let nextIndex: number | undefined;
  let matchIndex: number | undefined;
  let lastMsgMsAgo: number | undefined;
  if (rest.startsWith(" (self)")) {
    self = true;
    rest = rest.slice(7);
  }
  let p: RegExpExecArray | null;
  if ((p = /^ \(voted for ([^)]+)\)/.exec(rest))) {
    votedFor = p[1];
    rest = rest.slice(p[0].length);
  } else if ((p = /^ \(([^)]+)\)/.exec(rest))) {
    phase = p[1];
    rest = rest.slice(p[0].length);
    if ((p = /^ \(voted for ([^)]+)\)/.exec(rest))) {
      votedFor = p[1];
      rest = rest.slice(p[0].length);
    }
  }
  if ((p = /^ next_index=(\d+) match_index=(\d+)/.exec(rest))) {
    nextIndex = Number(p[1]);
    matchIndex = Number(p[2]);
    rest = rest.slice(p[0].length);
  }
  if ((p = /^ last msg (\d+) ms ago/.exec(rest))) {
    lastMsgMsAgo = Number(p[1]);
    rest = rest.slice(p[0].length);
  }
  if (rest !== "") throw new UnixctlParseError(cmd, line, `unexpected text "${rest}" in server line`);
  return { nickname: m[1]!, sid: m[2]!, address: m[3]!, self, phase, votedFor, nextIndex, matchIndex, lastMsgMsAgo };
}

/** Parses `cluster/status DB` output; throws {@link UnixctlParseError} naming the line. Unknown lines are skipped. */
export function parseClusterStatus(text: string): ClusterStatus {
  const cmd = "cluster/status";
  const lines = text.split("\n");
  const f = new Map<string, { v: string; line: number }>();
  const servers: RaftServer[] = [];
  let inServers = false;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === "") continue;
    if (inServers && l.startsWith("    ")) {
      servers.push(server(cmd, i + 1, l));
      continue;
    }
    inServers = false;
    if (l === "Servers:") {
      inServers = true;
      continue;
    }
    let m = /^Last Election started (\d+) ms ago, reason: (.*)$/.exec(l);
    if (m) {
      f.set("Last Election started", { v: `${m[1]} ${m[2]}`, line: i + 1 });
      continue;
    }
    m = /^([A-Za-z ]+): ?(.*)$/.exec(l);
    if (m) f.set(m[1]!, { v: m[2]!, line: i + 1 });
  }
  const get = (k: string): { v: string; line: number } => {
    const e = f.get(k);
    if (!e) throw new UnixctlParseError(cmd, 0, `no "${k}:" line`);
    return e;
  };
  const nickname = lines[0] ?? "";
  if (!/^\S+$/.test(nickname)) throw new UnixctlParseError(cmd, 1, `expected the server's nickname but found "${nickname}"`);
  const cid = get("Cluster ID");
  const sid = get("Server ID");
  const role = get("Role");
  if (!ROLES.has(role.v)) throw new UnixctlParseError(cmd, role.line, `unknown role "${role.v}"`);
  const timer = get("Election timer");
  const tm = /^(\d+)(?: \(changing to (\d+)\))?$/.exec(timer.v);
  if (!tm) throw new UnixctlParseError(cmd, timer.line, `bad election timer "${timer.v}"`);
  const log = get("Log");
  const lm = /^\[(\d+), (\d+)\]$/.exec(log.v);
  if (!lm) throw new UnixctlParseError(cmd, log.line, `bad log range "${log.v}"`);
  const conns = get("Connections");
  const connections: RaftConnection[] = [];
  for (const c of conns.v.split(" ").filter((s) => s !== "")) {
    const cm = /^(\()?(->|<-)([0-9a-f]{4})(\))?$/.exec(c);
    if (!cm || Boolean(cm[1]) !== Boolean(cm[4])) throw new UnixctlParseError(cmd, conns.line, `bad connection "${c}"`);
    connections.push({ direction: cm[2] === "->" ? "out" : "in", server: cm[3]!, connected: !cm[1] });
  }
  const started = f.get("Last Election started");
  const won = f.get("Last Election won");
  const joining = f.get("Remotes for joining");
  const wonM = won ? /^(\d+) ms ago$/.exec(won.v) : null;
  return {
    nickname,
    name: get("Name").v,
    clusterId: cid.v === "not yet known" ? undefined : id(cmd, cid.line, cid.v),
    serverId: id(cmd, sid.line, sid.v),
    address: get("Address").v,
    status: get("Status").v,
    joiningRemotes: joining ? joining.v.split(" ").filter((s) => s !== "") : [],
    role: role.v as RaftRole,
    term: int(cmd, get("Term").line, "Term", get("Term").v),
    leader: get("Leader").v,
    vote: get("Vote").v,
    lastElection: started ? { startedMsAgo: Number(started.v.slice(0, started.v.indexOf(" "))), reason: started.v.slice(started.v.indexOf(" ") + 1) } : undefined,
    lastElectionWonMsAgo: wonM ? Number(wonM[1]) : undefined,
    electionTimerMs: Number(tm[1]),
    electionTimerChangingToMs: tm[2] !== undefined ? Number(tm[2]) : undefined,
    log: { start: Number(lm[1]), next: Number(lm[2]) },
    notCommitted: int(cmd, get("Entries not yet committed").line, "Entries not yet committed", get("Entries not yet committed").v),
    notApplied: int(cmd, get("Entries not yet applied").line, "Entries not yet applied", get("Entries not yet applied").v),
    connections,
    disconnections: int(cmd, get("Disconnections").line, "Disconnections", get("Disconnections").v),
    servers,
  };
}
