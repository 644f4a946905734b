/**
 * `npm run docs` as users run it (issue 18: `typedoc --emit none` skipped link rendering and passed
 * while the real command failed): exit 0 with no warning, the reference grouped by task on each
 * entry point's page, and every `api/...#section` link of the guides pointing at a section that exists.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const API = join(ROOT, "docs", "api");
let run: { code: number; out: string };

/** The ids of the category headings of a module page. */
function sections(page: string): string[] {
  return [...readFileSync(join(API, page), "utf8").matchAll(/<h2 class="tsd-anchor-link" id="([^"]+)"/g)].map((m) => m[1]!);
}

describe("npm run docs", () => {
  beforeAll(async () => {
    run = await new Promise((resolve) => {
      execFile("npm", ["run", "docs"], { cwd: ROOT, maxBuffer: 1 << 24, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: `${stdout}${stderr}` });
      });
    });
  }, 300_000);

  it("exits 0 with no warning (every export documented, every link resolves)", () => {
    expect(run.out.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(/\[warning\]|\[error\]/);
    expect(run.code).toBe(0);
  });

  it("groups each entry point's reference by task; the byte-level codecs are on their own subpaths", () => {
    expect(sections("modules/ovsdb.html")).toEqual(expect.arrayContaining(["connect", "transact", "monitor-replica", "models", "schema", "server", "errors", "text-notations"]));
    expect(sections("modules/ovsdb.html").at(-1)).toBe("errors");
    expect(sections("modules/ovn.html")).toEqual(expect.arrayContaining(["northbound", "tracing", "errors"]));
    expect(sections("modules/openflow.html")).toEqual(expect.arrayContaining(["connect", "messages", "text-notations"]));
    expect(sections("modules/geneve.html")).toEqual(expect.arrayContaining(["frames", "captures"]));
    expect(sections("modules/testing.html")).toEqual(expect.arrayContaining(["sandboxes", "waiting"]));
    for (const page of ["ovsdb", "ovn", "openflow", "geneve", "testing"]) expect(sections(`modules/${page}.html`), page).not.toContain("other");
    // the main entry points leave the byte-level codecs to their wire subpaths
    for (const page of ["ovsdb", "geneve"]) expect(sections(`modules/${page}.html`), page).not.toContain("wire-protocol-low-level");
    for (const page of ["ovsdb_wire", "openflow_wire", "geneve_wire"]) expect(sections(`modules/${page}.html`), page).toContain("wire-protocol-low-level");
    const ovsdbPage = readFileSync(join(API, "modules/ovsdb.html"), "utf8");
    expect(sections("modules/ovsdb_server.html")).toContain("server");
    for (const name of ["JsonFramer", "parseMessage", "encodeRequest", "parseJsonExact", "encodeDatum", "readRecords", "TxnHistory"]) expect(ovsdbPage, name).not.toMatch(new RegExp(`id="${name.toLowerCase()}"`));
    expect(readFileSync(join(API, "modules/openflow.html"), "utf8")).not.toMatch(/id="(framedecoder|reader|writer)"/);
    // nor the helpers of one layer's internals: hex, the Reader/Writer codecs, the replica's index keys, OVS hash orders
    for (const name of ["MultiIndex", "indexKeys", "datumKey", "ovsHashString", "shashOrder", "HmapOrder", "idlTableOrders"]) expect(ovsdbPage, name).not.toMatch(new RegExp(`id="${name.toLowerCase()}"`));
    const openflowPage = readFileSync(join(API, "modules/openflow.html"), "utf8");
    for (const name of ["toHex", "fromHex", "encodeAction", "decodeActions", "encodeMatch", "decodeNxMatch", "encodeOf10Message"]) expect(openflowPage, name).not.toMatch(new RegExp(`id="${name.toLowerCase()}"`));
    const wirePage = readFileSync(join(API, "modules/openflow_wire.html"), "utf8");
    for (const name of ["toHex", "encodeAction", "decodeNxMatch"]) expect(wirePage, name).toMatch(new RegExp(`id="${name.toLowerCase()}"`));
    for (const [page, name] of [["monitor", "selectTables"], ["unixctl", "strerror"]] as const) expect(readFileSync(join(API, `modules/${page}.html`), "utf8"), name).not.toMatch(new RegExp(`id="${name.toLowerCase()}"`));
    // ovn-ts itself: what a script or controller starts with, by task, then the areas as namespaces
    expect(sections("modules/ovn-ts.html")).toEqual(expect.arrayContaining(["connect", "monitor-replica", "models", "northbound", "controller", "errors", "areas"]));
    expect(sections("modules/ovn-ts.html")).not.toContain("other");
    // each group says what it is for and which guide shows it
    expect(readFileSync(join(API, "modules/ovsdb.html"), "utf8")).toContain("Guide: docs/ovsdb.md.");
  });

  it("every guide links to its reference sections, and each link resolves", () => {
    const guides = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md") && f !== "dependencies.md" && f !== "architecture.md");
    const broken: string[] = [];
    for (const g of guides) {
      const links = [...readFileSync(join(ROOT, "docs", g), "utf8").matchAll(/\]\(api\/([^)#]+)#([^)]+)\)/g)];
      if (links.length === 0) broken.push(`${g}: no link to the API reference`);
      for (const [, page, id] of links) {
        if (!existsSync(join(API, page!)) || !sections(page!).includes(id!)) broken.push(`${g}: api/${page}#${id}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
