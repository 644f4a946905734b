/**
 * Runs `ovs-ofctl monitor` and `ovn-ts ofctl monitor` the same way and drives their control sockets with the
 * real `ovs-appctl`, for tests that compare the two.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";
import type { Vswitchd } from "./vswitchd.js";

/** Runs a program to its end without blocking the event loop (our monitor answers in this process). */
export function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: env ?? process.env });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => p.kill(), 20_000);
    p.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

/** Waits (bounded) until `ok()` holds. */
export async function until(ok: () => boolean, ms = 20_000): Promise<void> {
  for (let t = 0; t < ms && !ok(); t += 50) await new Promise((r) => setTimeout(r, 50));
}

/** Masks `--timestamp` prefixes, log time stamps and socket paths. */
export const norm = (s: string, dir: string) =>
  s
    .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}: /gm, "TS: ")
    .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/gm, "TIME|").replaceAll(dir, "DIR").replace(/(ovs|ours)\.ctl/g, "X.ctl").replace(/^(ovs-ofctl|ovn-ts ofctl): /gm, "");

/** A monitor run by one of the two tools, its stdout/stderr collected and its exit awaited. */
export interface Monitor {
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

export function ovsMonitor(args: string[], env: NodeJS.ProcessEnv): Monitor {
  const child = spawn("ovs-ofctl", args, { env });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const t = setTimeout(() => child.kill(), 60_000);
  void exited.then(() => clearTimeout(t));
  return { out: () => out, err: () => err, exited };
}

export function ourMonitor(args: string[]): Monitor {
  const io = memoryIo();
  const exited = ofctlCommand(args, io);
  return { out: () => io.stdout, err: () => io.stderr, exited };
}

/** One tool's monitor driven through a control sequence: each appctl call with its status and output, then the monitor's. */
export interface ControlRun {
  appctl: string[];
  code: number | null;
  out: string;
  err: string;
  file: string;
}

/**
 * Starts `who`'s monitor with `args` (before `monitor SWITCH`) on `v`'s br0, waits for its control socket, runs
 * each `ovs-appctl -t SOCKET` command of `sequence` (`FILE` is an output file of its own; `["@sleep", MS]` pauses), then waits for the
 * monitor to exit; outputs normalised with {@link norm}.
 */
export async function controlSequence(v: Vswitchd, who: "ovs" | "ours", args: readonly string[], sequence: readonly string[][]): Promise<ControlRun> {
  const ctl = join(v.dir, `${who}.ctl`);
  const file = join(v.dir, `${who}.out`);
  const all = [...args, `--unixctl=${ctl}`, "monitor", v.mgmt];
  const m = who === "ovs" ? ovsMonitor(all, v.env) : ourMonitor(all);
  await until(() => {
    try {
      readFileSync(ctl);
      return false;
    } catch (e) {
      // a socket cannot be read: it exists once the monitor listens
      return (e as NodeJS.ErrnoException).code !== "ENOENT";
    }
  });
  const appctl: string[] = [];
  for (const cmd of sequence) {
    // ["@sleep", MS]: a pause, not a command
    if (cmd[0] === "@sleep") {
      await new Promise((r) => setTimeout(r, Number(cmd[1])));
      continue;
    }
    const r = await run("ovs-appctl", ["-t", ctl, ...cmd.map((a) => (a === "FILE" ? file : a))], v.env);
    appctl.push(`${cmd.join(" ")} -> ${r.code}\n${r.out}${r.err}`);
  }
  const code = await m.exited;
  let written = "";
  try {
    written = readFileSync(file, "utf8");
  } catch {
    /* no output file */
  }
  return { appctl: appctl.map((x) => norm(x, v.dir)), code, out: m.out(), err: norm(m.err(), v.dir), file: norm(written, v.dir) };
}
