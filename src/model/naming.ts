/**
 * Kube-OVN's names for the OVN rows of the model (pkg/util, pkg/ovs): switch = subnet name,
 * router = VPC name (`ovn-cluster` for the default VPC), pod port `NAME.NAMESPACE`, router port
 * `ROUTER-SWITCH` and its peer switch port `SWITCH-ROUTER`, and the `external_ids` keys Kube-OVN
 * stamps (`vendor=kube-ovn`, `pod`, `ls`, `lr`).
 *
 * @module
 */
import * as crypto from "node:crypto";
import { sha256FirstWord } from "./mac-hash.js";

/** Kube-OVN's controller identity (`util.CniTypeName`), in `external_ids:vendor`. */
export const KUBE_OVN_VENDOR = "kube-ovn";
/**
 * The controller identity of the model's rows: `external_ids:vendor=kube-ovn`, and the owner key
 * `parent` that Kube-OVN puts on ACLs (`aclParentKey`: the switch or port group holding them).
 */
export const KUBE_OVN_IDENTITY = { vendor: KUBE_OVN_VENDOR, ownerKey: "parent" } as const;

/** The node (join) switch CIDR Kube-OVN uses when no subnet is named `join` (its `--node-switch-cidr` default). */
export const DEFAULT_NODE_SWITCH_CIDR = "100.64.0.0/16";
/** The join subnet's name (`--node-switch`). */
export const NODE_SWITCH = "join";

/** Kube-OVN's ACL priorities and tier (pkg/util/const.go). */
export const ACL_PRIORITY = {
  /** `NodeAllowPriority`. */
  nodeAllow: 3000,
  /** `SubnetAllowPriority`. */
  subnetAllow: 1001,
  /** `DefaultDropPriority`. */
  defaultDrop: 1000,
} as const;
/** `NetpolACLTier`: the ACL tier of Kube-OVN's subnet and NetworkPolicy ACLs (on NB schemas with ACL `tier`). */
export const NETPOL_ACL_TIER = 2;

/** The default VPC's name and router (`util.DefaultVpc`). */
export const DEFAULT_VPC = "ovn-cluster";
/** The default subnet's name (`ovn-default`), used by pods whose namespace no subnet claims when no subnet says `default: true`. */
export const DEFAULT_SUBNET = "ovn-default";

/** `external_ids` keys Kube-OVN puts on the rows (pkg/ovs: `LogicalSwitchKey`, `logicalRouterKey`, `pod`). */
export const EXTERNAL_IDS = {
  /** The controller identity. */
  vendor: "vendor",
  /** A port's switch. */
  logicalSwitch: "ls",
  /** A router port's router. */
  logicalRouter: "lr",
  /** A pod port's pod, `NAMESPACE/NAME`. */
  pod: "pod",
} as const;

/** A pod's logical switch port (Kube-OVN `PodNameToPortName` for the `ovn` provider). */
export function podPortName(name: string, namespace: string): string {
  return `${name}.${namespace}`;
}

/** The router port connecting switch `sw` to router `router` (`ROUTER-SWITCH`). */
export function routerPortName(router: string, sw: string): string {
  return `${router}-${sw}`;
}

/** The switch port of type `router` peering with {@link routerPortName} (`SWITCH-ROUTER`). */
export function switchRouterPortName(sw: string, router: string): string {
  return `${sw}-${router}`;
}

/** `crypto.hash` (one call, Node.js 20.12 and later) where the runtime has it, else `createHash`. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "buffer") => Buffer }).hash;
const sha256 = (text: string): Buffer => (oneShot ? oneShot("sha256", text, "buffer") : crypto.createHash("sha256").update(text).digest());

/**
 * A MAC derived from `seed` (Kube-OVN's `GenerateMac` prefix `00:00:00` and three bytes of the
 * SHA-256 of the seed and attempt number), so that the same files always give the same MACs.
 */
export function deterministicMac(seed: string, attempt = 0): string {
  const text = `${seed}\u0000${attempt}`;
  // A short ASCII seed (a port name) is hashed here (src/model/mac-hash.ts), any other by the runtime.
  const w = sha256FirstWord(text);
  if (w !== undefined) return `00:00:00:${HEX[w >>> 24]}:${HEX[(w >>> 16) & 255]}:${HEX[(w >>> 8) & 255]}`;
  const h = sha256(text);
  return `00:00:00:${HEX[h[0]!]}:${HEX[h[1]!]}:${HEX[h[2]!]}`;
}

/** Two lower-case hex digits of each byte value. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
