/**
 * Underlay subnets as Kube-OVN makes them: a `Vlan` on a `ProviderNetwork` gives the subnet's
 * switch a localnet port `localnet.SUBNET` (tag = VLAN id, `network_name` = provider); without
 * `logicalGateway` the subnet is not joined to its VPC's router. Re-apply sends nothing; a changed
 * VLAN id changes exactly the tag; --prune deletes exactly the removed subnet's rows.
 */
import { describe, expect, it } from "vitest";
import { InvalidManifestError, parseManifestText, resolveModel } from "../../src/model/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { applyOnce, lines, manifestOf, names, useBackend } from "./fixture.js";

const net = (vlanId: number, withUnder = true) => `apiVersion: kubeovn.io/v1
kind: ProviderNetwork
metadata: { name: net1 }
spec: { defaultInterface: eth1 }
---
apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: vlan10 }
spec: { id: ${vlanId}, provider: net1 }
---
apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: vlan0 }
spec: { id: 0, provider: net1 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: under-lg }
spec: { cidrBlock: 172.21.0.0/24, vlan: vlan0, logicalGateway: true }
${withUnder ? `---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: under }
spec: { cidrBlock: 172.20.0.0/24, vlan: vlan10 }
` : ""}`;

describe.each(BACKENDS)("underlay subnets on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("a VLAN subnet gets Kube-OVN's localnet port and no router port; a logical-gateway one keeps its router port", { timeout: 60_000 }, async () => {
    const db = await fx.start();
    const first = await applyOnce(db, manifestOf(net(10)));
    expect(first.r.objects.map((o) => `${o.ref} ${o.action}`)).toEqual(["vpc/ovn-cluster created", "subnet/under-lg created", "subnet/under created"]);
    expect(await nbctl(db, "lsp-get-type", "localnet.under")).toBe("localnet\n");
    expect(await nbctl(db, "lsp-get-tag", "localnet.under")).toBe("10\n");
    expect(await nbctl(db, "lsp-get-addresses", "localnet.under")).toBe("unknown\n");
    expect(await nbctl(db, "get", "Logical_Switch_Port", "localnet.under", "options")).toBe("{network_name=net1}\n");
    expect(await nbctl(db, "get", "Logical_Switch_Port", "localnet.under", "external_ids")).toBe('{ipv4_network="172.20.0.0/24", ls=under, vendor=kube-ovn}\n');
    expect(await nbctl(db, "lsp-get-tag", "localnet.under-lg")).toBe("");
    expect(await names(db, "Logical_Router_Port")).toEqual(["ovn-cluster-under-lg"]);
    expect(await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "type=router")).toBe("under-lg-ovn-cluster\n");
    expect(await lines(db, "lr-policy-list", "ovn-cluster")).toEqual(["Routing Policies", "31000 ip4.dst == 172.21.0.0/24 allow"]);

    const again = await applyOnce(db, manifestOf(net(10)));
    expect(again.sent).toEqual([]);

    const retag = await applyOnce(db, manifestOf(net(20)));
    expect(retag.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/under configured"]);
    expect(retag.sent.map(opsText)).toEqual([["wait Logical_Switch_Port _version", "update Logical_Switch_Port tag=20"]]);
    expect(await nbctl(db, "lsp-get-tag", "localnet.under")).toBe("20\n");

    const pruned = await applyOnce(db, manifestOf(net(20, false)), { prune: true });
    expect(pruned.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/under deleted"]);
    expect(await names(db, "Logical_Switch")).toEqual(["under-lg"]);
    expect(await names(db, "Logical_Switch_Port")).toEqual(["localnet.under-lg", "under-lg-ovn-cluster"]);
    // The last subnet gone: its switch, ports, router port and router policy go; the router stays (no subnet uses it: pruned too).
    const none = await applyOnce(db, manifestOf(net(20, false).replace(/---\napiVersion: kubeovn.io\/v1\nkind: Subnet\nmetadata: \{ name: under-lg \}\n[^\n]*\n/, "")), { prune: true });
    expect(none.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`).sort()).toEqual(["subnet/under-lg deleted", "vpc/ovn-cluster deleted"]);
    for (const t of ["Logical_Switch", "Logical_Switch_Port", "Logical_Router_Port", "Logical_Router", "Logical_Router_Policy"]) expect(await nbctl(db, "--bare", "--columns=_uuid", "list", t)).toBe("");
  });
});

/** Parses text as `loadManifests` does: every issue in one InvalidManifestError. */
function load(text: string): void {
  const r = parseManifestText(text, "m.yaml");
  if (r.issues.length) throw new InvalidManifestError(r.issues);
}

describe("underlay validation", () => {
  const issues = (text: string) => {
    try {
      resolveModel(manifestOf(text));
    } catch (e) {
      if (e instanceof InvalidManifestError) return e.issues.map((i) => `${i.object?.kind}/${i.object?.name} ${i.field} ${i.problem.kind}`);
      throw e;
    }
    return [];
  };
  it("names an unknown Vlan, an unknown provider, and a VLAN id used twice on one provider", () => {
    expect(
      issues(`${net(10)}---
apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: dup }
spec: { id: 10, provider: net1 }
---
apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: lost }
spec: { id: 11, provider: nowhere }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s9 }
spec: { cidrBlock: 172.29.0.0/24, vlan: nope }
`),
    ).toEqual(["Vlan/dup spec.id bad-value", "Vlan/lost spec.provider unknown-reference", "Subnet/s9 spec.vlan unknown-reference"]);
  });
  it("refuses unsupported fields and values of Vlan and ProviderNetwork", () => {
    const r = () => load(`apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: v }
spec: { id: 5000, provider: p, vlanId: 3 }
---
apiVersion: kubeovn.io/v1
kind: ProviderNetwork
metadata: { name: p }
spec: { defaultInterface: eth1, customInterfaces: [] }
`);
    expect(r).toThrow(/vlan\/v: spec\.vlanId: field not supported/);
    expect(r).toThrow(/vlan\/v: spec\.id: invalid value "5000": a VLAN id is 0\.\.4095/);
    expect(r).toThrow(/providernetwork\/p: spec\.customInterfaces: field not supported/);
  });
});
