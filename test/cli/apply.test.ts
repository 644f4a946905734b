/** `ovn-ts apply` and `ovn-ts diff` against the embedded server and a real ovsdb-server: output, exit status, nothing written on bad input. */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { BACKENDS, type Backend, nbctl, startBackend } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";

const FIXTURES = join(import.meta.dirname, "..", "model", "fixtures");

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

function tempManifest(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ovn-ts-apply-"));
  copyFileSync(join(FIXTURES, "base.yaml"), join(dir, "a-base.yaml"));
  writeFileSync(join(dir, "b-extra.yaml"), text);
  return dir;
}

const rowCount = async (db: string) => (await nbctl(db, "--bare", "--columns=_uuid", "list", "Logical_Switch")).split("\n").filter(Boolean).length + (await nbctl(db, "--bare", "--columns=_uuid", "list", "Logical_Router")).split("\n").filter(Boolean).length;

describe("ovn-ts apply/diff usage", () => {
  it("exits 2 on usage errors, naming the problem", async () => {
    expect(await cli("apply", "--db=unix:/nonexistent")).toEqual({ code: 2, out: "", err: "ovn-ts apply: must specify -f FILE_OR_DIR\n" });
    const r = await cli("apply", "-f", FIXTURES, "--prnue");
    expect(r.code).toBe(2);
    expect(r.err).toContain("ovn-ts apply: unknown option '--prnue'");
    expect((await cli("diff", "-f", FIXTURES, "--dry-run")).code).toBe(2);
    expect((await cli("apply", "-f")).code).toBe(2);
    expect(await cli("apply", "-f", FIXTURES, "--watch", "--dry-run")).toEqual({ code: 2, out: "", err: "ovn-ts apply: --watch and --dry-run cannot be combined\n" });
    expect(await cli("apply", "-f", FIXTURES, "--watch", "--sb=unix:/nonexistent")).toEqual({ code: 2, out: "", err: "ovn-ts apply: --watch and --sb cannot be combined (a watch keeps the Northbound database only)\n" });
    expect((await cli("diff", "-f", FIXTURES, "--watch")).code).toBe(2);
  });

  it("a database that cannot be reached: apply exits 1, diff exits 2, each naming it", async () => {
    const a = await cli("apply", "--db=unix:/nonexistent/db.sock", "-f", FIXTURES);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/^ovn-ts apply: unix:\/nonexistent\/db\.sock: /);
    expect((await cli("diff", "--db=unix:/nonexistent/db.sock", "-f", FIXTURES)).code).toBe(2);
  });

  it("prints its help", async () => {
    const r = await cli("apply", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: ovn-ts apply /);
  });
});

describe.each(BACKENDS)("ovn-ts apply on %s", (kind) => {
  const skip = !peers("ovn-nbctl") || (kind === "ovsdb-server" && !peers("ovsdb-server"));
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it.skipIf(skip)("applies, re-applies unchanged, diffs, dry-runs and prunes like kubectl", { timeout: 60_000 }, async () => {
    backend = await startBackend(kind);
    const db = `--db=${backend.unix}`;
    // diff before anything exists: everything would be created, exit 1.
    const d0 = await cli("diff", db, "-f", FIXTURES);
    expect(d0.code).toBe(1);
    expect(d0.out.split("\n")[0]).toBe("vpc/ovn-cluster created");
    // dry run: the same lines, nothing written.
    const dry = await cli("apply", db, "-f", FIXTURES, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("subnet/web created (dry run)\n");
    expect(await rowCount(backend.unix)).toBe(0);

    const a1 = await cli("apply", db, "-f", join(FIXTURES, "base.yaml"), "-f", join(FIXTURES, "pods.yaml"));
    expect(a1).toEqual({
      code: 0,
      err: "",
      out: [
        "vpc/ovn-cluster created",
        "vpc/vpc1 created",
        "subnet/ovn-default created",
        "subnet/web created",
        "pod/web/web-0 created",
        "pod/web/web-1 created",
        "pod/default/client created",
        "pod/default/pinned created",
        "8 created, 0 configured, 0 unchanged, 0 deleted",
        "",
      ].join("\n"),
    });
    const a2 = await cli("apply", db, "-f", FIXTURES);
    expect(a2.code).toBe(0);
    expect(a2.out).toContain("pod/web/web-0 unchanged\n");
    expect(a2.out.endsWith("0 created, 0 configured, 8 unchanged, 0 deleted\n")).toBe(true);
    expect(await cli("diff", db, "-f", FIXTURES)).toEqual({ code: 0, out: "", err: "" });

    // diff -v of a prune: the object, then its rows.
    const d1 = await cli("diff", db, "-f", join(FIXTURES, "base.yaml"), "--prune", "-v");
    expect(d1.code).toBe(1);
    expect(d1.out).toContain("pod/web/web-0 deleted\n    - Logical_Switch_Port web-0.web\n");
    const a3 = await cli("apply", db, "-f", join(FIXTURES, "base.yaml"), "--prune");
    expect(a3.code).toBe(0);
    expect(a3.out.endsWith("0 created, 0 configured, 4 unchanged, 4 deleted\n")).toBe(true);
    expect(await nbctl(backend.unix, "--bare", "--columns=name", "find", "Logical_Switch_Port", "external_ids:pod!=none")).toBe("");
  });

  it.skipIf(skip)("bad input: a clear error naming file, object and field, exit 1, nothing written", { timeout: 60_000 }, async () => {
    backend = await startBackend(kind);
    const db = `--db=${backend.unix}`;
    const cases: [string, RegExp][] = [
      ["apiVersion: v1\nkind: Pod\nmetadata: { name: [x\n", /b-extra\.yaml:\d+ \(document 1\): invalid YAML/],
      ["apiVersion: v1\nkind: ConfigMap\nmetadata: { name: s }\n", /b-extra\.yaml:2 \(document 1\): kind: unknown kind v1\/ConfigMap/],
      ["apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  hostNetwork: true\n", /b-extra\.yaml:5 \(document 1\): pod\/default\/p: spec\.hostNetwork: field not supported by this model/],
      ["apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s2 }\nspec: { cidrBlock: 10.16.1.0/24 }\n", /b-extra\.yaml:1 \(document 1\): subnet\/s2: spec\.cidrBlock: 10\.16\.1\.0\/24 overlaps 10\.16\.0\.0\/16 of subnet ovn-default in the same VPC/],
      ["apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: { ovn.kubernetes.io/ip_address: 10.17.0.5 }\n", /pod\/default\/p: metadata\.annotations\.ovn\.kubernetes\.io\/ip_address: IP 10\.17\.0\.5 is outside subnet ovn-default \(10\.16\.0\.0\/16\)/],
      [
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.50 }\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: q\n  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.50 }\n",
        /b-extra\.yaml:7 \(document 2\): pod\/default\/q: metadata\.annotations\.ovn\.kubernetes\.io\/ip_address: IP 10\.16\.0\.50 is also the fixed IP of pod\/default\/p/,
      ],
    ];
    for (const [text, want] of cases) {
      const r = await cli("apply", db, "-f", tempManifest(text));
      expect(r.code, text).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toMatch(want);
      expect(r.err).toMatch(/^ovn-ts apply: error: /);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect((await cli("diff", db, "-f", tempManifest(text))).code).toBe(2);
    }
    expect(await rowCount(backend.unix)).toBe(0);
  });
});

describe.each(BACKENDS)("ovn-ts apply --sb on %s", (kind) => {
  const skip = !peers("ovn-nbctl", "ovn-sbctl") || (kind === "ovsdb-server" && !peers("ovsdb-server"));
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it.skipIf(skip)("writes the nodes' Southbound chassis, nothing on a re-apply, and prunes a node's chassis", { timeout: 60_000 }, async () => {
    backend = await startBackend(kind, ["OVN_Northbound", "OVN_Southbound"]);
    const db = backend.unix;
    const node = (n: string, ip: string) => `---\napiVersion: v1\nkind: Node\nmetadata: { name: ${n} }\nstatus: { addresses: [{ type: InternalIP, address: ${ip} }] }\n`;
    const join_ = "apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: join }\nspec: { cidrBlock: 100.64.0.0/16 }\n";
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-apply-sb-"));
    writeFileSync(join(dir, "n.yaml"), join_ + node("n1", "192.168.0.1") + node("n2", "192.168.0.2"));
    const a = await cli("apply", `--db=${db}`, `--sb=${db}`, "-f", dir);
    expect(a.code).toBe(0);
    expect(a.out.split("\n").filter((l) => l.startsWith("chassis/"))).toEqual(["chassis/n1 created", "chassis/n2 created"]);
    const b = await cli("apply", `--db=${db}`, `--sb=${db}`, "-f", dir);
    expect(b.out.split("\n").filter((l) => l.startsWith("chassis/"))).toEqual([]);
    writeFileSync(join(dir, "n.yaml"), join_ + node("n1", "192.168.0.1"));
    const c = await cli("apply", `--db=${db}`, `--sb=${db}`, "-f", dir, "--prune");
    expect(c.code).toBe(0);
    expect(c.out).toContain("node/n2 deleted\n");
    expect(c.out).toContain("chassis/n2 deleted\n");
    const { run } = await import("../../src/testing/index.js");
    expect((await run("ovn-sbctl", [`--db=${db}`, "--bare", "--columns=name", "list", "Chassis"])).stdout.trim()).toBe("n1");
  });
});
