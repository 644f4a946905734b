/**
 * `ovn-ts exporter --once` prints the metrics and exits, also when NB and SB are one server (the
 * embedded server serving both): the two sources used to open one connection each to the same
 * remote, the map kept only one, and the other kept the process alive for good.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedServerSandbox, startEmbeddedServer } from "../../src/testing/index.js";

const VITE_NODE = fileURLToPath(new URL("../../node_modules/.bin/vite-node", import.meta.url));
const RUN_CLI = fileURLToPath(new URL("./run-cli.ts", import.meta.url));

describe("ovn-ts exporter --once", () => {
  let server: EmbeddedServerSandbox;
  beforeAll(async () => {
    server = await startEmbeddedServer({ schemas: ["OVN_Northbound", "OVN_Southbound"] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("exits 0 after printing, with NB and SB on the same remote", async () => {
    const child = spawn(VITE_NODE, [RUN_CLI, "--", "exporter", "--once", "--nb", server.unix, "--sb", server.unix], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null | "hung">((resolve) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("hung");
      }, 60_000);
      child.on("exit", (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    expect(code, err).toBe(0);
    expect(out).toMatch(/^ovn_ts_exporter_source_up\{[^}]*source="nb"[^}]*\} 1$/m);
  }, 90_000);
});
