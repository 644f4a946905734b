/**
 * Open vSwitch's event coverage counters (lib/coverage.c) as a CLI daemon answers them on its control socket:
 * `coverage/show` (each counter hit so far with its average rates over the last 5 seconds, minute and hour,
 * the count of counters never hit, and Open vSwitch's hash of the hit counters' ranking) and
 * `coverage/read-counter COUNTER`.
 *
 * The counters are the 110 that `ovs-ofctl` 3.1 registers, in its order. ovn-ts increments the ones it has a
 * true equivalent for (connections opened, OpenFlow messages sent and received, control-socket requests
 * received and answered, listening sockets opened); the others (memory allocations, hash map resizes, poll
 * loop wakeups, datapath counters, ...) stay zero and count as never hit. As in Open vSwitch, an increment
 * reaches a counter's total at the next poll at least a second after the last one (or when the counter is
 * read with `coverage/read-counter`), and the rates are updated every 5 seconds.
 *
 * @module
 */
import { UnixctlCommandError } from "../unixctl/errors.js";
import type { UnixctlServer } from "../unixctl/server.js";

/** The coverage counters of `ovs-ofctl` 3.1, in the order it registers (and prints) them. */
export const OFCTL_COVERAGE_COUNTERS: readonly string[] = (
  "ccmap_expand ccmap_shrink cmap_expand cmap_shrink conntrack_tcp_seq_chk_bypass conntrack_tcp_seq_chk_failed " +
  "conntrack_invalid_tcp_flags conntrack_full conntrack_l3csum_err conntrack_l4csum_err conntrack_lookup_natted_miss " +
  "datapath_drop_meter datapath_drop_upcall_error datapath_drop_lock_error datapath_drop_userspace_action_error " +
  "datapath_drop_tunnel_push_error datapath_drop_tunnel_pop_error datapath_drop_recirc_error datapath_drop_invalid_port " +
  "datapath_drop_invalid_bond datapath_drop_invalid_tnl_port datapath_drop_rx_invalid_packet dpif_destroy dpif_port_add " +
  "dpif_port_del dpif_flow_flush dpif_flow_get dpif_flow_put dpif_flow_del dpif_execute dpif_purge dpif_execute_with_help " +
  "dpif_meter_set dpif_meter_get dpif_meter_del flow_extract miniflow_extract_ipv4_pkt_len_error " +
  "miniflow_extract_ipv4_pkt_too_short miniflow_extract_ipv6_pkt_len_error miniflow_extract_ipv6_pkt_too_short " +
  "miniflow_malloc hindex_pathological hindex_expand hindex_shrink hindex_reserve hmap_pathological hmap_expand " +
  "hmap_shrink hmap_reserve ipf_stuck_frag_list_purged ipf_l3csum_err lockfile_lock lockfile_error lockfile_unlock " +
  "afxdp_cq_empty afxdp_fq_full afxdp_tx_full afxdp_cq_skip netdev_set_policing netdev_arp_lookup netdev_get_ifindex " +
  "netdev_get_hwaddr netdev_set_hwaddr netdev_get_ethtool netdev_set_ethtool netdev_received netdev_sent " +
  "netdev_add_router netdev_get_stats netdev_send_prepare_drops netdev_push_header_drops nln_changed netlink_overflow " +
  "netlink_received netlink_recv_jumbo netlink_sent datapath_drop_sample_error datapath_drop_nsh_decap_error " +
  "drop_action_of_pipeline drop_action_bridge_not_found drop_action_recursion_too_deep drop_action_too_many_resubmit " +
  "drop_action_stack_too_deep drop_action_no_recirculation_context drop_action_recirculation_conflict " +
  "drop_action_too_many_mpls_labels drop_action_invalid_tunnel_metadata drop_action_unsupported_packet_type " +
  "drop_action_congestion drop_action_forwarding_disabled txn_uncommitted txn_unchanged txn_incomplete txn_aborted " +
  "txn_success txn_try_again txn_not_locked txn_error poll_create_node poll_zero_timeout process_start seq_change " +
  "unixctl_received unixctl_replied util_xalloc vconn_open vconn_received vconn_sent pstream_open stream_open"
).split(" ");

/** The counters ovn-ts increments. */
export type CoverageEvent = "vconn_open" | "vconn_received" | "vconn_sent" | "stream_open" | "pstream_open" | "unixctl_received" | "unixctl_replied";

/** COVERAGE_RUN_INTERVAL: the rates' period, in ms. */
const RUN_INTERVAL = 5000;
/** COVERAGE_CLEAR_INTERVAL: how often increments reach the totals, in ms. */
const CLEAR_INTERVAL = 1000;
/** MIN_AVG_LEN: run intervals in a minute. */
const MIN_AVG_LEN = 60_000 / RUN_INTERVAL;
/** HR_AVG_LEN: minutes in an hour. */
const HR_AVG_LEN = 60;

interface Counter {
  readonly name: string;
  /** Increments not yet in `total` (the per-thread count of Open vSwitch). */
  pending: number;
  total: number;
  lastTotal: number;
  readonly min: number[];
  readonly hr: number[];
}

/** One process's coverage counters. */
export class Coverage {
  private readonly counters: Counter[];
  private readonly byName = new Map<string, Counter>();
  private clearTime: number | undefined;
  private runTime: number | undefined;
  private idx = 0;
  private pollScheduled = false;

  /**
   * @param names - the counters, in print order (default {@link OFCTL_COVERAGE_COUNTERS})
   * @param now - the clock, in ms (tests pass their own)
   */
  constructor(
    names: readonly string[] = OFCTL_COVERAGE_COUNTERS,
    private readonly now: () => number = Date.now,
  ) {
    this.counters = names.map((name) => ({ name, pending: 0, total: 0, lastTotal: 0, min: new Array<number>(MIN_AVG_LEN).fill(0), hr: new Array<number>(HR_AVG_LEN).fill(0) }));
    for (const c of this.counters) this.byName.set(c.name, c);
  }

  /**
   * COVERAGE_INC: one more `event`. Once the work in hand is done (the process would block in its poll
   * loop), {@link Coverage.poll} runs.
   */
  inc(event: CoverageEvent): void {
    const c = this.byName.get(event);
    if (c) c.pending++;
    this.wakeup();
  }

  /**
   * The process woke up for an event (a connection accepted, a message read): once the work in hand is
   * done, {@link Coverage.poll} runs, as Open vSwitch's loop polls again before it blocks.
   */
  wakeup(): void {
    if (this.pollScheduled) return;
    this.pollScheduled = true;
    setImmediate(() => {
      this.pollScheduled = false;
      this.poll();
    });
  }

  /**
   * What Open vSwitch's poll loop does before it blocks (time_poll()): coverage_clear() moves the increments
   * into the totals when a second has passed since it last did, coverage_run() updates the rates every 5 s.
   */
  poll(): void {
    const now = this.now();
    if (this.clearTime === undefined) this.clearTime = now + CLEAR_INTERVAL;
    if (now >= this.clearTime) {
      for (const c of this.counters) {
        c.total += c.pending;
        c.pending = 0;
      }
      this.clearTime = now + CLEAR_INTERVAL;
    }
    this.run(now);
  }

  /** coverage_run(): each counter's count since the last run spread over the 5-second slots that passed. */
  private run(now: number): void {
    if (this.runTime === undefined) this.runTime = now + RUN_INTERVAL;
    if (now < this.runTime) return;
    const slots = Math.floor((now - this.runTime) / RUN_INTERVAL) + 1;
    for (const c of this.counters) {
      const count = (c.total - c.lastTotal) >>> 0;
      c.lastTotal = c.total;
      const portion = Math.floor(count / slots);
      let idx = this.idx;
      for (let j = 0; j < slots; j++) {
        const m = idx % MIN_AVG_LEN;
        const h = Math.floor(idx / MIN_AVG_LEN);
        c.min[m] = portion + (j === slots - 1 ? count % slots : 0);
        c.hr[h] = m === 0 ? c.min[m]! : c.hr[h]! + c.min[m]!;
        idx = (idx + 1) % (MIN_AVG_LEN * HR_AVG_LEN);
      }
    }
    this.idx = (this.idx + slots) % (MIN_AVG_LEN * HR_AVG_LEN);
    this.runTime = now + RUN_INTERVAL;
  }

  /** coverage/read-counter: the counter's total with its pending increments, or undefined for an unknown name. */
  read(name: string): number | undefined {
    const c = this.byName.get(name);
    if (!c) return undefined;
    c.total += c.pending;
    c.pending = 0;
    return c.total;
  }

  /** coverage_hash(): the counters ranked by total (ties by name), each group of equal totals hashed with its rank. */
  hash(): number {
    const hit = this.counters.filter((c) => c.total).sort((a, b) => (a.total !== b.total ? b.total - a.total : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let hash = 0;
    let groups = 0;
    for (let i = 0; i < hit.length; ) {
      groups++;
      hash = hashInt(i, hash);
      let j = i;
      for (; j < hit.length && hit[j]!.total === hit[i]!.total; j++) hash = hashString(hit[j]!.name, hash);
      i = j;
    }
    return hashInt(groups, hash);
  }

  /** coverage/show's text (ending with a line break). */
  showText(): string {
    const lines = [`Event coverage, avg rate over last: ${RUN_INTERVAL / 1000} seconds, last minute, last hour,  hash=${this.hash().toString(16).padStart(8, "0")}:`];
    let neverHit = 0;
    // (idx_count - 1) % MIN_AVG_LEN in unsigned arithmetic, as Open vSwitch computes it
    const last = ((this.idx - 1) >>> 0) % MIN_AVG_LEN;
    for (const c of this.counters) {
      if (!c.total) {
        neverHit++;
        continue;
      }
      const sum = (a: readonly number[]) => a.reduce((s, x) => s + x, 0);
      const r5 = ((c.min[last]! * 1000) / RUN_INTERVAL).toFixed(1).padStart(5);
      const rMin = (sum(c.min) / 60).toFixed(3).padStart(9);
      const rHr = (sum(c.hr) / 3600).toFixed(4).padStart(13);
      lines.push(`${c.name.padEnd(24)} ${r5}/sec ${rMin}/sec ${rHr}/sec   total: ${c.total}`);
    }
    lines.push(`${neverHit} events never hit`);
    return `${lines.join("\n")}\n`;
  }

  /** Registers `coverage/show` and `coverage/read-counter` on `server`. */
  register(server: UnixctlServer): void {
    server.register("coverage/show", { usage: "", minArgs: 0, maxArgs: 0, run: () => this.showText() });
    server.register("coverage/read-counter", {
      usage: "COUNTER",
      minArgs: 1,
      maxArgs: 1,
      run: ([name]) => {
        const n = this.read(name!);
        if (n === undefined) throw new UnixctlCommandError("coverage/read-counter", [name!], "No such counter");
        return `${n}\n`;
      },
    });
  }
}

/** Open vSwitch's mhash_add() (hash_add() on builds without SSE 4.2). */
function hashAdd(hash: number, data: number): number {
  if (data) {
    let d = Math.imul(data, 0xcc9e2d51);
    d = (d << 15) | (d >>> 17);
    d = Math.imul(d, 0x1b873593);
    hash ^= d;
  }
  hash = (hash << 13) | (hash >>> 19);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

/** Open vSwitch's hash_finish(): mhash_finish(hash ^ final). */
function hashFinish(hash: number, final: number): number {
  let h = (hash ^ final) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Open vSwitch's hash_int(): hash_2words(x, basis). */
function hashInt(x: number, basis: number): number {
  return hashFinish(hashAdd(hashAdd(x, 0), basis), 8);
}

/** Open vSwitch's hash_string(): hash_bytes() of the string's bytes, 4 at a time little-endian. */
function hashString(s: string, basis: number): number {
  const b = new TextEncoder().encode(s);
  let hash = basis;
  let i = 0;
  for (; i + 4 <= b.length; i += 4) hash = hashAdd(hash, (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  if (i < b.length) {
    let tmp = 0;
    for (let k = 0; i + k < b.length; k++) tmp |= b[i + k]! << (8 * k);
    hash = hashAdd(hash, tmp >>> 0);
  }
  return hashFinish(hash, b.length);
}
