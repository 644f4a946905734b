/**
 * Remotes in OVS syntax (ovsdb-server(1) "--remote", ovsdb-client(1) "SERVER"): active
 * `tcp:IP:PORT`, `ssl:IP:PORT`, `unix:PATH`; passive `ptcp:PORT[:IP]`, `pssl:PORT[:IP]`,
 * `punix:PATH`; IPv6 addresses in brackets (`tcp:[::1]:6641`); a comma-separated list of remotes
 * for clustered databases. Also opens the byte stream for an active remote.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import { connectDirect } from "./direct-read.js";

/** An active remote: where a client connects. */
export type ActiveRemote =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "ssl"; readonly host: string; readonly port: number }
  | { readonly kind: "unix"; readonly path: string };

/** A passive remote: where a server listens. */
export type PassiveRemote =
  | { readonly kind: "ptcp"; readonly host: string; readonly port: number }
  | { readonly kind: "pssl"; readonly host: string; readonly port: number }
  | { readonly kind: "punix"; readonly path: string };

/** Raised for a remote string that is not valid OVS syntax; names the remote and the problem. */
export class RemoteSyntaxError extends Error {
  override readonly name = "RemoteSyntaxError";
}

/** TLS material, as `ovsdb-client --private-key/--certificate/--ca-cert` (PEM files or contents). */
export interface TlsOptions {
  /** Private key: a PEM file path or PEM text. */
  privateKey?: string;
  /** Certificate: a PEM file path or PEM text. */
  certificate?: string;
  /** CA certificate(s) to verify the peer: a PEM file path or PEM text. */
  caCert?: string;
  /**
   * Verify the server's certificate against `caCert`. OVS checks the chain but not the host name
   * (certificates made by `ovs-pki` name no host), and so does this library.
   * @default true
   */
  verify?: boolean;
}

/** Default port for `tcp:`/`ssl:` remotes without a port (IANA-assigned OVSDB port). */
export const DEFAULT_OVSDB_PORT = 6640;

function parseHostPort(rest: string, remote: string, hostFirst: boolean): { host: string; port: number } {
  // Active: IP:PORT (port optional); passive: PORT[:IP].
  let host: string;
  let portText: string | undefined;
  if (hostFirst) {
    if (rest.startsWith("[")) {
      const close = rest.indexOf("]");
      if (close < 0) throw new RemoteSyntaxError(`${remote}: unterminated '[' in IPv6 address`);
      host = rest.slice(1, close);
      const after = rest.slice(close + 1);
      if (after !== "" && !after.startsWith(":")) throw new RemoteSyntaxError(`${remote}: expected ':' after ']'`);
      portText = after === "" ? undefined : after.slice(1);
    } else {
      const colon = rest.lastIndexOf(":");
      if (colon < 0) {
        host = rest;
        portText = undefined;
      } else {
        host = rest.slice(0, colon);
        portText = rest.slice(colon + 1);
      }
    }
    if (host === "") throw new RemoteSyntaxError(`${remote}: missing host`);
  } else {
    const colon = rest.indexOf(":");
    portText = colon < 0 ? rest : rest.slice(0, colon);
    host = colon < 0 ? "0.0.0.0" : rest.slice(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
    if (portText === "") portText = "0";
  }
  if (net.isIP(host) === 0 && host !== "localhost") throw new RemoteSyntaxError(`${remote}: '${host}' is not an IP address`);
  const port = portText === undefined || portText === "" ? DEFAULT_OVSDB_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RemoteSyntaxError(`${remote}: '${portText}' is not a valid port`);
  return { host, port };
}

/** Parses one active remote (`tcp:`, `ssl:`, `unix:`); throws {@link RemoteSyntaxError}. */
export function parseActiveRemote(remote: string): ActiveRemote {
  const colon = remote.indexOf(":");
  const method = colon < 0 ? remote : remote.slice(0, colon);
  const rest = colon < 0 ? "" : remote.slice(colon + 1);
  switch (method) {
    case "tcp":
    case "ssl":
      return { kind: method, ...parseHostPort(rest, remote, true) };
    case "unix":
      if (rest === "") throw new RemoteSyntaxError(`${remote}: missing socket path`);
      return { kind: "unix", path: rest };
    default:
      throw new RemoteSyntaxError(`${remote}: unknown connection method '${method}' (expected tcp:, ssl: or unix:)`);
  }
}

/** Parses one passive remote (`ptcp:`, `pssl:`, `punix:`); throws {@link RemoteSyntaxError}. */
export function parsePassiveRemote(remote: string): PassiveRemote {
  const colon = remote.indexOf(":");
  const method = colon < 0 ? remote : remote.slice(0, colon);
  const rest = colon < 0 ? "" : remote.slice(colon + 1);
  switch (method) {
    case "ptcp":
    case "pssl":
      return { kind: method, ...parseHostPort(rest, remote, false) };
    case "punix":
      if (rest === "") throw new RemoteSyntaxError(`${remote}: missing socket path`);
      return { kind: "punix", path: rest };
    default:
      throw new RemoteSyntaxError(`${remote}: unknown listening method '${method}' (expected ptcp:, pssl: or punix:)`);
  }
}

/** Splits a comma-separated list of active remotes (`tcp:A:6641,tcp:B:6641`) and parses each. */
export function parseRemoteList(remotes: string): ActiveRemote[] {
  const parts = remotes.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) throw new RemoteSyntaxError(`'${remotes}': no remote given`);
  return parts.map(parseActiveRemote);
}

/** Formats a remote back to OVS syntax. */
export function formatRemote(r: ActiveRemote | PassiveRemote): string {
  const host = (h: string) => (net.isIPv6(h) ? `[${h}]` : h);
  switch (r.kind) {
    case "tcp":
    case "ssl":
      return `${r.kind}:${host(r.host)}:${r.port}`;
    case "ptcp":
    case "pssl":
      return `${r.kind}:${r.port}:${host(r.host)}`;
    case "unix":
    case "punix":
      return `${r.kind}:${r.path}`;
  }
}

/** Reads PEM text: the argument itself when it already is PEM, else the file it names. */
export function readPem(fileOrPem: string): string {
  return fileOrPem.includes("-----BEGIN ") ? fileOrPem : readFileSync(fileOrPem, "utf8");
}

/** Options for {@link connectRemote}. */
export interface ConnectOptions {
  /** TLS material for `ssl:` remotes. */
  tls?: TlsOptions;
  /**
   * Give up connecting after this many milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Open `unix:` and `tcp:` remotes for direct reads (see `wire/direct-read.ts`): the socket emits
   * no `data` events and its reads go to the `JsonRpcSession` it is given to, which saves the
   * readable-stream machinery on every reply. Leave it off to read the stream yourself.
   * @default false
   */
  directRead?: boolean;
}

/** Raised when a connection cannot be established; names the remote and the cause. */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
  /** The remote, in OVS syntax. */
  readonly remote: string;
  override readonly cause: unknown;
  constructor(remote: string, message: string, cause?: unknown) {
    super(`${remote}: ${message}`);
    this.remote = remote;
    this.cause = cause;
  }
}

/** Opens the byte stream for an active remote; resolves once connected (TLS: after the handshake). */
export function connectRemote(remote: ActiveRemote, options: ConnectOptions = {}): Promise<Duplex> {
  const name = formatRemote(remote);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    let ready = "connect";
    try {
      if (remote.kind === "unix") {
        socket = options.directRead === true ? connectDirect({ path: remote.path }) : net.connect({ path: remote.path });
      } else if (remote.kind === "tcp") {
        const to = { host: remote.host, port: remote.port };
        socket = options.directRead === true ? connectDirect(to) : net.connect(to);
      } else {
        const t = options.tls ?? {};
        if (!t.caCert && t.verify !== false) {
          reject(new ConnectError(name, "ssl: remotes need a CA certificate (--ca-cert) to verify the server"));
          return;
        }
        ready = "secureConnect";
        // node:tls (and the crypto it loads) only for ssl: remotes: a CLI on a unix socket starts faster without it
        const tls = createRequire(import.meta.url)("node:tls") as typeof import("node:tls");
        socket = tls.connect({
          host: remote.host,
          port: remote.port,
          ...(t.privateKey ? { key: readPem(t.privateKey) } : {}),
          ...(t.certificate ? { cert: readPem(t.certificate) } : {}),
          ...(t.caCert ? { ca: readPem(t.caCert) } : {}),
          rejectUnauthorized: t.verify !== false,
          // Like OVS: verify the chain, not the host name (ovs-pki certificates carry no host name).
          checkServerIdentity: () => undefined,
        });
      }
    } catch (e) {
      reject(new ConnectError(name, (e as Error).message, e));
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectError(name, `connection timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.setNoDelay?.(true);
      resolve(socket);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const what =
        e.code === "ENOENT"
          ? "no such socket file"
          : e.code === "ECONNREFUSED"
            ? "connection refused"
            : e.code && /CERT|SELF_SIGNED|SIGNATURE|UNABLE_TO_VERIFY|UNABLE_TO_GET/.test(e.code)
              ? `TLS certificate verification failed (${e.code}): ${e.message}`
              : e.message;
      reject(new ConnectError(name, what, e));
    });
  });
}
