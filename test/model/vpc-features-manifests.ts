/** Manifests of the VPC peering, BFD, extra external subnet and gateway failover tests. */

/** Two VPCs peered over 169.254.0.0/30, each routing the other's subnet through the peer's connect IP. */
export const PEERED = (a = "169.254.0.1/30", b = "169.254.0.2/30") => `apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  vpcPeerings: [{ remoteVpc: vpc2, localConnectIP: "${a}" }]
  staticRoutes: [{ cidr: 10.2.0.0/24, nextHopIP: ${b.split("/")[0]} }]
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc2 }
spec:
  vpcPeerings: [{ remoteVpc: vpc1, localConnectIP: "${b}" }]
  staticRoutes: [{ cidr: 10.1.0.0/24, nextHopIP: ${a.split("/")[0]} }]
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { vpc: vpc1, cidrBlock: 10.1.0.0/24 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s2 }
spec: { vpc: vpc2, cidrBlock: 10.2.0.0/24 }
---
apiVersion: v1
kind: Pod
metadata: { name: a, annotations: { ovn.kubernetes.io/logical_switch: s1, ovn.kubernetes.io/ip_address: 10.1.0.10 } }
---
apiVersion: v1
kind: Pod
metadata: { name: b, annotations: { ovn.kubernetes.io/logical_switch: s2, ovn.kubernetes.io/ip_address: 10.2.0.20 } }
`;

/** The same two VPCs without their peerings and routes. */
export const UNPEERED = PEERED()
  .replace(/ {2}vpcPeerings: .*\n/g, "")
  .replace(/ {2}staticRoutes: .*\n/g, "")
  .replace(/spec:\n---/g, "---");

/** The external networks: the default external subnet (VLAN 0) and a second provider-network VLAN subnet `ext2`, two gateway nodes. */
export const EXTERNAL_BASE = `apiVersion: kubeovn.io/v1
kind: ProviderNetwork
metadata: { name: extnet }
spec: { defaultInterface: eth1 }
---
apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: ext0 }
spec: { id: 0, provider: extnet }
---
apiVersion: kubeovn.io/v1
kind: Vlan
metadata: { name: ext100 }
spec: { id: 100, provider: extnet }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: external }
spec: { cidrBlock: 172.18.0.0/24, vlan: ext0 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ext2 }
spec: { cidrBlock: 172.19.0.0/24, vlan: ext100 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { vpc: vpc1, cidrBlock: 10.1.0.0/24 }
---
apiVersion: v1
kind: Node
metadata: { name: gw1, labels: { ovn.kubernetes.io/external-gw: "true", bfd: "yes" }, annotations: { ovn.kubernetes.io/chassis: ch-gw1 } }
---
apiVersion: v1
kind: Node
metadata: { name: gw2, labels: { ovn.kubernetes.io/external-gw: "true" }, annotations: { ovn.kubernetes.io/chassis: ch-gw2 } }
`;

/** vpc1 connected to the default external subnet, with BFD to its gateway and a BFD port on the `bfd=yes` nodes. */
export const BFD_VPC = (spec: string) => `${EXTERNAL_BASE}---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec: { enableExternal: true${spec} }
`;

/** A centralized subnet of the default VPC with gateway nodes gw1 and gw2; `ready` gives each node's Ready condition. */
export const CENTRAL = (opts: { ready?: [string, string]; ecmp?: boolean; selectors?: boolean }) => `apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: central }
spec:
  cidrBlock: 10.30.0.0/16
  gatewayType: centralized
${opts.selectors ? "  gatewayNodeSelectors: [{ matchLabels: { gw: \"yes\" } }]" : '  gatewayNode: "gw1, gw2"'}
${opts.ecmp ? "  enableEcmp: true" : ""}
---
${["gw1", "gw2"]
  .map(
    (n, i) => `apiVersion: v1
kind: Node
metadata: { name: ${n}, labels: { gw: "yes" }, annotations: { ovn.kubernetes.io/ip_address: 100.64.0.${i + 2} } }
${opts.ready ? `status: { conditions: [{ type: Ready, status: "${opts.ready[i]}" }] }` : ""}
`,
  )
  .join("---\n")}---
apiVersion: v1
kind: Node
metadata: { name: other, annotations: { ovn.kubernetes.io/ip_address: 100.64.0.9 } }
`;

/** The UUID a Kube-OVN-written spec names in `bfdId` (the model derives the session itself). */
export const KUBE_OVN_BFD_ID = "6f1c3a52-2b8e-4c6a-9d1e-0a4b5c6d7e8f";

/**
 * vpc1 with `enableBfd` and Kube-OVN's BFD ECMP routes: subnet s1's traffic (`policySrc`) to two
 * next hops in the external subnet, each watched by a BFD session (`ecmpMode:
 * ecmp_symmetric_reply`, the second with the `bfdId` Kube-OVN writes back), a default route to
 * the external gateway watched by the gateway's own session, and a plain route.
 */
export const BFD_ROUTES = (routes = BFD_ROUTE_LIST) => BFD_VPC(`, enableBfd: true, staticRoutes: [${routes.join(", ")}]`);

/** The routes of {@link BFD_ROUTES}. */
export const BFD_ROUTE_LIST = [
  "{ cidr: 10.1.0.0/24, nextHopIP: 172.18.0.11, policy: policySrc, ecmpMode: ecmp_symmetric_reply }",
  `{ cidr: 10.1.0.0/24, nextHopIP: 172.18.0.12, policy: policySrc, ecmpMode: ecmp_symmetric_reply, bfdId: ${KUBE_OVN_BFD_ID} }`,
  "{ cidr: 0.0.0.0/0, nextHopIP: 172.18.0.1, ecmpMode: ecmp_symmetric_reply }",
  "{ cidr: 192.168.0.0/16, nextHopIP: 172.18.0.1, ecmpMode: ecmp }",
];

/** {@link BFD_VPC} with a dual-stack default external subnet (gateways 172.18.0.1 and fd18::1). */
export const DUAL_BFD_VPC = (spec: string) => BFD_VPC(spec).replace("spec: { cidrBlock: 172.18.0.0/24, vlan: ext0 }", 'spec: { cidrBlock: "172.18.0.0/24,fd18::/64", vlan: ext0 }');
