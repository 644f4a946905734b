/**
 * The kinds of both model increments in one manifest: Nodes (join ports, node port groups marked
 * `np=node/NAME`), an OvnFip on a VPC with an external connection, a NetworkPolicy, a Service and a
 * rate-limited pod. One apply makes them all; a re-apply sends nothing; --prune without the
 * policy, the service (its VIPs and load balancers: reported on its VPC and subnet), the FIP and
 * one node deletes exactly their rows (the other node's port
 * groups, which also carry an `np` key, stay).
 */
import { afterEach, describe, expect, it } from "vitest";
import { vpcLoadBalancerNames } from "../../src/model/index.js";
import { BACKENDS, type Backend, nbctl, startBackend } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { FIP, NAT_BASE } from "./nat-manifest.js";
import { applyOnce, lines, manifestOf, names } from "./support.js";

/** NAT_BASE with labelled pods, web on node gw1 and app rate-limited. */
const BASE = NAT_BASE.replace("metadata: { name: web, namespace: ns1 }", "metadata: { name: web, namespace: ns1, labels: { app: web } }\nspec: { nodeName: gw1 }").replace(
  "metadata: { name: app, namespace: ns1 }",
  'metadata: { name: app, namespace: ns1, labels: { role: client }, annotations: { ovn.kubernetes.io/egress_rate: "5" } }',
);

const POLICY = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-client, namespace: ns1 }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
    - from: [{ podSelector: { matchLabels: { role: client } } }]
      ports: [{ port: 80 }]
`;

const SERVICE = `---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ns1 }
spec:
  clusterIP: 10.96.0.10
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

/** The second gateway node (removed in the prune step). */
const GW2 = `apiVersion: v1
kind: Node
metadata: { name: gw2, labels: { ovn.kubernetes.io/external-gw: "true" }, annotations: { ovn.kubernetes.io/chassis: ch-gw2 } }
`;

describe.each(BACKENDS)("Kube-OVN kinds of both increments together on %s", (kind) => {
  const skip = !peers("ovn-nbctl") || (kind === "ovsdb-server" && !peers("ovsdb-server"));
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it.skipIf(skip)("Node, NetworkPolicy, Service and OvnFip apply together; re-apply sends nothing; --prune removes exactly the gone objects' rows", { timeout: 120_000 }, async () => {
    backend = await startBackend(kind);
    const db = backend.unix;
    expect(BASE).toContain("kind: Node\nmetadata: { name: gw2");
    const all = manifestOf(BASE + FIP + POLICY + SERVICE);

    const first = await applyOnce(db, all);
    const changed = first.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`);
    expect(changed).toEqual(
      expect.arrayContaining(["node/gw1 created", "node/gw2 created", "ovnfip/fip1 created", "networkpolicy/ns1/allow-client created", "service/ns1/web created", "pod/ns1/app created", "vpc/vpc1 created"]),
    );
    expect(first.r.counts.configured).toBe(0);
    expect(first.r.counts.deleted).toBe(0);

    // Every kind's rows.
    const groups = await names(db, "Port_Group");
    expect(groups).toEqual(expect.arrayContaining(["node.gw1", "node.gw2", "allow.client.ns1"]));
    expect(await nbctl(db, "--bare", "--columns=external_ids", "list", "Port_Group", "node.gw1")).toBe("node=gw1 np=node/gw1 vendor=kube-ovn\n");
    const [webMac, webIp] = (await nbctl(db, "lsp-get-addresses", "web.ns1")).trim().split(" ");
    expect(await nbctl(db, "--bare", "--columns=ports", "list", "Port_Group", "allow.client.ns1")).toBe(`${(await nbctl(db, "--bare", "--columns=_uuid", "find", "Logical_Switch_Port", "name=web.ns1")).trim()}\n`);
    expect(await lines(db, "lr-nat-list", "vpc1")).toEqual(["TYPE GATEWAY_PORT EXTERNAL_IP EXTERNAL_PORT LOGICAL_IP EXTERNAL_MAC LOGICAL_PORT", `dnat_and_snat 172.18.0.10 ${webIp} ${webMac} web.ns1`]);
    expect(await nbctl(db, "--bare", "--columns=vips", "list", "Load_Balancer", "vpc-vpc1-tcp-load")).toBe(`10.96.0.10:80=${webIp}:8080\n`);
    expect((await nbctl(db, "--bare", "--columns=load_balancer", "list", "Logical_Switch", "s1")).trim().split(/\s+/)).toHaveLength(6);
    expect(await lines(db, "--bare", "--columns=match,bandwidth", "list", "QoS")).toEqual(['inport == "app.ns1"', "burst=4000 rate=5000"]);
    expect((await lines(db, "acl-list", "allow.client.ns1")).length).toBe(2);

    // The same files again: nothing to send.
    const again = await applyOnce(db, all);
    expect(again.sent).toEqual([]);
    expect(again.r.transactions).toBe(0);
    expect(again.r.counts.created + again.r.counts.configured + again.r.counts.deleted).toBe(0);

    // Without the policy, the service, the FIP and node gw2: exactly their rows go.
    const rest = manifestOf(BASE.replace(GW2, "").replace(/\n---\n---\n/, "\n---\n"));
    expect(rest.objects.some((o) => o.kind === "Node" && o.name === "gw2")).toBe(false);
    const pruned = await applyOnce(db, rest, { prune: true });
    expect(
      pruned.r.objects
        .filter((o) => o.action !== "unchanged")
        .map((o) => `${o.ref} ${o.action}`)
        .sort(),
    ).toEqual(["networkpolicy/ns1/allow-client deleted", "node/gw2 deleted", "ovnfip/fip1 deleted", "service/ns1/web deleted", "vpc/vpc1 configured"].sort());
    // vpc1 is configured by gw2's going: its external port's gateway chassis.
    expect(pruned.r.objects.find((o) => o.ref === "vpc/vpc1")?.steps.map((s) => `${s.kind} ${s.table} ${s.key}`)).toEqual(["update Logical_Router_Port vpc1-external", "delete Gateway_Chassis vpc1-external-ch-gw2"]);
    expect(await names(db, "Port_Group")).toEqual(groups.filter((g) => g !== "allow.client.ns1" && g !== "node.gw2"));
    expect(await names(db, "Port_Group")).toContain("node.gw1");
    // The VPC keeps its load balancers, empty (as Kube-OVN keeps them).
    expect(await names(db, "Load_Balancer")).toEqual([...vpcLoadBalancerNames("vpc1")].sort());
    expect((await nbctl(db, "--bare", "--columns=vips", "list", "Load_Balancer")).trim()).toBe("");
    expect(await nbctl(db, "lr-nat-list", "vpc1")).toBe("");
    // Only the VPCs' overlay CIDR sets are left (src/model/kinds/u2o-routing.ts).
    expect(await names(db, "Address_Set")).toEqual(["ovn.cluster.u2o_overlay_cidrs.ip4", "ovn.cluster.u2o_overlay_cidrs.ip6", "vpc1.u2o_overlay_cidrs.ip4", "vpc1.u2o_overlay_cidrs.ip6"]);
    expect(await nbctl(db, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=node-gw2")).toBe("");
    expect(await lines(db, "--bare", "--columns=match", "list", "QoS")).toEqual(['inport == "app.ns1"']);

    // And the pruned files again: nothing to send.
    const after = await applyOnce(db, rest, { prune: true });
    expect(after.sent).toEqual([]);
    expect(after.r.counts.created + after.r.counts.configured + after.r.counts.deleted).toBe(0);
  });
});
