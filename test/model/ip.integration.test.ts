/**
 * `IP` and `IPPool` as the model's IPAM honours them: a pod's pre-created IP gives its address and
 * MAC, a reserved IP is never handed out, a pool's addresses go to its namespaces' pods (and to pods
 * naming them in `ovn.kubernetes.io/ip_pool`) and to no one else. Re-apply sends nothing. Conflicts
 * are errors naming file, object and field.
 */
import { describe, expect, it } from "vitest";
import { InvalidManifestError, formatIssue, resolveModel } from "../../src/model/index.js";
import { BACKENDS, nbctl } from "../ovn/controller/support.js";
import { applyOnce, manifestOf, useBackend } from "./fixture.js";

const BASE = `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: db }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/24, default: true }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: dbnet }
spec: { cidrBlock: 10.17.0.0/24, namespaces: [db] }
---
apiVersion: kubeovn.io/v1
kind: IP
metadata: { name: web-0.default }
spec: { subnet: ovn-default, podName: web-0, namespace: default, v4IpAddress: 10.16.0.50, macAddress: "00:00:00:00:00:50" }
---
apiVersion: kubeovn.io/v1
kind: IP
metadata: { name: reserved }
spec: { subnet: ovn-default, v4IpAddress: 10.16.0.2 }
---
apiVersion: kubeovn.io/v1
kind: IPPool
metadata: { name: dbpool }
spec: { subnet: dbnet, ips: [10.17.0.10..10.17.0.11], namespaces: [db] }
---
apiVersion: v1
kind: Pod
metadata: { name: web-0 }
---
apiVersion: v1
kind: Pod
metadata: { name: a }
---
apiVersion: v1
kind: Pod
metadata: { name: sts-0, annotations: { ovn.kubernetes.io/ip_pool: "10.16.0.20;10.16.0.21" } }
---
apiVersion: v1
kind: Pod
metadata: { name: d1, namespace: db }
---
apiVersion: v1
kind: Pod
metadata: { name: d2, namespace: db }
---
apiVersion: v1
kind: Pod
metadata: { name: other, annotations: { ovn.kubernetes.io/logical_switch: dbnet } }
`;
const pod = (name: string, ns: string, ann = "") => `---
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}${ann ? `, annotations: { ${ann} }` : ""} }
`;

function problems(text: string): string[] {
  try {
    resolveModel(manifestOf(text));
  } catch (e) {
    if (e instanceof InvalidManifestError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe.each(BACKENDS)("IP and IPPool on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("gives pods their IP's address, keeps reservations and pools, and re-applies with zero transactions", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const first = await applyOnce(db, manifestOf(BASE));
    expect(first.r.counts.created).toBe(9);
    const ip = async (port: string) => (await nbctl(db, "lsp-get-addresses", port)).trim();
    expect(await ip("web-0.default")).toBe("00:00:00:00:00:50 10.16.0.50");
    expect((await ip("a.default")).split(" ")[1]).toBe("10.16.0.3"); // .1 gateway, .2 reserved
    expect((await ip("sts-0.default")).split(" ")[1]).toBe("10.16.0.20");
    expect((await ip("d1.db")).split(" ")[1]).toBe("10.17.0.10");
    expect((await ip("d2.db")).split(" ")[1]).toBe("10.17.0.11");
    expect((await ip("other.default")).split(" ")[1]).toBe("10.17.0.2");
    // No OVN rows of their own (as in Kube-OVN): only the ports.
    expect((await nbctl(db, "--bare", "--columns=name", "list", "Logical_Switch_Port")).split(/\s+/).filter(Boolean).length).toBe(6 + 2);

    const again = await applyOnce(db, manifestOf(BASE));
    expect(again.sent).toEqual([]);
    // Without the reservation, existing pods keep their addresses.
    const noRes = await applyOnce(db, manifestOf(BASE.replace(/---\napiVersion: kubeovn.io\/v1\nkind: IP\nmetadata: \{ name: reserved \}\n[^\n]*\n/, "")));
    expect(noRes.sent).toEqual([]);
  });
});

describe("IP and IPPool validation", () => {
  it("a third pod of a two-address pool: exhausted, naming the pod", () => {
    expect(problems(BASE + pod("d3", "db"))).toEqual(["m.yaml:58 (document 14): pod/db/d3: metadata.annotations.ovn.kubernetes.io/ip_pool: subnet dbnet (IPPool dbpool) has no free address left"]);
  });
  it("an IP outside its subnet, a reserved IP also fixed on a pod, a pod's fixed IP inside a pool it is not of", () => {
    const text = `${BASE}---
apiVersion: kubeovn.io/v1
kind: IP
metadata: { name: far }
spec: { subnet: ovn-default, v4IpAddress: 10.99.0.1 }
${pod("x", "default", "ovn.kubernetes.io/ip_address: 10.16.0.2")}${pod("y", "default", "ovn.kubernetes.io/logical_switch: dbnet, ovn.kubernetes.io/ip_address: 10.17.0.11")}`;
    expect(problems(text)).toEqual([
      "m.yaml:58 (document 14): ip/far: spec.v4IpAddress: IP 10.99.0.1 is outside subnet ovn-default (10.16.0.0/24)",
      "m.yaml:63 (document 15): pod/default/x: metadata.annotations.ovn.kubernetes.io/ip_address: IP 10.16.0.2 is also the fixed IP of ip/reserved",
      "m.yaml:67 (document 16): pod/default/y: metadata.annotations.ovn.kubernetes.io/ip_address: invalid value \"10.17.0.11\": the address is in IPPool dbpool (a pool's addresses are only for its pods)",
    ]);
  });
  it("two pools overlapping, a pool outside its subnet, an IP named not after its pod, an unknown pool", () => {
    const text = `${BASE}---
apiVersion: kubeovn.io/v1
kind: IPPool
metadata: { name: p2 }
spec: { subnet: dbnet, ips: [10.17.0.11/32] }
---
apiVersion: kubeovn.io/v1
kind: IPPool
metadata: { name: p3 }
spec: { subnet: dbnet, ips: [10.18.0.0/30] }
${pod("z", "default", "ovn.kubernetes.io/ip_pool: nopool")}`;
    expect(problems(text)).toEqual([
      "m.yaml:68 (document 16): pod/default/z: metadata.annotations.ovn.kubernetes.io/ip_pool: ippool nopool is not defined",
    ]);
    expect(problems(text.replace(pod("z", "default", "ovn.kubernetes.io/ip_pool: nopool"), ""))).toEqual([
      'm.yaml:58 (document 14): ippool/p2: spec.ips: invalid value "10.17.0.11": also in IPPool dbpool',
      "m.yaml:63 (document 15): ippool/p3: spec.ips: IP 10.18.0.0 is outside subnet dbnet (10.17.0.0/24)",
    ]);
    expect(() =>
      manifestOf(`apiVersion: kubeovn.io/v1
kind: IP
metadata: { name: wrong }
spec: { subnet: s, podName: p, namespace: n, attachIps: [] }
`),
    ).toThrow(/"field":"spec.attachIps","problem":\{"kind":"unsupported-field"\}.*"field":"metadata.name","problem":\{"kind":"bad-value","value":"wrong"/);
  });
});
