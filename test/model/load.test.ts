import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidManifestError, type ManifestIssue, formatIssue, loadManifests, parseManifestText, resolveModel } from "../../src/model/index.js";
import { KIND_READERS } from "../../src/model/kinds/readers.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

function issuesOf(text: string): ManifestIssue[] {
  return parseManifestText(text, "m.yaml").issues;
}

function resolveIssues(text: string): ManifestIssue[] {
  const r = parseManifestText(text, "m.yaml");
  expect(r.issues).toEqual([]);
  try {
    resolveModel({ objects: r.objects });
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidManifestError);
    return [...(e as InvalidManifestError).issues];
  }
  return [];
}

const NS = `apiVersion: v1
kind: Namespace
metadata: { name: default }
`;
const subnet = (name: string, cidr: string, extra = "") => `---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ${name} }
spec:
  cidrBlock: ${cidr}
${extra}`;
const pod = (name: string, ann = "") => `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${ann ? `  annotations:\n${ann}` : ""}`;

describe("loading manifests", () => {
  it("reads a directory's YAML files, in name order, multi-document", () => {
    const m = loadManifests([FIXTURES]);
    expect(m.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(["Vpc/vpc1", "Subnet/ovn-default", "Subnet/web", "Namespace/default", "Namespace/web", "Pod/web-0", "Pod/web-1", "Pod/client", "Pod/pinned"]);
    const web0 = m.objects[5]!;
    expect(web0).toMatchObject({ kind: "Pod", namespace: "web", ipAddress: ["10.16.0.10"], macAddress: "00:00:00:aa:bb:01", nodeName: "node1" });
    expect(web0.source).toEqual({ file: join(FIXTURES, "pods.yaml"), document: 0, line: 1 });
    expect(m.objects[6]!.source).toMatchObject({ document: 1, line: 13 });
  });

  it("reports invalid YAML with file, document and line", () => {
    const issues = issuesOf(`${NS}---\nkind: Pod\nmetadata: { name: [x\n`);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ source: { file: "m.yaml", document: 1 }, problem: { kind: "yaml-syntax" } });
    expect(issues[0]!.source.line).toBeGreaterThanOrEqual(3);
  });

  it("reports an unknown kind", () => {
    expect(issuesOf("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: s }\n")).toEqual([
      { source: { file: "m.yaml", document: 0, line: 2 }, field: "kind", problem: { kind: "unknown-kind", apiVersion: "v1", objectKind: "ConfigMap" } },
    ]);
  });

  it("the unknown-kind message lists every kind the loader reads (QoSPolicy, refused, aside)", () => {
    const [issue] = issuesOf("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: s }\n");
    const message = formatIssue(issue!);
    const kinds = [...KIND_READERS.map((k) => [k.apiVersion, k.kind] as const).filter(([, k]) => k !== "QoSPolicy"), ["kubeovn.io/v1", "Vpc"], ["kubeovn.io/v1", "Subnet"], ["v1", "Namespace"], ["v1", "Pod"]] as const;
    expect(kinds.length).toBe(16);
    // "(supported: GROUP KINDS; GROUP KINDS; ...)": each kind under its API version.
    const groups = new Map(/\(supported: (.*)\)$/.exec(message)![1]!.split("; ").map((g) => [g.slice(0, g.indexOf(" ")), g.slice(g.indexOf(" ") + 1)] as const));
    for (const [apiVersion, kind] of kinds) expect(groups.get(apiVersion)).toMatch(new RegExp(`\\b${kind}\\b`));
  });

  it("reports every unsupported field, naming object, field and line", () => {
    const issues = issuesOf(`${subnet("s1", "10.0.0.0/24", "  u2oFeatures: { overlayOnly: true }\n  dhcpOptions: x\n")}${pod("p", "    ovn.kubernetes.io/routes: x\n")}`);
    expect(issues.map((i) => [i.object?.name, i.field, i.source.document, i.source.line, i.problem.kind])).toEqual([
      ["s1", "spec.dhcpOptions", 0, 8, "unsupported-field"],
      ["s1", "spec.u2oFeatures.overlayOnly", 0, 7, "unsupported-field"],
      ["default/p", "metadata.annotations.ovn.kubernetes.io/routes", 1, 15, "unsupported-field"],
    ]);
  });

  it("refuses values the model cannot honour (another provider), a bad node:IP gateway entry, a centralized subnet without gateway node and allowSubnets without private", () => {
    const issues = issuesOf(
      `${subnet("s1", "10.0.0.0/24", "  gatewayType: centralized\n  gatewayNode: node1:10.0.0.9, node2:nowhere\n  provider: net1.ns.ovn\n")}${subnet("s2", "10.0.1.0/24", "  allowSubnets: [10.0.0.0/24]\n  gatewayType: centralized\n")}`,
    );
    expect(issues.map((i) => [i.field, i.problem.kind])).toEqual([
      ["spec.provider", "unsupported-value"],
      ["spec.gatewayNode", "bad-value"],
      ["spec.allowSubnets", "bad-value"],
      ["spec.gatewayNode", "missing-field"],
    ]);
  });

  it("reports an object defined twice across files, and a duplicate YAML key", () => {
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-"));
    writeFileSync(join(dir, "a.yaml"), NS);
    writeFileSync(join(dir, "b.yaml"), `${NS}---\napiVersion: v1\nkind: Namespace\nmetadata: { name: x, name: y }\n`);
    let err: unknown;
    try {
      resolveModel(loadManifests([join(dir, "a.yaml"), join(dir, "b.yaml")]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidManifestError);
    expect((err as InvalidManifestError).issues).toMatchObject([{ source: { file: join(dir, "b.yaml"), document: 1 }, problem: { kind: "yaml-syntax" } }]);
    writeFileSync(join(dir, "b.yaml"), NS);
    expect(() => resolveModel(loadManifests([dir]))).toThrow(`${join(dir, "b.yaml")}:1 (document 1): namespace/default: metadata.name: defined twice (first at ${join(dir, "a.yaml")}:1)`);
  });

  it("names the file that cannot be read", () => {
    expect(() => loadManifests(["/nonexistent/x.yaml"])).toThrow(/\/nonexistent\/x\.yaml \(document 1\): cannot read: ENOENT/);
  });

  it("formats an issue as FILE:LINE (document N): kind/name: field: what", () => {
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-model-"));
    writeFileSync(join(dir, "a.yaml"), subnet("s1", "10.0.0.0/24", "  u2oFeatures: { overlayOnlyRouting: true }\n"));
    expect(() => loadManifests([dir])).toThrow(`${join(dir, "a.yaml")}:7 (document 1): subnet/s1: spec.u2oFeatures.overlayOnlyRouting: invalid value "true": it has an effect only with spec.u2oInterconnection: true`);
  });
});

describe("validating the model", () => {
  it("finds overlapping CIDRs within a VPC", () => {
    const issues = resolveIssues(`${NS}${subnet("a", "10.0.0.0/16")}${subnet("b", "10.0.1.0/24")}`);
    expect(issues).toMatchObject([{ object: { kind: "Subnet", name: "b" }, field: "spec.cidrBlock", problem: { kind: "cidr-overlap", cidr: "10.0.1.0/24", other: "a", otherCidr: "10.0.0.0/16" } }]);
  });

  it("finds a gateway outside its CIDR", () => {
    expect(resolveIssues(`${NS}${subnet("a", "10.0.0.0/24", "  gateway: 10.0.1.1\n")}`)).toMatchObject([{ field: "spec.gateway", problem: { kind: "gateway-outside-cidr", gateway: "10.0.1.1", cidr: "10.0.0.0/24" } }]);
  });

  it("finds an IP outside its subnet, an excluded IP, a duplicate fixed IP and MAC", () => {
    const ip = (x: string) => `    ovn.kubernetes.io/ip_address: ${x}\n`;
    const issues = resolveIssues(
      `${NS}${subnet("ovn-default", "10.0.0.0/24", "  excludeIps: [10.0.0.100..10.0.0.110]\n")}${pod("p1", ip("10.0.1.5"))}${pod("p2", ip("10.0.0.105"))}${pod("p3", ip("10.0.0.1"))}${pod("p4", ip("10.0.0.7"))}${pod("p5", ip("10.0.0.7"))}${pod("p6", "    ovn.kubernetes.io/mac_address: 00:00:00:00:00:01\n")}${pod("p7", "    ovn.kubernetes.io/mac_address: 00:00:00:00:00:01\n")}`,
    );
    expect(issues.map((i) => [i.object?.name, i.problem])).toEqual([
      ["default/p1", { kind: "ip-outside-subnet", ip: "10.0.1.5", subnet: "ovn-default", cidr: "10.0.0.0/24" }],
      ["default/p2", { kind: "ip-excluded", ip: "10.0.0.105", subnet: "ovn-default" }],
      ["default/p3", { kind: "ip-excluded", ip: "10.0.0.1", subnet: "ovn-default" }],
      ["default/p5", { kind: "duplicate-ip", ip: "10.0.0.7", other: "pod/default/p4" }],
      ["default/p7", { kind: "duplicate-mac", mac: "00:00:00:00:00:01", other: "pod/default/p6" }],
    ]);
  });

  it("finds references to unknown subnets, namespaces and VPCs", () => {
    const issues = resolveIssues(
      `${subnet("a", "10.0.0.0/24", "  vpc: nope\n  namespaces: [ghost]\n")}${pod("p1", "    ovn.kubernetes.io/logical_switch: missing\n")}`,
    );
    expect(issues.map((i) => [i.object?.name, i.field, i.problem])).toEqual([
      ["a", "spec.vpc", { kind: "unknown-reference", refKind: "Vpc", name: "nope" }],
      ["a", "spec.namespaces", { kind: "unknown-reference", refKind: "Namespace", name: "ghost" }],
      ["default/p1", "metadata.namespace", { kind: "unknown-reference", refKind: "Namespace", name: "default" }],
      ["default/p1", "metadata.annotations.ovn.kubernetes.io/logical_switch", { kind: "unknown-reference", refKind: "Subnet", name: "missing" }],
    ]);
  });

  it("assigns addresses deterministically: fixed first, then by port name, gateway excluded", () => {
    const text = `${NS}${subnet("ovn-default", "10.0.0.0/24")}${pod("b")}${pod("a")}${pod("c", "    ovn.kubernetes.io/ip_address: 10.0.0.2\n")}`;
    const objects = parseManifestText(text, "m.yaml").objects;
    const m1 = resolveModel({ objects });
    const m2 = resolveModel({ objects: [...objects].reverse() });
    const addr = (m: typeof m1) => Object.fromEntries(m.pods.map((p) => [p.port, `${p.mac} ${p.ips.join(",")}`]));
    expect(addr(m1)).toEqual(addr(m2));
    expect(m1.pods.map((p) => [p.port, p.ips])).toEqual([
      ["b.default", ["10.0.0.4"]],
      ["a.default", ["10.0.0.3"]],
      ["c.default", ["10.0.0.2"]],
    ]);
    expect(m1.subnets[0]).toMatchObject({ vpc: "ovn-cluster", gateways: ["10.0.0.1"], networks: ["10.0.0.1/24"], excludeIps: ["10.0.0.1"] });
    // Addresses already in the database are kept.
    const kept = resolveModel({ objects }, { existing: new Map([["b.default", { subnet: "ovn-default", mac: "00:00:00:01:02:03", ips: ["10.0.0.200"] }]]) });
    expect(kept.pods.find((p) => p.port === "b.default")).toMatchObject({ mac: "00:00:00:01:02:03", ips: ["10.0.0.200"] });
  });
});
