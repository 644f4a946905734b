/**
 * The requests `ovn-ts ofctl` sends, byte for byte beside the installed `ovs-ofctl`'s: a scripted switch on
 * a unix socket says HELLO in one version, answers multipart requests with an empty reply and closes the
 * connection after a flow monitor request, and keeps every message each client sent (xids masked, since
 * the two number their requests differently). Covered: matches in flow stats and flow monitor requests
 * under the headers each version has (OpenFlow 1.5's `tcp_flags`, `actset_output` and packet registers,
 * 1.2's NXM `tun_id` and `tcp_flags`, in Open vSwitch's order), and monitor ids from 0.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { peers } from "../support/peers.js";
import { oursOf } from "./gen-compare.js";

const dir = mkdtempSync(join(tmpdir(), "ofctl-request-bytes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `client(path)` against a scripted switch speaking `version`; the messages it sent after its HELLO, xids masked. */
async function captured(version: number, client: (path: string) => Promise<unknown>): Promise<string[]> {
  const path = join(dir, `sw${Math.random().toString(36).slice(2)}.sock`);
  const seen: string[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.write(Buffer.from([version, 0, 0, 8, 0, 0, 0, 1]));
    let buf = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8 && buf.length >= buf.readUInt16BE(2)) {
        const m = buf.subarray(0, buf.readUInt16BE(2));
        buf = buf.subarray(m.length);
        const type = m[1]!;
        const xid = m.subarray(4, 8);
        if (type !== 0) seen.push(`${m.subarray(0, 4).toString("hex")}XXXXXXXX${m.subarray(8).toString("hex")}`);
        const stats = version === 1 ? type === 16 : type === 18;
        if (type === 2) s.write(Buffer.concat([Buffer.from([version, 3]), m.subarray(2)]));
        else if (stats) {
          const mpType = m.readUInt16BE(8);
          // a flow monitor request (OpenFlow 1.4+, or the Nicira/ONF vendor statistics): the switch goes away
          if (mpType === 16 || mpType === 0xffff) s.end();
          else s.write(Buffer.concat([Buffer.from([version, type + 1, 0, version === 1 ? 12 : 16]), xid, m.subarray(8, 10), Buffer.alloc(version === 1 ? 2 : 6)]));
        } else if (type === (version === 1 ? 18 : 20)) s.write(Buffer.concat([Buffer.from([version, type + 1, 0, 8]), xid]));
      }
    });
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    await client(path);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return seen;
}

/** `ovs-ofctl ARGS` (the switch's path in place of `SW`), ended after 10 s at the latest. */
function theirs(args: readonly string[]): (path: string) => Promise<unknown> {
  return (path) =>
    new Promise((resolve) => {
      const child = spawn("ovs-ofctl", args.map((a) => (a === "SW" ? `unix:${path}` : a)), { stdio: "ignore" });
      const timer = setTimeout(() => child.kill(), 10_000);
      child.on("exit", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
}

/** `ovn-ts ofctl ARGS` in process. */
function ours(args: readonly string[]): (path: string) => Promise<unknown> {
  return (path) => oursOf(args.map((a) => (a === "SW" ? `unix:${path}` : a)));
}

const CASES: { version: number; args: string[] }[] = [
  { version: 6, args: ["--no-names", "-O", "OpenFlow15", "dump-flows", "SW", "tcp,tcp_flags=+syn,tun_id=5,reg1=3,actset_output=3"] },
  { version: 5, args: ["--no-names", "-O", "OpenFlow14", "dump-flows", "SW", "tcp,tcp_flags=+syn,tun_id=5,reg1=3"] },
  { version: 3, args: ["--no-names", "-O", "OpenFlow12", "dump-flows", "SW", "tcp,tcp_flags=+syn,tun_id=5,reg1=3"] },
  { version: 6, args: ["--no-names", "-O", "OpenFlow15", "monitor", "SW", "watch:tcp,tcp_flags=+syn,reg1=3,tun_id=5"] },
  { version: 5, args: ["--no-names", "-O", "OpenFlow14", "monitor", "SW", "watch:tcp,tcp_flags=+syn,reg1=3,tun_id=5"] },
  { version: 4, args: ["--no-names", "-O", "OpenFlow13", "monitor", "SW", "watch:tcp"] },
  { version: 1, args: ["--no-names", "monitor", "SW", "watch:tcp"] },
];

describe.skipIf(!peers("ovs-ofctl"))("requests sent to a switch, against ovs-ofctl's", () => {
  for (const { version, args } of CASES) {
    it(args.filter((a) => a !== "SW" && a !== "--no-names").join(" "), async () => {
      const want = await captured(version, theirs(args));
      const got = await captured(version, ours(args));
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    }, 60_000);
  }
});
