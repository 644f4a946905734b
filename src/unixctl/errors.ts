/**
 * Errors of the unixctl client: one class per kind, each carrying the data a caller needs
 * (socket path, command, the daemon's own text) rather than English to parse.
 *
 * @module
 */
import { ConnectionClosedError, RequestTimeoutError } from "../rpc/errors.js";

/** C `strerror()` texts for the errno codes a unix-socket connect can fail with (as `ovs-appctl` prints them). */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  ECONNREFUSED: "Connection refused",
  EACCES: "Permission denied",
  ENOTSOCK: "Socket operation on non-socket",
  ENOTDIR: "Not a directory",
  ECONNRESET: "Connection reset by peer",
  EPIPE: "Broken pipe",
  ESRCH: "No such process",
  EINVAL: "Invalid argument",
  ETIMEDOUT: "Connection timed out",
  ENAMETOOLONG: "File name too long",
  EPROTO: "Protocol error",
};

/** The C library's text for an errno code name (`ENOENT` → `No such file or directory`), or the code itself. */
export function strerror(code: string): string {
  return STRERROR[code] ?? code;
}

/** Raised when a daemon's control socket cannot be connected to (dead daemon, wrong path, no permission). */
export class UnixctlConnectError extends Error {
  override readonly name = "UnixctlConnectError";
  /** The socket path tried. */
  readonly path: string;
  /** The errno code name, e.g. `ENOENT` or `ECONNREFUSED`. */
  readonly code: string;
  constructor(path: string, code: string) {
    super(`cannot connect to "${path}" (${strerror(code)})`);
    this.path = path;
    this.code = code;
  }
}

/**
 * Raised when a `-t NAME` target cannot be resolved: its pidfile `RUNDIR/NAME.pid` is missing,
 * unreadable, malformed, or names a process that is not running (as `ovs-appctl`'s `read_pidfile`).
 */
export class UnixctlPidfileError extends Error {
  override readonly name = "UnixctlPidfileError";
  /** The pidfile path. */
  readonly pidfile: string;
  /** The errno code name (`ENOENT`; `ESRCH` for a stale or malformed pidfile, as OVS). */
  readonly code: string;
  constructor(pidfile: string, code: string) {
    super(`cannot read pidfile "${pidfile}" (${strerror(code)})`);
    this.pidfile = pidfile;
    this.code = code;
  }
}

/** The daemon answered the command with an error (the reply's `error` string, as `ovs-appctl` prints it before exiting 2). */
export class UnixctlCommandError extends Error {
  override readonly name: string = "UnixctlCommandError";
  /** The command sent, e.g. `cluster/status`. */
  readonly command: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** The daemon's error text, verbatim (usually ends with a newline). */
  readonly text: string;
  constructor(command: string, args: readonly string[], text: string) {
    super(`${command}: ${text.trimEnd()}`);
    this.command = command;
    this.args = args;
    this.text = text;
  }
}

/** The daemon does not know the command (`"X" is not a valid command ...`); a {@link UnixctlCommandError}. */
export class UnixctlUnknownCommandError extends UnixctlCommandError {
  override readonly name = "UnixctlUnknownCommandError";
}

/** No reply within the call's timeout: the shared {@link RequestTimeoutError}, with the socket and command. */
export class UnixctlTimeoutError extends RequestTimeoutError {
  override readonly name = "UnixctlTimeoutError";
  /** The socket path. */
  readonly path: string;
  /** The command that timed out. */
  readonly command: string;
  constructor(path: string, command: string, timeoutMs: number) {
    super(command, timeoutMs);
    this.message = `${path}: no reply to ${command} within ${timeoutMs} ms`;
    this.path = path;
    this.command = command;
  }
}

/** The connection closed (or was reset) before the reply arrived: the shared {@link ConnectionClosedError}, with the socket. */
export class UnixctlClosedError extends ConnectionClosedError {
  override readonly name = "UnixctlClosedError";
  /** The socket path. */
  readonly path: string;
  /** The errno code name when the socket failed (`ECONNRESET`, `EPIPE`), else undefined for an orderly close. */
  readonly code: string | undefined;
  constructor(path: string, code: string | undefined) {
    super(`${path}: connection closed before the reply${code ? ` (${strerror(code)})` : ""}`);
    this.path = path;
    this.code = code;
  }
}

/** The peer sent something that is not a unixctl reply: bytes that do not frame as JSON, or a reply whose result/error is not a string. */
export class UnixctlProtocolError extends Error {
  override readonly name = "UnixctlProtocolError";
  /** The socket path. */
  readonly path: string;
  /** What was wrong. */
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** A command's output did not have the shape its parser expects; names the command, line and why. */
export class UnixctlParseError extends Error {
  override readonly name = "UnixctlParseError";
  /** The command whose output was parsed. */
  readonly command: string;
  /** 1-based line number in the output (0 when the output as a whole is wrong). */
  readonly line: number;
  /** What was wrong. */
  readonly reason: string;
  constructor(command: string, line: number, reason: string) {
    super(`${command} output, line ${line}: ${reason}`);
    this.command = command;
    this.line = line;
    this.reason = reason;
  }
}
