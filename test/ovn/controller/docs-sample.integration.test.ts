/**
 * Runs the "Writing a controller" sample of docs/ovn.md as written (its `ovn-ts/...` imports mapped
 * to src/) against the embedded server and a real ovsdb-server, and checks what it built with
 * ovn-nbctl: twice (the second run sends nothing), then with one pod gone (its port is deleted).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import { BACKENDS, type Backend, nbctl, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const md = readFileSync(`${ROOT}docs/ovn.md`, "utf8");
const start = md.indexOf("## Writing a controller");
const end = md.indexOf("\n## ", start + 1);
const section = md.slice(start, end < 0 ? undefined : end);
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

type Sample = { runPodController: (c: OvsdbClient, pods: ReadonlyMap<string, { mac: string; ip: string; node: string }>) => Promise<{ preview: string; metrics: Map<string, number> }> };

async function loadSample(): Promise<Sample> {
  const dir = `${ROOT}test/ovn/controller/.sample`;
  mkdirSync(dir, { recursive: true });
  // the first block defines the controller; the second, which runs it once against OVN_NB_DB, is the pack test's
  const code = blocks[0]!
    .replace(/from "ovn-ts\/(\w+)"/g, (_m, area: string) => `from "${ROOT}src/${area}/index.js"`)
    .replace(/from "ovn-ts"/g, `from "${ROOT}src/index.js"`);
  writeFileSync(`${dir}/writing-a-controller.ts`, code);
  return (await import(`${dir}/writing-a-controller.ts`)) as Sample;
}

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("docs/ovn.md Writing a controller sample runs", () => {
  it("has the sample and the block that runs it", () => expect(blocks).toHaveLength(2));
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend;
    let client: OvsdbClient;
    beforeAll(async () => {
      backend = await startBackend(kind);
      client = await OvsdbClient.connect(backend.unix, { probeIntervalMs: 0 });
    });
    afterAll(async () => {
      client?.close();
      await backend?.stop();
    });

    it("builds the pods, port group and ACLs; sends nothing the second time; GC removes a gone pod", async () => {
      const sample = await loadSample();
      const pods = new Map([
        ["web-0.default", { mac: "0a:58:0a:10:00:05", ip: "10.16.0.5", node: "node1" }],
        ["web-1.default", { mac: "0a:58:0a:10:00:06", ip: "10.16.0.6", node: "node2" }],
      ]);
      const first = await sample.runPodController(client, pods);
      expect(first.preview).toBe("+ Logical_Switch ovn-default (other_config, name, external_ids)\n");
      expect(first.metrics.get("committed")).toBeGreaterThanOrEqual(2);
      expect(await nbctl(backend.unix, "lsp-get-addresses", "web-1.default")).toBe("0a:58:0a:10:00:06 10.16.0.6\n");
      expect(await nbctl(backend.unix, "get", "Logical_Switch_Port", "web-0.default", "options:requested-chassis")).toBe("node1\n");
      expect(await nbctl(backend.unix, "acl-list", "pg_default")).toBe(
        "  to-lport  2001 (outport == @pg_default && ip4.src == 10.16.0.0/16) allow-related\n  to-lport  2000 (outport == @pg_default && ip) drop\n",
      );
      const again = await sample.runPodController(client, pods);
      expect(again.preview).toBe("");
      expect(again.metrics.size).toBe(0);
      pods.delete("web-1.default");
      const third = await sample.runPodController(client, pods);
      expect(third.metrics.get("committed")).toBeGreaterThanOrEqual(1);
      expect((await nbctl(backend.unix, "--bare", "--columns=name", "list", "Logical_Switch_Port")).trim()).toBe("web-0.default");
      expect((await nbctl(backend.unix, "--bare", "--columns=ports", "list", "Port_Group")).trim().split(/\s+/)).toHaveLength(1);
    }, 60_000);
  });
});
