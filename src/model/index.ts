/**
 * The Kube-OVN network model: Kube-OVN `Vpc` and `Subnet` and core `Namespace` and `Pod`
 * manifests, read and validated ({@link loadManifests}, {@link resolveModel}), named as Kube-OVN
 * names their OVN rows, and planned onto the Northbound database through the controller layer
 * ({@link applyModel}). The `ovn-ts apply` and `ovn-ts diff` commands are built on it.
 *
 * @module
 */
export { type ManifestIssue, type ManifestProblem, InvalidManifestError, formatIssue } from "./errors.js";
export {
  type GatewayType,
  type Manifest,
  type ModelKind,
  type ModelObject,
  type NamespaceObject,
  type PodObject,
  type Source,
  type SubnetObject,
  type SubnetProtocol,
  type VpcObject,
  objectRef,
} from "./types.js";
export { OVN_ANNOTATION_PREFIX, POD_ANNOTATIONS, loadManifests, manifestFiles, parseManifestText } from "./load.js";
export { ACL_PRIORITY, DEFAULT_NODE_SWITCH_CIDR, DEFAULT_SUBNET, DEFAULT_VPC, EXTERNAL_IDS, KUBE_OVN_IDENTITY, KUBE_OVN_VENDOR, NETPOL_ACL_TIER, NODE_SWITCH, deterministicMac, podPortName, routerPortName, switchRouterPortName } from "./naming.js";
export { type ExistingAddresses, type ResolveOptions, type ResolvedModel, type ResolvedPod, type ResolvedSubnet, resolveModel } from "./resolve.js";
export { type ApplyModelOptions, type ApplyModelResult, type ObjectAction, type ObjectOutcome, type SubnetAcl, applyModel, existingAddresses, privateSubnetAcls } from "./planner.js";
