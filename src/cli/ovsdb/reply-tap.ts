/**
 * Taking one reply of an `OvsdbClient`'s connection as bytes, for `dump`: a large dump's reply is
 * nearly its `-f json` output, so parsing it into objects only to write it out again is most of
 * the work (see `dump-raw.ts`).
 *
 * The client connects through a {@link ReplyTap}'s transport (the same stream the client would
 * open itself, read through `data` events). {@link ReplyTap.capture} then takes the chunks the
 * socket reads, instead of the client's session, until one whole JSON message is in: its bytes are
 * handed to the caller, who either keeps them or gives them back ({@link ReplyTap.release}) for the
 * session to take as it would have. Whatever the tap cannot take as a message (bytes that are not
 * JSON, a message past the session's size or depth limits) and whatever is read after the message
 * goes to the session, as does the end of the stream; so a connection lost in the middle of the
 * reply fails the call exactly as it would without the tap.
 *
 * @module
 */
import type { Duplex } from "node:stream";
import type { StreamTransport } from "../../ovsdb/client/types.js";
import { type ActiveRemote, type TlsOptions, connectRemote, formatRemote } from "../../ovsdb/wire/remote.js";

type DataListener = (chunk: Buffer) => void;

/** Nesting allowed in a captured message (the session's framer's default). */
const MAX_DEPTH = 1000;

/** {@link MessageEnd}'s byte classes outside strings (0: any other byte). */
const QUOTE_CLASS = 1;
const OPEN_CLASS = 2;
const CLOSE_CLASS = 3;
const CLASS = new Uint8Array(256);
CLASS[0x22] = QUOTE_CLASS;
CLASS[0x7b] = OPEN_CLASS;
CLASS[0x5b] = OPEN_CLASS;
CLASS[0x7d] = CLOSE_CLASS;
CLASS[0x5d] = CLOSE_CLASS;

/** Opens one remote for an `OvsdbClient` and can take the next message read on it as bytes; see the module description. */
export class ReplyTap {
  /** Give this to `OvsdbClient.connect` (with `reconnect: false`: the tap knows one stream). */
  readonly transport: StreamTransport;
  private stream: Duplex | undefined;
  /** The session's `data` listeners while the tap holds the reads. */
  private saved: DataListener[] | undefined;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private scanner = new MessageEnd();
  private resolve: ((message: Buffer | undefined) => void) | undefined;
  /** Bytes read after the message, for the session. */
  private rest: Buffer[] = [];
  private message: Buffer | undefined;
  /** Where the message begins in `chunks[0]`. */
  private firstStart = 0;
  private readonly onData: DataListener = (chunk) => this.take(chunk);
  private readonly onEnd = () => this.giveUp();

  /**
   * @param remote - where to connect (one remote; as `OvsdbClient.connect` opens it).
   * @param options - TLS material for `ssl:`, and the connect timeout (the client's default, 10 s).
   */
  constructor(
    remote: ActiveRemote,
    private readonly options: { tls?: TlsOptions; timeoutMs?: number; maxMessageBytes?: number } = {},
  ) {
    this.transport = {
      name: formatRemote(remote),
      open: async () => {
        const s = await connectRemote(remote, { ...(options.tls ? { tls: options.tls } : {}), timeoutMs: options.timeoutMs ?? 10_000 });
        this.stream = s;
        return s;
      },
    };
  }

  /**
   * Takes the socket's reads from now until one whole JSON message is in (call it before the
   * request whose reply this is goes out). Resolves with the message's bytes, after which reading
   * stays held until {@link release}; or with undefined when the stream ended, failed or carried
   * something the tap does not take (everything read then went to the session, reading is the
   * session's again, and the call fails or succeeds there as it would have without the tap).
   */
  capture(): Promise<Buffer | undefined> {
    const s = this.stream;
    if (s === undefined || this.saved !== undefined || s.destroyed) return Promise.resolve(undefined);
    this.saved = s.listeners("data") as DataListener[];
    s.removeAllListeners("data");
    s.on("data", this.onData);
    // Before the session's own listeners: the bytes held go to the session before it sees the end.
    s.prependListener("end", this.onEnd);
    s.prependListener("error", this.onEnd);
    s.prependListener("close", this.onEnd);
    this.chunks = [];
    this.bytes = 0;
    this.scanner = new MessageEnd();
    this.rest = [];
    this.message = undefined;
    return new Promise((resolve) => (this.resolve = resolve));
  }

  /**
   * Gives reading back to the session, with the message {@link capture} resolved with when
   * `giveBack` is true (the session then takes it as it would have), and whatever was read after it.
   */
  release(giveBack: boolean): void {
    const pending = [...(giveBack && this.message !== undefined ? [this.message] : []), ...this.rest];
    this.message = undefined;
    this.rest = [];
    this.restore(pending);
  }

  /** Puts the session's listeners back and hands it `pending`. */
  private restore(pending: Buffer[]): void {
    const s = this.stream!;
    const saved = this.saved;
    if (saved === undefined) return;
    this.saved = undefined;
    s.removeListener("data", this.onData);
    s.removeListener("end", this.onEnd);
    s.removeListener("error", this.onEnd);
    s.removeListener("close", this.onEnd);
    for (const l of saved) s.on("data", l);
    for (const chunk of pending) for (const l of saved) l.call(s, chunk);
  }

  /** The stream ended or failed, or the bytes are not a message the tap takes: all of it goes to the session. */
  private giveUp(): void {
    if (this.resolve === undefined) return;
    const chunks = this.chunks;
    this.chunks = [];
    const resolve = this.resolve;
    this.resolve = undefined;
    this.restore(chunks);
    resolve(undefined);
  }

  private take(chunk: Buffer): void {
    if (this.resolve === undefined) {
      // The message is in: what follows waits for release().
      this.rest.push(chunk);
      return;
    }
    const sc = this.scanner;
    const started = sc.start >= 0;
    const end = sc.push(chunk);
    if (end === -2) {
      this.chunks.push(chunk);
      this.giveUp();
      return;
    }
    if (!started) {
      // Chunks of white space before the message are dropped (the session would skip them too).
      if (sc.start < 0) return;
      this.firstStart = sc.start;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > (this.options.maxMessageBytes ?? 256 * 1024 * 1024)) {
      this.giveUp();
      return;
    }
    if (end === -1) return;
    const first = this.firstStart;
    const last = this.chunks.length - 1;
    const parts = this.chunks.map((c, k) => c.subarray(k === 0 ? first : 0, k === last ? end : c.length));
    this.message = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (end < chunk.length) this.rest.push(chunk.subarray(end));
    this.chunks = [];
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve(this.message);
  }
}

/**
 * Finds where one JSON message (an object or array, after any white space) ends in a stream of
 * chunks: strings skipped (escapes included), brackets counted.
 */
export class MessageEnd {
  /** Where the message begins in the chunk that holds its first byte; -1 until then. */
  start = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /**
   * @param maxDepth - deepest nesting taken (the session's framer's default).
   */
  constructor(private readonly maxDepth = MAX_DEPTH) {}

  /**
   * Scans the next chunk: returns the index in it just past the message's last byte, -1 when the
   * message goes on (or has not begun: the chunk was white space), -2 for bytes that do not begin
   * a JSON object or array, or nesting deeper than the limit. Once it returned an end, it takes no
   * more chunks.
   */
  push(b: Uint8Array): number {
    const n = b.length;
    let i = 0;
    let depth = this.depth;
    if (this.start < 0) {
      while (i < n && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
      if (i === n) return -1;
      if (b[i] !== 0x7b && b[i] !== 0x5b) return -2;
      this.start = i;
      depth = 1;
      i++;
    }
    if (this.inString) {
      if (this.escaped) {
        this.escaped = false;
        i++;
      }
      i = this.skipString(b, i);
      if (i < 0) {
        this.depth = depth;
        return -1;
      }
    }
    // One table lookup per byte outside strings; a string's bytes are skipped in the inner loop.
    while (i < n) {
      const k = CLASS[b[i++]!]!;
      if (k === 0) continue;
      if (k === QUOTE_CLASS) {
        for (;;) {
          if (i >= n) {
            this.inString = true;
            this.depth = depth;
            return -1;
          }
          const c = b[i++]!;
          if (c === 0x22) break;
          if (c === 0x5c) {
            if (i === n) {
              this.inString = true;
              this.escaped = true;
              this.depth = depth;
              return -1;
            }
            i++;
          }
        }
      } else if (k === OPEN_CLASS) {
        if (++depth > this.maxDepth) return -2;
      } else if (--depth === 0) {
        this.depth = 0;
        return i;
      }
    }
    this.depth = depth;
    return -1;
  }

  /** Skips the rest of a string begun in an earlier chunk: the index past its closing quote, or -1 (state kept) when the chunk ends first. */
  private skipString(b: Uint8Array, i: number): number {
    const n = b.length;
    while (i < n) {
      const c = b[i++]!;
      if (c === 0x22) {
        this.inString = false;
        return i;
      }
      if (c === 0x5c) {
        if (i === n) {
          this.escaped = true;
          return -1;
        }
        i++;
      }
    }
    return -1;
  }
}
