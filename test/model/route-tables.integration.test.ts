/**
 * A subnet's `routeTable` with a VPC's static routes in that table, as Kube-OVN programs them:
 * the router port's `options:route_table` (`reconcileRouteTableForSubnet`), the join subnet's
 * default routes in every route table of the default VPC's `staticRoutes`; the input check; the
 * planner on each backend (create, no-op, change with its exact operations, removal); with
 * ovn-northd, ovn-trace routes each subnet's traffic by its own table.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS, startOvnSandbox } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { applyOnce, cliApply, issuesOf, lines, manifestDir, manifestOf, useBackend } from "./fixture.js";

/** vpc1: a main-table default route via 10.1.0.254 and a table-t1 one via 10.1.0.253; s2 in `table` (none: main). */
const VPC = (table?: string) => `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  staticRoutes:
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.254 }
    - { cidr: 0.0.0.0/0, nextHopIP: 10.1.0.253, routeTable: t1 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { vpc: vpc1, cidrBlock: 10.1.0.0/24 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s2 }
spec: { vpc: vpc1, cidrBlock: 10.2.0.0/24${table ? `, routeTable: ${table}` : ""} }
---
apiVersion: v1
kind: Pod
metadata: { name: a, annotations: { ovn.kubernetes.io/logical_switch: s1, ovn.kubernetes.io/ip_address: 10.1.0.10 } }
---
apiVersion: v1
kind: Pod
metadata: { name: b, annotations: { ovn.kubernetes.io/logical_switch: s2, ovn.kubernetes.io/ip_address: 10.2.0.20 } }
`;

/** The default VPC with a route in table t1, the join subnet and a subnet in t1. */
const DEFAULT_VPC = (tables: string) => `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: ovn-cluster }
spec:
  staticRoutes: [${tables}]
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16, routeTable: t1 }
`;

const options = async (db: string, lrp: string) => (await nbctl(db, "get", "Logical_Router_Port", lrp, "options")).trim();

describe("Subnet routeTable input", () => {
  it("is refused on an underlay subnet (Kube-OVN sets no route table on its router port)", () => {
    const text = `apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: u }\nspec: { cidrBlock: 172.18.0.0/24, vlan: v0, logicalGateway: true, routeTable: t1 }\n`;
    expect(issuesOf(text)).toEqual([
      'm.yaml:4 (document 1): subnet/u: spec.routeTable: value "t1" not supported: Kube-OVN sets no route table on an underlay subnet\'s router port (only with u2oInterconnection)',
    ]);
  });
});

describe.each(BACKENDS)("Subnet routeTable on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("the router port's options:route_table; a re-apply sends nothing; a new table changes only that option; removal deletes it", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(VPC("t1")));
    expect(await options(db, "vpc1-s2")).toBe("{route_table=t1}");
    expect(await options(db, "vpc1-s1")).toBe("{}");
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual(["IPv4 Routes", "Route Table <main>:", "0.0.0.0/0 10.1.0.254 dst-ip", "Route Table t1:", "0.0.0.0/0 10.1.0.253 dst-ip"]);
    expect((await applyOnce(db, manifestOf(VPC("t1")))).sent).toEqual([]);

    const changed = await applyOnce(db, manifestOf(VPC("t2")));
    expect(changed.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/s2 configured"]);
    expect(opsText(changed.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["mutate Logical_Router_Port options delete [route_table] / options insert {route_table=t2}"]);
    expect(await options(db, "vpc1-s2")).toBe("{route_table=t2}");

    const main = await applyOnce(db, manifestOf(VPC()));
    expect(opsText(main.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["mutate Logical_Router_Port options delete [route_table]"]);
    expect(await options(db, "vpc1-s2")).toBe("{}");
    expect((await applyOnce(db, manifestOf(VPC()))).sent).toEqual([]);
  });

  it.skipIf(fx.skip)("the join subnet's default route in every route table of the default VPC's static routes", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(DEFAULT_VPC("{ cidr: 192.168.0.0/16, nextHopIP: 100.64.0.10, routeTable: t1 }")));
    expect(await lines(db, "lr-route-list", "ovn-cluster")).toEqual([
      "IPv4 Routes",
      "Route Table <main>:",
      "0.0.0.0/0 100.64.0.1 dst-ip",
      "Route Table t1:",
      "192.168.0.0/16 100.64.0.10 dst-ip",
      "0.0.0.0/0 100.64.0.1 dst-ip",
    ]);
    expect(await options(db, "ovn-cluster-ovn-default")).toBe("{route_table=t1}");
    expect((await applyOnce(db, manifestOf(DEFAULT_VPC("{ cidr: 192.168.0.0/16, nextHopIP: 100.64.0.10, routeTable: t1 }")))).sent).toEqual([]);
    // The table's last route gone: its default route goes too.
    const gone = await applyOnce(db, manifestOf(DEFAULT_VPC("")));
    expect(gone.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`).sort()).toEqual(["subnet/join configured", "vpc/ovn-cluster configured"]);
    expect(await lines(db, "lr-route-list", "ovn-cluster")).toEqual(["IPv4 Routes", "Route Table <main>:", "0.0.0.0/0 100.64.0.1 dst-ip"]);
  });
});

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("Subnet routeTable with ovn-northd", () => {
  it("ovn-trace: each subnet's traffic leaving the VPC takes the default route of its own table", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("route-tables", { "net.yaml": VPC("t1") });
    const r = await cliApply(ovn.nb, dir.path);
    expect(r.status, r.stderr).toBe(0);
    await ovn.sync({ wait: "sb" });
    const mac = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ")[0]!;
    const lrp = async (name: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", name, "mac")).trim().replace(/"/g, "");
    const leave = async (sw: string, port: string, ip: string) =>
      ovn.trace(sw, `inport == "${port}" && eth.src == ${await mac(port)} && eth.dst == ${await lrp(`vpc1-${sw}`)} && ip4.src == ${ip} && ip4.dst == 8.8.8.8 && ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 53`, { ct: ["new"] });
    const fromS1 = await leave("s1", "a.default", "10.1.0.10");
    const fromS2 = await leave("s2", "b.default", "10.2.0.20");
    // s2's port sets the table id (lr_in_ip_routing_pre), and the t1 route matches on it.
    expect(fromS2.raw).toMatch(/lr_in_ip_routing_pre [^\n]*inport == "vpc1-s2"[^\n]*\n\s+reg7 = 1;/);
    expect(fromS2.raw).toMatch(/lr_in_ip_routing [^\n]*reg7 == 1 && ip4\.dst == 0\.0\.0\.0\/0[^\n]*\n(\s+[^\n]*\n)*?\s+reg0 = 10\.1\.0\.253;/);
    expect(fromS1.raw).toMatch(/lr_in_ip_routing_pre [^\n]*: 1, priority 0[^\n]*\n\s+reg7 = 0;/);
    expect(fromS1.raw).toMatch(/lr_in_ip_routing [^\n]*reg7 == 0 && ip4\.dst == 0\.0\.0\.0\/0[^\n]*\n(\s+[^\n]*\n)*?\s+reg0 = 10\.1\.0\.254;/);
  });
});
