/**
 * Generator (run by hand, not part of the suite) of the protocol table in src/openflow/protocols.ts:
 * probes `ovs-ofctl parse-flow` with one match field (exact, CIDR and arbitrary masks) or one action
 * at a time, under each prerequisite prefix (`ip,`, `tcp6,`, `arp,`, ...), and gives each feature key
 * (see `flowKeys`) the union of the `usable protocols:` sets of the probes that contain it.
 * Actions are taken from the corpus and a list of extras; the corpus itself is only used to check
 * the table (test/openflow/protocols.test.ts).
 *
 *   npx vite-node test/openflow/gen-protocols.ts > /tmp/classes.txt
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { FIELD_DEFS } from "../../src/openflow/oxm.js";
import { parseFlow, splitTop } from "../../src/openflow/flowtext.js";
import { ANY_PROTOCOL, flowKeys } from "../../src/openflow/protocols.js";

const NAMES: Record<string, number> = {
  any: 0x1ff, OpenFlow10: 3, NXM: 12, OXM: 0x1e0, "OpenFlow10-table_id": 1, "OpenFlow10+table_id": 2, "NXM-table_id": 4, "NXM+table_id": 8,
  OpenFlow11: 16, "OXM-OpenFlow12": 32, "OXM-OpenFlow13": 64, "OXM-OpenFlow14": 128, "OXM-OpenFlow15": 256,
};
function usable(flow: string): number | undefined {
  let out = "";
  try {
    out = execFileSync("ovs-ofctl", ["parse-flow", flow], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? "";
  }
  const m = /usable protocols: (.*)/.exec(out);
  return m ? m[1]!.split(",").reduce((a, n) => a | NAMES[n]!, 0) : undefined;
}
const vals = (fmt: string, len: number): string[] => {
  switch (fmt) {
    case "mac": return ["00:00:00:00:00:01", "00:00:00:00:00:00/ff:ff:ff:00:00:00", "00:00:00:00:00:01/00:00:00:00:00:01"];
    case "ipv4": return ["10.0.0.1", "10.0.0.0/8", "10.0.0.1/0.0.0.1"];
    case "ipv6": return ["::1", "::/64", "::1/::1"];
    default: {
      const full = (1n << BigInt(8 * len)) - 1n;
      return ["1", `0x100/0x${(full ^ 0xffn).toString(16)}`, "0x1/0x1"];
    }
  }
};
const PREFIXES = ["", "ip,", "ipv6,", "tcp,", "udp,", "sctp,", "icmp,", "icmp6,", "arp,", "mpls,", "icmp6,icmp_type=135,", "icmp6,icmp_type=136,", "tcp6,", "udp6,", "sctp6,", "ct_state=+est+trk,ip,", "ct_state=+est+trk,ipv6,", "ct_state=+est+trk,ip,ct_nw_proto=6,", "vlan_tci=0x1000/0x1000,"];
const probes: string[] = [];
for (const f of FIELD_DEFS) for (const v of vals(f.format, f.len)) for (const p of PREFIXES) probes.push(`${p}${f.name}=${v},actions=drop`);
for (const t of ["nw_frag=yes", "nw_frag=no", "nw_frag=first", "nw_frag=later", "nw_frag=not_later", "tp_src=80", "tp_src=80/0xfff0", "tp_src=0x8000/0x8000", "tp_src=1/0x1", "tp_dst=80", "tp_dst=80/0xfff0", "tp_dst=0x8000/0x8000", "tp_dst=1/0x1", "vlan_tci=0x3005/0xffff", "vlan_tci=0x1000/0x1000", "vlan_tci=0x1005/0x1fff",
  "dl_vlan=5", "dl_vlan_pcp=3", "vlan_tci=0x1005", "vlan_tci=0x0005/0x0fff", "vlan_tci=0", "nw_tos=4", "nw_frag=first", "tcp_flags=+syn-ack", "ct_state=-new+est+trk", "in_port=LOCAL", "packet_type=(0,0x800)", "dl_type=0x88cc", "dl_type=0x8847", "dl_type=0x8848", "dl_type=0x8035", "dl_type=0x0806", "dl_type=0x86dd", "dl_type=0x0800"])
  for (const p of ["", "ip,", "tcp,", "udp,", "ipv6,", "tcp6,"]) probes.push(`${p}${t},actions=drop`);
for (const t of ["send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts", "table=1", "cookie=0x5"]) probes.push(`${t},actions=drop`);
const corpus = readFileSync(new URL("./corpus/flows.txt", import.meta.url), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
const items = new Set(["output:1", "push_vlan:0x8100", "pop_vlan", "push_mpls:0x8847", "pop_mpls:0x0800", "set_mpls_ttl(5)", "dec_mpls_ttl", "dec_ttl", "set_queue:1", "group:1", "meter:1", "write_metadata:0x1", "goto_table:1", "clear_actions", "mod_nw_ttl:5", "mod_vlan_vid:5", "mod_vlan_pcp:1", "enqueue:1:2", "set_tunnel:1"]);
for (const f of corpus) {
  const i = f.search(/(^|,)actions=/);
  if (i >= 0) for (const it of splitTop(f.slice(f.indexOf("actions=", i) + 8))) items.add(it.trim());
}
for (const it of items) for (const p of PREFIXES) probes.push(`${p}actions=${it}`);
const classes = new Map<string, number>();
for (const flow of probes) {
  const u = usable(flow);
  if (u === undefined) continue;
  let keys: string[];
  try {
    keys = flowKeys(flow, parseFlow(flow));
  } catch {
    continue;
  }
  for (const k of keys) classes.set(k, (classes.get(k) ?? 0) | u);
}
console.log([...classes].filter(([, v]) => v !== ANY_PROTOCOL).sort().map(([k, v]) => `${k}=${v.toString(16)}`).join("|"));
