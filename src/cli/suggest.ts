/**
 * "Did you mean" for the CLIs: the known name closest to a mistyped one. The hint goes to standard
 * error after the message the mirrored OVS tool prints, so scripts keep the tool's output and
 * exit status and a person is not left guessing.
 *
 * @module
 */

/** Edit distance with transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidate closest to `word` when it is close enough to be a typo of it (at most a third of
 * its letters wrong, and at least one), else undefined. Ties go to the first candidate.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const dist = editDistance(word, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** `did you mean '--json'?` for a mistyped option `arg` (`--jsn`, `--jsn=x`), when one is near. */
export function optionHint(arg: string, known: Iterable<string>): string | undefined {
  const name = arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
  const near = closest(name, known);
  return near === undefined ? undefined : `did you mean '${near}'?`;
}
