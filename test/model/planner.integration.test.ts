/**
 * The planner against the embedded server and a real ovsdb-server: first apply creates Kube-OVN's
 * rows, a re-apply sends nothing, one pod changed sends exactly its operations, --prune deletes
 * exactly what was removed, and chunks stay under the operation budget.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NB_CONTROLLER_TABLES, NbController } from "../../src/ovn/controller/index.js";
import { KUBE_OVN_IDENTITY, type Manifest, type PodObject, applyModel, existingAddresses, loadManifests, resolveModel } from "../../src/model/index.js";
import { BACKENDS, nbctl, opsText, recordingClient } from "../ovn/controller/support.js";
import { useBackend } from "./fixture.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

async function open(unix: string) {
  const { client, sent } = await recordingClient(unix);
  const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
  return { ctl, sent, close: async () => (await ctl.close(), client.close()) };
}

async function applyOnce(unix: string, manifest: Manifest, options: Parameters<typeof applyModel>[2] = {}) {
  const c = await open(unix);
  try {
    const model = resolveModel(manifest, { existing: existingAddresses(c.ctl) });
    const r = await applyModel(c.ctl, model, options);
    return { r, sent: c.sent };
  } finally {
    await c.close();
  }
}

describe.each(BACKENDS)("applyModel on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("creates Kube-OVN's rows, then re-applies with zero transactions", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const manifest = loadManifests([FIXTURES]);
    const first = await applyOnce(db, manifest);
    expect(first.r.counts).toEqual({ created: 8, configured: 0, unchanged: 0, deleted: 0 });
    expect(first.r.transactions).toBe(1);

    // What an operator sees, as Kube-OVN would have built it.
    expect((await nbctl(db, "--bare", "--columns=name", "find", "Logical_Router", "external_ids:vendor=kube-ovn")).split(/\s+/).filter(Boolean).sort()).toEqual(["ovn-cluster", "vpc1"]);
    expect(await nbctl(db, "get", "Logical_Switch", "ovn-default", "other_config:subnet", "other_config:gateway", "other_config:exclude_ips")).toBe('"10.16.0.0/16"\n"10.16.0.1"\n"10.16.0.2..10.16.0.9 10.16.0.1"\n');
    expect(await nbctl(db, "lrp-get-gateway-chassis", "vpc1-web")).toBe("");
    expect(await nbctl(db, "get", "Logical_Router_Port", "vpc1-web", "networks")).toBe('["10.16.0.1/24"]\n');
    expect(await nbctl(db, "lsp-get-type", "web-vpc1")).toBe("router\n");
    expect(await nbctl(db, "get", "Logical_Switch_Port", "web-vpc1", "options:router-port")).toBe("vpc1-web\n");
    expect(await nbctl(db, "lsp-get-addresses", "web-0.web")).toBe("00:00:00:aa:bb:01 10.16.0.10\n");
    expect(await nbctl(db, "lsp-get-port-security", "web-0.web")).toBe("00:00:00:aa:bb:01 10.16.0.10\n");
    expect(await nbctl(db, "get", "Logical_Switch_Port", "web-0.web", "external_ids")).toBe('{ls=web, pod="web/web-0", vendor=kube-ovn}\n');
    expect(await nbctl(db, "get", "Logical_Switch_Port", "web-0.web", "options")).toBe('{requested-chassis=node1}\n');
    expect(await nbctl(db, "lsp-get-ls", "client.default")).toMatch(/\(ovn-default\)/);
    // The first free address after the gateway and the excluded range; the next pod by name.
    expect(await nbctl(db, "get", "Logical_Switch_Port", "client.default", "addresses")).toMatch(/ 10\.16\.0\.10"\]/);

    const again = await applyOnce(db, manifest);
    expect(again.r.counts).toEqual({ created: 0, configured: 0, unchanged: 8, deleted: 0 });
    expect(again.r.transactions).toBe(0);
    expect(again.sent).toEqual([]);
  });

  it.skipIf(fx.skip)("one pod changed sends exactly its operations; --prune deletes exactly what was removed", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const manifest = loadManifests([FIXTURES]);
    await applyOnce(db, manifest);

    const changed: Manifest = {
      objects: manifest.objects.map((o) => (o.kind === "Pod" && o.name === "web-0" ? ({ ...o, ipAddress: ["10.16.0.20"], nodeName: "node2" } satisfies PodObject) : o)),
    };
    const one = await applyOnce(db, changed);
    expect(one.r.objects.filter((o) => o.action !== "unchanged")).toEqual([{ ref: "pod/web/web-0", action: "configured", steps: [expect.objectContaining({ kind: "update", table: "Logical_Switch_Port", key: "web-0.web" })] }]);
    expect(one.sent.length).toBe(1);
    expect(opsText(one.sent[0]!)).toEqual([
      "wait Logical_Switch_Port _version",
      expect.stringMatching(/^mutate Logical_Switch_Port /),
    ]);
    expect(await nbctl(db, "lsp-get-addresses", "web-0.web")).toBe("00:00:00:aa:bb:01 10.16.0.20\n");

    // Remove one pod and one subnet (with its pods' namespace binding): --prune deletes exactly those rows.
    const pruned: Manifest = { objects: changed.objects.filter((o) => !(o.kind === "Pod" && o.name === "client")) };
    const withoutPrune = await applyOnce(db, pruned);
    expect(withoutPrune.r.counts.deleted).toBe(0);
    expect(withoutPrune.sent).toEqual([]);
    const p = await applyOnce(db, pruned, { prune: true });
    expect(p.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["pod/default/client deleted"]);
    expect(p.r.counts).toEqual({ created: 0, configured: 0, unchanged: 7, deleted: 1 });
    expect(opsText(p.sent[0]!)).toEqual([expect.stringMatching(/^mutate Logical_Switch ports delete/)]);
    expect(await nbctl(db, "--bare", "--columns=name", "list", "Logical_Switch_Port")).not.toContain("client.default");
    expect(await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=web-1.web")).toBe("web-1.web\n");

    // Without the web subnet and its pods: switch, router port, peer port and pod ports go; the routers stay.
    const noWeb: Manifest = { objects: pruned.objects.filter((o) => !(o.kind === "Subnet" && o.name === "web") && !(o.kind === "Pod" && o.namespace === "web")) };
    const q = await applyOnce(db, noWeb, { prune: true });
    expect(q.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`).sort()).toEqual(["pod/web/web-0 deleted", "pod/web/web-1 deleted", "subnet/web deleted", "vpc/vpc1 configured"]);
    expect(await nbctl(db, "--bare", "--columns=name", "list", "Logical_Switch")).toBe("ovn-default\n");
    expect(await nbctl(db, "--bare", "--columns=name", "list", "Logical_Router_Port")).toBe("ovn-cluster-ovn-default\n");
    expect((await nbctl(db, "--bare", "--columns=name", "list", "Logical_Router")).split(/\s+/).filter(Boolean).sort()).toEqual(["ovn-cluster", "vpc1"]);
  });

  it.skipIf(fx.skip)("a private subnet gets Kube-OVN's switch ACLs, set exactly and removed when it turns public", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const { parseManifestText } = await import("../../src/model/index.js");
    const text = (priv: string) =>
      `apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: sec }\nspec:\n  cidrBlock: 10.20.0.0/24\n${priv}`;
    const objs = (t: string) => parseManifestText(t, "m.yaml").objects;
    const r1 = await applyOnce(db, { objects: objs(text("  private: true\n  allowSubnets: [10.16.0.0/16]\n")) });
    expect(r1.r.counts.created).toBe(2);
    const acls = await nbctl(db, "acl-list", "sec");
    expect(acls.split("\n").filter(Boolean).map((l) => l.replace(/\s+/g, " ").trim()).sort()).toEqual(
      [
        "to-lport 1000 (ip) drop log(name=sec,severity=warning)",
        "to-lport 1001 ((ip4.src == 10.20.0.0/24 && ip4.dst == 10.16.0.0/16) || (ip4.src == 10.16.0.0/16 && ip4.dst == 10.20.0.0/24)) allow-related",
        "to-lport 1001 (ip4.src == 10.20.0.0/24 && ip4.dst == 10.20.0.0/24) allow-related",
        "to-lport 3000 (ip4.src == 100.64.0.0/16) allow-related",
      ].sort(),
    );
    expect(await nbctl(db, "--bare", "--columns=external_ids", "find", "ACL", "priority=1000")).toBe("parent=sec vendor=kube-ovn\n");
    const again = await applyOnce(db, { objects: objs(text("  private: true\n  allowSubnets: [10.16.0.0/16]\n")) });
    expect(again.sent).toEqual([]);
    // Another allowed subnet: one ACL replaced, the others untouched.
    const other = await applyOnce(db, { objects: objs(text("  private: true\n  allowSubnets: [10.30.0.0/16]\n")) });
    expect(other.r.objects.find((o) => o.ref === "subnet/sec")?.action).toBe("configured");
    expect(other.sent.flat().filter((op) => op.op === "insert").length).toBe(1);
    const pub = await applyOnce(db, { objects: objs(text("")) });
    expect(pub.r.objects.find((o) => o.ref === "subnet/sec")?.action).toBe("configured");
    expect(await nbctl(db, "acl-list", "sec")).toBe("");
  });

  it.skipIf(fx.skip)("splits a big first apply into transactions of at most maxOperations", { timeout: 120_000 }, async () => {
    const db = await fx.start();
    const pods = Array.from({ length: 300 }, (_, i) => `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i} }\n`).join("");
    const { parseManifestText } = await import("../../src/model/index.js");
    const text = `apiVersion: v1\nkind: Namespace\nmetadata: { name: default }\n---\napiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: ovn-default }\nspec: { cidrBlock: 10.16.0.0/16 }\n${pods}`;
    const { objects, issues } = parseManifestText(text, "big.yaml");
    expect(issues).toEqual([]);
    const r = await applyOnce(db, { objects }, { maxOperations: 200 });
    expect(r.r.counts.created).toBe(302);
    expect(r.sent.length).toBeGreaterThanOrEqual(6);
    for (const ops of r.sent) expect(ops.length).toBeLessThanOrEqual(200);
    expect(r.sent.length).toBe(r.r.transactions);
    expect((await nbctl(db, "--bare", "--columns=name", "list", "Logical_Switch_Port")).split("\n").filter(Boolean).length).toBe(301);
    const again = await applyOnce(db, { objects }, { maxOperations: 200 });
    expect(again.sent).toEqual([]);
  });
});
