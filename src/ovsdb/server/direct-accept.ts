/**
 * Accepted connections of the embedded server read straight from their read callback (Node's
 * `onread` socket option) instead of through the readable stream, as the client's sockets do
 * (`wire/direct-read.ts`). A `net.Server` takes no `onread` option for the sockets it accepts, so
 * the listener accepts them paused (`pauseOnConnect`) and {@link adoptDirectReads} re-opens each
 * one on the same OS handle with `onread`, before anything is read from it.
 *
 * Per request this saves what a readable stream costs a small chunk: a fresh 64 KiB allocation
 * and an `ArrayBuffer` per read, the push into the stream's buffer with its state checks, and a
 * `nextTick` to read more. Everything else of the socket is the ordinary one: its `data` events
 * (emitted here, one per read), `write`, `pause` / `resume` (which stop and restart reading),
 * `end`, `error`, `close`, and the server's count of its connections.
 *
 * @module
 */
import net from "node:net";

/** Bytes asked of each read (what libuv asks for a stream's reads). */
const READ_BYTES = 64 * 1024;

/** The parts of Node's socket and server this relies on (stable since Node 12, when `onread` came). */
interface SocketInternals {
  _handle: object | null;
  _server: net.Server | null;
  server: net.Server | null;
}

/**
 * Re-opens `accepted` (a socket of a `pauseOnConnect` server, not yet read from) on its OS handle
 * with a read callback that emits each chunk as a `data` event, a view of one reused buffer: the
 * next read overwrites it unless `keeps()` says the listener still refers to bytes it was given
 * (a message that continues in the next chunk), in which case the next read goes to a fresh
 * buffer. Returns the new socket, which takes the place of `accepted` in the server's count of
 * connections; `accepted` must not be used any more. Returns undefined when `accepted` has no
 * handle (it was closed at once): then it is to be used as it is.
 */
export function adoptDirectReads(accepted: net.Socket, keeps: () => boolean): net.Socket | undefined {
  const old = accepted as unknown as SocketInternals;
  const handle = old._handle;
  if (handle === null || handle === undefined || accepted.destroyed) return undefined;
  const server = old._server;
  // Detached: the old socket object no longer owns the handle nor counts as a connection.
  old._handle = null;
  old._server = null;
  old.server = null;
  let buffer = Buffer.allocUnsafe(READ_BYTES);
  let socket: net.Socket | undefined;
  const opts = {
    handle,
    readable: true,
    writable: true,
    onread: {
      // Called once when the socket takes the handle, then after every read.
      buffer: (): Uint8Array => {
        if (keeps()) buffer = Buffer.allocUnsafe(READ_BYTES);
        return buffer;
      },
      // Returning true: reading goes on.
      callback: (n: number, buf: Uint8Array): boolean => {
        socket!.emit("data", (buf as Buffer).subarray(0, n));
        return true;
      },
    },
  };
  socket = new net.Socket(opts as unknown as net.SocketConstructorOpts);
  const adopted = socket as unknown as SocketInternals;
  adopted._server = server;
  adopted.server = server;
  return socket;
}
