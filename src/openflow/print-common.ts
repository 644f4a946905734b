/**
 * Small pieces every part of the message printer uses: flag lists, durations, hex dumps.
 *
 * @module
 */

/** The names of the bits set in `v`, in the table's order. */
export function flagNames(v: number, names: ReadonlyArray<readonly [number, string]>): string[] {
  return names.filter(([b]) => v & b).map(([, n]) => n);
}

/**
 * A duration as Open vSwitch's ofp_print_duration() prints it: whole seconds, then 3 decimals when the
 * fraction is whole milliseconds, else as many of 9 decimals as it needs (none for 0 ns).
 */
export function duration(sec: number, nsec: number): string {
  if (nsec <= 0) return `${sec}s`;
  if (nsec % 1e6 === 0) return `${sec}.${String(nsec / 1e6).padStart(3, "0")}s`;
  return `${sec}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}s`;
}

/** A duration as ovs-ofctl prints it (`5.820s`). */
export function formatDuration(sec: number, nsec: number): string {
  return duration(sec, nsec);
}

/** `ovs-ofctl`-style hex dump (offset, 16 bytes with a '-' after the 8th, ASCII column). */
export function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const n = Math.min(16, b.length - off);
    let hex = "";
    let asc = "";
    for (let i = 0; i < 16; i++) {
      if (i < n) {
        const x = b[off + i]!;
        hex += x.toString(16).padStart(2, "0");
        asc += x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : ".";
      } else {
        hex += "  ";
        asc += " ";
      }
      hex += i === 7 && i < n ? "-" : " ";
    }
    lines.push(`${off.toString(16).padStart(8, "0")}  ${hex}|${asc}|`);
  }
  return lines.join("\n");
}
