/**
 * `ovn-ts apply --watch` as its own process against a real NB ovsdb-server: the first pass
 * applies the files; an edited file is applied (debounced) with the same per-object lines; a row
 * deleted behind its back by ovn-nbctl is restored (a replica event through the work queue), while
 * its own writes cause no extra pass; invalid input is reported and nothing written, the watch
 * goes on; SIGINT ends it with status 0.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type Backend, nbctl, startBackend } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";

const VITE_NODE = fileURLToPath(new URL("../../node_modules/.bin/vite-node", import.meta.url));
const RUN_CLI = fileURLToPath(new URL("./run-cli.ts", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../model/fixtures/", import.meta.url));

/** Polls `check` every 50 ms until it returns true; fails after `ms` with `what`. */
async function until(what: () => string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("ovn-ts apply --watch", () => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it("applies, follows a file edit, restores a row deleted by ovn-nbctl, reports bad input, and exits 0 on SIGINT", { timeout: 120_000 }, async () => {
    backend = await startBackend("ovsdb-server");
    const db = backend.unix;
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-watch-"));
    writeFileSync(join(dir, "a-base.yaml"), readFileSync(join(FIXTURES, "base.yaml")));
    const pods = readFileSync(join(FIXTURES, "pods.yaml"), "utf8");
    writeFileSync(join(dir, "b-pods.yaml"), pods);

    const child = spawn(VITE_NODE, [RUN_CLI, "--", "apply", "--watch", `--db=${db}`, "-f", dir], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on("close", (code, signal) => res({ code, signal })));
    const killer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    try {
      const seen = () => `stdout: ${out}\nstderr: ${err}`;
      const passes = () => out.match(/^\d+ created, \d+ configured, \d+ unchanged, \d+ deleted$/gm) ?? [];

      // 1. The first pass: as `ovn-ts apply`.
      await until(seen, () => passes().length === 1);
      expect(out).toBe(
        ["vpc/ovn-cluster created", "vpc/vpc1 created", "subnet/ovn-default created", "subnet/web created", "pod/web/web-0 created", "pod/web/web-1 created", "pod/default/client created", "pod/default/pinned created", "8 created, 0 configured, 0 unchanged, 0 deleted", ""].join("\n"),
      );
      // Its own writes come back through the replica: no second pass.
      await new Promise((r) => setTimeout(r, 1000));
      expect(passes().length).toBe(1);

      // 2. A file edit: one more pod.
      writeFileSync(join(dir, "b-pods.yaml"), `${pods}---\napiVersion: v1\nkind: Pod\nmetadata: { name: added }\n`);
      await until(seen, () => passes().length === 2);
      expect(out.split("\n").slice(9)).toEqual([
        "vpc/ovn-cluster unchanged",
        "vpc/vpc1 unchanged",
        "subnet/ovn-default unchanged",
        "subnet/web unchanged",
        "pod/web/web-0 unchanged",
        "pod/web/web-1 unchanged",
        "pod/default/client unchanged",
        "pod/default/pinned unchanged",
        "pod/default/added created",
        "1 created, 0 configured, 8 unchanged, 0 deleted",
        "",
      ]);
      expect(await nbctl(db, "lsp-get-ls", "added.default")).toMatch(/\(ovn-default\)/);

      // 3. Drift: a port deleted behind its back is restored with the same addresses.
      const before = await nbctl(db, "lsp-get-addresses", "web-0.web");
      await nbctl(db, "lsp-del", "web-0.web");
      await until(seen, () => passes().length === 3);
      expect(out.split("\n").slice(20)).toContain("pod/web/web-0 created");
      expect(out.trimEnd().split("\n").at(-1)).toBe("1 created, 0 configured, 8 unchanged, 0 deleted");
      expect(await nbctl(db, "lsp-get-addresses", "web-0.web")).toBe(before);

      // 4. Invalid input: reported, nothing written, still watching; fixed again: applied.
      writeFileSync(join(dir, "b-pods.yaml"), `${pods}---\napiVersion: v1\nkind: Pod\nmetadata: { name: added, annotations: { ovn.kubernetes.io/ip_address: 10.99.0.1 } }\n`);
      await until(seen, () => /invalid input, nothing written; watching for changes/.test(err));
      expect(err).toMatch(/b-pods\.yaml:\d+ \(document 5\): pod\/default\/added: metadata\.annotations\.ovn\.kubernetes\.io\/ip_address: IP 10\.99\.0\.1 is outside subnet ovn-default/);
      expect(passes().length).toBe(3);
      writeFileSync(join(dir, "b-pods.yaml"), `${pods}---\napiVersion: v1\nkind: Pod\nmetadata: { name: added }\n`);
      await until(seen, () => passes().length === 4);
      expect(out.trimEnd().split("\n").at(-1)).toBe("0 created, 0 configured, 9 unchanged, 0 deleted");

      // 5. SIGINT: a clean exit.
      child.kill("SIGINT");
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(err).not.toMatch(/\n\s+at /);
    } finally {
      clearTimeout(killer);
      child.kill("SIGKILL");
    }
  });
});
