/**
 * `dump -f json` of one table from the reply's bytes (see `dump-raw.ts`): each cell's bytes are
 * copied to the output as the server sent them, which for a cell `dump-raw` did not mark is the
 * text `JSON.stringify` writes for its value; a marked cell is written again from its value.
 * The output goes out in buffers of about a megabyte.
 *
 * @module
 */
import { ovsJson } from "../../ovsdb/text/json.js";
import { type CliIo, bytesWriter } from "../io.js";
import type { RawRows } from "./dump-raw.js";

/** Output is handed over in buffers of this many bytes. */
const CHUNK = 1 << 20;

/** Bytes gathered into buffers of {@link CHUNK} bytes, each handed to `write` when full. */
class ByteOutput {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  flush(): void {
    if (this.pos === 0) return;
    // A buffer handed over is never written again (a write may still be pending).
    this.write(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }

  byte(c: number): void {
    if (this.pos === CHUNK) this.flush();
    this.buf[this.pos++] = c;
  }

  /** `src[from, to)`. */
  copy(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.pos + n > CHUNK) {
      this.flush();
      if (n > CHUNK) {
        this.write(src.slice(from, to));
        return;
      }
    }
    const buf = this.buf;
    let p = this.pos;
    if (n < 48) for (let k = from; k < to; k++) buf[p++] = src[k]!;
    else {
      buf.set(src.subarray(from, to), p);
      p += n;
    }
    this.pos = p;
  }

  text(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.copy(b, 0, b.length);
  }
}

/**
 * Writes one table as `-f json` does (`{"caption":...,"data":[[...],...],"headings":[...]}`, the
 * members in byte order of their names, as OVS's JSON writer sorts them): the rows of `raw` in
 * `order`, each row's cells in `raw`'s column order.
 */
export function writeRawJson(io: CliIo, caption: string, headings: readonly string[], raw: RawRows, order: readonly number[]): void {
  const out = new ByteOutput(bytesWriter(io));
  out.text(`{"caption":${JSON.stringify(caption)},"data":[`);
  const { bytes, at, fix, columns } = raw;
  for (let k = 0; k < order.length; k++) {
    if (k > 0) out.byte(0x2c);
    out.byte(0x5b);
    const base = order[k]! * columns;
    for (let x = 0; x < columns; x++) {
      if (x > 0) out.byte(0x2c);
      const c = base + x;
      const s = at[2 * c]!;
      const e = at[2 * c + 1]!;
      if (fix !== undefined && fix[c] === 1) out.text(ovsJson(JSON.parse(bytes.toString("utf8", s, e))));
      else out.copy(bytes, s, e);
    }
    out.byte(0x5d);
  }
  out.text(`],"headings":${ovsJson(headings)}}\n`);
  out.flush();
}
