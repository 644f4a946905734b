/**
 * OFPMP_TABLE_FEATURES: our ofp-print of table-features requests and replies against
 * `ovs-ofctl ofp-print` of the same bytes — the live reply of a real ovs-vswitchd (every part of
 * it) and hand-built bodies that exercise the miss variants, write≠apply, names, masks, the
 * ditto folding and the bodies OVS refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { FrameDecoder } from "../../src/openflow/framing.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { decodeMessage, encodeMessage, type OfMessageInput, type TableFeatures } from "../../src/openflow/messages.js";
import { formatMessage } from "../../src/openflow/print.js";
import { decodeTableFeatureProperty, encodeTableFeatureProperty, type TableFeatureProperty } from "../../src/openflow/tablefeatures.js";
import { fieldByName } from "../../src/openflow/oxm.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

const ofpPrint = (hex: string): string =>
  execFileSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).replace(/\n$/, "");

/** Sends HELLO (OF1.3) and one table-features request on a raw socket; returns every reply frame. */
async function captureTableFeatures(path: string): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const dec = new FrameDecoder();
    const timer = setTimeout(() => (s.destroy(), reject(new Error("no complete table-features reply in 10 s"))), 10_000);
    s.on("connect", () => {
      s.write(encodeMessage({ type: "hello", versions: [4], xid: 1 }));
      s.write(encodeMessage({ type: "multipart_request", flags: 0, xid: 2, body: { kind: "table_features", tables: [] } }));
    });
    s.on("data", (c: Buffer) => {
      for (const f of dec.push(new Uint8Array(c))) {
        if (f[1] !== 19) continue;
        frames.push(f.slice());
        if (!(f[11]! & 1)) {
          clearTimeout(timer);
          s.end();
          resolve(frames);
        }
      }
    });
    s.on("error", (e) => (clearTimeout(timer), reject(e)));
  });
}

describe.skipIf(!peers("ovs-ofctl", "ovs-vswitchd", "ovsdb-server"))("table features from a live ovs-vswitchd", () => {
  let v: Vswitchd;
  let frames: Uint8Array[] = [];
  beforeAll(async () => {
    v = await startVswitchd();
    frames = await captureTableFeatures(v.mgmt.slice("unix:".length));
  });
  afterAll(() => v?.stop());

  it("every reply part prints like ovs-ofctl ofp-print, and round-trips byte for byte", () => {
    expect(frames.length).toBeGreaterThan(1); // 254 tables do not fit one message
    let tables = 0;
    for (const f of frames) {
      const m = decodeMessage(f);
      if (m.type !== "multipart_reply" || m.body.kind !== "table_features") throw new Error(m.type);
      tables += m.body.tables.length;
      expect(toHex(encodeMessage(m))).toBe(toHex(f));
      expect(formatMessage(m)).toBe(ofpPrint(toHex(f)));
    }
    expect(tables).toBe(254);
  });

  it("the same bodies sent as a request print like ovs-ofctl too", () => {
    for (const f of frames.slice(0, 2)) {
      const req = f.slice();
      req[1] = 18; // OFPT_MULTIPART_REQUEST
      expect(formatMessage(decodeMessage(req))).toBe(ofpPrint(toHex(req)));
    }
  });

  it("typed properties decode and re-encode to the same bytes", () => {
    const m = decodeMessage(frames[0]!);
    if (m.type !== "multipart_reply" || m.body.kind !== "table_features") throw new Error(m.type);
    const t0 = m.body.tables[0]!;
    const typed = t0.properties.map(decodeTableFeatureProperty);
    expect(typed.map((p) => p.kind)).toContain("apply_setfield");
    const next = typed.find((p) => p.kind === "next_tables" && !p.miss);
    expect(next && "tables" in next ? next.tables.length : 0).toBe(253); // tables 1..253
    const insts = typed.find((p) => p.kind === "instructions" && !p.miss);
    expect(insts && "ids" in insts ? insts.ids : []).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 0; i < typed.length; i++) expect(toHex(encodeTableFeatureProperty(typed[i]!).data)).toBe(toHex(t0.properties[i]!.data));
  });

  it("ovn-ts ofctl dump-table-features prints what ovs-ofctl dump-table-features prints", async () => {
    const io = memoryIo();
    expect(await ofctlCommand(["-O", "OpenFlow13", "dump-table-features", v.mgmt], io)).toBe(0);
    expect(io.stdout, io.stderr).toBe(v.ofctl("-O", "OpenFlow13", "dump-table-features", v.mgmt));
  });
});

// ---- hand-built bodies (expected text: ovs-ofctl ofp-print of the same bytes)
const oxm = (name: string, masked = false): { header: number; experimenter?: number } => {
  const f = fieldByName(name);
  if (!f) throw new Error(name);
  const len = masked ? f.len * 2 : f.len;
  return { header: ((f.header & ~0x1ff) | (masked ? 0x100 : 0) | len) >>> 0, experimenter: f.experimenter };
};
const P = (p: TableFeatureProperty) => encodeTableFeatureProperty(p);
const REQUIRED = (o: Partial<Record<string, TableFeatureProperty>> = {}) =>
  [
    o["instructions"] ?? { kind: "instructions", miss: false, ids: [1, 4] },
    o["next_tables"] ?? { kind: "next_tables", miss: false, tables: [] },
    o["write_actions"] ?? { kind: "write_actions", miss: false, ids: [0] },
    o["apply_actions"] ?? { kind: "apply_actions", miss: false, ids: [0] },
    o["match"] ?? { kind: "match", miss: false, oxms: [] },
    o["wildcards"] ?? { kind: "wildcards", miss: false, oxms: [] },
    o["write_setfield"] ?? { kind: "write_setfield", miss: false, oxms: [] },
    o["apply_setfield"] ?? { kind: "apply_setfield", miss: false, oxms: [] },
  ].map((p) => P(p as TableFeatureProperty));
const table = (tableId: number, properties: { propType: number; data: Uint8Array }[], extra: Partial<TableFeatures> = {}): TableFeatures => ({
  tableId,
  name: "",
  metadataMatch: 0n,
  metadataWrite: 0n,
  config: 0,
  maxEntries: 0,
  properties,
  ...extra,
});
const REGS = Array.from({ length: 16 }, (_, i) => oxm(`reg${i}`));
const CASES: [string, TableFeatures[]][] = [
  ["minimal", [table(0, REQUIRED())]],
  ["metadata, max entries, a name", [table(3, REQUIRED(), { name: "ingress", metadataMatch: 0xffn, metadataWrite: 0n, maxEntries: 100 })]],
  [
    "matching: masks, wildcards, exact, abbreviations",
    [
      table(
        0,
        REQUIRED({
          match: { kind: "match", miss: false, oxms: [oxm("eth_src", true), oxm("eth_dst", true), oxm("dl_type"), oxm("in_port"), ...REGS, oxm("nw_src", true), oxm("tcp_src"), oxm("tcp_dst"), oxm("tun_id", true), oxm("tun_src")] },
          wildcards: { kind: "wildcards", miss: false, oxms: [oxm("dl_type"), oxm("tcp_src"), ...REGS.slice(0, 2)] },
        }),
      ),
    ],
  ],
  [
    "write and apply differ; miss variants differ",
    [
      table(
        1,
        [
          ...REQUIRED({
            write_actions: { kind: "write_actions", miss: false, ids: [0, 22, 25, 17, 18, 23, 24, 15, 16, 19, 20, 21, 11, 12, 26] },
            apply_setfield: { kind: "apply_setfield", miss: false, oxms: [oxm("eth_src"), oxm("eth_dst"), oxm("reg0"), oxm("reg1"), oxm("reg2")] },
            next_tables: { kind: "next_tables", miss: false, tables: [2, 3, 4, 7, 9, 10] },
          }),
          P({ kind: "instructions", miss: true, ids: [6, 5] }),
          P({ kind: "next_tables", miss: true, tables: [] }),
        ],
      ),
    ],
  ],
  [
    "ditto folding with next tables that shift by one",
    Array.from({ length: 6 }, (_, i) =>
      table(i, REQUIRED({ next_tables: { kind: "next_tables", miss: false, tables: Array.from({ length: 9 - i }, (_, k) => i + 1 + k) }, write_setfield: { kind: "write_setfield", miss: false, oxms: [oxm("reg0")] }, apply_setfield: { kind: "apply_setfield", miss: false, oxms: [oxm("reg0")] } }), { maxEntries: 10 }),
    ).concat([table(6, REQUIRED(), { maxEntries: 10 }), table(7, REQUIRED(), { maxEntries: 10, name: "named" }), table(8, REQUIRED(), { maxEntries: 10 })]),
  ],
  ["unknown instruction/action ids and fields are ignored", [table(0, [...REQUIRED({ instructions: { kind: "instructions", miss: false, ids: [1, 9, 0xffff] } }), P({ kind: "unknown", propType: 0xfffe, data: new Uint8Array([0, 0, 0x23, 0x20, 0, 0, 0, 1]) })])]],
  ["NXM headers name the same fields", [table(0, REQUIRED({ match: { kind: "match", miss: false, oxms: [{ header: 0x00000206 }, { header: 0x00000406 }, { header: 0x00010004 }] } }))]],
  ["missing required property", [table(0, REQUIRED().slice(1))]],
  ["property twice", [table(0, [...REQUIRED(), REQUIRED()[0]!])]],
  ["masked wildcard", [table(0, REQUIRED({ wildcards: { kind: "wildcards", miss: false, oxms: [oxm("eth_src", true)] } }))]],
  ["next table 255", [table(0, REQUIRED({ next_tables: { kind: "next_tables", miss: false, tables: [255] } }))]],
  ["table 255", [table(255, REQUIRED())]],
  ["error after a good table", [table(0, REQUIRED()), table(1, REQUIRED().slice(2))]],
];

describe.skipIf(!peers("ovs-ofctl"))("hand-built table features print like ovs-ofctl ofp-print", () => {
  for (const [name, tables] of CASES) {
    it(name, () => {
      for (const [type, flags] of [["multipart_reply", 0], ["multipart_request", 1]] as const) {
        const bytes = encodeMessage({ type, flags, xid: 7, body: { kind: "table_features", tables } } as OfMessageInput);
        const m = decodeMessage(bytes);
        expect(toHex(encodeMessage(m))).toBe(toHex(bytes));
        expect(formatMessage(m)).toBe(ofpPrint(toHex(bytes)));
      }
    });
  }
});

describe("table feature properties", () => {
  it("typed properties round-trip through the raw form", () => {
    const ps: TableFeatureProperty[] = [
      { kind: "instructions", miss: true, ids: [1, 6] },
      { kind: "next_tables", miss: false, tables: [1, 2, 200] },
      { kind: "apply_actions", miss: true, ids: [0, 25] },
      { kind: "match", miss: false, oxms: [oxm("reg0", true), oxm("tcp_flags")] },
      { kind: "write_setfield", miss: true, oxms: [oxm("eth_dst")] },
    ];
    for (const p of ps) expect(decodeTableFeatureProperty(encodeTableFeatureProperty(p))).toEqual(p);
  });
  it("a malformed id list is a DecodeError naming the property", () => {
    expect(() => decodeTableFeatureProperty({ propType: 0, data: fromHex("00010002") })).toThrow(/instruction id length 2/);
  });
});
