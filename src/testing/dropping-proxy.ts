/**
 * A JSON-RPC proxy that drops connections on cue, for testing how clients survive failures at
 * chosen moments: it forwards byte streams between clients and a real server (embedded or
 * `ovsdb-server`), watches the client's requests, and cuts both sides of a connection when a rule
 * matches (e.g. "the second `lock`"), or refuses every connection while the server is "down".
 *
 * @module
 */
import net from "node:net";
import { join } from "node:path";
import { JsonFramer } from "../ovsdb/wire/framer.js";
import { makeTempDir, removeDir } from "./process.js";

/** A request the proxy saw on its way to the server. */
export interface ProxiedRequest {
  /** The JSON-RPC method. */
  readonly method: string;
  /** Number of the connection it came on (1 for the first connection the proxy accepted). */
  readonly connection: number;
}

/** Decides, for each client request, whether to cut the connection instead of forwarding it. */
export type DropRule = (request: ProxiedRequest) => boolean;

/** A running dropping proxy. */
export interface DroppingProxy {
  /** `unix:PATH` clients connect to. */
  readonly remote: string;
  /** Where connections are forwarded (`unix:PATH`); change it to point at a restarted server. */
  target: string;
  /** The rule applied to each request; unset forwards everything. */
  dropWhen: DropRule | undefined;
  /** Every request seen, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** Connections accepted so far (refused ones included). */
  readonly connections: number;
  /** Cuts every open connection now. */
  dropAll(): void;
  /** Stops listening (connects fail as if nothing listened there: the server looks gone); open connections stay. */
  goDown(): Promise<void>;
  /** Listens again after {@link DroppingProxy.goDown}. */
  comeUp(): Promise<void>;
  /** Closes every connection and the listener, and removes the socket's directory. */
  stop(): Promise<void>;
  /** `await using` support: {@link DroppingProxy.stop}. */
  [Symbol.asyncDispose](): Promise<void>;
}

function unixPath(remote: string): string {
  if (!remote.startsWith("unix:")) throw new Error(`dropping proxy: only unix: targets are supported, not ${remote}`);
  return remote.slice("unix:".length);
}

/** Starts a proxy in front of `target` (`unix:PATH`). */
export async function startDroppingProxy(target: string, dropWhen?: DropRule): Promise<DroppingProxy> {
  unixPath(target);
  const dir = makeTempDir("ovn-ts-proxy-");
  const path = join(dir, "proxy.sock");
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  const requests: ProxiedRequest[] = [];
  let connections = 0;
  const cut = (p: { client: net.Socket; server: net.Socket }) => {
    p.client.destroy();
    p.server.destroy();
    pairs.delete(p);
  };
  const proxy: DroppingProxy = {
    remote: `unix:${path}`,
    target,
    dropWhen,
    requests,
    goDown: async () => {
      // close() stops accepting at once; its callback would wait for the open connections too.
      listener.close();
    },
    comeUp: () => listen(),
    get connections() {
      return connections;
    },
    dropAll: () => {
      for (const p of [...pairs]) cut(p);
    },
    stop: async () => {
      proxy.dropAll();
      if (listener.listening) await proxy.goDown();
      removeDir(dir);
    },
    [Symbol.asyncDispose]: () => proxy.stop(),
  };
  const listener = net.createServer((client) => {
    const n = ++connections;
    client.on("error", () => undefined);
    const server = net.connect(unixPath(proxy.target));
    server.on("error", () => undefined);
    const pair = { client, server };
    pairs.add(pair);
    client.on("close", () => cut(pair));
    server.on("close", () => cut(pair));
    server.pipe(client);
    const framer = new JsonFramer();
    client.on("data", (chunk: Buffer) => {
      let msgs: unknown[];
      try {
        msgs = framer.push(chunk);
      } catch {
        cut(pair);
        return;
      }
      for (const m of msgs) {
        const o = m as { method?: unknown };
        if (typeof o.method !== "string") continue;
        const req: ProxiedRequest = { method: o.method, connection: n };
        requests.push(req);
        if (proxy.dropWhen?.(req)) {
          cut(pair);
          return;
        }
      }
      server.write(chunk);
    });
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(path, () => {
        listener.off("error", reject);
        resolve();
      });
    });
  await listen();
  return proxy;
}
