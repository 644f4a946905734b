/**
 * Flow table entries as ovs-ofctl's `replace-flows` and `diff-flows` keep them (its `struct fte`): each
 * flow, keyed by table, match and priority, with up to two versions (one per source), held in one
 * classifier per table so that they come out in the order Open vSwitch's classifier walks them: tables in
 * ascending order; within a table, subtables (flows that share a match mask) in the order of their
 * highest priority as the classifier's priority vector keeps it, and the flows of a subtable in the order
 * they were first inserted.
 *
 * @module
 */
import type { Instruction } from "../openflow/action-types.js";
import type { MatchField } from "../openflow/oxm.js";
import { type NameMaps, formatInstructions, formatMatch } from "../openflow/flowtext.js";

/** One version of a flow (ovs-ofctl's `struct fte_version`). */
export interface FteVersion {
  readonly cookie: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  /** send_flow_rem from a file; 0 from a switch (a switch does not report its flows' flags). */
  readonly flags: number;
  readonly tableId: number;
  /** The actions to send (replace-flows). */
  readonly instructions: readonly Instruction[];
  /** The actions as ovs-ofctl prints them: what is compared and printed. */
  readonly actionsText: string;
}

/** A flow with its version from each source (index 0 and 1). */
export interface Fte {
  readonly match: readonly MatchField[];
  readonly priority: number;
  readonly versions: [FteVersion | undefined, FteVersion | undefined];
}

/** The number of flow tables ovs-ofctl keeps (0 to 254). */
const N_TABLES = 255;

/**
 * Whether two versions are the same flow (ovs-ofctl's fte_version_equals()): flags are not compared (a switch
 * does not report them), actions are compared as ovs-ofctl prints them.
 */
export function fteVersionEquals(a: FteVersion, b: FteVersion): boolean {
  return (
    a.cookie === b.cookie &&
    a.idleTimeout === b.idleTimeout &&
    a.hardTimeout === b.hardTimeout &&
    a.importance === b.importance &&
    a.tableId === b.tableId &&
    a.actionsText === b.actionsText
  );
}

/** The line diff-flows prints for one version of `fte` (without its `-`/`+`), as fte_version_format(). */
export function fteVersionText(fte: Fte, v: FteVersion, names?: NameMaps): string {
  let s = v.tableId ? `table=${v.tableId} ` : "";
  s += formatMatch(fte.match, fte.priority, names?.port);
  if (v.cookie !== 0n) s += ` cookie=0x${v.cookie.toString(16)}`;
  if (v.idleTimeout) s += ` idle_timeout=${v.idleTimeout}`;
  if (v.hardTimeout) s += ` hard_timeout=${v.hardTimeout}`;
  if (v.importance) s += ` importance=${v.importance}`;
  return `${s} actions=${names === undefined ? v.actionsText : formatInstructions(v.instructions, names)}\n`;
}

/** A subtable: the flows with one match mask, in insertion order. */
interface Subtable {
  readonly rules: Fte[];
  /** Distinct matches (without priority) in the subtable. */
  readonly matches: Set<string>;
  maxPriority: number;
}

interface PvEntry {
  readonly sub: Subtable;
  priority: number;
}

/**
 * Open vSwitch's priority vector (lib/pvector.c) as a deferred classifier uses it: entries appended in place
 * while they keep the order and there is room (4 slots to start), else into a copy that is sorted (stably,
 * glibc's merge sort) when published.
 */
class PriorityVector {
  private impl: PvEntry[] = [];
  private allocated = 4;
  private temp: PvEntry[] | undefined;

  insert(sub: Subtable, priority: number): void {
    const size = this.impl.length;
    if (!this.temp && this.allocated > size && (!size || priority <= this.impl[size - 1]!.priority)) {
      this.impl.push({ sub, priority });
      return;
    }
    this.temp ??= this.impl.map((e) => ({ ...e }));
    this.temp.push({ sub, priority });
  }

  changePriority(sub: Subtable, priority: number): void {
    let v = this.temp ?? this.impl;
    const i = v.findIndex((e) => e.sub === sub);
    const e = v[i]!;
    const moves = (priority > e.priority && i > 0 && priority > v[i - 1]!.priority) || (priority < e.priority && i < v.length - 1 && priority < v[i + 1]!.priority);
    if (moves && !this.temp) {
      this.temp = this.impl.map((x) => ({ ...x }));
      v = this.temp;
    }
    v[i]!.priority = priority;
  }

  /** The subtables in the order a walk visits them (after publishing). */
  publish(): Subtable[] {
    if (this.temp) {
      this.impl = this.temp.sort((a, b) => b.priority - a.priority);
      this.allocated = this.impl.length + 4;
      this.temp = undefined;
    }
    return this.impl.map((e) => e.sub);
  }
}

/** One table's classifier. */
class Classifier {
  private readonly subtables = new Map<string, Subtable>();
  private readonly byRule = new Map<string, Fte>();
  private readonly pvector = new PriorityVector();

  /** Inserts `fte`, or merges it into the flow with the same match and priority (classifier_replace()). */
  replace(fte: Fte, matchKey: string, index: 0 | 1): void {
    const ruleKey = `${fte.priority}/${matchKey}`;
    const old = this.byRule.get(ruleKey);
    const mask = maskKey(fte.match);
    let sub = this.subtables.get(mask);
    if (!sub) {
      sub = { rules: [], matches: new Set(), maxPriority: 0 };
      this.subtables.set(mask, sub);
    }
    if (old) {
      // the new entry takes the old one's place, with the other source's version
      const other = index === 0 ? 1 : 0;
      fte.versions[other] = old.versions[other];
      sub.rules[sub.rules.indexOf(old)] = fte;
      this.byRule.set(ruleKey, fte);
      return;
    }
    this.byRule.set(ruleKey, fte);
    const headExists = sub.matches.has(matchKey);
    sub.matches.add(matchKey);
    sub.rules.push(fte);
    const nRules = headExists ? 0 : sub.matches.size;
    if (nRules === 1) {
      sub.maxPriority = fte.priority;
      this.pvector.insert(sub, fte.priority);
    } else if (fte.priority > sub.maxPriority) {
      sub.maxPriority = fte.priority;
      this.pvector.changePriority(sub, fte.priority);
    }
  }

  /** The flows in walk order. */
  *walk(): Generator<Fte> {
    for (const sub of this.pvector.publish()) yield* sub.rules;
  }
}

/** Flows read from two sources, queued then filled into per-table classifiers (fte_queue(), fte_fill()). */
export class FteTables {
  private readonly pending: { fte: Fte; index: 0 | 1; tableId: number }[] = [];
  /** The largest size seen of each tunnel metadata field (fte_queue()'s tun_metadata_size). */
  private readonly tunSizes = new Map<string, number>();

  /**
   * Queues a flow's version from source `index`. `fromFile`: the match was parsed from text, where a tunnel
   * metadata field is as long as its value needs (a switch reports the option's length), and masked when the
   * text gives a mask (`maskedTun`: the fields written `tun_metadataN=VALUE/MASK`).
   */
  queue(match: readonly MatchField[], priority: number, version: FteVersion, index: 0 | 1, fromFile: boolean, maskedTun: ReadonlySet<string> = new Set()): void {
    const versions: [FteVersion | undefined, FteVersion | undefined] = [undefined, undefined];
    versions[index] = version;
    const fields = match.map((f) => (TUN_METADATA.test(f.field) ? this.tunField(f, fromFile, maskedTun.has(f.field)) : f));
    this.pending.push({ fte: { match: fields, priority, versions }, index, tableId: version.tableId });
  }

  /** A tunnel metadata field with its length and whether it is masked, its size noted. */
  private tunField(f: MatchField, fromFile: boolean, maskWritten: boolean): MatchField & TunMeta {
    const masked = fromFile ? maskWritten || f.mask !== undefined : f.mask !== undefined && !allOnes(f.mask);
    const mask = f.mask ?? (masked ? new Uint8Array(f.value.length).fill(0xff) : undefined);
    const len = fromFile ? Math.max(significant(f.value), masked ? significant(mask!) : 0) : f.value.length;
    this.tunSizes.set(f.field, Math.max(this.tunSizes.get(f.field) ?? -1, len));
    // (named, not spread: a decoded entry keeps its bytes behind getters, which a spread does not copy)
    return { field: f.field, header: f.header, experimenter: f.experimenter, value: f.value, mask, len, masked };
  }

  /**
   * The tunnel metadata fields of every flow laid out in one table (fte_fill()'s generate_tun_metadata() and
   * remap_match()): each field as long as the longest seen, rounded up to 4 bytes; a shorter value is
   * zero-extended, with a mask of zeros over the new bytes when it was masked, of ones when exact.
   */
  private remapTunnelMetadata(match: readonly MatchField[]): readonly MatchField[] {
    if (!match.some((f) => TUN_METADATA.test(f.field))) return match;
    return match.map((f) => {
      const t = f as MatchField & Partial<TunMeta>;
      if (t.len === undefined) return f;
      const size = Math.ceil((this.tunSizes.get(f.field) ?? t.len) / 4) * 4;
      const value = new Uint8Array(size);
      value.set(f.value.subarray(Math.max(0, f.value.length - t.len)), size - Math.min(t.len, f.value.length));
      if (!t.masked) return { field: f.field, header: f.header, value };
      const mask = new Uint8Array(size);
      const m = f.mask ?? new Uint8Array(0);
      mask.set(m.subarray(Math.max(0, m.length - t.len)), size - Math.min(t.len, m.length));
      return { field: f.field, header: f.header, value, mask };
    });
  }

  /** Every flow, table by table in the classifier's walk order. */
  *entries(): Generator<{ tableId: number; fte: Fte }> {
    const tables = new Map<number, Classifier>();
    for (const p of this.pending) {
      const { index, tableId } = p;
      const fte: Fte = { ...p.fte, match: this.remapTunnelMetadata(p.fte.match) };
      let cls = tables.get(tableId);
      if (!cls) tables.set(tableId, (cls = new Classifier()));
      cls.replace(fte, formatMatch(fte.match), index);
    }
    for (let t = 0; t < N_TABLES; t++) {
      const cls = tables.get(t);
      if (cls) for (const fte of cls.walk()) yield { tableId: t, fte };
    }
  }
}

/** `tun_metadata0` ... `tun_metadata63`. */
const TUN_METADATA = /^tun_metadata\d+$/;

/** What remapping needs of a tunnel metadata field: its length in the flow's own layout, and whether it is masked. */
interface TunMeta {
  readonly len: number;
  readonly masked: boolean;
}

/** The number of bytes after the leading zero bytes (Open vSwitch's field_len() of a variable-length field). */
function significant(b: Uint8Array): number {
  const i = b.findIndex((x) => x !== 0);
  return i < 0 ? 0 : b.length - i;
}

/** All-ones bytes (an exact match). */
function allOnes(b: Uint8Array): boolean {
  return b.every((x) => x === 0xff);
}

/**
 * The match's mask as Open vSwitch's classifier groups flows (one subtable per mask): each field with its
 * mask, exact masks alike whatever the value's length; the VLAN fields folded into the 802.1Q TCI mask
 * as match_set_dl_vlan() and friends set it.
 */
function maskKey(match: readonly MatchField[]): string {
  let tci = 0;
  const parts: string[] = [];
  for (const f of match) {
    const m = f.mask;
    const word = (b: Uint8Array | undefined) => (b ? ((b[0] ?? 0) << 8) | (b[1] ?? 0) : 0xffff);
    if (f.field === "vlan_tci") tci |= word(m);
    else if (f.field === "vlan_vid") tci |= m ? word(m) & 0x1fff : word(f.value) === 0 ? 0xffff : 0x1fff;
    else if (f.field === "vlan_pcp") tci |= 0xf000;
    else parts.push(!m || allOnes(m) ? f.field : `${f.field}/${Buffer.from(m).toString("hex").replace(/^(00)+/, "")}`);
  }
  if (tci) parts.push(`vlan_tci/${tci.toString(16)}`);
  return parts.sort().join(",");
}
