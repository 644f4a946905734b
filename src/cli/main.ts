#!/usr/bin/env node
/**
 * The `ovn-ts` command: one binary whose subcommands mirror the OVS/OVN tools
 * (`ovsdb` ≈ `ovsdb-client`, `nbctl` ≈ `ovn-nbctl`, `ofctl` ≈ `ovs-ofctl`) plus the SDK's own tools.
 *
 * Each subcommand lives in its own module and is loaded on demand, so `ovn-ts geneve` does not load OVSDB code.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { realpathSync } from "node:fs";
import { type CliCommand, type CliIo, UsageError, processIo } from "./io.js";
import { closest } from "./suggest.js";

/** Subcommand name → loader of its implementation and a one-line summary. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  ovsdb: { summary: "OVSDB client, mirrors ovsdb-client", load: async () => (await import("./ovsdb.js")).ovsdbCommand },
  geneve: { summary: "encode/decode Geneve frames and pcaps (no OVS counterpart; tshark reads the pcaps)", load: async () => (await import("./geneve.js")).geneveCommand },
  ofctl: { summary: "OpenFlow tool, mirrors ovs-ofctl", load: async () => (await import("./ofctl.js")).ofctlCommand },
  codegen: { summary: "generate typed TypeScript models from .ovsschema, as ovsdb-idlc does for C", load: async () => (await import("./codegen.js")).codegenCommand },
  server: { summary: "embedded OVSDB server, mirrors ovsdb-server", load: async () => (await import("./server.js")).serverCommand },
  nbctl: { summary: "OVN northbound tool, mirrors ovn-nbctl", load: async () => (await import("./nbctl.js")).nbctlCommand },
  trace: { summary: "trace a packet from a port through ovn-trace, as kubectl ko trace", load: async () => (await import("./trace.js")).traceCommand },
  appctl: { summary: "talk to a daemon's control socket, mirrors ovs-appctl", load: async () => (await import("./appctl.js")).appctlCommand },
  exporter: { summary: "Prometheus exporter with Kube-OVN's metric names, as kube-ovn-monitor and kube-ovn-pinger", load: async () => (await import("./exporter.js")).exporterCommand },
  apply: { summary: "apply Kube-OVN Vpc/Subnet/Namespace/Pod manifests to the NB database (no OVS counterpart; follows kubectl apply)", load: async () => (await import("./apply.js")).applyCommand },
  diff: { summary: "show what 'apply' would change (no OVS counterpart; follows kubectl diff)", load: async () => (await import("./apply.js")).diffCommand },
  demo: { summary: "a small Kube-OVN-style topology on the embedded server (no OVS counterpart)", load: async () => (await import("./demo.js")).demoCommand },
};

/**
 * What a subcommand does when its standard output is closed early (`| head -1`), as the tool it
 * mirrors does. ovn-nbctl never checks its writes, so it keeps its exit status and says nothing
 * (`silent`); ovsdb-server writes nothing to stdout, so the server keeps serving (`silent`);
 * ovs-appctl does not ignore SIGPIPE and dies of it, which a shell reports as status 141, silently
 * (`sigpipe`). Every other subcommand does what ovsdb-client and ovs-ofctl do: `write to stdout
 * failed` on stderr, status 1 (and a long-running one stops: its {@link CliIo.signal} is aborted).
 * None prints a stack trace.
 */
const CLOSED_STDOUT: Readonly<Record<string, "silent" | "sigpipe">> = { nbctl: "silent", server: "silent", appctl: "sigpipe" };

/** The status a shell reports for a process killed by SIGPIPE (128 + 13). */
const SIGPIPE_STATUS = 141;

/**
 * After a command ran: reports a standard output closed by its reader as the mirrored OVS tool
 * does (see {@link CLOSED_STDOUT}); otherwise returns `code`.
 */
async function finish(name: string, io: CliIo, code: number): Promise<number> {
  await io.flush?.();
  if (!io.stdoutFailed) return code;
  const how = CLOSED_STDOUT[name];
  if (how === "silent") return code;
  if (how === "sigpipe") return SIGPIPE_STATUS;
  io.err(`ovn-ts${name ? ` ${name}` : ""}: write to stdout failed\n`);
  return 1;
}

/** Top-level usage text. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: ovn-ts COMMAND [ARG...]\n\nCommands (each says which OVS/OVN tool it mirrors: same arguments, output and exit status):\n${lines.join("\n")}\n\nRun 'ovn-ts COMMAND --help' for a command's options.\n`;
}

/** Runs the CLI with `argv` (without node and script path); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return finish("", io, name === undefined ? 1 : 0);
  }
  if (name === "--version" || name === "-V") {
    io.out("ovn-ts 0.1.0\n");
    return finish("", io, 0);
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`ovn-ts: unknown command '${name}'; use --help for help\n`);
    const near = closest(name, Object.keys(COMMANDS));
    if (near) io.err(`ovn-ts: did you mean '${near}'?\n`);
    return finish("", io, 1);
  }
  try {
    return await finish(name, io, await (await entry.load())(rest, io));
  } catch (e) {
    await io.flush?.();
    // a command stopped by its closed stdout (an aborted wait, a failed write) is reported as such
    if (io.stdoutFailed) return finish(name, io, 1);
    if (e instanceof UsageError) {
      io.err(`ovn-ts ${name}: ${e.message}\n`);
      if (e.hint) io.err(`ovn-ts ${name}: ${e.hint}\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`ovn-ts ${name}: ${msg}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ovn-ts: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
