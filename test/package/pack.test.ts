/**
 * The published package: `npm pack` of this repo installs into an empty project (offline, from the
 * npm cache) and `ovn-ts`, `ovn-ts/ovsdb`, `ovn-ts/openflow`, `ovn-ts/geneve`, `ovn-ts/testing`
 * import from ESM with types resolving (`tsc --noEmit` of a small consumer); the bundled schemas
 * are found through `import.meta.url`; the `ovn-ts` bin answers `--help` for every command; and
 * CommonJS `require()` of the ESM build is checked on Node 20's `--experimental-require-module`.
 * Issue 20's proof, on the tarball: a pipe closed early on every CLI of the installed bin (the OVS
 * tool's status and message, no stack trace, no directory left), `--help`, the README's and the
 * guides' samples typechecked against the installed types, the samples marked
 * `<!-- run: GROUP needs=... -->` in the markdown compiled and run (./doc-snippets.ts; every other
 * code block says why it is a fragment), build on prepack, and .js.map files that resolve. (`npm run docs` itself: test/docs/typedoc.test.ts.)
 *
 * dist/ is used when it is newer than every source file (CI builds it in `npm ci`); otherwise the
 * sources are compiled into the staging directory, never into the shared dist/.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { OvsdbClient } from "../../src/ovsdb/client/client.js";
import { bundledSchema } from "../../src/ovsdb/schema/bundled.js";
import { SANDBOX_PROGRAMS } from "../../src/testing/peers.js";
import { IC_SANDBOX_PROGRAMS } from "../../src/testing/ic.js";
import { type OvnSandbox, startOvnSandbox } from "../../src/testing/ovn.js";
import { type VswitchdSandbox, startVswitchd } from "../../src/testing/vswitchd.js";
import { type RaftClusterSandbox, startRaftCluster } from "../../src/testing/ovsdb-server.js";
import { type SnippetProgram, namedSnippets, snippetPrograms, unaccountedBlocks } from "./doc-snippets.js";
import { OvsdbServer } from "../../src/ovsdb/server/server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");
const DOC = join(ROOT, "docs", "testing.md");

/** The code block that follows `<!-- snippet: NAME -->` in docs/testing.md (the README's copy, if any, is the same text). */
function snippet(name: string): string {
  const text = readFileSync(DOC, "utf8");
  const m = new RegExp(`<!-- snippet: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (!m) throw new Error(`docs/testing.md has no snippet ${name}`);
  const copies = namedSnippets(ROOT, ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)]).get(name) ?? [];
  if (copies.some((c) => c !== m[1])) throw new Error(`the copies of snippet ${name} in README.md and docs/ differ from docs/testing.md's`);
  return m[1]!;
}

const ENTRIES = ["ovn-ts", "ovn-ts/ovsdb", "ovn-ts/openflow", "ovn-ts/geneve", "ovn-ts/testing", "ovn-ts/ovn", "ovn-ts/model", "ovn-ts/unixctl", "ovn-ts/monitor", "ovn-ts/ovsdb/wire", "ovn-ts/ovsdb/server", "ovn-ts/openflow/wire", "ovn-ts/geneve/wire"];

function sh(program: string, args: readonly string[], cwd: string, timeout = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { cwd, timeout, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: "false", NO_COLOR: "1", FORCE_COLOR: "0" } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function walk(dir: string, ext: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (p.endsWith(ext) && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** True when dist/ has a .js at least as new as each src/ .ts and as the build's tsconfig files. */
function distIsFresh(): boolean {
  const src = join(ROOT, "src");
  const dist = join(ROOT, "dist");
  if (!existsSync(dist)) return false;
  return [...walk(src, ".ts"), join(ROOT, "tsconfig.json"), join(ROOT, "tsconfig.build.json")].every((f) => {
    const js = join(dist, relative(src, f)).replace(/\.ts$/, ".js");
    return existsSync(js) && statSync(js).mtimeMs >= statSync(f).mtimeMs;
  });
}

const CONSUMER_TS = `
import { ovsdb, OvsdbClient as RootClient, OvnNb, NbController, OVN_Northbound } from "ovn-ts";
import { JsonFramer, JsonRpcSession } from "ovn-ts/ovsdb/wire";
import { FrameDecoder } from "ovn-ts/openflow/wire";
import { Reader } from "ovn-ts/geneve/wire";
// @ts-expect-error the framing is on ovn-ts/ovsdb/wire, not on the main entry point
import { JsonFramer as NotOnMain } from "ovn-ts/ovsdb";
import { OvsdbClient, type TransactReply } from "ovn-ts/ovsdb";
// @ts-expect-error hex helpers and the Reader/Writer codecs are on ovn-ts/openflow/wire
import { toHex as HexNotOnMain, encodeAction as ActionNotOnMain } from "ovn-ts/openflow";
import { toHex, encodeAction } from "ovn-ts/openflow/wire";
import { parseFlow } from "ovn-ts/openflow";
import { decodeGeneveFrame, type DecodedGeneveFrame } from "ovn-ts/geneve";
import { startEmbeddedServer, type EmbeddedServerSandbox, type OvnSandbox, type StopOptions } from "ovn-ts/testing";

const server: EmbeddedServerSandbox = await startEmbeddedServer({ schema: "OVN_Northbound" });
const client: OvsdbClient = await OvsdbClient.connect(server.unix);
const reply: TransactReply = await client.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "ls0" } }]);
// @ts-expect-error options are typed: tcp is a boolean
void startEmbeddedServer({ tcp: "yes" });
const decode: (b: Uint8Array) => DecodedGeneveFrame = decodeGeneveFrame;
const later: OvnSandbox | undefined = undefined;
const keep: StopOptions = { keep: true };
console.log(typeof ovsdb.OvsdbClient, reply.results.length, typeof decode, typeof parseFlow, later, keep);
console.log(RootClient === OvsdbClient, typeof OvnNb, typeof NbController, OVN_Northbound.model.name, typeof JsonFramer, typeof JsonRpcSession, typeof FrameDecoder, typeof Reader, typeof NotOnMain, typeof HexNotOnMain, typeof ActionNotOnMain, typeof toHex, typeof encodeAction);
client.close();
await server.stop();
`;

const CONSUMER_MJS = `
import { existsSync } from "node:fs";
${ENTRIES.map((e, i) => `import * as m${i} from "${e}";`).join("\n")}
const { OvsdbClient, bundledSchemaPath } = m1;
const { startEmbeddedServer } = m4;
const counts = [${ENTRIES.map((_, i) => `Object.keys(m${i}).length`).join(", ")}];
const schema = bundledSchemaPath("OVN_Southbound");
const server = await startEmbeddedServer({ schema: "OVN_Southbound" });
const client = await OvsdbClient.connect(server.unix);
const dbs = await client.call("list_dbs", []);
client.close();
await server.stop();
console.log(JSON.stringify({ counts, schema, schemaExists: existsSync(schema), dbs }));
`;

describe("npm pack → install into an empty project", () => {
  let work = "";
  let consumer = "";
  let tarball = "";
  let packed: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "ovn-ts-pack-"));
    const stage = join(work, "stage");
    for (const f of ["package.json", "README.md", "schemas", "examples", "docs"]) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
    if (distIsFresh()) {
      cpSync(join(ROOT, "dist"), join(stage, "dist"), { recursive: true });
    } else {
      // tsc emits even when another folder has a type error; the project's typecheck reports those.
      await sh(process.execPath, [TSC, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(stage, "dist")], ROOT, 180_000);
    }
    const pack = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], stage);
    expect(pack.code, pack.stderr).toBe(0);
    const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info[0]!.filename);
    packed = info[0]!.files.map((f) => f.path);
    consumer = join(work, "consumer");
    mkdirSync(consumer);
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const install = await sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], consumer);
    expect(install.code, `npm install --prefer-offline failed: ${install.stderr}`).toBe(0);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("packs the build, its types and the bundled schemas, and no sources or tests", () => {
    for (const f of ["package.json", "README.md", "schemas/ovn-nb.ovsschema", "schemas/vswitch.ovsschema", "dist/index.js", "dist/testing/index.js", "dist/testing/index.d.ts", "dist/cli/main.js", "docs/testing.md", "examples/kube-ovn/network.yaml"]) {
      expect(packed, f).toContain(f);
    }
    expect(packed.filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.endsWith(".test.js"))).toEqual([]);
  });

  it("builds on prepack, not prepare (which runs on every install of a git dependency); npm start builds first", () => {
    const pkg = JSON.parse(readFileSync(join(consumer, "node_modules", "ovn-ts", "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["prepare"]).toBeUndefined();
    expect(pkg.scripts["prepack"]).toBe("npm run build");
    expect(pkg.scripts["prestart"]).toBe("npm run build");
  });

  it("every shipped .js.map resolves: the sources it names are inlined (src/ is not shipped)", () => {
    const maps = packed.filter((f) => f.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(50);
    const unresolved: string[] = [];
    for (const m of maps) {
      const file = join(consumer, "node_modules", "ovn-ts", m);
      const map = JSON.parse(readFileSync(file, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      map.sources.forEach((s, i) => {
        if (typeof map.sourcesContent?.[i] === "string" && map.sourcesContent[i]!.length > 0) return;
        if (!existsSync(join(file, "..", s))) unresolved.push(`${m}: ${s}`);
      });
    }
    expect(unresolved).toEqual([]);
  });

  it("imports every entry point from ESM; the bundled schemas resolve through import.meta.url", async () => {
    writeFileSync(join(consumer, "consumer.mjs"), CONSUMER_MJS);
    const r = await sh(process.execPath, ["consumer.mjs"], consumer);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { counts: number[]; schema: string; schemaExists: boolean; dbs: string[] };
    expect(out.counts.every((n) => n > 0)).toBe(true);
    expect(out.schema.startsWith(join(consumer, "node_modules", "ovn-ts", "schemas"))).toBe(true);
    expect(out.schemaExists).toBe(true);
    expect(out.dbs).toContain("OVN_Southbound");
  });

  it("types resolve: tsc --noEmit of a strict NodeNext consumer passes", async () => {
    writeFileSync(join(consumer, "consumer.ts"), CONSUMER_TS);
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules", "@types")],
        skipLibCheck: true,
      },
      files: ["consumer.ts"],
    };
    writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(tsconfig));
    const r = await sh(process.execPath, [TSC, "-p", "tsconfig.json"], consumer);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("the ovn-ts bin answers --help for every command", async () => {
    const bin = join(consumer, "node_modules", ".bin", "ovn-ts");
    const top = await sh(bin, ["--help"], consumer);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}(\S+)\s{2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(["ovsdb", "geneve", "ofctl", "codegen", "server", "demo"]));
    const failures: string[] = [];
    for (const c of commands) {
      const r = await sh(bin, [c, "--help"], consumer, 30_000);
      if (r.code !== 0 || !/usage/i.test(r.stdout)) failures.push(`ovn-ts ${c} --help: status ${r.code}, ${(r.stderr || r.stdout).trim().slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it("CommonJS: require() of the ESM build on Node 20 (--experimental-require-module) needs a `default` export condition", async () => {
    const pkgFile = join(consumer, "node_modules", "ovn-ts", "package.json");
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { exports: Record<string, string | Record<string, string>> };
    const script = `for (const e of ${JSON.stringify(ENTRIES)}) { const m = require(e); if (Object.keys(m).length === 0) throw new Error(e + " is empty"); } console.log("ok");`;
    const flags = Number(process.versions.node.split(".")[0]) >= 22 ? [] : ["--experimental-require-module", "--no-warnings"];
    const hasCjsCondition = Object.values(pkg.exports).every((v) => typeof v === "string" || "default" in v || "require" in v);
    const asShipped = await sh(process.execPath, [...flags, "-e", script], consumer);
    if (hasCjsCondition) {
      expect(asShipped.stdout.trim(), asShipped.stderr).toBe("ok");
    } else {
      // "exports" lists only an `import` condition, so require() cannot resolve the package
      expect(asShipped.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
      // with `default` added next to `import`, require(esm) loads every entry (no top-level await)
      for (const v of Object.values(pkg.exports)) if (typeof v !== "string" && v["import"]) v["default"] = v["import"];
      writeFileSync(pkgFile, JSON.stringify(pkg));
      const patched = await sh(process.execPath, [...flags, "-e", script], consumer);
      expect(patched.stdout.trim(), patched.stderr).toBe("ok");
    }
  });

  it("docs/testing.md's node:test snippet passes under `node --test` against the installed package", async () => {
    writeFileSync(join(consumer, "client.test.mjs"), snippet("node-test"));
    const r = await sh(process.execPath, ["--test", "client.test.mjs"], consumer);
    expect(r.stdout, r.stderr).toMatch(/^# pass 1$/m);
    expect(r.code).toBe(0);
  });

  it.skipIf(!peers("ovsdb-tool", "ovsdb-server", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovn-trace"))(
    "docs/testing.md's vitest snippet passes under vitest against the installed package",
    async () => {
      writeFileSync(join(consumer, "northd.test.ts"), snippet("vitest"));
      // the consumer would have vitest installed; link this repository's copy instead of fetching it
      const link = join(consumer, "node_modules", "vitest");
      if (!existsSync(link)) symlinkSync(join(ROOT, "node_modules", "vitest"), link, "dir");
      const r = await sh(process.execPath, [VITEST, "run", "--root", consumer, "northd.test.ts"], consumer, 120_000);
      expect(r.stdout + r.stderr).toMatch(/Tests\s+1 passed/);
      expect(r.code).toBe(0);
    },
    120_000,
  );

  // --- issue 20's proof: what a new user does with the packed tarball ---

  /** Runs the installed bin with its stdout pipe closed before it writes, in a fresh TMPDIR. */
  function closedStdout(args: readonly string[], during?: () => Promise<void>): Promise<{ code: number | null; stderr: string; left: string[] }> {
    const tmp = mkdtempSync(join(tmpdir(), "ovn-ts-closed-"));
    return new Promise((resolve, reject) => {
      const child = spawn(join(consumer, "node_modules", ".bin", "ovn-ts"), args, { cwd: consumer, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: tmp } });
      child.stdout!.destroy();
      let stderr = "";
      child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        const left = readdirSync(tmp);
        rmSync(tmp, { recursive: true, force: true });
        resolve({ code, stderr, left });
      });
      if (during) during().then(() => child.kill("SIGINT"), reject);
    });
  }

  it("a pipe closed early on every CLI: the OVS tool's status and message, no stack trace, no directory left", async () => {
    const server = new OvsdbServer();
    server.addDatabase(bundledSchema("OVN_Northbound"));
    const sock = join(work, "nb.sock");
    await server.listen(`punix:${sock}`);
    try {
      const client = await OvsdbClient.connect(`unix:${sock}`);
      await client.transact("OVN_Northbound", [{ op: "insert", table: "Logical_Switch", row: { name: "sw0" } }]);
      client.close();
      const flows = join(work, "flows.txt");
      writeFileSync(flows, "priority=1,ip,actions=drop\n");
      const inner = "ffffffffffff0000000000010806" + "00".repeat(28);
      const failing: [string, string[]][] = [
        ["ovn-ts", ["--help"]],
        ["ovn-ts ovsdb", ["ovsdb", "dump", `unix:${sock}`]],
        ["ovn-ts ofctl", ["ofctl", "parse-flows", flows]],
        ["ovn-ts geneve", ["geneve", "encode", "--vni", "5", "--inner", inner]],
        ["ovn-ts trace", ["trace", "--help"]],
        ["ovn-ts codegen", ["codegen", join(consumer, "node_modules", "ovn-ts", "schemas", "ovn-nb.ovsschema"), "--stdout"]],
        ["ovn-ts demo", ["demo", "--once"]],
        ["ovn-ts demo", ["demo"]],
      ];
      const problems: string[] = [];
      for (const [prog, args] of failing) {
        const r = await closedStdout(args);
        if (r.code !== 1 || r.stderr !== `${prog}: write to stdout failed\n` || r.left.length > 0) problems.push(`${args.join(" ")}: status ${r.code}, left ${r.left.join(",")}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`);
      }
      // ovn-nbctl never checks its writes: its own status, nothing on stderr
      const nb = await closedStdout(["nbctl", `--db=unix:${sock}`, "show"]);
      if (nb.code !== 0 || nb.stderr !== "" || nb.left.length > 0) problems.push(`nbctl show: status ${nb.code}, stderr ${JSON.stringify(nb.stderr.slice(0, 300))}`);
      // ovsdb-server writes nothing to stdout: the server keeps serving until SIGINT
      const own = join(work, "own.sock");
      const srv = await closedStdout(["server", "--schema", "OVN_Northbound", "--remote", `punix:${own}`], async () => {
        for (let i = 0; i < 200 && !existsSync(own); i++) await new Promise((r) => setTimeout(r, 50));
        const c = await OvsdbClient.connect(`unix:${own}`, { reconnect: false });
        c.close();
      });
      if (srv.code !== 0 || srv.stderr !== "" || srv.left.length > 0) problems.push(`server: status ${srv.code}, stderr ${JSON.stringify(srv.stderr.slice(0, 300))}`);
      expect(problems).toEqual([]);
    } finally {
      await server.close();
    }
  }, 240_000);

  it("--help: ovn-ts names each mirrored tool; nbctl gives each command's syntax", async () => {
    const bin = join(consumer, "node_modules", ".bin", "ovn-ts");
    const top = await sh(bin, ["--help"], consumer);
    expect(top.stdout).toMatch(/^ {2}nbctl\s+.*mirrors ovn-nbctl$/m);
    expect(top.stdout).toMatch(/^ {2}ovsdb\s+.*mirrors ovsdb-client$/m);
    const nbctl = await sh(bin, ["nbctl", "--help"], consumer);
    expect(nbctl.code).toBe(0);
    expect(nbctl.stdout).toMatch(/^ {2}\[--may-exist\]\n {2}lsp-add SWITCH PORT /m);
    expect(nbctl.stdout).toMatch(/^ {2}lr-nat-add ROUTER TYPE EXTERNAL_IP LOGICAL_IP/m);
  });

  it("the README's and the guides' samples typecheck against the installed package", async () => {
    const guides = ["README.md", "docs/ovn.md", "docs/server.md", "docs/raft.md", "docs/testing.md"];
    const link = join(consumer, "node_modules", "vitest");
    if (!existsSync(link)) symlinkSync(join(ROOT, "node_modules", "vitest"), link, "dir");
    const files: string[] = [];
    for (const g of guides) {
      const blocks = [...readFileSync(join(ROOT, g), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const lines = blocks.join("\n").split("\n");
      const imports = new Map<string, Set<string>>();
      const other: string[] = [];
      for (const l of lines.filter((x) => x.startsWith("import "))) {
        const m = /^import \{([^}]*)\} from "([^"]+)";\s*$/.exec(l);
        if (!m) {
          if (!other.includes(l)) other.push(l);
          continue;
        }
        const names = imports.get(m[2]!) ?? new Set<string>();
        imports.set(m[2]!, names);
        for (const n of m[1]!.split(",").map((x) => x.trim()).filter((x) => x !== "")) names.add(n);
      }
      const head = [...imports].map(([mod, names]) => {
        const values = new Set([...names].filter((n) => !n.startsWith("type ")));
        return `import { ${[...names].filter((n) => !(n.startsWith("type ") && values.has(n.slice(5)))).join(", ")} } from "${mod}";`;
      });
      const file = `sample-${g.replace(/^docs\//, "").replace(/\.md$/, "")}.ts`;
      writeFileSync(join(consumer, file), [...head, ...other, "export {};", ...lines.filter((x) => !x.startsWith("import "))].join("\n") + "\n");
      files.push(file);
    }
    const tsconfig = {
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, noEmit: true, types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")], skipLibCheck: true },
      files,
    };
    writeFileSync(join(consumer, "tsconfig.samples.json"), JSON.stringify(tsconfig));
    const r = await sh(process.execPath, [TSC, "-p", "tsconfig.samples.json"], consumer, 180_000);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 240_000);

  it("the README's and the guides' runnable samples (`<!-- run: ... -->`) run against the installed package", async () => {
    const guides = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
    // nothing is silently untested: every code block is run here, or says why it is a fragment
    expect(unaccountedBlocks(ROOT, guides)).toEqual([]);
    const programs = snippetPrograms(ROOT, guides);
    expect(programs.length).toBeGreaterThanOrEqual(8);
    expect(programs.flatMap((p) => p.lines).length).toBeGreaterThanOrEqual(25);
    const src = join(consumer, "run");
    const out = join(consumer, "run-out");
    mkdirSync(src, { recursive: true });
    const fileOf = (p: SnippetProgram) => `${p.guide.replace(/^docs\//, "").replace(/\.md$/, "")}-${p.group}`;
    const extOf = (p: SnippetProgram) => (p.lang === "ts" ? "ts" : p.lang === "sh" ? "sh" : "mjs");
    for (const p of programs) writeFileSync(join(src, `${fileOf(p)}.${extOf(p)}`), p.code);
    for (const [dir, schema] of programs.flatMap((p) => p.codegen)) {
      const gen = await sh(join(consumer, "node_modules", ".bin", "ovn-ts"), ["codegen", join(ROOT, schema), "-o", join(src, dir)], consumer);
      expect(gen.code, gen.stderr).toBe(0);
    }
    const tsconfig = {
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, outDir: out, rootDir: src, types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")], skipLibCheck: true },
      files: programs.filter((p) => p.lang === "ts").map((p) => join(src, `${fileOf(p)}.ts`)),
    };
    writeFileSync(join(consumer, "tsconfig.run.json"), JSON.stringify(tsconfig));
    const tsc = await sh(process.execPath, [TSC, "-p", "tsconfig.run.json"], consumer, 180_000);
    expect(tsc.stdout + tsc.stderr).toBe("");
    const failures: string[] = [];
    const ran: string[] = [];
    for (const p of programs) {
      const name = `${p.guide} run group ${p.group} (lines ${p.lines.join(", ")})`;
      if (p.need !== "none" && p.need !== "embedded" && !peers(...(p.need === "ic" ? IC_SANDBOX_PROGRAMS : SANDBOX_PROGRAMS[p.need === "ovnSandbox" ? "ovn" : p.need]))) continue;
      const file = p.lang === "ts" ? join(out, `${fileOf(p)}.js`) : join(src, `${fileOf(p)}.${extOf(p)}`);
      // inside the consumer project, as a user runs a sample in theirs (so `npx ovn-ts` finds the installed bin)
      const cwd = mkdtempSync(join(consumer, "run-"));
      for (const [name, path] of p.dirs) cpSync(join(ROOT, path), join(cwd, name), { recursive: true });
      const env: Record<string, string> = {};
      let server: OvsdbServer | undefined;
      let ovn: OvnSandbox | undefined;
      let ovs: VswitchdSandbox | undefined;
      let raft: RaftClusterSandbox | undefined;
      if (p.need === "ovn") {
        ovn = await startOvnSandbox();
        env["OVN_NB_DB"] = ovn.nb;
        env["OVN_SB_DB"] = ovn.sb;
      }
      if (p.need === "vswitchd") {
        // a switch at `$OVS_RUNDIR/br0.mgmt` (ports p1, p2) and `br-int.mgmt`, as ovs-ofctl finds a bridge by name
        ovs = await startVswitchd({ bridges: [{ name: "br0", ports: ["p1", "p2"] }, { name: "br-int" }] });
        env["OVS_RUNDIR"] = ovs.dir;
        // and its control socket where ovs-appctl -t ovs-vswitchd looks: $OVS_RUNDIR/ovs-vswitchd.pid -> ovs-vswitchd.PID.ctl
        const vswitchd = ovs.daemons.vswitchd;
        writeFileSync(join(ovs.dir, "ovs-vswitchd.pid"), `${vswitchd.pid}\n`);
        symlinkSync(join(ovs.dir, "vswitchd.ctl"), join(ovs.dir, `ovs-vswitchd.${vswitchd.pid}.ctl`));
        // and its database where ovs-vsctl looks: $OVS_RUNDIR/db.sock
        symlinkSync(join(ovs.dir, "vs.sock"), join(ovs.dir, "db.sock"));
      }
      if (p.need === "raft") {
        // a 3-member OVN_Northbound cluster whose first member's control socket is $OVN_RUNDIR/ovnnb_db.ctl, as in an OVN install
        raft = await startRaftCluster({ schema: "OVN_Northbound" });
        env["OVN_RUNDIR"] = raft.dir;
        symlinkSync(join(raft.dir, "m0.ctl"), join(raft.dir, "ovnnb_db.ctl"));
      }
      if (p.need === "embedded") {
        server = new OvsdbServer();
        server.addDatabase(bundledSchema("OVN_Northbound"));
        server.addDatabase(bundledSchema("OVN_Southbound"));
        env["OVN_NB_DB"] = env["OVN_SB_DB"] = (await server.listen(`punix:${join(cwd, "db.sock")}`)).connect;
      }
      try {
        // a sample is a piece of a program: once its top level is done, the process exits
        const r = p.lang === "sh" ? await runShell(file, cwd, env) : await runNode(file, cwd, env);
        if (r.code !== 0) failures.push(`${name}: status ${r.code}\n${r.stderr.slice(-2000)}`);
        else ran.push(name);
      } finally {
        await server?.close();
        await ovn?.stop();
        await ovs?.stop();
        await raft?.stop();
      }
    }
    expect(failures).toEqual([]);
    // the samples that need no real peers always run
    expect(ran.length).toBeGreaterThanOrEqual(programs.filter((p) => p.need === "none" || p.need === "embedded").length);
    // under CI every peer is there, so every group runs (a skipped one would hide a broken sample)
    if (process.env["CI"]) expect(ran.length).toBe(programs.length);
  }, 600_000);

  /** Runs the shell script `file` with `bash -e` in `cwd` (also its TMPDIR), the installed package's bin first on PATH. */
  function runShell(file: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    const path = `${join(consumer, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}`;
    return new Promise((resolve) => {
      execFile("bash", ["-e", file], { cwd, timeout: 120_000, encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env, PATH: path, TMPDIR: cwd } }, (err, _stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr });
      });
    });
  }

  /** Runs the module `file` with node in `cwd` (also its TMPDIR); exits once the module's top level completes. */
  function runNode(file: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    const script = `await import(${JSON.stringify(pathToFileURL(file).href)}); process.exit(0);`;
    return new Promise((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", script], { cwd, timeout: 120_000, encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env, TMPDIR: cwd } }, (err, _stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr });
      });
    });
  }
});
