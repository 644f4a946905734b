/**
 * Kube-OVN's OVN NAT kinds on a VPC with `enableExternal`: the external router port and its
 * gateway chassis, OvnFip → dnat_and_snat, OvnSnatRule → snat, OvnDnatRule → a load balancer on
 * the router. Re-apply sends nothing; --prune deletes exactly a removed rule's rows.
 */
import { describe, expect, it } from "vitest";
import { InvalidManifestError, orderGatewayChassis, resolveModel } from "../../src/model/index.js";
import { BACKENDS, nbctl } from "../ovn/controller/support.js";
import { DNAT, FIP, NAT_BASE, SNAT } from "./nat-manifest.js";
import { applyOnce, lines, manifestOf, names, useBackend } from "./fixture.js";

describe.each(BACKENDS)("OVN NAT kinds on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("makes the external port, FIP, SNAT and DNAT rows as Kube-OVN; re-applies with zero transactions; --prune removes exactly a rule", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const all = manifestOf(NAT_BASE + FIP + SNAT + DNAT);
    // A dry run plans everything in one plan (routers, ports and rules still pending) and sends nothing.
    const dry = await applyOnce(db, all, { dryRun: true });
    expect(dry.sent).toEqual([]);
    expect(dry.r.counts.created).toBe(dry.r.objects.length);
    const first = await applyOnce(db, all);
    expect(first.r.objects.filter((o) => !o.ref.startsWith("pod/") && !o.ref.startsWith("node/")).map((o) => `${o.ref} ${o.action}`)).toEqual([
      "vpc/ovn-cluster created",
      "vpc/vpc1 created",
      "subnet/external created",
      "subnet/join created",
      "subnet/s1 created",
      "ovnfip/fip1 created",
      "ovnsnatrule/snat1 created",
      "ovndnatrule/dnat1 created",
    ]);
    const [webMac, webIp] = (await nbctl(db, "lsp-get-addresses", "web.ns1")).trim().split(" ");
    expect(webIp).toBe("10.1.0.3"); // app.ns1 < web.ns1: app takes 10.1.0.2
    // eip-snat < vpc1-external: the dynamic EIP gets 172.18.0.2, the router port 172.18.0.3.
    expect(await nbctl(db, "get", "Logical_Router_Port", "vpc1-external", "networks")).toBe('["172.18.0.3/24"]\n');
    expect(await nbctl(db, "get", "Logical_Switch_Port", "external-vpc1", "options:router-port")).toBe("vpc1-external\n");
    expect(await nbctl(db, "lsp-get-type", "external-vpc1")).toBe("router\n");
    const order = orderGatewayChassis("vpc1", ["ch-gw1", "ch-gw2"]);
    expect(await lines(db, "lrp-get-gateway-chassis", "vpc1-external")).toEqual([`vpc1-external-${order[0]} 100`, `vpc1-external-${order[1]} 99`]);
    expect(await lines(db, "lr-nat-list", "vpc1")).toEqual([
      "TYPE GATEWAY_PORT EXTERNAL_IP EXTERNAL_PORT LOGICAL_IP EXTERNAL_MAC LOGICAL_PORT",
      `dnat_and_snat 172.18.0.10 10.1.0.3 ${webMac} web.ns1`,
      "snat 172.18.0.2 10.1.0.0/24",
    ]);
    expect(await nbctl(db, "--bare", "--columns=options,external_ids", "find", "NAT", "type=dnat_and_snat")).toBe("stateless=false\novn_eip=eip-fip ovn_fip=fip1 vendor=kube-ovn\n");
    expect(await nbctl(db, "--bare", "--columns=external_ids", "find", "NAT", "type=snat")).toBe("ovn_eip=eip-snat ovn_snat=snat1 vendor=kube-ovn\n");
    expect(await lines(db, "lb-list")).toEqual(["UUID LB PROTO VIP IPs", expect.stringMatching(/^[0-9a-f-]+ dnat1 tcp 172\.18\.0\.12:8080 10\.1\.0\.3:80$/)]);
    expect(await lines(db, "lr-lb-list", "vpc1")).toEqual(["UUID LB PROTO VIP IPs", expect.stringMatching(/ dnat1 tcp 172\.18\.0\.12:8080 10\.1\.0\.3:80$/)]);
    expect(await lines(db, "lr-lb-list", "ovn-cluster")).toEqual([]);

    const again = await applyOnce(db, all);
    expect(again.sent).toEqual([]);
    expect(again.r.counts.created + again.r.counts.configured).toBe(0);

    // Without the FIP and the DNAT: exactly their NAT row and load balancer go.
    const p = await applyOnce(db, manifestOf(NAT_BASE + SNAT), { prune: true });
    expect(p.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["ovnfip/fip1 deleted", "ovndnatrule/dnat1 deleted"]);
    expect(await lines(db, "lr-nat-list", "vpc1")).toEqual(["TYPE GATEWAY_PORT EXTERNAL_IP EXTERNAL_PORT LOGICAL_IP EXTERNAL_MAC LOGICAL_PORT", "snat 172.18.0.2 10.1.0.0/24"]);
    expect(await names(db, "Load_Balancer")).toEqual([]);
    // The EIP addresses read back from the NAT rules: the same files send nothing.
    const q = await applyOnce(db, manifestOf(NAT_BASE + SNAT), { prune: true });
    expect(q.sent).toEqual([]);
    // Without the SNAT rule, then without enableExternal: its NAT row, then the VPC's external ports go.
    const noSnat = await applyOnce(db, manifestOf(NAT_BASE), { prune: true });
    expect(noSnat.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["ovnsnatrule/snat1 deleted"]);
    expect(await nbctl(db, "lr-nat-list", "vpc1")).toBe("");
    const internal = await applyOnce(db, manifestOf(NAT_BASE.replace("spec: { enableExternal: true }\n", "")));
    expect(internal.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["vpc/vpc1 configured"]);
    expect(await names(db, "Logical_Router_Port")).not.toContain("vpc1-external");
    expect(await names(db, "Logical_Switch_Port")).not.toContain("external-vpc1");
    expect(await names(db, "Gateway_Chassis")).toEqual([]);
  });
});

describe("EIP addresses across re-applies (embedded)", () => {
  const fx = useBackend("embedded");

  it("an EIP without a fixed address keeps the one its NAT rule or DNAT load balancer has when another EIP sorts before it", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const base = NAT_BASE.replace("spec: { v4Ip: 172.18.0.12, type: nat }", "spec: { type: nat }").replace("spec: { externalSubnet: external, v4Ip: 172.18.0.10 }", "spec: { externalSubnet: external }");
    const eipA = "---\napiVersion: kubeovn.io/v1\nkind: OvnEip\nmetadata: { name: eip-a }\nspec: {}\n";
    await applyOnce(db, manifestOf(base + FIP + DNAT));
    const before = await lines(db, "lr-nat-list", "vpc1");
    const lb = await lines(db, "lb-list");
    const again = await applyOnce(db, manifestOf(base + FIP + DNAT + eipA));
    expect(again.sent).toEqual([]);
    expect(await lines(db, "lr-nat-list", "vpc1")).toEqual(before);
    expect(await lines(db, "lb-list")).toEqual(lb);
  });
});

describe("NAT validation", () => {
  const issues = (text: string) => {
    try {
      resolveModel(manifestOf(text));
    } catch (e) {
      if (e instanceof InvalidManifestError) return e.issues.map((i) => `${i.object?.kind}/${i.object?.name} ${i.field} ${i.problem.kind}`);
      throw e;
    }
    return [];
  };
  it("names an unknown EIP, an unknown IP, an EIP used by two FIPs, a VPC without external connection and a DNAT port used twice", () => {
    expect(
      issues(`${NAT_BASE}${FIP}${DNAT}---
apiVersion: kubeovn.io/v1
kind: OvnFip
metadata: { name: fip2 }
spec: { ovnEip: eip-fip, ipName: app.ns1 }
---
apiVersion: kubeovn.io/v1
kind: OvnFip
metadata: { name: fip3 }
spec: { ovnEip: nope, ipName: gone.ns1 }
---
apiVersion: kubeovn.io/v1
kind: OvnSnatRule
metadata: { name: snat2 }
spec: { ovnEip: eip-snat, vpc: ovn-cluster, v4IpCidr: 10.16.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: OvnDnatRule
metadata: { name: dnat2 }
spec: { ovnEip: eip-dnat, ipName: app.ns1, protocol: tcp, externalPort: 8080, internalPort: 80 }
`),
    ).toEqual([
      "OvnFip/fip2 spec.ovnEip bad-value",
      "OvnFip/fip3 spec.ovnEip unknown-reference",
      "OvnFip/fip3 spec.ipName unknown-reference",
      "OvnSnatRule/snat2 spec.vpc bad-value",
      "OvnDnatRule/dnat2 spec.externalPort bad-value",
    ]);
  });
  it("refuses EIP types and IP types Kube-OVN makes itself or the model does not support", () => {
    expect(() =>
      manifestOf(`apiVersion: kubeovn.io/v1
kind: OvnEip
metadata: { name: e }
spec: { type: lrp }
---
apiVersion: kubeovn.io/v1
kind: OvnFip
metadata: { name: f }
spec: { ovnEip: e, ipType: vip, ipName: v }
`),
    ).toThrow(/"field":"spec.type","problem":\{"kind":"unsupported-value".*"field":"spec.ipType","problem":\{"kind":"unsupported-value"/);
  });
});
