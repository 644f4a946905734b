/**
 * NXT_CT_FLUSH: the messages of ofp-print.at decode, and re-encode to the same match; the tuple syntax refuses what
 * ovs-ofctl refuses; and `ovn-ts ofctl ct-flush` sends the bytes `ovs-ofctl ct-flush` sends for the same
 * arguments, captured by a scripted switch on a unix socket (HELLO, barrier replies, nothing else).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { fromHex, toHex } from "../../src/bytes/hex.js";
import { decodeMessage, encodeMessage } from "../../src/openflow/messages.js";
import { FrameDecoder } from "../../src/openflow/framing.js";
import { CtTupleSyntaxError, parseCtTuple } from "../../src/openflow/ct-flush.js";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

/** The NXT_CT_FLUSH hex messages of the suite corpus. */
function suiteCtFlush(): string[] {
  const file = new URL("./corpus/suite/ofp-print.jsonl", import.meta.url).pathname;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv[1]!.toLowerCase())
    .filter((h) => /^0[1-6]04[0-9a-f]{12}0000232000000020/.test(h));
}

describe("NXT_CT_FLUSH codec", () => {
  const hexes = suiteCtFlush();
  it("the suite has the NXT_CT_FLUSH cases", () => expect(hexes.length).toBeGreaterThanOrEqual(8));
  for (const hex of hexes) {
    it(`${hex.slice(0, 40)}…: decodes, and what it encodes decodes to the same match`, () => {
      const m = decodeMessage(fromHex(hex));
      expect(["nx_ct_flush", "rejected"]).toContain(m.type);
      if (m.type === "rejected") expect(m.error).toMatch(/^OFPBPC_/);
      // the suite's messages put the zone first; Open vSwitch's encoder (as ours) puts it last
      if (m.type === "nx_ct_flush") expect(decodeMessage(encodeMessage(m))).toEqual(m);
    });
  }
  it("tuple text errors carry ovs-ofctl's words", () => {
    const cases: [string, string][] = [
      ["ct_nw_src=1.2.3.4,ct_tp_src=5", "port is set without protocol"],
      ["ct_nw_src", "field ct_nw_src missing value"],
      ["foo=1", "invalid conntrack tuple field: foo"],
      ["icmp_type=1", "invalid L4 fields"],
      ["ct_nw_src=1.2.3.4,ct_ipv6_dst=::1", "the L3 protocol does not match ::1"],
      ["ct_nw_src=1.2.3.4,ct_nw_src=1.2.3.5", "ct_nw_src is set multiple times"],
      ["ct_nw_src=1.2.3", "failed to parse field ct_nw_src"],
      ["ct_nw_proto=256", "failed to parse field ct_nw_proto"],
    ];
    for (const [text, msg] of cases) {
      let err: unknown;
      try {
        parseCtTuple(text, { ipProto: 0, l3: 0 });
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(CtTupleSyntaxError);
      expect((err as Error).message, text).toBe(msg);
    }
  });
});

/** A switch on a unix socket: answers HELLO in `version` and barriers; keeps every other frame. */
function scriptedSwitch(path: string, version: number): { server: Server; frames: Uint8Array[] } {
  const frames: Uint8Array[] = [];
  const server = createServer((s) => {
    const dec = new FrameDecoder();
    s.write(encodeMessage({ type: "hello", versions: [version], version, xid: 1 }));
    s.on("data", (c: Buffer) => {
      for (const f of dec.push(new Uint8Array(c))) {
        const xid = new DataView(f.buffer, f.byteOffset).getUint32(4);
        // barrier request: OFPT 18 in OpenFlow 1.0, 20 later
        if (f[1] === (version === 1 ? 18 : 20)) s.write(encodeMessage({ type: "barrier_reply", version, xid }));
        else if (f[1] !== 0) frames.push(f.slice());
      }
    });
    s.on("error", () => undefined);
  });
  server.listen(path);
  return { server, frames };
}

const ARGS = [
  [],
  ["zone=5"],
  ["zone=70000"],
  ["zone=5", "ct_nw_src=10.0.0.1,ct_nw_dst=10.0.0.2,ct_nw_proto=6,ct_tp_src=80,ct_tp_dst=8080", "ct_nw_src=10.0.0.2,ct_nw_dst=10.0.0.1,ct_tp_src=8080,ct_tp_dst=80"],
  ["ct_ipv6_src=fd18::1,ct_ipv6_dst=fd18::2,ct_nw_proto=58,icmp_id=3,icmp_type=128,icmp_code=0"],
  ["", "ct_nw_src=1.2.3.4,ct_nw_proto=0x11,ct_tp_dst=010"],
  ["ct_nw_proto=1", "icmp_type=3 icmp_code=1"],
];

describe.skipIf(!peers("ovs-ofctl"))("ct-flush sends the bytes ovs-ofctl sends", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-ctflush-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const capture = async (version: number, run: (target: string) => Promise<number>) => {
    const path = join(dir, `sw${Math.random().toString(36).slice(2)}.sock`);
    const { server, frames } = scriptedSwitch(path, version);
    try {
      const code = await run(`unix:${path}`);
      // the NXT_CT_FLUSH frames, xid zeroed (ovs-ofctl and we number differently around helper connections)
      return { code, sent: frames.map((f) => toHex(Uint8Array.from(f, (b, i) => (i >= 4 && i < 8 ? 0 : b)))) };
    } finally {
      server.close();
    }
  };
  const ovs = (argv: string[]) => (target: string) =>
    new Promise<number>((resolve) => {
      const p = spawn("ovs-ofctl", [argv[0]!, "ct-flush", target, ...argv.slice(1)], { stdio: "ignore" });
      const t = setTimeout(() => p.kill(), 20_000);
      p.on("exit", (code) => {
        clearTimeout(t);
        resolve(code ?? -1);
      });
    });
  const ours = (argv: string[]) => async (target: string) => ofctlCommand([argv[0]!, "ct-flush", target, ...argv.slice(1)], memoryIo());

  for (const [proto, version] of [["-OOpenFlow10", 1], ["-OOpenFlow13", 4], ["-OOpenFlow15", 6]] as const) {
    it(`${proto}: every argument form`, async () => {
      for (const args of ARGS) {
        const theirs = await capture(version, ovs([proto, ...args]));
        expect(theirs.code, args.join(" ")).toBe(0);
        expect(theirs.sent.length, args.join(" ")).toBe(1);
        expect(await capture(version, ours([proto, ...args])), args.join(" ")).toEqual(theirs);
      }
    }, 60_000);
  }
});
