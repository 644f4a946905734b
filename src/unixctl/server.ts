/**
 * The unixctl server: the daemon side of the control-socket protocol `ovs-appctl` speaks (OVS
 * `lib/unixctl.c`), so a long-running `ovn-ts` process answers `ovs-appctl -t SOCKET COMMAND ARG...`
 * as an OVS daemon does. Requests are JSON-RPC 1.0 `{"method", "params": [string...], "id"}` in the
 * OVSDB framing; each reply carries a string `result` or a string `error`, ending with a newline
 * when not empty. Every server answers the built-in `list-commands` and `version`; the wording of
 * the protocol errors (unknown command, argument counts, non-string argument) is OVS's.
 *
 * @module
 */
import { rmSync } from "node:fs";
import net from "node:net";
import { JsonFramer } from "../ovsdb/wire/framer.js";
import { encodeError, encodeResult, parseMessage } from "../ovsdb/wire/jsonrpc.js";
import { UnixctlCommandError } from "./errors.js";

/**
 * One command a {@link UnixctlServer} answers. `run` gets the arguments (without the command name)
 * and returns the reply text (`undefined` for an empty reply); to reply with an error it throws
 * {@link UnixctlCommandError} (its `text` is sent). Any other exception is also sent as an error
 * reply (its message), never fatal to the server.
 */
export interface UnixctlCommand {
  /** Argument synopsis shown by `list-commands` (OVS's `usage`); `undefined` hides the command. */
  readonly usage: string | undefined;
  /** Fewest arguments accepted. */
  readonly minArgs: number;
  /** Most arguments accepted. */
  readonly maxArgs: number;
  /** Runs the command. */
  readonly run: (args: readonly string[]) => string | undefined | Promise<string | undefined>;
}

/** Options of {@link UnixctlServer.listen}. */
export interface UnixctlServerOptions {
  /**
   * The text `version` answers (OVS: `ovs_get_program_version()`, e.g. `ovsdb-client (Open vSwitch) 3.1.0`).
   * @default "ovn-ts"
   */
  version?: string;
  /**
   * Largest accepted request in bytes.
   * @default 1 MiB
   */
  maxRequestBytes?: number;
  /** Told of each connection accepted. */
  onConnection?: (() => void) | undefined;
  /** Told of each request received (before it runs), as OVS counts `unixctl_received`. */
  onRequest?: (() => void) | undefined;
  /** Told of each reply written (success or error), as OVS counts `unixctl_replied`. */
  onReply?: (() => void) | undefined;
}

/** OVS's reply body: empty stays empty, anything else ends with exactly one added newline if it has none. */
function replyText(text: string | undefined): string {
  const t = text ?? "";
  return t !== "" && !t.endsWith("\n") ? `${t}\n` : t;
}

/**
 * A control socket answering registered commands. Requests on one connection are answered one at a
 * time, in order (as OVS: a connection has at most one request in progress).
 */
export class UnixctlServer {
  /** The socket path listened on. */
  readonly path: string;
  private readonly server: net.Server;
  private readonly commands = new Map<string, UnixctlCommand>();
  /** Each open connection and the chain of its requests being answered. */
  private readonly sockets = new Map<net.Socket, Promise<void>>();
  private readonly maxRequestBytes: number;
  private closed = false;
  private readonly onRequest: (() => void) | undefined;
  private readonly onReply: (() => void) | undefined;

  private constructor(path: string, server: net.Server, options: UnixctlServerOptions) {
    this.path = path;
    this.server = server;
    this.onRequest = options.onRequest;
    this.onReply = options.onReply;
    this.maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
    const version = options.version ?? "ovn-ts";
    this.register("list-commands", { usage: "", minArgs: 0, maxArgs: 0, run: () => this.listCommands() });
    this.register("version", { usage: "", minArgs: 0, maxArgs: 0, run: () => version });
    const onConnection = options.onConnection;
    server.on("connection", (socket) => {
      onConnection?.();
      this.serve(socket);
    });
  }

  /**
   * Listens on the unix socket `path` (a stale socket file there is replaced, as OVS's
   * `pstream_open` does). Rejects with the listen error (`EADDRINUSE`, `EACCES`, ...).
   */
  static listen(path: string, options: UnixctlServerOptions = {}): Promise<UnixctlServer> {
    return new Promise((resolve, reject) => {
      rmSync(path, { force: true });
      const server = net.createServer();
      server.once("error", reject);
      server.listen(path, () => {
        server.removeListener("error", reject);
        server.on("error", () => undefined); // after listening: per-connection errors are handled per socket
        resolve(new UnixctlServer(path, server, options));
      });
    });
  }

  /**
   * Adds (or replaces) a command. OVS keeps the first registration of a name; here a later one
   * replaces it, so a process can rebind a command to a new state.
   */
  register(name: string, command: UnixctlCommand): void {
    this.commands.set(name, command);
  }

  /**
   * Stops listening, lets the requests already received be answered (so an `exit` command's reply
   * reaches `ovs-appctl`), then closes every connection and removes the socket file.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.sockets.values());
    for (const s of this.sockets.keys()) s.end();
    for (const s of this.sockets.keys()) s.destroy();
    await listening;
    rmSync(this.path, { force: true });
  }

  private listCommands(): string {
    let out = "The available commands are:\n";
    for (const name of [...this.commands.keys()].sort()) {
      const c = this.commands.get(name)!;
      if (c.usage !== undefined) out += `  ${name.padEnd(23)} ${c.usage}\n`;
    }
    return out;
  }

  private serve(socket: net.Socket): void {
    this.sockets.set(socket, Promise.resolve());
    const framer = new JsonFramer({ maxMessageBytes: this.maxRequestBytes });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("data", (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = framer.push(chunk);
      } catch {
        socket.destroy(); // OVS drops a connection that sends what does not frame as JSON
        return;
      }
      if (this.closed) return;
      for (const m of messages) this.sockets.set(socket, (this.sockets.get(socket) ?? Promise.resolve()).then(() => this.answer(socket, m)));
    });
  }

  private async answer(socket: net.Socket, raw: unknown): Promise<void> {
    let msg;
    try {
      msg = parseMessage(raw);
    } catch {
      socket.destroy();
      return;
    }
    if (msg.kind !== "request") {
      // OVS: "received unexpected ... message", connection dropped
      socket.destroy();
      return;
    }
    this.onRequest?.();
    const reply = await this.run(msg.method, msg.params);
    if (socket.destroyed) return;
    socket.write(reply.ok ? encodeResult(msg.id, replyText(reply.text)) : encodeError(msg.id, replyText(reply.text)));
    this.onReply?.();
  }

  private async run(method: string, params: readonly unknown[]): Promise<{ ok: boolean; text: string }> {
    const c = this.commands.get(method);
    if (!c) return { ok: false, text: `"${method}" is not a valid command (use "list-commands" to see a list of valid commands)` };
    if (params.length < c.minArgs) return { ok: false, text: `"${method}" command requires at least ${c.minArgs} arguments` };
    if (params.length > c.maxArgs) return { ok: false, text: `"${method}" command takes at most ${c.maxArgs} arguments` };
    if (params.some((p) => typeof p !== "string")) return { ok: false, text: `"${method}" command has non-string argument` };
    try {
      return { ok: true, text: (await c.run(params as string[])) ?? "" };
    } catch (e) {
      if (e instanceof UnixctlCommandError) return { ok: false, text: e.text };
      return { ok: false, text: e instanceof Error ? e.message : String(e) };
    }
  }
}
