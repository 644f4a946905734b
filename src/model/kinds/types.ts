/**
 * The kinds of src/model/kinds as one union, for the model's `ModelObject`.
 *
 * @module
 */
import type { IpObject, IpPoolObject } from "./ip.js";
import type { OvnDnatRuleObject, OvnEipObject, OvnFipObject, OvnSnatRuleObject } from "./nat.js";
import type { NetworkPolicyObject } from "./network-policy.js";
import type { NodeObject } from "./node.js";
import type { ServiceObject } from "./service.js";
import type { ServiceCidrObject } from "./service-cidr.js";
import type { ProviderNetworkObject, VlanObject } from "./underlay.js";

/** An object of a kind read by src/model/kinds. */
export type ExtraKindObject =
  | NodeObject
  | VlanObject
  | ProviderNetworkObject
  | IpObject
  | IpPoolObject
  | OvnEipObject
  | OvnFipObject
  | OvnSnatRuleObject
  | OvnDnatRuleObject
  | NetworkPolicyObject
  | ServiceObject
  | ServiceCidrObject;
