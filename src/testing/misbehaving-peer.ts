/**
 * A scriptable misbehaving JSON-RPC peer for testing clients' error handling: it accepts
 * connections on a unix socket and lets a script answer each request however it likes — a normal
 * reply, garbage bytes, half a reply and then a hang-up, silence — or send unsolicited messages.
 *
 * @module
 */
import net from "node:net";
import { join } from "node:path";
import { JsonFramer } from "../ovsdb/wire/framer.js";
import { makeTempDir, removeDir } from "./process.js";

/** What a script can do with one connection. */
export interface PeerConnection {
  /** Sends raw text or bytes as they are. */
  send(data: string | Uint8Array): void;
  /** Sends a well-formed JSON-RPC 1.0 reply. */
  reply(id: unknown, result: unknown): void;
  /** Sends a well-formed JSON-RPC 1.0 error reply. */
  replyError(id: unknown, error: unknown): void;
  /** Sends only the first `bytes` bytes of `text`, then closes the connection. */
  sendTruncated(text: string, bytes: number): void;
  /** Closes the connection (FIN). */
  end(): void;
  /** Resets the connection abruptly. */
  destroy(): void;
}

/** A request as the peer received it. */
export interface PeerRequest {
  readonly method: string;
  readonly params: unknown;
  readonly id: unknown;
}

/** The script: called for every message received; do nothing to make the peer hang. */
export type PeerScript = (request: PeerRequest, conn: PeerConnection) => void;

/** A running misbehaving peer. */
export interface MisbehavingPeer {
  /** `unix:PATH` to connect to. */
  readonly remote: string;
  /** Every message received, in order. */
  readonly received: PeerRequest[];
  /** Number of connections accepted so far. */
  readonly connections: number;
  /** Called for each accepted connection (e.g. to send something first). */
  onConnect?: (conn: PeerConnection) => void;
  /** Closes every connection and the listener, and removes the socket's directory. */
  stop(): Promise<void>;
  /** `await using` support: {@link MisbehavingPeer.stop}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a misbehaving peer driven by `script`. */
export async function startMisbehavingPeer(script: PeerScript): Promise<MisbehavingPeer> {
  const dir = makeTempDir("ovn-ts-peer-");
  const path = join(dir, "peer.sock");
  const sockets = new Set<net.Socket>();
  const received: PeerRequest[] = [];
  let connections = 0;
  const peer: MisbehavingPeer = {
    remote: `unix:${path}`,
    received,
    get connections() {
      return connections;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      removeDir(dir);
    },
    [Symbol.asyncDispose]: () => peer.stop(),
  };
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    const conn: PeerConnection = {
      send: (d) => void socket.write(d),
      reply: (id, result) => void socket.write(JSON.stringify({ id, result, error: null })),
      replyError: (id, error) => void socket.write(JSON.stringify({ id, result: null, error })),
      sendTruncated: (text, bytes) => {
        socket.write(Buffer.from(text).subarray(0, bytes));
        socket.end();
      },
      end: () => void socket.end(),
      destroy: () => socket.destroy(),
    };
    peer.onConnect?.(conn);
    const framer = new JsonFramer();
    socket.on("data", (chunk: Buffer) => {
      let msgs: unknown[];
      try {
        msgs = framer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of msgs) {
        const o = m as { method?: unknown; params?: unknown; id?: unknown };
        const req: PeerRequest = { method: String(o.method), params: o.params, id: o.id };
        received.push(req);
        script(req, conn);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  return peer;
}
