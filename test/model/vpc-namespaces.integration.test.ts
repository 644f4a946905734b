/**
 * A custom VPC's `spec.namespaces` and `spec.defaultSubnet`, as Kube-OVN binds namespaces to
 * subnets: the input checks; where the pods of the namespaces get their ports (the VPC's default
 * subnet ahead of a subnet naming the namespace, `kube-system` excepted; the cluster's default
 * subnet when the VPC has none); the planner on each backend (create, no-op, a new default subnet
 * moves exactly the pods' ports, removal, `--prune`).
 */
import { describe, expect, it } from "vitest";
import { InvalidManifestError, formatIssue, parseManifestText, resolveModel } from "../../src/model/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { applyOnce, manifestOf, useBackend } from "./fixture.js";

/** vpc1 listing namespaces `team` and `kube-system` (`spec` given), its subnets s1 and s2, the cluster's ovn-default, pods in team, kube-system and default. */
const MANIFEST = (spec: string, extra = "") => `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: team }
---
apiVersion: v1
kind: Namespace
metadata: { name: kube-system }
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec: { ${spec} }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { vpc: vpc1, cidrBlock: 10.1.0.0/24 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s2 }
spec: { vpc: vpc1, cidrBlock: 10.2.0.0/24${extra} }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: team }
---
apiVersion: v1
kind: Pod
metadata: { name: dns, namespace: kube-system }
---
apiVersion: v1
kind: Pod
metadata: { name: other }
`;

const BOUND = 'namespaces: [team, kube-system], defaultSubnet: s1';

function issuesOf(text: string): string[] {
  const r = parseManifestText(text, "m.yaml");
  if (r.issues.length) return r.issues.map(formatIssue);
  try {
    resolveModel({ objects: r.objects });
    return [];
  } catch (e) {
    if (!(e instanceof InvalidManifestError)) throw e;
    return e.issues.map(formatIssue);
  }
}

/** Each pod's subnet as the model places it. */
function placement(text: string): Record<string, string> {
  return Object.fromEntries(resolveModel(manifestOf(text)).pods.map((p) => [p.port, p.subnet]));
}

describe("Vpc namespaces and defaultSubnet: input and placement", () => {
  it("places the pods of the VPC's namespaces on its default subnet", () => {
    expect(placement(MANIFEST(BOUND))).toEqual({ "web.team": "s1", "dns.kube-system": "s1", "other.default": "ovn-default" });
    // A subnet naming the namespace too: the VPC's default subnet comes first (Kube-OVN prepends it), except for kube-system.
    expect(placement(MANIFEST(BOUND, ", namespaces: [team, kube-system]"))).toEqual({ "web.team": "s1", "dns.kube-system": "s2", "other.default": "ovn-default" });
    // Without defaultSubnet: the subnet naming the namespace, else the cluster's default subnet.
    expect(placement(MANIFEST("namespaces: [team, kube-system]", ", namespaces: [team]"))).toEqual({ "web.team": "s2", "dns.kube-system": "ovn-default", "other.default": "ovn-default" });
  });

  it("names every bad field", () => {
    expect(issuesOf(MANIFEST("namespaces: [team, team]"))).toEqual(['m.yaml:16 (document 4): vpc/vpc1: spec.namespaces.1: invalid value "team": listed twice']);
    expect(issuesOf(MANIFEST("namespaces: [team, kube-system, ghost], defaultSubnet: ovn-default"))).toEqual([
      'm.yaml:13 (document 4): vpc/vpc1: spec.defaultSubnet: invalid value "ovn-default": subnet ovn-default is in vpc ovn-cluster',
      "m.yaml:13 (document 4): vpc/vpc1: spec.namespaces.2: namespace ghost is not defined",
    ]);
    expect(issuesOf(MANIFEST("namespaces: [team], defaultSubnet: nowhere"))).toEqual(["m.yaml:13 (document 4): vpc/vpc1: spec.defaultSubnet: subnet nowhere is not defined"]);
    // A subnet of vpc1 naming a namespace vpc1 does not list; a subnet of the default VPC naming one vpc1 lists.
    expect(issuesOf(MANIFEST("namespaces: [team]", ", namespaces: [default]").replace("spec: { cidrBlock: 10.16.0.0/16 }", "spec: { cidrBlock: 10.16.0.0/16, namespaces: [team] }"))).toEqual([
      'm.yaml:18 (document 5): subnet/ovn-default: spec.namespaces.0: invalid value "team": namespace team belongs to vpc vpc1 (its spec.namespaces)',
      'm.yaml:28 (document 7): subnet/s2: spec.namespaces.0: invalid value "default": namespace default is out of range of custom vpc vpc1 (not in its spec.namespaces)',
    ]);
    const two = `${MANIFEST(BOUND)}---\napiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: vpc2 }\nspec: { namespaces: [team] }\n---\napiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: ovn-cluster }\nspec: { namespaces: [default], defaultSubnet: ovn-default }\n`;
    expect(issuesOf(two)).toEqual([
      'm.yaml:45 (document 11): vpc/vpc2: spec.namespaces.0: invalid value "team": already listed by vpc vpc1',
      'm.yaml:50 (document 12): vpc/ovn-cluster: spec.namespaces: value "default" not supported: the namespaces of ovn-cluster are every namespace no custom VPC lists',
      'm.yaml:50 (document 12): vpc/ovn-cluster: spec.defaultSubnet: value "ovn-default" not supported: the default subnet of ovn-cluster is the Subnet with spec.default (Kube-OVN reads defaultSubnet of custom VPCs only)',
    ]);
  });
});

describe.each(BACKENDS)("Vpc namespaces and defaultSubnet on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("the pods' ports on the VPC's default subnet; a re-apply sends nothing; a new default subnet moves exactly their ports; without the VPC's namespaces they go to the cluster's default", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const portsOf = async (ls: string) => (await nbctl(db, "lsp-list", ls)).split("\n").map((l) => /\((.*)\)/.exec(l)?.[1]).filter((x): x is string => !!x && x.includes(".")).sort();
    await applyOnce(db, manifestOf(MANIFEST(BOUND)));
    expect(await portsOf("s1")).toEqual(["dns.kube-system", "web.team"]);
    expect(await portsOf("ovn-default")).toEqual(["other.default"]);
    expect((await nbctl(db, "--bare", "--columns=addresses", "list", "Logical_Switch_Port", "web.team")).trim()).toMatch(/^[0-9a-f:]{17} 10\.1\.0\.\d+$/);
    expect((await applyOnce(db, manifestOf(MANIFEST(BOUND)))).sent).toEqual([]);

    const moved = await applyOnce(db, manifestOf(MANIFEST("namespaces: [team, kube-system], defaultSubnet: s2")));
    expect(moved.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`).sort()).toEqual(["pod/kube-system/dns configured", "pod/team/web configured"]);
    expect(moved.sent.length).toBe(1);
    // Both ports leave s1 for s2 (the same rows, their MACs kept), each with an address of s2.
    expect(opsText(moved.sent[0]!).filter((o) => !o.startsWith("wait")).map((o) => o.replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, "MAC")).sort()).toEqual([
      "mutate Logical_Switch ports delete [<uuid>,<uuid>]",
      "mutate Logical_Switch ports insert [<uuid>,<uuid>]",
      "mutate Logical_Switch_Port addresses delete [MAC 10.1.0.2] / addresses insert [MAC 10.2.0.2] / port_security delete [MAC 10.1.0.2] / port_security insert [MAC 10.2.0.2] / external_ids delete [ls] / external_ids insert {ls=s2}",
      "mutate Logical_Switch_Port addresses delete [MAC 10.1.0.3] / addresses insert [MAC 10.2.0.3] / port_security delete [MAC 10.1.0.3] / port_security insert [MAC 10.2.0.3] / external_ids delete [ls] / external_ids insert {ls=s2}",
    ]);
    expect(await portsOf("s1")).toEqual([]);
    expect(await portsOf("s2")).toEqual(["dns.kube-system", "web.team"]);
    expect((await nbctl(db, "--bare", "--columns=addresses", "list", "Logical_Switch_Port", "web.team")).trim()).toMatch(/ 10\.2\.0\.\d+$/);
    expect((await applyOnce(db, manifestOf(MANIFEST("namespaces: [team, kube-system], defaultSubnet: s2")))).sent).toEqual([]);

    await applyOnce(db, manifestOf(MANIFEST("")));
    expect(await portsOf("s2")).toEqual([]);
    expect(await portsOf("ovn-default")).toEqual(["dns.kube-system", "other.default", "web.team"]);

    // --prune: the namespace's pod gone from the files goes from the VPC's default subnet.
    await applyOnce(db, manifestOf(MANIFEST(BOUND)));
    const pruned = await applyOnce(db, manifestOf(MANIFEST(BOUND).replace(/---\napiVersion: v1\nkind: Pod\nmetadata: \{ name: web, namespace: team \}\n/, "")), { prune: true });
    expect(pruned.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["pod/team/web deleted"]);
    expect(await portsOf("s1")).toEqual(["dns.kube-system"]);
  });
});

describe("Subnet namespaceSelectors", () => {
  const text = (selectors: string, extra = "") => `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: team, labels: { tier: gold } }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: gold }
spec: { cidrBlock: 10.20.0.0/16, namespaceSelectors: ${selectors}${extra} }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: team }
---
apiVersion: v1
kind: Pod
metadata: { name: other }
`;

  it("binds the namespaces a selector matches, as spec.namespaces does", () => {
    expect(placement(text("[{ matchLabels: { tier: gold } }]"))).toEqual({ "web.team": "gold", "other.default": "ovn-default" });
    expect(placement(text("[{ matchExpressions: [{ key: tier, operator: Exists }] }]"))).toEqual({ "web.team": "gold", "other.default": "ovn-default" });
  });

  it("a selector matching no namespace, or a namespace bound by another subnet, is an error", () => {
    expect(issuesOf(text("[{ matchLabels: { tier: silver } }]"))).toEqual(["m.yaml:14 (document 4): subnet/gold: spec.namespaceSelectors.0: selector tier=silver matches no namespaces of the model"]);
    expect(issuesOf(text("[{ matchLabels: { tier: gold } }]").replace("spec: { cidrBlock: 10.16.0.0/16 }", "spec: { cidrBlock: 10.16.0.0/16, namespaces: [team] }"))).toEqual([
      'm.yaml:14 (document 4): subnet/gold: spec.namespaceSelectors.0: invalid value "team": namespace team (selected) already bound to subnet ovn-default',
    ]);
  });
});
