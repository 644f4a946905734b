/** The NAT tests' manifest: an underlay external subnet, a VPC connected to it, pods, gateway nodes, EIPs, and one rule of each kind. */

/** The topology: an underlay external subnet, a VPC connected to it, a pod, two gateway nodes. */
export const NAT_BASE = `apiVersion: kubeovn.io/v1
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
kind: Subnet
metadata: { name: external }
spec: { cidrBlock: 172.18.0.0/24, vlan: ext0, namespaces: [outside] }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
---
apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec: { enableExternal: true }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: s1 }
spec: { vpc: vpc1, cidrBlock: 10.1.0.0/24, namespaces: [ns1] }
---
apiVersion: v1
kind: Namespace
metadata: { name: ns1 }
---
apiVersion: v1
kind: Namespace
metadata: { name: outside }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: ns1 }
---
apiVersion: v1
kind: Pod
metadata: { name: app, namespace: ns1 }
---
apiVersion: v1
kind: Pod
metadata: { name: host, namespace: outside, annotations: { ovn.kubernetes.io/ip_address: 172.18.0.100 } }
---
apiVersion: v1
kind: Node
metadata: { name: gw1, labels: { ovn.kubernetes.io/external-gw: "true" }, annotations: { ovn.kubernetes.io/chassis: ch-gw1 } }
---
apiVersion: v1
kind: Node
metadata: { name: gw2, labels: { ovn.kubernetes.io/external-gw: "true" }, annotations: { ovn.kubernetes.io/chassis: ch-gw2 } }
---
apiVersion: kubeovn.io/v1
kind: OvnEip
metadata: { name: eip-fip }
spec: { externalSubnet: external, v4Ip: 172.18.0.10 }
---
apiVersion: kubeovn.io/v1
kind: OvnEip
metadata: { name: eip-snat }
spec: { externalSubnet: external }
---
apiVersion: kubeovn.io/v1
kind: OvnEip
metadata: { name: eip-dnat }
spec: { v4Ip: 172.18.0.12, type: nat }
`;
/** A FIP of pod web.ns1. */
export const FIP = `---
apiVersion: kubeovn.io/v1
kind: OvnFip
metadata: { name: fip1 }
spec: { ovnEip: eip-fip, ipName: web.ns1 }
`;
/** An SNAT rule of subnet s1. */
export const SNAT = `---
apiVersion: kubeovn.io/v1
kind: OvnSnatRule
metadata: { name: snat1 }
spec: { ovnEip: eip-snat, vpcSubnet: s1 }
`;
/** A DNAT rule to web.ns1:80. */
export const DNAT = `---
apiVersion: kubeovn.io/v1
kind: OvnDnatRule
metadata: { name: dnat1 }
spec: { ovnEip: eip-dnat, ipName: web.ns1, protocol: tcp, externalPort: "8080", internalPort: "80" }
`;

