/**
 * `ovn-ts ofctl monitor` beside `ovs-ofctl monitor`: the control socket (`--unixctl`) driven by the real
 * `ovs-appctl` (`ofctl/send` good and bad messages, `ofctl/barrier`, `ofctl/block`/`unblock` twice,
 * `ofctl/set-output-file`, `exit`) against a private ovs-vswitchd, with `--timestamp`: appctl's output and
 * exit status, what each monitor prints (time stamps masked), the output file and the monitors' exit status
 * must be identical. Then a scripted switch sends echo requests: both print them, answer them with the same
 * bytes, and exit the same way when the switch hangs up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { startVswitchd, type Vswitchd } from "./vswitchd.js";
import { type ControlRun, controlSequence, norm, ourMonitor, ovsMonitor } from "./ofctl-monitor-run.js";
import { FrameDecoder } from "../../src/openflow/framing.js";
import { encodeMessage } from "../../src/openflow/messages.js";
import { toHex } from "../../src/bytes/hex.js";

describe.skipIf(!peers("ovs-ofctl", "ovs-appctl", "ovs-vswitchd", "ovsdb-server"))("ovn-ts ofctl monitor's control socket against ovs-ofctl's", () => {
  let v: Vswitchd;
  beforeAll(async () => {
    v = await startVswitchd();
  }, 60_000);
  afterAll(() => v?.stop());

  it("ovs-appctl ofctl/send, barrier, block, unblock, set-output-file and exit: same replies, output and exit", async () => {
    // a barrier after each message sent: its reply comes after the switch's answer, so the order printed is fixed
    const sequence: string[][] = [
      ["ofctl/send", "0402000800000063"],
      ["ofctl/barrier"],
      ["ofctl/send", "04020008000000"],
      ["ofctl/send", "zz", "0402000800000064"],
      ["ofctl/barrier"],
      ["ofctl/send", "0102000c000000650a0b0c0d"],
      ["ofctl/barrier"],
      ["ofctl/block"],
      ["ofctl/block"],
      ["ofctl/unblock"],
      ["ofctl/unblock"],
      ["ofctl/set-output-file", "FILE"],
      ["ofctl/send", "0402000800000066"],
      ["ofctl/barrier"],
      ["ofctl/set-output-file", "/nonexistent/x"],
      ["ofctl/frobnicate"],
      ["exit"],
    ];
    const results: Record<string, ControlRun> = {};
    for (const who of ["ovs", "ours"] as const) results[who] = await controlSequence(v, who, ["--timestamp"], sequence);
    expect(results["ovs"]!.err).toMatch(/TS: OFPT_ECHO_REPLY/);
    expect(results["ovs"]!.file).toMatch(/TS: OFPT_BARRIER_REPLY/);
    expect(results["ovs"]!.code).toBe(0);
    expect(results["ours"]).toEqual(results["ovs"]);
  }, 120_000);
});

/**
 * A switch on a unix socket that speaks `version`: answers barriers, sends an echo request (xid 0x77, 3
 * bytes) once the monitor has set its packet-in format, keeps the echo replies it gets, then hangs up.
 */
function echoSwitch(path: string, version: number): { server: Server; replies: string[] } {
  const replies: string[] = [];
  const server = createServer((s) => {
    const dec = new FrameDecoder();
    s.write(encodeMessage({ type: "hello", versions: [version], version, xid: 1 }));
    let echoed = false;
    s.on("data", (c: Buffer) => {
      for (const f of dec.push(new Uint8Array(c))) {
        const xid = new DataView(f.buffer, f.byteOffset).getUint32(4);
        if (f[1] === (version === 1 ? 18 : 20)) {
          s.write(encodeMessage({ type: "barrier_reply", version, xid }));
          if (!echoed) {
            echoed = true;
            setTimeout(() => s.write(encodeMessage({ type: "echo_request", version, xid: 0x77, data: Uint8Array.of(1, 2, 3) })), 300);
          }
        } else if (f[1] === 3) {
          replies.push(toHex(f));
          setTimeout(() => s.end(), 300);
        }
      }
    });
    s.on("error", () => undefined);
  });
  server.listen(path);
  return { server, replies };
}

describe.skipIf(!peers("ovs-ofctl"))("ovn-ts ofctl monitor prints and answers echo requests as ovs-ofctl", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ovn-ts-monecho-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [proto, version] of [["OpenFlow10", 1], ["OpenFlow13", 4]] as const) {
    it(`-O ${proto}`, async () => {
      const results: Record<string, unknown> = {};
      for (const who of ["ovs", "ours"] as const) {
        const sock = join(dir, `${who}${version}.sock`);
        const sw = echoSwitch(sock, version);
        try {
          const args = ["-O", proto, "--timestamp", `--unixctl=${join(dir, `${who}${version}.ctl`)}`, "monitor", `unix:${sock}`];
          const m = who === "ovs" ? ovsMonitor(args, { ...process.env, OVS_RUNDIR: dir }) : ourMonitor(args);
          const code = await m.exited;
          results[who] = { code, out: m.out(), err: norm(m.err(), dir), replies: sw.replies };
        } finally {
          sw.server.close();
        }
      }
      expect(results["ovs"]).toMatchObject({ code: 1, replies: [expect.stringMatching(/^0.03000b0000007701020/)] });
      expect((results["ovs"] as { err: string }).err).toMatch(/TS: OFPT_ECHO_REQUEST/);
      expect(results["ours"]).toEqual(results["ovs"]);
    }, 60_000);
  }
});
