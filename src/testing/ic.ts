/**
 * An OVN interconnection (OVN-IC) sandbox: the global `OVN_IC_Northbound` and
 * `OVN_IC_Southbound` `ovsdb-server`s and N availability zones, each an OVN central (NB + SB +
 * `ovn-northd`, named by `NB_Global.name`) with its own `ovn-ic` daemon between its NB/SB and the
 * IC databases. Everything runs in one temp dir on unix sockets, started with pidfiles and stopped
 * by PID; the directory (databases, logs) is kept when startup fails or when asked.
 *
 * `ovn-ic` reacts to database changes (it has no polling interval to shorten), so what it does
 * shows up within milliseconds; wait for it with the API's waits (`IcZone.waitForLearnedRoute`,
 * `waitForIcRoute`), never with fixed sleeps.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DaemonGroup, type StopOptions, defaultKeep } from "./group.js";
import { type OvnSandbox, installedSchemaFile, startCentral } from "./ovn.js";
import { type Daemon, SandboxError, keepTempDir, logTail, makeTempDir, removeDir, run, waitFor } from "./process.js";

/** The programs {@link startIcSandbox} runs, for `requirePeers`. */
export const IC_SANDBOX_PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovs-appctl", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovn-ic", "ovn-ic-nbctl", "ovn-ic-sbctl"] as const;

/** Options of {@link startIcSandbox}. */
export interface IcSandboxOptions {
  /**
   * The availability zones: their names, or how many (named `az1`, `az2`, ...).
   * @default 2
   */
  azs?: number | readonly string[];
  /** Directory to use. @default a fresh temp dir */
  dir?: string;
  /**
   * Keep the directory (databases, logs) after `stop()`.
   * @default false, or true when `OVN_TS_KEEP_SANDBOX` is set
   */
  keep?: boolean;
  /** Extra `ovn-ic` arguments (e.g. `-vdbg` for its route decisions in the log). */
  icArgs?: readonly string[];
}

/** One availability zone of an {@link IcSandbox}: an OVN central plus its `ovn-ic`. */
export interface IcAzSandbox extends Pick<OvnSandbox, "nb" | "sb" | "nbctl" | "sbctl" | "sync" | "trace"> {
  /** The AZ name (`NB_Global.name`). */
  readonly name: string;
  /** The AZ's directory. */
  readonly dir: string;
  /** Its daemons. */
  readonly daemons: { readonly nb: Daemon; readonly sb: Daemon; readonly northd: Daemon | undefined; readonly ic: Daemon };
  /** Runs `ovs-appctl -t` its `ovn-ic` (e.g. `status`, `pause`, `resume`). */
  icAppctl(...args: string[]): Promise<string>;
  /**
   * Registers chassis `name` in this AZ's SB as an interconnection gateway (`ovn-sbctl
   * chassis-add NAME geneve IP` plus `other_config:is-interconn=true`, which is what
   * `ovn-controller` writes on a node with `external_ids:ovn-is-interconn=true`).
   */
  addGatewayChassis(name: string, ip: string): Promise<void>;
  /** Binds SB port `port` to `chassis` (`ovn-sbctl lsp-bind`), as that chassis' `ovn-controller` would when it claims the port. */
  bindPort(port: string, chassis: string): Promise<void>;
}

/** A running OVN-IC sandbox. */
export interface IcSandbox {
  /** The sandbox directory. */
  readonly dir: string;
  /** The IC Northbound remote, `unix:DIR/ic/ic-nb.sock`. */
  readonly icNb: string;
  /** The IC Southbound remote, `unix:DIR/ic/ic-sb.sock`. */
  readonly icSb: string;
  /** The availability zones, in the order given. */
  readonly azs: readonly IcAzSandbox[];
  /** The AZ named `name` (throws {@link SandboxError} when there is none). */
  az(name: string): IcAzSandbox;
  /** Runs `ovn-ic-nbctl --db=IC_NB ARGS...` and returns its stdout. */
  icNbctl(...args: string[]): Promise<string>;
  /** Runs `ovn-ic-sbctl --db=IC_SB ARGS...` and returns its stdout. */
  icSbctl(...args: string[]): Promise<string>;
  /** Log files by daemon (`ic-nb`, `ic-sb`, `AZ/nb`, `AZ/sb`, `AZ/northd`, `AZ/ovn-ic`). */
  logFiles(): Record<string, string>;
  /** Log texts by daemon, keyed as {@link IcSandbox.logFiles}. */
  logs(): Record<string, string>;
  /** Stops every daemon by PID (each AZ's `ovn-ic` first) and removes the directory (unless kept). Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** `await using` support: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

function azNames(azs: IcSandboxOptions["azs"]): string[] {
  const names = typeof azs === "number" || azs === undefined ? Array.from({ length: azs ?? 2 }, (_, i) => `az${i + 1}`) : [...azs];
  if (names.length === 0) throw new SandboxError("startIcSandbox: at least one availability zone is needed");
  for (const n of names) if (!/^[A-Za-z0-9_.-]+$/.test(n)) throw new SandboxError(`startIcSandbox: availability zone name ${JSON.stringify(n)} must be letters, digits, '_', '.' or '-'`);
  if (new Set(names).size !== names.length) throw new SandboxError(`startIcSandbox: availability zone names repeat: ${names.join(", ")}`);
  return names;
}

/**
 * Starts an OVN-IC sandbox: IC NB and IC SB (initialised like `ovn-ic-nbctl init` /
 * `ovn-ic-sbctl init`), then for each AZ an OVN central with `NB_Global.name` set and an `ovn-ic`,
 * and waits until every AZ has registered itself in the IC southbound. On a startup failure every
 * started daemon is stopped, the directory is kept, and the {@link SandboxError} names the failing
 * step and shows the tail of each log.
 */
export async function startIcSandbox(options: IcSandboxOptions = {}): Promise<IcSandbox> {
  const names = azNames(options.azs);
  const dir = options.dir ?? makeTempDir("ovn-ts-ic-");
  const keep = options.dir !== undefined || defaultKeep(options.keep);
  if (keep) keepTempDir(dir);
  // One group per AZ (daemon names repeat across AZs), plus one for the IC databases; the groups
  // never remove directories themselves: stop() removes `dir` once all are down.
  const icHome = join(dir, "ic");
  const icGroup = new DaemonGroup(icHome, true);
  const groups: { name: string; group: DaemonGroup }[] = [];
  const all = () => [{ name: "", group: icGroup }, ...groups];
  // Keys `DAEMON` for the IC databases, `AZ/DAEMON` for an AZ's.
  const byDaemon = (get: (g: DaemonGroup) => Record<string, string>) =>
    Object.fromEntries(all().flatMap(({ name, group }) => Object.entries(get(group)).map(([d, v]) => [name === "" ? d : `${name}/${d}`, v])));
  const logFiles = () => byDaemon((g) => g.logFiles());
  let stopped = false;
  const stop = async (o: StopOptions = {}) => {
    if (stopped) return;
    stopped = true;
    for (const { group } of [...groups].reverse()) await group.stop({ keep: true });
    await icGroup.stop({ keep: true });
    removeDir(dir, o.keep ?? keep);
  };
  try {
    const remotes: Record<"ic-nb" | "ic-sb", string> = { "ic-nb": "", "ic-sb": "" };
    for (const [name, db] of [
      ["ic-nb", "OVN_IC_Northbound"],
      ["ic-sb", "OVN_IC_Southbound"],
    ] as const) {
      const file = join(icHome, `${name}.db`);
      if (!existsSync(file)) await icGroup.tool(icHome, "ovsdb-tool", ["create", file, installedSchemaFile(db)]);
      const sock = join(icHome, `${name}.sock`);
      await icGroup.start(name, "ovsdb-server", [file, `--remote=punix:${sock}`, `--unixctl=${join(icHome, `${name}.ctl`)}`], icHome);
      await waitFor(`${name} ovsdb-server socket ${sock}`, () => existsSync(sock), 5000);
      remotes[name] = `unix:${sock}`;
    }
    const icNb = remotes["ic-nb"];
    const icSb = remotes["ic-sb"];
    const icNbctl = (...args: string[]) => icGroup.tool(icHome, "ovn-ic-nbctl", [`--db=${icNb}`, "--timeout=30", ...args]);
    const icSbctl = (...args: string[]) => icGroup.tool(icHome, "ovn-ic-sbctl", [`--db=${icSb}`, "--timeout=30", ...args]);
    await icNbctl("init");
    await icSbctl("init");

    const azs: IcAzSandbox[] = [];
    for (const name of names) {
      const home = join(dir, name);
      const group = new DaemonGroup(home, true);
      groups.push({ name, group });
      const central = await startCentral(group, home, {});
      await central.nbctl("set", "NB_Global", ".", `name=${name}`);
      const ic = await group.start(
        "ovn-ic",
        "ovn-ic",
        [`--ovnnb-db=${central.nb}`, `--ovnsb-db=${central.sb}`, `--ic-nb-db=${icNb}`, `--ic-sb-db=${icSb}`, `--unixctl=${join(home, "ovn-ic.ctl")}`, ...(options.icArgs ?? [])],
        home,
      );
      const sbctl = central.sbctl;
      azs.push({
        name,
        dir: home,
        nb: central.nb,
        sb: central.sb,
        daemons: { ...central.daemons, ic },
        nbctl: central.nbctl,
        sbctl,
        sync: central.sync,
        trace: central.trace,
        icAppctl: async (...args: string[]) => (await run("ovs-appctl", ["-t", join(home, "ovn-ic.ctl"), ...args])).stdout,
        async addGatewayChassis(chassis: string, ip: string) {
          await sbctl("chassis-add", chassis, "geneve", ip, "--", "set", "Chassis", chassis, "other_config:is-interconn=true");
        },
        async bindPort(port: string, chassis: string) {
          await sbctl("lsp-bind", port, chassis);
        },
      });
    }
    // Every ovn-ic has registered its AZ: the sandbox is interconnected when this resolves.
    await waitFor(
      `availability zones ${names.join(", ")} in the IC southbound`,
      async () => {
        const out = await icSbctl("--bare", "--columns=name", "list", "Availability_Zone");
        const have = new Set(out.split("\n").filter((l) => l !== ""));
        return names.every((n) => have.has(n));
      },
      15_000,
      20,
    );
    return {
      dir,
      icNb,
      icSb,
      azs,
      az(name: string) {
        const a = azs.find((x) => x.name === name);
        if (!a) throw new SandboxError(`no availability zone ${name} in this sandbox (have ${names.join(", ")})`);
        return a;
      },
      icNbctl,
      icSbctl,
      logFiles,
      logs: () => byDaemon((g) => g.logs()),
      stop,
      [Symbol.asyncDispose]: () => stop(),
    };
  } catch (e) {
    await stop({ keep: true });
    const tails = Object.entries(logFiles())
      .map(([d, f]) => `--- ${d} (${f}) ---\n${logTail(f, 8)}`)
      .join("\n");
    throw new SandboxError(`OVN-IC sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\nsandbox kept in ${dir}\n${tails}`, { cause: e });
  }
}
