/** NetworkPolicy and Service input checks: every unsupported field, bad value and selector matching nothing named by file, line, object and field. */
import { describe, expect, it } from "vitest";
import { formatIssue, parseManifestText, resolveModel } from "../../../src/model/index.js";
import { resolveIssues } from "../../support/manifest-issues.js";
import { BASE, POLICY, SERVICE } from "./manifests.js";

function parseIssues(text: string): string[] {
  return parseManifestText(text, "m.yaml").issues.map(formatIssue);
}


describe("NetworkPolicy input", () => {
  it("reads the example without issues", () => {
    expect(resolveIssues(`${BASE}---\n${POLICY}`)).toEqual([]);
  });

  it("names unsupported fields and annotations, bad ports and ipBlocks", () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  annotations: { ovn.kubernetes.io/acl_log_meter_rate: "10", ovn.kubernetes.io/enable_log: "yes" }
spec:
  podSelector: { matchLabels: { app: web }, matchFields: [] }
  ingress:
    - from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [192.168.0.0/16] } }]
      ports: [{ port: "80" }, { port: 80, endPort: 70 }, { protocol: ICMP }]
  bogus: 1
`;
    expect(parseIssues(text)).toEqual([
      "m.yaml:11 (document 1): networkpolicy/default/p: spec.bogus: field not supported by this model",
      "m.yaml:7 (document 1): networkpolicy/default/p: spec.podSelector.matchFields: field not supported by this model",
      'm.yaml:9 (document 1): networkpolicy/default/p: spec.ingress.0.from.0.ipBlock.except.0: invalid value "192.168.0.0/16": not inside ipBlock.cidr 10.0.0.0/8',
      'm.yaml:10 (document 1): networkpolicy/default/p: spec.ingress.0.ports.0.port: invalid value "80": a port number is written without quotes; a named port is a name',
      'm.yaml:10 (document 1): networkpolicy/default/p: spec.ingress.0.ports.1.endPort: invalid value "70": endPort is below port 80',
      'm.yaml:10 (document 1): networkpolicy/default/p: spec.ingress.0.ports.2.protocol: invalid value "ICMP": expected one of TCP, UDP, SCTP',
      'm.yaml:5 (document 1): networkpolicy/default/p: metadata.annotations.ovn.kubernetes.io/enable_log: invalid value "yes": expected "true" or "false"',
      "m.yaml:5 (document 1): networkpolicy/default/p: metadata.annotations.ovn.kubernetes.io/acl_log_meter_rate: field not supported by this model",
    ]);
  });

  it("a selector that matches nothing, and a named port nobody declares, are errors naming the field", () => {
    const bad = POLICY.replace("matchLabels: { app: web }", "matchLabels: { app: nope }").replace("values: [db]", "values: [nobody]").replace("port: http", "port: https");
    expect(resolveIssues(`${BASE}---\n${bad}`)).toEqual([
      "m.yaml:51 (document 9): networkpolicy/web/allow-client: spec.podSelector: selector app=nope matches no pods of the model",
      'm.yaml:51 (document 9): networkpolicy/web/allow-client: spec.ingress.0.ports.0.port: invalid value "https": no container port of namespace web is named https',
      "m.yaml:51 (document 9): networkpolicy/web/allow-client: spec.egress.0.to.0.namespaceSelector: selector team in (nobody) matches no namespaces of the model",
    ]);
  });
});

describe("NetworkPolicy names", () => {
  it("two policies whose names differ only by - and . would share Kube-OVN's rows: an error", () => {
    const np = (name: string) => `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: ${name}, namespace: web }\nspec:\n  podSelector: {}\n`;
    expect(resolveIssues(`${BASE}${np("a-b")}${np("a.b")}`)).toEqual([
      'm.yaml:57 (document 10): networkpolicy/web/a.b: metadata.name: invalid value "a.b": its port group a.b.web is also that of networkpolicy/web/a-b (Kube-OVN writes - as .)',
    ]);
  });
});

describe("Service input", () => {
  it("reads the example without issues", () => {
    expect(resolveIssues(`${BASE}---\n${SERVICE}`)).toEqual([]);
  });

  it("names unsupported types and fields, missing cluster IPs and ports", () => {
    const text = `apiVersion: v1
kind: Service
metadata: { name: s, annotations: { ovn.kubernetes.io/switch_lb_vip: 10.0.0.1 } }
spec:
  type: NodePort
  selector: { app: web }
  externalTrafficPolicy: Local
  ports: [{ port: 80 }, { port: 80 }]
`;
    expect(parseIssues(text)).toEqual([
      "m.yaml:7 (document 1): service/default/s: spec.externalTrafficPolicy: field not supported by this model",
      'm.yaml:5 (document 1): service/default/s: spec.type: value "NodePort" not supported: only ClusterIP services are supported (no node ports, no external load balancers)',
      "m.yaml:5 (document 1): service/default/s: spec.clusterIP: required field missing",
      "m.yaml:8 (document 1): service/default/s: spec.ports.0.name: required field missing",
      "m.yaml:8 (document 1): service/default/s: spec.ports.1.name: required field missing",
      'm.yaml:8 (document 1): service/default/s: spec.ports.1.port: invalid value "80": two TCP ports 80',
      "m.yaml:3 (document 1): service/default/s: metadata.annotations.ovn.kubernetes.io/switch_lb_vip: field not supported by this model",
    ]);
  });

  it("a selector that matches nothing and a target port no selected pod declares are errors", () => {
    expect(resolveIssues(`${BASE}---\n${SERVICE.replace("selector: { app: web }", "selector: { app: gone }")}`)).toEqual([
      "m.yaml:51 (document 9): service/web/web: spec.selector: selector app=gone matches no pods of the model",
    ]);
    expect(resolveIssues(`${BASE}---\n${SERVICE.replace("targetPort: http", "targetPort: grpc")}`)).toEqual([
      'm.yaml:51 (document 9): service/web/web: spec.ports.0.targetPort: invalid value "grpc": no selected pod has a TCP container port named grpc',
    ]);
  });
});

describe("QoS input", () => {
  it("rates are whole Mbit/s; QoSPolicy is refused with the reason", () => {
    expect(parseIssues("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: { ovn.kubernetes.io/ingress_rate: '1.5', ovn.kubernetes.io/egress_rate: '0' }\n")).toEqual([
      'm.yaml:5 (document 1): pod/default/p: metadata.annotations.ovn.kubernetes.io/ingress_rate: invalid value "1.5": expected a rate in Mbit/s, an integer from 1 to 4294967',
      'm.yaml:5 (document 1): pod/default/p: metadata.annotations.ovn.kubernetes.io/egress_rate: invalid value "0": expected a rate in Mbit/s, an integer from 1 to 4294967',
    ]);
    expect(parseIssues("apiVersion: kubeovn.io/v1\nkind: QoSPolicy\nmetadata: { name: q }\nspec: {}\n")).toEqual([
      'm.yaml:2 (document 1): qospolicy/q: kind: value "QoSPolicy" not supported: a QoSPolicy binds EIPs and NAT gateways that Kube-OVN rate-limits with tc in VPC NAT gateway pods, with no OVN rows; use the pod annotations ovn.kubernetes.io/ingress_rate and egress_rate',
    ]);
  });
});

describe("NetworkPolicy compilation (no server)", () => {
  const resolved = (text: string) => {
    const r = parseManifestText(text, "m.yaml");
    expect(r.issues.map(formatIssue)).toEqual([]);
    return resolveModel({ objects: r.objects });
  };
  const dual = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: "10.16.0.0/16,fd00:10:16::/64", default: true }
---
apiVersion: v1
kind: Pod
metadata: { name: a, labels: { app: a }, annotations: { ovn.kubernetes.io/ip_address: "10.16.0.5,fd00:10:16::5" } }
---
apiVersion: v1
kind: Pod
metadata: { name: b, labels: { app: b }, annotations: { ovn.kubernetes.io/ip_address: "10.16.0.6,fd00:10:16::6" } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: 1-deny }
spec:
  podSelector: { matchLabels: { app: a } }
  ingress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-b }
spec:
  podSelector: { matchLabels: { app: a } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: b } } }] }]
`;

  it("a dual-stack deny-all: .all address sets per family, the ICMPv6 pair, np prefix for a name starting with a digit", () => {
    const m = resolved(dual);
    const deny = m.networkPolicies!.find((p) => p.object.name === "1-deny")!;
    expect(deny.portGroup).toBe("np1.deny.default");
    expect([...deny.addressSets.keys()].sort()).toEqual([
      "np1.deny.default.ingress.allow.IPv4.all",
      "np1.deny.default.ingress.allow.IPv6.all",
      "np1.deny.default.ingress.except.IPv4.all",
      "np1.deny.default.ingress.except.IPv6.all",
    ]);
    expect(deny.acls.map((a) => `${a.direction} ${a.priority} ${a.action} ${a.name ?? "-"} ${a.match}`)).toEqual([
      "to-lport 2000 drop default/1-deny outport == @np1.deny.default && ip",
      "to-lport 2001 allow-related np/np1-deny.default/ingress/IPv4/all outport == @np1.deny.default && ip && ip4.src == $np1.deny.default.ingress.allow.IPv4.all && ip4.src != $np1.deny.default.ingress.except.IPv4.all",
      "to-lport 2001 allow-related np/np1-deny.default/ingress/IPv6/all outport == @np1.deny.default && ip && ip6.src == $np1.deny.default.ingress.allow.IPv6.all && ip6.src != $np1.deny.default.ingress.except.IPv6.all",
      "from-lport 2001 allow-stateless - icmp6",
      "to-lport 2001 allow-stateless - icmp6",
    ]);
    const from = m.networkPolicies!.find((p) => p.object.name === "from-b")!;
    expect(from.addressSets.get("from.b.default.ingress.allow.IPv4.0")?.addresses).toEqual(["10.16.0.6"]);
    expect(from.addressSets.get("from.b.default.ingress.allow.IPv6.0")?.addresses).toEqual(["fd00:10:16::6"]);
    expect(from.ports).toEqual(["a.default"]);
  });

  it("a namespace selector sees the kubernetes.io/metadata.name label the API server sets", () => {
    const m = resolved(`${dual}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: by-name }
spec:
  podSelector: {}
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: default } } }] }]
`);
    expect(m.networkPolicies!.find((p) => p.object.name === "by-name")!.addressSets.get("by.name.default.ingress.allow.IPv4.0")?.addresses).toEqual(["10.16.0.5", "10.16.0.6"]);
  });

  it("a dual-stack service: one VIP per family, IPv6 in brackets", () => {
    const m = resolved(`${dual}---
apiVersion: v1
kind: Service
metadata: { name: s }
spec:
  clusterIPs: [10.96.0.1, "fd00:96::1"]
  selector: { app: b }
  sessionAffinity: ClientIP
  ports: [{ port: 80, targetPort: 8080 }]
`);
    expect(m.services![0]!.vips).toEqual([
      { lb: "cluster-tcp-session-loadbalancer", vip: "10.96.0.1:80", backends: "10.16.0.6:8080" },
      { lb: "cluster-tcp-session-loadbalancer", vip: "[fd00:96::1]:80", backends: "[fd00:10:16::6]:8080" },
    ]);
  });
});

describe("Service in a custom VPC", () => {
  it("uses Kube-OVN's vpc-NAME-PROTO-load names", () => {
    const r = parseManifestText(
      `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
---
apiVersion: v1
kind: Namespace
metadata: { name: t }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: t }
spec: { vpc: vpc1, cidrBlock: 10.30.0.0/24, namespaces: [t] }
---
apiVersion: v1
kind: Pod
metadata: { name: a, namespace: t, labels: { app: a }, annotations: { ovn.kubernetes.io/ip_address: 10.30.0.9 } }
---
apiVersion: v1
kind: Service
metadata: { name: s, namespace: t }
spec: { clusterIP: 10.96.1.1, selector: { app: a }, ports: [{ protocol: SCTP, port: 9, targetPort: 99 }] }
`,
      "m.yaml",
    );
    expect(r.issues).toEqual([]);
    const m = resolveModel({ objects: r.objects });
    expect(m.services![0]).toMatchObject({ vpc: "vpc1", vips: [{ lb: "vpc-vpc1-sctp-load", vip: "10.96.1.1:9", backends: "10.30.0.9:99" }] });
  });
});
