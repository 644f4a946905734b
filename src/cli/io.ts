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

/** A CLI command: receives its arguments (after the subcommand name) and returns the exit status. */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Thrown for bad command-line usage; `main` prints `ovn-ts: MESSAGE` and exits with status 1, as OVS tools do. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A {@link CliIo} bound to the current process's stdio. */
export function processIo(): CliIo {
  let ac: AbortController | undefined;
  return {
    // Installed only when a long-running command asks for it, so that short commands keep the
    // default behaviour of SIGINT/SIGTERM (exit at once).
    get signal() {
      if (!ac) {
        const c = new AbortController();
        ac = c;
        process.once("SIGINT", () => c.abort());
        process.once("SIGTERM", () => c.abort());
      }
      return ac.signal;
    },
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    progress: process.stderr.isTTY === true,
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
