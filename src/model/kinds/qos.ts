/**
 * Pod bandwidth limits: the annotations `ovn.kubernetes.io/ingress_rate` and
 * `ovn.kubernetes.io/egress_rate` (Mbit/s, Kube-OVN's `IngressRateAnnotation` and
 * `EgressRateAnnotation`). Kube-OVN's node agent applies them to the pod's OVS interface
 * (`ingress_policing_rate` for egress, a linux-htb queue for ingress; pkg/ovs/ovs-vsctl_linux.go
 * `SetInterfaceBandwidth`); the model has no node agent, so it expresses them in the Northbound
 * database, which every chassis follows: one `QoS` row per direction on the pod's switch,
 * `from-lport` `inport == "PORT"` for egress and `to-lport` `outport == "PORT"` for ingress, with
 * `bandwidth` rate in kbit/s and burst at Kube-OVN's default of 80% of the rate, owned by the port
 * (`external_ids:parent=PORT`).
 *
 * @module
 */
import type { ResolvedPod } from "../resolve.js";
import type { ModelObject } from "../types.js";
import type { KindReader } from "../load.js";
import type { DocumentAccess } from "./fields.js";

/** The pod rate annotations (Mbit/s). */
export const POD_RATE_ANNOTATIONS = {
  ingressRate: "ovn.kubernetes.io/ingress_rate",
  egressRate: "ovn.kubernetes.io/egress_rate",
} as const;

/** The priority of the model's pod QoS rows (Kube-OVN writes none: its limits live on the node's OVS). */
export const POD_QOS_PRIORITY = 2000;

/** One QoS row as `NbPlan.setQosRules` takes it. */
export interface PodQosRule {
  /** `from-lport` (the pod's egress) or `to-lport` (its ingress). */
  readonly direction: "from-lport" | "to-lport";
  /** {@link POD_QOS_PRIORITY}. */
  readonly priority: number;
  /** `inport == "PORT"` or `outport == "PORT"`. */
  readonly match: string;
  /** `rate` in kbit/s and `burst` in kbit. */
  readonly bandwidth: { readonly rate: number; readonly burst: number };
}

/** Kube-OVN's default burst: 80% of the rate (`defaultIngressPolicingBurstKbit`). */
export function defaultBurstKbit(rateKbit: number): number {
  return Math.floor(rateKbit / 10) * 8 + Math.floor(((rateKbit % 10) * 8) / 10);
}

/** The QoS rows of a pod (none without rate annotations). */
export function podQosRules(pod: ResolvedPod): PodQosRule[] {
  const out: PodQosRule[] = [];
  const o = pod.object;
  if (o.egressRate !== undefined) out.push({ direction: "from-lport", priority: POD_QOS_PRIORITY, match: `inport == "${pod.port}"`, bandwidth: { rate: o.egressRate * 1000, burst: defaultBurstKbit(o.egressRate * 1000) } });
  if (o.ingressRate !== undefined) out.push({ direction: "to-lport", priority: POD_QOS_PRIORITY, match: `outport == "${pod.port}"`, bandwidth: { rate: o.ingressRate * 1000, burst: defaultBurstKbit(o.ingressRate * 1000) } });
  return out;
}

/**
 * Kube-OVN's `QoSPolicy` (`kubeovn.io/v1`) binds bandwidth rules to EIPs and NAT gateways that
 * Kube-OVN implements with tc inside VPC NAT gateway pods, not with OVN rows: the model reports it
 * as unsupported (naming the document), never ignores it.
 */
export function readQoSPolicy(doc: DocumentAccess): ModelObject | undefined {
  doc.issue(["kind"], { kind: "unsupported-value", value: "QoSPolicy", reason: "a QoSPolicy binds EIPs and NAT gateways that Kube-OVN rate-limits with tc in VPC NAT gateway pods, with no OVN rows; use the pod annotations ovn.kubernetes.io/ingress_rate and egress_rate" });
  return undefined;
}

/** The loader's reader of `kubeovn.io/v1` `QoSPolicy`: it reports the kind as unsupported. */
export const QOS_POLICY_READER: KindReader = {
  apiVersion: "kubeovn.io/v1",
  kind: "QoSPolicy",
  metadata: ["labels"],
  read: (r) => readQoSPolicy(r),
};
