/**
 * Generator (run by hand, not part of the suite): derives the Open vSwitch field table that
 * `src/openflow/tablefeatures.ts` embeds — every match field ovs-vswitchd reports in its
 * OFPMP_TABLE_FEATURES reply, in the order OVS keeps them (its internal field ids), with the name
 * `ovs-ofctl ofp-print` shows for each OXM/NXM header, including the alternative headers our own
 * field catalogue knows (e.g. NXM_OF_ETH_SRC next to OXM_OF_ETH_SRC).
 *
 *   npx vite-node test/openflow/gen-table-fields.ts > /tmp/fields.json
 *
 * Needs ovs-ofctl and a live reply captured with test/openflow/vswitchd.ts (hex on stdin lines).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { decodeMessage, encodeMessage, type OfMessageInput } from "../../src/openflow/messages.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { FIELD_DEFS } from "../../src/openflow/oxm.js";

const reply = decodeMessage(fromHex(readFileSync(process.argv[2] ?? "/dev/stdin", "utf8").trim().split("\n")[0]!));
if (reply.type !== "multipart_reply" || reply.body.kind !== "table_features") throw new Error("not a table-features reply");
const t0 = reply.body.tables[0]!;
const split = (d: Uint8Array): Uint8Array[] => {
  const hs: Uint8Array[] = [];
  for (let i = 0; i + 4 <= d.length; ) {
    const len = d[i] === 0xff && d[i + 1] === 0xff ? 8 : 4;
    hs.push(d.slice(i, i + len));
    i += len;
  }
  return hs;
};
const probe = (h: Uint8Array): string | undefined => {
  const props = [0, 2, 4, 6, 8, 10, 12, 14].map((t) => ({ propType: t, data: t === 8 ? h : new Uint8Array() }));
  const msg: OfMessageInput = { type: "multipart_reply", flags: 0, body: { kind: "table_features", tables: [{ tableId: 0, name: "", metadataMatch: 0n, metadataWrite: 0n, config: 0, maxEntries: 0, properties: props }] } };
  const txt = execFileSync("ovs-ofctl", ["ofp-print", toHex(encodeMessage(msg))], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return /must exact match: (\S+)/.exec(txt)?.[1];
};
/** class:field:experimenter of a header (mask bit and length dropped). */
const key = (h: Uint8Array): string => {
  const w = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  const exp = h.length === 8 ? ((h[4]! << 24) | (h[5]! << 16) | (h[6]! << 8) | h[7]!) >>> 0 : 0;
  return `${(w >>> 16).toString(16)}:${(w >>> 9) & 0x7f}:${exp.toString(16)}`;
};
const order: { name: string; keys: Set<string> }[] = [];
const byName = new Map<string, { name: string; keys: Set<string> }>();
for (const h of split(t0.properties.find((p) => p.propType === 10)!.data)) {
  const name = probe(h);
  if (!name) throw new Error(`no name for ${toHex(h)}`);
  const e = { name, keys: new Set([key(h)]) };
  order.push(e);
  byName.set(name, e);
}
const hdr = (word: number, exp: number | undefined): Uint8Array => {
  const b = new Uint8Array(exp === undefined ? 4 : 8);
  new DataView(b.buffer).setUint32(0, word);
  if (exp !== undefined) new DataView(b.buffer).setUint32(4, exp);
  return b;
};
for (const f of FIELD_DEFS) {
  for (const [word, exp] of [[f.header, f.experimenter], [f.nxHeader, f.nxExperimenter]] as const) {
    const h = hdr(word, exp);
    const name = probe(h);
    if (name) byName.get(name)?.keys.add(key(h));
  }
}
console.log(JSON.stringify(order.map((e) => [e.name, ...e.keys])));
