/**
 * Test helpers shared by the ovsdb-client differential tests: a fresh server of either kind (a real
 * ovsdb-server or the embedded server on a unix socket) and one command run with either tool
 * (ovsdb-client, or `ovn-ts ovsdb` in-process), with the program name and remote normalized.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { readSchemaFile } from "../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../src/ovsdb/server/index.js";
import { startOvsdbServer } from "../../src/testing/ovsdb-server.js";
import { run } from "../../src/testing/process.js";

/** The client under comparison. */
export type Tool = "ovsdb-client" | "ovn-ts";
/** The server under comparison. */
export type Kind = "ovsdb-server" | "embedded";

/** A started server. */
export interface Served {
  remote: string;
  stop(): Promise<void>;
}

/** UUIDs in text. */
export const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

let sockets = 0;

/** Starts a server of `kind` serving `schemaFile`; the embedded one listens on a socket in `dir`. */
export async function serve(kind: Kind, dir: string, schemaFile: string): Promise<Served> {
  if (kind === "ovsdb-server") {
    const s = await startOvsdbServer({ schemas: [schemaFile] });
    return { remote: s.unix, stop: () => s.stop() };
  }
  const server = new OvsdbServer({ historyTxns: 0 });
  server.addDatabase(readSchemaFile(schemaFile));
  const l = await server.listen(`punix:${join(dir, `embedded-${process.pid}-${++sockets}.sock`)}`);
  return { remote: l.connect, stop: () => server.close() };
}

/** What one command printed and returned. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one ovsdb-client-style command with either tool. Standard input, when given, is a file for
 * ovsdb-client (its `restore` seeks in it; `dir` holds the file). The remote becomes `REMOTE` and
 * the program name `PROG` in stderr; ovsdb-client's INFO log lines are dropped.
 */
export async function tool(t: Tool, args: string[], remote: string, dir: string, stdin?: string): Promise<ToolResult> {
  let code: number;
  let stdout: string;
  let stderr: string;
  if (t === "ovsdb-client") {
    const input = join(dir, `stdin-${process.pid}-${++sockets}`);
    writeFileSync(input, stdin ?? "");
    ({ code, stdout, stderr } = await run("sh", ["-c", 'f=$1; shift; exec ovsdb-client "$@" < "$f"', "sh", input, ...args], { allowFailure: true }));
    stderr = stderr.replace(/^\d{4}-\d\d-\d\dT[^|]*\|\d+\|ovsdb_client\|INFO\|.*\n/gm, "");
  } else {
    const io = memoryIo(stdin ?? "");
    code = await main(["ovsdb", ...args], io);
    ({ stdout, stderr } = io);
  }
  return { code, stdout, stderr: stderr.replaceAll(remote, "REMOTE").replace(/^(ovsdb-client|ovn-ts ovsdb): /gm, "PROG: ") };
}
