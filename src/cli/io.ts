/**
 * Shared plumbing for the `ovn-ts` command-line tools: the streams a command writes to and the
 * usage-error type every command throws for bad arguments.
 *
 * @module
 */

/** The streams one CLI command uses; tests pass in-memory ones, `main.ts` passes the process's. */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /**
   * Writes bytes (UTF-8 text, possibly cut inside a character) to standard output, in order with
   * {@link CliIo.out}; when absent, {@link writeBytes} decodes them for `out`.
   */
  outBytes?(bytes: Uint8Array): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Reads all of standard input (for `-` arguments and transactions from stdin). */
  readStdin(): Promise<string>;
  /**
   * Aborted when a long-running command (`monitor`, `server`) should stop; `processIo()` aborts it
   * on SIGINT/SIGTERM.
   */
  signal?: AbortSignal;
  /** True when standard error is a terminal: long commands then show progress there. */
  progress?: boolean;
  /** True when standard output is a terminal (ovs-ofctl then prints port names without `--names`). */
  interactive?: boolean;
  /**
   * True once a write to standard output failed because its reader went away (`EPIPE`, e.g.
   * `ovn-ts ovsdb dump | head -1`). Later writes are dropped and {@link CliIo.signal} is aborted, so
   * long-running commands stop and clean up; `main` then reports it as the OVS tools do.
   */
  readonly stdoutFailed?: boolean;
  /** Resolves once everything written so far has reached standard output (or failed to). */
  flush?(): Promise<void>;
}

/**
 * Runs `work`, and while it lasts more than a second shows `LABEL... Ns` on standard error (only
 * when `io.progress` is set, i.e. stderr is a terminal), erased when it ends. For long dumps and big
 * transactions, so a person sees that something is happening; scripts see nothing.
 */
export async function withProgress<T>(io: CliIo, label: string, work: Promise<T>): Promise<T> {
  if (!io.progress) return work;
  const start = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    shown = true;
    io.err(`\r${label}... ${Math.round((Date.now() - start) / 1000)}s`);
  }, 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    if (shown) io.err("\r\x1b[K");
  }
}

/**
 * A writer of bytes to `io`'s standard output: {@link CliIo.outBytes} when it has it, else `out`
 * with the bytes decoded as UTF-8 (a character cut between two writes is decoded whole).
 */
export function bytesWriter(io: CliIo): (bytes: Uint8Array) => void {
  if (io.outBytes) return (b) => io.outBytes!(b);
  const decoder = new TextDecoder("utf-8");
  return (b) => io.out(decoder.decode(b, { stream: true }));
}

/** A CLI command: receives its arguments (after the subcommand name) and returns the exit status. */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * Thrown for bad command-line usage; `main` prints `ovn-ts: MESSAGE` and exits with status 1, as OVS
 * tools do, then the `hint` (a "did you mean" for a typo, see `suggest.ts`), if any, on a line of its own.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    /** A line for stderr after the message: what the user probably meant. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Thrown into {@link CliIo.signal} (its `reason`) when standard output was closed by its reader. */
export class StdoutClosedError extends Error {
  override readonly name = "StdoutClosedError";
  /** The system error code of the failed write (`EPIPE` for a closed pipe). */
  readonly code: string;
  constructor(code: string) {
    super(`write to stdout failed (${code})`);
    this.code = code;
  }
}

/**
 * The process-wide state of standard output: whether a write failed (`EPIPE`) and the writes still
 * in flight. One per process, since `process.stdout` is.
 */
const stdoutState = {
  failed: undefined as StdoutClosedError | undefined,
  pending: 0,
  waiters: [] as (() => void)[],
  listening: false,
  aborts: new Set<AbortController>(),
};

function stdoutFailed(e: unknown): void {
  if (stdoutState.failed) return;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? "EIO";
  stdoutState.failed = new StdoutClosedError(code);
  for (const ac of stdoutState.aborts) ac.abort(stdoutState.failed);
}

function watchStdio(): void {
  if (stdoutState.listening) return;
  stdoutState.listening = true;
  // Without these listeners a closed pipe is an unhandled 'error' event: a stack trace, and no
  // cleanup of what the command holds (temp dirs, servers).
  process.stdout.on("error", stdoutFailed);
  process.stderr.on("error", () => {
    // nowhere left to report it
  });
}

function writeStdout(text: string | Uint8Array): void {
  if (stdoutState.failed) return;
  stdoutState.pending++;
  try {
    process.stdout.write(text, (e) => {
      if (e) stdoutFailed(e);
      if (--stdoutState.pending === 0) for (const w of stdoutState.waiters.splice(0)) w();
    });
  } catch (e) {
    stdoutState.pending--;
    stdoutFailed(e);
  }
}

/** A {@link CliIo} bound to the current process's stdio. */
export function processIo(): CliIo {
  watchStdio();
  const ac = new AbortController();
  stdoutState.aborts.add(ac);
  if (stdoutState.failed) ac.abort(stdoutState.failed);
  let signals = false;
  return {
    // SIGINT/SIGTERM handlers are installed only when a long-running command asks for the signal,
    // so that short commands keep the default behaviour (exit at once).
    get signal() {
      if (!signals) {
        signals = true;
        process.once("SIGINT", () => ac.abort());
        process.once("SIGTERM", () => ac.abort());
      }
      return ac.signal;
    },
    get stdoutFailed() {
      return stdoutState.failed !== undefined;
    },
    flush: () =>
      new Promise<void>((resolve) => {
        if (stdoutState.pending === 0) resolve();
        else stdoutState.waiters.push(resolve);
      }),
    out: writeStdout,
    outBytes: writeStdout,
    err: (t) => void process.stderr.write(t),
    progress: process.stderr.isTTY === true,
    interactive: process.stdout.isTTY === true,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

/** A {@link CliIo} that records everything written, for tests and programmatic use. */
export function memoryIo(stdin = "", signal?: AbortSignal): CliIo & { stdout: string; stderr: string } {
  const io = {
    ...(signal ? { signal } : {}),
    stdout: "",
    stderr: "",
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    readStdin: async () => stdin,
  };
  return io;
}
