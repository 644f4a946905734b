/**
 * Property/fuzz tests with a seeded PRNG (bounded iteration counts, deterministic):
 * random valid messages round-trip byte-exactly; random and mutated bytes never crash the decoder
 * (only DecodeError is thrown) and whatever decodes also prints.
 */
import { READ_ONLY } from "../../src/openflow/read-only.js";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DecodeError } from "../../src/bytes/decode-error.js";
import { decodeMessage, encodeMessage, type OfMessageInput } from "../../src/openflow/messages.js";
import { FIELD_DEFS, matchField, type MatchField } from "../../src/openflow/oxm.js";
import { parseFlow } from "../../src/openflow/flowtext.js";
import { formatMessage } from "../../src/openflow/print.js";
import { FrameDecoder } from "../../src/openflow/framing.js";
import type { Action, Instruction } from "../../src/openflow/actions.js";
import { prng } from "../support/prng.js";
import { fieldValueValid, matchEntriesError } from "../../src/openflow/match-checks.js";
import { inOvsOrder } from "../../src/openflow/match-order.js";
import { flowModConsistencyError } from "../../src/openflow/flow-mod-checks.js";


const corpus = readFileSync(new URL("./corpus/flows.txt", import.meta.url).pathname, "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));
const corpusMsgs = corpus.map((f, i) => encodeMessage({ type: "flow_mod", ...parseFlow(f), xid: i }).slice());

function bytes(rnd: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

function randomMatch(rnd: () => number): MatchField[] {
  const n = Math.floor(rnd() * 6);
  const out: MatchField[] = [];
  for (let i = 0; i < n; i++) {
    const f = FIELD_DEFS[Math.floor(rnd() * FIELD_DEFS.length)]!;
    const len = f.name.startsWith("tun_metadata") ? 1 + Math.floor(rnd() * 8) : f.len;
    out.push(matchField(f.name, bytes(rnd, len), rnd() < 0.5 ? bytes(rnd, len) : undefined));
  }
  return out;
}

/**
 * The entries of `match` Open vSwitch's strict decoder accepts in the order they are written in: each
 * kept only when its prerequisites hold and it is not a duplicate (a flow_mod with such a match is refused
 * with OFPBMC_BAD_PREREQ or OFPBMC_DUP_FIELD, tested in prereqs.test.ts).
 */
function validMatch(match: MatchField[]): MatchField[] {
  const kept: MatchField[] = [];
  for (const f of match) if (matchEntriesError(inOvsOrder([...kept, f])) === undefined) kept.push(f);
  return kept;
}

/**
 * A match and the actions of `actions` Open vSwitch's decoder finds consistent with it (each kept only when
 * the list so far stays consistent: flow-mod-checks.ts), as the instructions of a flow_mod.
 */
function validFlow(match: MatchField[], actions: Action[]): { match: MatchField[]; instructions: Instruction[] } {
  const kept: Action[] = [];
  for (const a of actions) if (flowModConsistencyError(match, [{ type: "apply_actions", actions: [...kept, a] }]) === undefined) kept.push(a);
  return { match, instructions: [{ type: "apply_actions", actions: kept }, { type: "goto_table", tableId: 5 }] };
}

function randomActions(rnd: () => number, depth = 0): Action[] {
  const n = Math.floor(rnd() * 5);
  const out: Action[] = [];
  const u32 = () => Math.floor(rnd() * 0xffffffff);
  const u16 = () => Math.floor(rnd() * 0xffff);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rnd() * 12);
    const sf = { field: "reg0", header: 0x00010004, ofs: Math.floor(rnd() * 16), nbits: 1 + Math.floor(rnd() * 16) };
    switch (k) {
      case 0:
        out.push({ type: "output", port: u32(), maxLen: u16() });
        break;
      case 1: {
        // (a read-only field, or a value the field cannot have, is refused by the decoder,
        // OFPBAC_BAD_SET_ARGUMENT: reg1 instead)
        const f = randomMatch(rnd)[0];
        out.push({ type: "set_field", field: f && !READ_ONLY.has(f.field) && fieldValueValid(f) ? f : matchField("reg1", bytes(rnd, 4)) });
        break;
      }
      case 2:
        out.push({ type: "resubmit", inPort: u16(), table: Math.floor(rnd() * 256), ct: rnd() < 0.3, withTable: true });
        break;
      case 3:
        out.push({ type: "reg_load", dst: sf, value: BigInt(u16()) });
        break;
      case 4:
        out.push({ type: "reg_move", src: sf, dst: { ...sf, header: 0x00010204 } });
        break;
      case 5:
        out.push({ type: "note", data: bytes(rnd, Math.floor(rnd() * 20)) });
        break;
      case 6:
        if (depth < 3) out.push({ type: "clone", actions: randomActions(rnd, depth + 1) });
        break;
      case 7:
        if (depth < 3)
          out.push({ type: "ct", flags: 1, zoneSrc: undefined, zone: u16(), recircTable: 255, alg: 0, actions: [{ type: "nat", flags: 1, ipv4Min: bytes(rnd, 4), protoMin: u16() }] });
        break;
      case 8:
        out.push({ type: "conjunction", id: u32(), clause: Math.floor(rnd() * 4), nClauses: 4 });
        break;
      case 9:
        out.push({ type: "controller2", maxLen: u16(), userdata: bytes(rnd, Math.floor(rnd() * 10)), pause: rnd() < 0.5, controllerId: undefined, reason: undefined, meterId: undefined });
        break;
      case 10:
        out.push({ type: "group", groupId: u32() });
        break;
      default:
        out.push({ type: "dec_ttl", controllerIds: [u16(), u16()] });
    }
  }
  return out;
}

/** A random, valid message of any OpenFlow 1.3 type (bodies with random values). */
function randomMessage(rnd: () => number, i: number): OfMessageInput {
  const u = (bits: number) => Math.floor(rnd() * 2 ** bits);
  const big = () => (BigInt(u(32)) << 32n) | BigInt(u(32));
  const port = () => ({
    portNo: u(32),
    hwAddr: bytes(rnd, 6),
    name: "p" + u(10),
    config: u(32),
    state: u(32),
    curr: u(32),
    advertised: u(32),
    supported: u(32),
    peer: u(32),
    currSpeed: u(32),
    maxSpeed: u(32),
  });
  const bucket = () => ({ weight: u(16), watchPort: u(32), watchGroup: u(32), actions: randomActions(rnd) });
  const band = () => (rnd() < 0.5 ? { bandType: 1, rate: u(32), burstSize: u(32) } : { bandType: 2, rate: u(32), burstSize: u(32), precLevel: u(8) });
  const fsr = () => ({ tableId: u(8), outPort: u(32), outGroup: u(32), cookie: big(), cookieMask: big(), match: randomMatch(rnd) });
  const all: (() => OfMessageInput)[] = [
    () => ({ type: "hello", versions: [1, 4, 6].filter(() => rnd() < 0.7) }),
    () => ({ type: "error", errType: u(4), code: u(4), data: bytes(rnd, u(5)) }),
    () => ({ type: "error", errType: 0xffff, code: u(16), experimenter: u(32), data: bytes(rnd, u(4)) }),
    () => ({ type: "echo_request", data: bytes(rnd, u(6)) }),
    () => ({ type: "echo_reply", data: bytes(rnd, u(6)) }),
    () => ({ type: "experimenter", experimenter: 0x1234, expType: u(32), data: bytes(rnd, u(5)) }),
    () => ({ type: "features_request" }),
    () => ({ type: "features_reply", datapathId: big(), nBuffers: u(32), nTables: u(8), auxiliaryId: u(8), capabilities: u(32) }),
    () => ({ type: "get_config_request" }),
    () => ({ type: "get_config_reply", flags: u(16), missSendLen: u(16) }),
    () => ({ type: "set_config", flags: u(16), missSendLen: u(16) }),
    () => ({ type: "packet_in", bufferId: u(32), totalLen: u(16), reason: u(8), tableId: u(8), cookie: big(), match: randomMatch(rnd), data: bytes(rnd, u(7)) }),
    () => ({ type: "flow_removed", cookie: big(), priority: u(16), reason: u(8), tableId: u(8), durationSec: u(32), durationNsec: u(30), idleTimeout: u(16), hardTimeout: u(16), packetCount: big(), byteCount: big(), match: randomMatch(rnd) }),
    () => ({ type: "port_status", reason: u(2), port: port() }),
    () => ({ type: "group_mod", command: u(2), groupType: u(2), groupId: u(32), buckets: [bucket(), bucket()].slice(0, u(2) + 1) }),
    () => ({ type: "port_mod", portNo: u(32), hwAddr: bytes(rnd, 6), config: u(32), mask: u(32), advertise: u(32) }),
    () => ({ type: "table_mod", tableId: u(8), config: u(32) }),
    () => ({ type: "multipart_request", flags: u(1), body: { kind: "flow", request: fsr() } }),
    () => ({ type: "multipart_request", flags: 0, body: { kind: "aggregate", request: fsr() } }),
    () => ({ type: "multipart_request", flags: 0, body: { kind: "port_stats", portNo: u(32) } }),
    () => ({ type: "multipart_request", flags: 0, body: { kind: "meter_config", meterId: u(32) } }),
    () => ({
      type: "multipart_reply",
      flags: u(1),
      body: {
        kind: "flow",
        flows: [0, 1].map(() => ({ tableId: u(8), durationSec: u(32), durationNsec: u(30), priority: u(16), idleTimeout: u(16), hardTimeout: u(16), flags: u(5), cookie: big(), packetCount: big(), byteCount: big(), match: randomMatch(rnd), instructions: [{ type: "apply_actions" as const, actions: randomActions(rnd) }] })),
      },
    }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "aggregate", packetCount: big(), byteCount: big(), flowCount: u(32) } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "table", tables: [{ tableId: u(8), activeCount: u(32), lookupCount: big(), matchedCount: big() }] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "port_stats", ports: [{ portNo: u(32), counters: Array.from({ length: 12 }, big), durationSec: u(32), durationNsec: u(30) }] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "port_desc", ports: [port(), port()] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "group_desc", groups: [{ groupType: u(2), groupId: u(32), buckets: [bucket()] }] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "meter_config", meters: [{ flags: u(4), meterId: u(32), bands: [band(), band()] }] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "group", groups: [{ groupId: u(32), refCount: u(32), packetCount: big(), byteCount: big(), durationSec: u(32), durationNsec: u(30), buckets: [{ packetCount: big(), byteCount: big() }] }] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "meter", meters: [{ meterId: u(32), flowCount: u(32), packetInCount: big(), byteInCount: big(), durationSec: u(32), durationNsec: u(30), bands: [{ packetCount: big(), byteCount: big() }] }] } }),
    () => ({ type: "multipart_reply", flags: 0, body: { kind: "table_features", tables: [{ tableId: u(8), name: "t" + u(8), metadataMatch: big(), metadataWrite: big(), config: u(32), maxEntries: u(32), properties: [{ propType: u(4), data: bytes(rnd, u(4)) }] }] } }),
    () => ({ type: "barrier_request" }),
    () => ({ type: "barrier_reply" }),
    () => ({ type: "role_request", role: u(2), generationId: big() }),
    () => ({ type: "role_reply", role: u(2), generationId: big() }),
    () => ({ type: "get_async_request" }),
    () => ({ type: "get_async_reply", masks: Array.from({ length: 6 }, () => u(32)) }),
    () => ({ type: "set_async", masks: Array.from({ length: 6 }, () => u(32)) }),
    () => ({ type: "meter_mod", command: u(2), flags: u(4), meterId: u(32), bands: [band()] }),
    () => ({ type: "nx_set_packet_in_format", format: u(2) }),
    () => ({
      type: rnd() < 0.5 ? "nx_packet_in2" : "nx_resume",
      packet: bytes(rnd, u(6)),
      fullLen: rnd() < 0.5 ? u(16) : undefined,
      tableId: u(8),
      cookie: big(),
      reason: u(3),
      metadata: randomMatch(rnd),
      userdata: rnd() < 0.5 ? bytes(rnd, u(4)) : undefined,
      continuation: rnd() < 0.5 ? bytes(rnd, 8 * u(3)) : undefined,
    }),
    () => ({ type: "bundle_control", bundleId: u(32), bundleType: u(3), flags: u(2), properties: new Uint8Array() }),
    () => ({ type: "bundle_add", bundleId: u(32), flags: u(2), message: encodeMessage({ type: "barrier_request", xid: i }).slice(), properties: new Uint8Array() }),
  ];
  return { ...all[i % all.length]!(), xid: u(32) } as OfMessageInput;
}

describe("fuzz", () => {
  it("random valid messages of every type round-trip byte-exactly and print (seeded, 1200 cases)", () => {
    const rnd = prng(2024);
    for (let i = 0; i < 1200; i++) {
      const m = randomMessage(rnd, i);
      const a = encodeMessage(m).slice();
      const d = decodeMessage(a);
      expect(d.type, `case ${i}`).toBe(m.type);
      expect(Buffer.from(encodeMessage(d)).equals(Buffer.from(a)), `case ${i} (${m.type})`).toBe(true);
      expect(() => formatMessage(d), `case ${i} (${m.type})`).not.toThrow();
    }
  });

  it("random valid flow_mods and packet_outs round-trip byte-exactly (seeded, 1500 cases)", () => {
    const rnd = prng(0xc0ffee);
    for (let i = 0; i < 1500; i++) {
      const m: OfMessageInput =
        i % 3 === 0
          ? { type: "packet_out", bufferId: 0xffffffff, inPort: 1, actions: randomActions(rnd), data: bytes(rnd, Math.floor(rnd() * 64)), xid: i }
          : {
              type: "flow_mod",
              ...parseFlow("actions=drop"),
              priority: Math.floor(rnd() * 65536),
              cookie: BigInt(Math.floor(rnd() * 2 ** 32)),
              ...validFlow(validMatch(randomMatch(rnd)), randomActions(rnd)),
              xid: i,
            };
      const a = encodeMessage(m).slice();
      const d = decodeMessage(a);
      const b = encodeMessage(d);
      expect(Buffer.from(b).equals(Buffer.from(a)), `case ${i}`).toBe(true);
      expect(() => formatMessage(d)).not.toThrow();
    }
  });

  it("random bytes never crash the decoder (seeded, 3000 cases)", () => {
    const rnd = prng(42);
    for (let i = 0; i < 3000; i++) {
      const n = 8 + Math.floor(rnd() * 200);
      const b = bytes(rnd, n);
      b[0] = [1, 4, 6][i % 3]!;
      b[1] = Math.floor(rnd() * 35);
      b[2] = n >> 8;
      b[3] = n & 0xff;
      try {
        formatMessage(decodeMessage(b));
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`case ${i} threw ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  });

  it("bit-flipped and truncated corpus messages only ever throw DecodeError (seeded, 4000 cases)", () => {
    const rnd = prng(7);
    for (let i = 0; i < 4000; i++) {
      const src = corpusMsgs[Math.floor(rnd() * corpusMsgs.length)]!;
      const b = src.slice();
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips; k++) {
        const at = 8 + Math.floor(rnd() * (b.length - 8));
        b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
      }
      const cut = rnd() < 0.3 ? b.subarray(0, 8 + Math.floor(rnd() * (b.length - 8))) : b;
      if (cut !== b) {
        cut[2] = cut.length >> 8;
        cut[3] = cut.length & 0xff;
      }
      try {
        formatMessage(decodeMessage(cut));
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`case ${i} threw ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  });

  it("the frame decoder survives random chunking of a long stream", () => {
    const rnd = prng(99);
    const stream = Buffer.concat(corpusMsgs.slice(0, 100));
    const d = new FrameDecoder();
    const out: Uint8Array[] = [];
    for (let off = 0; off < stream.length; ) {
      const n = 1 + Math.floor(rnd() * 300);
      out.push(...d.push(stream.subarray(off, off + n)));
      off += n;
    }
    expect(out.length).toBe(100);
    expect(Buffer.concat(out).equals(stream)).toBe(true);
  });
});
