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

/** Subcommand name → loader of its implementation and a one-line summary. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  ovsdb: { summary: "OVSDB client, mirrors ovsdb-client", load: async () => (await import("./ovsdb.js")).ovsdbCommand },
  geneve: { summary: "encode/decode Geneve frames and pcaps", load: async () => (await import("../geneve/cli.js")).geneveCommand },
  ofctl: { summary: "OpenFlow tool, mirrors ovs-ofctl", load: async () => (await import("./ofctl.js")).ofctlCommand },
  codegen: { summary: "generate typed TypeScript models from .ovsschema", load: async () => (await import("./codegen.js")).codegenCommand },
  server: { summary: "embedded OVSDB server, mirrors ovsdb-server", load: async () => (await import("./server.js")).serverCommand },
  nbctl: { summary: "OVN northbound tool, mirrors ovn-nbctl", load: async () => (await import("./nbctl.js")).nbctlCommand },
  trace: { summary: "trace a packet from a port, as kubectl ko trace", load: async () => (await import("./trace.js")).traceCommand },
  demo: { summary: "the main job: a small Kube-OVN-style topology", load: async () => (await import("./demo.js")).demoCommand },
};

/** Top-level usage text. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: ovn-ts COMMAND [ARG...]\n\nCommands:\n${lines.join("\n")}\n\nRun 'ovn-ts COMMAND --help' for a command's options.\n`;
}

/** Runs the CLI with `argv` (without node and script path); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.out("ovn-ts 0.1.0\n");
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`ovn-ts: unknown command '${name}'; use --help for help\n`);
    return 1;
  }
  try {
    return await (await entry.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ovn-ts ${name}: ${e.message}\n`);
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
