/**
 * What exact 64-bit integers cost (docs/ovsdb.md, "64-bit integers"), each beside its floor in
 * the same run:
 * - receiving a 20 MB monitor reply of ordinary values through the framer (which also looks for
 *   long digit runs) against one `JSON.parse` of it;
 * - `parseJson` (which checks a whole text for long digit runs first) on the same text, against `JSON.parse`;
 * - the exact reader on a 1 MB reply that holds 64-bit integers, against `JSON.parse` (which would lose digits);
 * - `+=` on an integer column within ±2^53 against the same on a real column (no 64-bit checks at all).
 *
 * `BENCH=int64 npm run bench`.
 *
 * @module
 */
import { applyMutation } from "../src/ovsdb/schema/mutation.js";
import { checkAtom } from "../src/ovsdb/schema/datum.js";
import type { ColumnType } from "../src/ovsdb/schema/types.js";
import { JsonFramer } from "../src/ovsdb/wire/framer.js";
import { parseJson, parseJsonExact } from "../src/ovsdb/wire/json.js";

/** One row: ours against its floor (ratio = ours / floor, lower is better). */
export interface Int64BenchRow {
  readonly name: string;
  readonly ours: number;
  readonly floor: number;
  readonly unit: string;
  readonly ratio: number;
  readonly note: string;
}

function reply(rows: number, big: boolean): string {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < rows; i++) {
    out[`${i.toString(16).padStart(8, "0")}-1111-4222-8333-444455556666`] = {
      initial: { name: `pod-${i}`, addresses: `0a:58:0a:00:00:01 10.0.${i % 250}.1`, tag: i % 4095, priority: 1000 + i, nb_cfg: big ? `@${i}` : i, up: true },
    };
  }
  const text = JSON.stringify({ id: 3, result: { Logical_Switch_Port: out }, error: null });
  return big ? text.replace(/"@(\d+)"/g, (_m, d: string) => String(9007199254740993n + BigInt(d))) : text;
}

function median(f: () => void, runs = 7): number {
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[runs >> 1]!;
}

/** Runs the 64-bit integer benchmarks. */
export function runInt64Benchmarks(): Int64BenchRow[] {
  const text = reply(100_000, false);
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let o = 0; o < buf.length; o += 65536) chunks.push(buf.subarray(o, o + 65536));
  const mb = (buf.length / 1e6).toFixed(1);
  const parse = median(() => JSON.parse(text));
  const framed = median(() => {
    const f = new JsonFramer();
    for (const c of chunks) f.push(c);
  });
  const checked = median(() => parseJson(text));
  const bigText = reply(5_000, true);
  const bigParse = median(() => JSON.parse(bigText), 15);
  const exact = median(() => parseJsonExact(bigText), 15);
  const int: ColumnType = { key: { type: "integer" }, min: 1, max: 1 };
  const N = 200_000;
  const plain = median(() => {
    let v: unknown = 0;
    for (let i = 0; i < N; i++) v = applyMutation(int, v as number, "+=", 3, checkAtom);
  });
  const real: ColumnType = { key: { type: "real" }, min: 1, max: 1 };
  const viaReal = median(() => {
    let v: unknown = 0;
    for (let i = 0; i < N; i++) v = applyMutation(real, v as number, "+=", 3, checkAtom);
  });
  return [
    { name: `receive a ${mb} MB reply of ordinary values (framer)`, ours: framed, floor: parse, unit: "ms", ratio: framed / parse, note: "floor: one JSON.parse of the text" },
    { name: `parseJson of the same text`, ours: checked, floor: parse, unit: "ms", ratio: checked / parse, note: "floor: JSON.parse; the difference is the long-digit check" },
    { name: `exact reader on a ${(bigText.length / 1e6).toFixed(1)} MB reply holding 64-bit integers`, ours: exact, floor: bigParse, unit: "ms", ratio: exact / bigParse, note: "floor: JSON.parse, which loses their low digits" },
    { name: `${N} integer += within ±2^53`, ours: plain, floor: viaReal, unit: "ms", ratio: plain / viaReal, note: "floor: the same += on a real column (plain double arithmetic)" },
  ];
}

/** The rows as a text table. */
export function formatInt64Table(rows: readonly Int64BenchRow[]): string {
  const lines = rows.map((r) => `${r.name.padEnd(62)} ${r.ours.toFixed(1).padStart(9)} ${r.unit}  floor ${r.floor.toFixed(1).padStart(9)} ${r.unit}  ${r.ratio.toFixed(2)}x  (${r.note})`);
  return `${lines.join("\n")}\n`;
}
