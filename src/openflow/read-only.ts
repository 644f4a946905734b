/**
 * The fields no action may write (Open vSwitch's `Access: read-only` fields of meta-flow.h), shared by the
 * action decoders (`OFPBAC_BAD_SET_ARGUMENT`), the consistency checks and the flow text parser.
 *
 * @module
 */
import { fieldByName } from "./oxm.js";

/** Fields no action may write (Open vSwitch's read-only fields), by our name, with the name ovs-ofctl reports. */
export const READ_ONLY: ReadonlyMap<string, string> = new Map<string, string>(
  ["dp_hash", "recirc_id", "packet_type", "conj_id", "tun_ttl", "tun_tos", "tun_gtpu_flags", "tun_gtpu_msgtype", "actset_output", "skb_priority"]
    .concat(["ct_state", "ct_zone", "ct_nw_proto", "ct_nw_src", "ct_nw_dst", "ct_ipv6_src", "ct_ipv6_dst", "ct_tp_src", "ct_tp_dst"])
    .concat(["eth_type", "mpls_bos", "nw_proto", "ip_frag", "tcp_flags", "nsh_mdtype", "nsh_np"])
    .flatMap((n) => {
      const f = fieldByName(n);
      return f ? [[f.name, n] as [string, string]] : [];
    }),
);
