/**
 * The fields of a `Vpc`'s spec read by src/model/kinds beyond its routes: `vpcPeerings`
 * (src/model/kinds/vpc-peering.ts), `extraExternalSubnets`, `enableBfd` and `bfdPort`
 * (src/model/kinds/bfd.ts), `namespaces` and `defaultSubnet` (src/model/kinds/vpc-namespaces.ts),
 * each checked where it is read.
 *
 * @module
 */
import type { VpcObject } from "../types.js";
import { readBfdPort } from "./bfd.js";
import type { Fields } from "./fields.js";
import { EXTERNAL_SUBNET } from "./nat.js";
import { readVpcNamespaces } from "./vpc-namespaces.js";
import { readVpcPeerings } from "./vpc-peering.js";

/** The `Vpc` spec keys read here. */
export const VPC_SPEC_FIELDS = ["vpcPeerings", "extraExternalSubnets", "enableBfd", "bfdPort", "namespaces", "defaultSubnet"] as const;

/** The fields of {@link VpcObject} read from {@link VPC_SPEC_FIELDS}. */
export type VpcSpecFields = Pick<VpcObject, "peerings" | "extraExternalSubnets" | "enableBfd" | "bfdPort" | "namespaces" | "defaultSubnet">;

/**
 * Reads `vpcPeerings`, `extraExternalSubnets` (names, none twice, not the default external subnet
 * itself, only with `enableExternal` as Kube-OVN connects them only then), `enableBfd`, `bfdPort`,
 * `namespaces` and `defaultSubnet` (src/model/kinds/vpc-namespaces.ts).
 */
export function readVpcSpec(f: Fields, enableExternal: boolean): VpcSpecFields {
  const peerings = readVpcPeerings(f);
  const at = ["spec", "extraExternalSubnets"];
  const extra = f.strings(at);
  extra.forEach((x, i) => {
    if (extra.indexOf(x) !== i) f.issue([...at, String(i)], { kind: "bad-value", value: x, reason: "listed twice" });
    else if (x === EXTERNAL_SUBNET) f.issue([...at, String(i)], { kind: "bad-value", value: x, reason: `the default external subnet is connected by enableExternal alone` });
  });
  if (extra.length && !enableExternal) f.issue(at, { kind: "bad-value", value: extra.join(","), reason: "external subnets are connected only with spec.enableExternal" });
  const enableBfd = f.bool(["spec", "enableBfd"]);
  const bfdPort = readBfdPort(f);
  return {
    ...(peerings.length ? { peerings } : {}),
    ...(extra.length ? { extraExternalSubnets: [...new Set(extra)] } : {}),
    ...(enableBfd ? { enableBfd } : {}),
    ...(bfdPort ? { bfdPort } : {}),
    ...readVpcNamespaces(f),
  };
}
