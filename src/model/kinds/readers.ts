/**
 * The readers of the kinds of src/model/kinds, for the manifest loader: the one registry of the
 * kinds beyond `Vpc`, `Subnet`, `Namespace` and `Pod`.
 *
 * @module
 */
import type { KindReader } from "../load.js";
import { IP_POOL_READER, IP_READER } from "./ip.js";
import { OVN_DNAT_READER, OVN_EIP_READER, OVN_FIP_READER, OVN_SNAT_READER } from "./nat.js";
import { NETWORK_POLICY_READER } from "./network-policy.js";
import { NODE_READER } from "./node.js";
import { QOS_POLICY_READER } from "./qos.js";
import { SERVICE_READER } from "./service.js";
import { SERVICE_CIDR_READER } from "./service-cidr.js";
import { PROVIDER_NETWORK_READER, VLAN_READER } from "./underlay.js";

/** Every kind read by src/model/kinds. */
export const KIND_READERS: readonly KindReader[] = [
  NODE_READER,
  PROVIDER_NETWORK_READER,
  VLAN_READER,
  IP_READER,
  IP_POOL_READER,
  OVN_EIP_READER,
  OVN_FIP_READER,
  OVN_SNAT_READER,
  OVN_DNAT_READER,
  NETWORK_POLICY_READER,
  SERVICE_READER,
  SERVICE_CIDR_READER,
  QOS_POLICY_READER,
];
