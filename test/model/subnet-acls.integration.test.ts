/**
 * A subnet's `acls` and `allowEWTraffic`, as Kube-OVN's `UpdateLogicalSwitchACL` writes them: the
 * input checks; the planner on each backend (create, no-op, a change with its exact operations,
 * removal, `--prune` of the subnet); with ovn-northd, ovn-trace drops what a subnet ACL drops and
 * lets the rest through.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { SANDBOX_PROGRAMS, startOvnSandbox } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { applyOnce, issuesOf, lines, manifestOf, useBackend } from "./fixture.js";

/** Subnet s1 with `spec` extra, pods a (10.1.0.10), b (10.1.0.11), c (10.1.0.12). */
const MANIFEST = (extra: string) => `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec:
  cidrBlock: 10.1.0.0/24
${extra}
${["a", "b", "c"]
  .map((n, i) => `---\napiVersion: v1\nkind: Pod\nmetadata: { name: ${n}, annotations: { ovn.kubernetes.io/logical_switch: s1, ovn.kubernetes.io/ip_address: 10.1.0.${10 + i} } }\n`)
  .join("")}`;

const ACLS = `  allowEWTraffic: true
  acls:
    - { direction: to-lport, priority: 2000, match: ip4.src == 10.1.0.11 && ip4.dst == 10.1.0.10, action: drop }
    - { direction: from-lport, priority: 1500, match: "ip4.src == 10.1.0.12 && udp.dst == 53", action: allow-related }`;

describe("Subnet acls input", () => {
  it("names every bad field", () => {
    const bad = MANIFEST(`  acls:
    - { direction: both, priority: 40000, match: ip4, action: accept }
    - { priority: 1, action: drop, log: true }
    - { direction: to-lport, priority: 5, match: ip4, action: drop }
    - { direction: to-lport, priority: 5, match: ip4, action: allow }`);
    expect(issuesOf(bad)).toEqual([
      'm.yaml:11 (document 2): subnet/s1: spec.acls.0.direction: invalid value "both": expected one of from-lport, to-lport',
      'm.yaml:11 (document 2): subnet/s1: spec.acls.0.priority: invalid value "40000": expected an integer from 0 to 32767',
      'm.yaml:11 (document 2): subnet/s1: spec.acls.0.action: invalid value "accept": expected one of allow, allow-related, allow-stateless, drop, reject, pass',
      "m.yaml:12 (document 2): subnet/s1: spec.acls.1.log: field not supported by this model",
      "m.yaml:12 (document 2): subnet/s1: spec.acls.1.direction: required field missing",
      "m.yaml:12 (document 2): subnet/s1: spec.acls.1.match: required field missing",
      'm.yaml:14 (document 2): subnet/s1: spec.acls.3: invalid value "to-lport 5 ip4": the same direction, priority and match as spec.acls.2',
    ]);
    expect(issuesOf(MANIFEST("  allowEWTraffic: true"))).toEqual([
      'm.yaml:10 (document 2): subnet/s1: spec.allowEWTraffic: invalid value "true": it has an effect only with spec.acls (Kube-OVN writes its ACLs with the subnet\'s ACLs, none without)',
    ]);
  });
});

describe.each(BACKENDS)("Subnet acls on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("the ACLs on the switch; a re-apply sends nothing; a changed action changes only it; removal deletes them; --prune of the subnet", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(MANIFEST(ACLS)));
    expect((await lines(db, "acl-list", "s1")).map((l) => l.replace(/^\s*/, ""))).toEqual([
      "from-lport 1900 (ip4.src == 10.1.0.0/24 && ip4.dst == 10.1.0.0/24) allow",
      "from-lport 1500 (ip4.src == 10.1.0.12 && udp.dst == 53) allow-related",
      "to-lport 2000 (ip4.src == 10.1.0.11 && ip4.dst == 10.1.0.10) drop",
      "to-lport 1900 (ip4.src == 10.1.0.0/24 && ip4.dst == 10.1.0.0/24) allow",
    ]);
    expect((await nbctl(db, "--bare", "--columns=external_ids", "find", "ACL", "priority=2000")).trim().split(/\s+/)).toEqual(["parent=s1", "subnet=s1", "vendor=kube-ovn"]);
    expect((await applyOnce(db, manifestOf(MANIFEST(ACLS)))).sent).toEqual([]);

    const changed = await applyOnce(db, manifestOf(MANIFEST(ACLS.replace("action: drop", "action: reject"))));
    expect(changed.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/s1 configured"]);
    expect(opsText(changed.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["update ACL action=reject"]);

    const none = await applyOnce(db, manifestOf(MANIFEST("")));
    expect(opsText(none.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["mutate Logical_Switch acls delete [<uuid>,<uuid>,<uuid>,<uuid>]"]);
    expect(await lines(db, "acl-list", "s1")).toEqual([]);
    expect((await applyOnce(db, manifestOf(MANIFEST("")))).sent).toEqual([]);

    await applyOnce(db, manifestOf(MANIFEST(ACLS)));
    const pruned = await applyOnce(db, manifestOf("apiVersion: v1\nkind: Namespace\nmetadata: { name: default }\n"), { prune: true });
    expect(pruned.r.objects.map((o) => `${o.ref} ${o.action}`)).toContain("subnet/s1 deleted");
    expect((await nbctl(db, "--bare", "--columns=_uuid", "list", "ACL")).trim()).toBe("");
  });
});

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("Subnet acls with ovn-northd", () => {
  it("ovn-trace: the subnet's drop stops b to a; c to a passes", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-subnet-acls-"));
    try {
      writeFileSync(join(dir, "net.yaml"), MANIFEST(ACLS));
      const io = memoryIo();
      expect(await main(["apply", `--db=${ovn.nb}`, "-f", dir], io), io.stderr).toBe(0);
      await ovn.sync({ wait: "sb" });
      const mac = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ")[0]!;
      const to = async (from: string, ip: string) =>
        ovn.trace("s1", `inport == "${from}.default" && eth.src == ${await mac(`${from}.default`)} && eth.dst == ${await mac("a.default")} && ip4.src == ${ip} && ip4.dst == 10.1.0.10 && ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 80`, { ct: ["new", "new"] });
      const dropped = await to("b", "10.1.0.11");
      // The to-lport ACL at 2000 is ovn-northd's flow at 3000 (ACL priorities are offset by 1000) in ls_out_acl.
      expect(dropped.raw).toMatch(/ls_out_acl [^\n]*ip4\.src == 10\.1\.0\.11 && ip4\.dst == 10\.1\.0\.10\)?, priority 3000[^\n]*\n\s+drop;/);
      expect(dropped.outputs).not.toContain("a.default");
      const passed = await to("c", "10.1.0.12");
      expect(passed.dropped, passed.raw).toBe(false);
      expect(passed.outputs).toContain("a.default");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
