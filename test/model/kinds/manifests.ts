/** The manifests the NetworkPolicy and Service tests share: three namespaces, one subnet, four pods with fixed IPs; a policy; a service. */

/** Namespaces default, web and db; subnet ovn-default; pods web-0 (port http 8080), web-1, client, db-0. */
export const BASE = `apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { team: front } }
---
apiVersion: v1
kind: Namespace
metadata: { name: web, labels: { team: web } }
---
apiVersion: v1
kind: Namespace
metadata: { name: db, labels: { team: db } }
---
apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: ovn-default }
spec: { cidrBlock: 10.16.0.0/16, default: true }
---
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: web
  labels: { app: web }
  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.10 }
spec:
  containers: [{ name: nginx, ports: [{ name: http, containerPort: 8080 }] }]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: web
  labels: { app: web }
  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.11 }
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels: { role: client }
  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20 }
---
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: db
  labels: { app: db }
  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.30 }
`;

/** web/allow-client: logged; ingress from client pods and 10.0.0.0/8 except 10.16.0.0/16 on http and UDP 53-60; egress to namespace team=db. */
export const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-client
  namespace: web
  annotations: { ovn.kubernetes.io/enable_log: "true" }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: {}
          podSelector: { matchLabels: { role: client } }
        - ipBlock: { cidr: 10.0.0.0/8, except: [10.16.0.0/16] }
      ports:
        - port: http
        - { protocol: UDP, port: 53, endPort: 60 }
  egress:
    - to:
        - namespaceSelector: { matchExpressions: [{ key: team, operator: In, values: [db] }] }
`;

/** web/web: 10.96.0.10, TCP 80 → http, UDP 53 → 5353. */
export const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: web }
spec:
  clusterIP: 10.96.0.10
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: dns, protocol: UDP, port: 53, targetPort: 5353 }
`;
