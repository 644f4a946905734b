/**
 * A Service's VIP backends (`resolveService`): equal, on random pods and services, to the
 * definition written out plainly here (each backend's target port, `IP:PORT` or `[IP]:PORT`,
 * sorted as text, joined by commas; no VIP without backends), whatever the resolver shares between
 * ports and cluster IPs.
 */
import { describe, expect, it } from "vitest";
import type { ResolvedPod } from "../../../src/model/index.js";
import { type ServiceObject, type ServicePort, joinHostPort, resolveService, vpcLoadBalancers } from "../../../src/model/kinds/service.js";
import type { ManifestIssue } from "../../../src/model/errors.js";
import type { ContainerPort, NamespaceObject, PodObject } from "../../../src/model/types.js";
import { xorshiftBelow as rng } from "../../support/prng.js";

const SOURCE = { file: "m.yaml", document: 0, line: 1 };

/** The VIPs by the definition. */
function reference(svc: ServiceObject, backends: readonly ResolvedPod[]): { lb: string; vip: string; backends: string }[] {
  const lbs = vpcLoadBalancers("ovn-cluster");
  const out: { lb: string; vip: string; backends: string }[] = [];
  for (const ip of svc.clusterIPs)
    for (const port of svc.ports) {
      const list: string[] = [];
      for (const b of backends) {
        const target = typeof port.targetPort === "number" ? port.targetPort : b.object.containerPorts?.find((c) => c.name === port.targetPort && c.protocol === port.protocol)?.containerPort;
        if (target === undefined) continue;
        for (const a of b.ips) if (a.includes(":") === ip.includes(":")) list.push(joinHostPort(a, target));
      }
      if (list.length) out.push({ lb: (svc.sessionAffinity ? lbs.session : lbs.plain)[port.protocol], vip: joinHostPort(ip, port.port), backends: list.sort().join(",") });
    }
  return out;
}

describe("resolveService backends", () => {
  it("equal the plain definition on random pods (IPv4, IPv6, dual stack; named target ports equal or not across pods; some pods without the port)", () => {
    const r = rng(11);
    const namespaces = new Map<string, NamespaceObject>([["default", { kind: "Namespace", name: "default", labels: {}, source: SOURCE } as unknown as NamespaceObject]]);
    let compared = 0;
    for (let round = 0; round < 200; round++) {
      const pods: ResolvedPod[] = [];
      const count = r(30);
      for (let i = 0; i < count; i++) {
        const fam = r(3);
        // addresses whose texts are prefixes of one another (10.0.0.1, 10.0.0.10, 10.0.0.100) and IPv6 ones
        const v4 = `10.0.${r(3)}.${[1, 10, 100, 2, 20, 200][r(6)]! + r(2)}`;
        const v6 = `fd00::${(r(300) + 1).toString(16)}`;
        const ips = fam === 0 ? [v4] : fam === 1 ? [v6] : [v4, v6];
        const containerPorts: ContainerPort[] = [];
        if (r(4) > 0) containerPorts.push({ name: "http", containerPort: round % 2 ? 8080 : 8080 + r(3), protocol: "TCP" });
        if (r(2)) containerPorts.push({ name: "dns", containerPort: 53, protocol: "UDP" });
        const object = { kind: "Pod", name: `p${i}`, namespace: "default", labels: { app: "a" }, containerPorts, source: SOURCE } as unknown as PodObject;
        pods.push({ object, port: `p${i}.default`, subnet: "s", mac: "00:00:00:00:00:01", ips });
      }
      const ports: ServicePort[] = [
        { name: "http", protocol: "TCP", port: 80, targetPort: "http", field: "spec.ports.0" },
        { name: "num", protocol: "TCP", port: 81, targetPort: 9000 + r(2), field: "spec.ports.1" },
        { name: "dns", protocol: "UDP", port: 53, targetPort: "dns", field: "spec.ports.2" },
      ];
      const clusterIPs = [["10.96.0.1"], ["fd00:96::1"], ["10.96.0.1", "fd00:96::1"]][r(3)]!;
      const svc: ServiceObject = { kind: "Service", name: "svc", namespace: "default", clusterIPs, selector: { app: "a" }, ports, sessionAffinity: r(2) === 1, source: SOURCE } as unknown as ServiceObject;
      const issues: ManifestIssue[] = [];
      const got = resolveService(svc, pods, namespaces, () => "ovn-cluster", issues);
      // no pods, or none with a named target port: an issue, no VIPs
      if (issues.length) {
        expect(got).toBeUndefined();
        continue;
      }
      compared++;
      expect(got?.vips, `round ${round}`).toEqual(reference(svc, pods));
    }
    expect(compared).toBeGreaterThan(150);
  });
});
