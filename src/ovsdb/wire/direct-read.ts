/**
 * Reading a socket straight from its read callback (the `onread` option of Node's `net.connect`)
 * instead of through its `data` events. The readable-stream machinery a `data` event goes through
 * (a push into the stream's buffer, its state checks, a `nextTick` to read more) costs more CPU per
 * chunk than the whole JSON-RPC layer on a small reply, and it sits between every reply and the
 * next request of a client that calls one at a time.
 *
 * A socket opened by {@link connectDirect} reads into one reused buffer and hands each chunk to the
 * {@link DirectReader} attached with {@link attachDirectReader}; chunks that arrive before a reader
 * is attached are copied and handed over on the next tick (as a stream holds data until its first
 * `data` listener). Everything else of the socket is unchanged: `write`, `pause` / `resume` (which
 * stop and restart reading), `end`, `error`, `close`.
 *
 * @module
 */
import net from "node:net";
import type { Duplex } from "node:stream";

/** Takes the chunks read from a socket opened by {@link connectDirect}. */
export interface DirectReader {
  /**
   * One chunk read from the socket. It is a view of a buffer the next read overwrites, unless
   * {@link DirectReader.keeps} returns true after this call returns.
   */
  chunk(bytes: Buffer): void;
  /** True when the reader still refers to bytes of chunks it was given: the next read then goes to a fresh buffer. */
  keeps(): boolean;
}

/** Bytes asked of each read (what libuv asks for a stream's reads). */
const READ_BYTES = 64 * 1024;

/** The reader side of one direct-read socket. */
interface Slot {
  /** Takes the reads (set once the early chunks are handed over). */
  reader: DirectReader | undefined;
  /** A reader was attached (it may not take the reads yet). */
  attached: boolean;
  /** Copies of the chunks read before a reader was attached. */
  early: Buffer[];
  buffer: Buffer;
}

const slots = new WeakMap<Duplex, Slot>();

/**
 * `net.connect(options)` whose reads go to the {@link DirectReader} attached later with
 * {@link attachDirectReader} (the socket emits no `data` events).
 */
export function connectDirect(options: net.NetConnectOpts): net.Socket {
  const slot: Slot = { reader: undefined, attached: false, early: [], buffer: Buffer.allocUnsafe(READ_BYTES) };
  const socket = net.connect({
    ...options,
    onread: {
      // Called once when the socket gets its handle, then after every read: a fresh buffer only
      // when the reader keeps a view of the one just filled (or before any reader: copies are kept).
      buffer: () => {
        if (slot.reader !== undefined && slot.reader.keeps()) slot.buffer = Buffer.allocUnsafe(READ_BYTES);
        return slot.buffer;
      },
      // Returning true: reading goes on (false would pause the socket).
      callback: (n: number, buffer: Uint8Array): boolean => {
        const bytes = (buffer as Buffer).subarray(0, n);
        if (slot.reader !== undefined) slot.reader.chunk(bytes);
        else slot.early.push(Buffer.from(bytes));
        return true;
      },
    },
  });
  slots.set(socket, slot);
  return socket;
}

/**
 * Makes `reader` take the reads of `stream` when it was opened by {@link connectDirect} (chunks
 * read before now follow on the next tick, in order) and returns true; returns false for any other stream,
 * whose `data` events the caller listens to instead. A stream takes one reader.
 */
export function attachDirectReader(stream: Duplex, reader: DirectReader): boolean {
  const slot = slots.get(stream);
  if (slot === undefined || slot.attached) return false;
  slot.attached = true;
  if (slot.early.length === 0) {
    slot.reader = reader;
    return true;
  }
  // Reads keep being copied into `early` until it is handed over, so the order holds.
  process.nextTick(() => {
    while (slot.early.length > 0 && !stream.destroyed) reader.chunk(slot.early.shift()!);
    slot.early = [];
    slot.reader = reader;
  });
  return true;
}
