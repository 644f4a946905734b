/**
 * `ovn-ts ofctl` options as ovs-ofctl reads them: -O, -F, --strict, --bundle, ... and the protocols they allow.
 *
 * @module
 */
import { UsageError } from "./io.js";
import type { Coverage } from "./coverage.js";
import type { DaemonOptions } from "./daemon.js";
import type { Vlog } from "./vlog.js";
import { type SortCriterion, sortCriterion } from "./ofctl-sort.js";
import { OfpVersion } from "../openflow/constants.js";
import { ANY_PROTOCOL, DEFAULT_ALLOWED, Protocol, formatProtocols, protocolBits } from "../openflow/protocols.js";

export interface Opts {
  /** ovs-ofctl's daemon options (`monitor` uses them). */
  daemon: DaemonOptions;
  /** False with `--no-names`: port names are not accepted in flows (only numbers and reserved names). */
  acceptNames: boolean;
  /**
   * `--names` (true) or `--no-names` (false): whether ports print by name; undefined without either, when
   * ovs-ofctl prints names if its standard output is a terminal (see {@link showNames}).
   */
  names?: boolean | undefined;
  /** `--sort[=FIELD]` / `--rsort[=FIELD]` criteria, in order (dump-flows). */
  sort: SortCriterion[];
  /** `--log-file[=FILE]`: FILE, `""` for the default (`$OVS_LOGDIR/ovs-ofctl.log`), undefined without it. */
  logFile?: string;
  /**
   * `-v[SPEC]` / `--verbose[=SPEC]`, in order: each a `vlog/set` spec (`vconn`, `console:dbg`,
   * `vconn:file:dbg`, `PATTERN:console:FORMAT`), undefined for a bare `-v` (every module at DBG everywhere).
   */
  verbose: (string | undefined)[];
  /** The run's logging, once it is set up (not an option: the command's switch connections log through it). */
  vlog?: Vlog | undefined;
  /** The run's coverage counters, when something answers `coverage/*` (the monitor's control socket). */
  coverage?: Coverage | undefined;
  strict: boolean;
  /** `--readd`: replace-flows adds every flow of the file, even those the switch has already. */
  readd: boolean;
  /** `--may-create`: mod-group adds a group that does not exist. */
  mayCreate: boolean;
  /** `--bundle`: the group writes go in one atomic, ordered bundle (OpenFlow 1.3+). */
  bundle: boolean;
  noStats: boolean;
  hex: boolean;
  timeoutMs: number;
  /**
   * The protocols -O names; parse-flow encodes in the lowest version, switch commands need OpenFlow13.
   * Undefined without -O: ovs-ofctl's default set (OpenFlow 1.0 and NXM, with or without table_id),
   * OpenFlow 1.3 on the wire.
   */
  protocols?: readonly OfctlProtocol[];
  /** The flow protocols -F names (Open vSwitch protocol bits); undefined: any. */
  flowFormats?: number;
  /** `--timestamp`: monitor prints the time before each message it receives. */
  timestamp: boolean;
  /** `--unixctl=SOCKET`: the monitor's control socket (default RUNDIR/ovs-ofctl.PID.ctl). */
  unixctl?: string;
}

/** A protocol -O can name: its wire version and Open vSwitch's protocol bit. */
export interface OfctlProtocol {
  readonly version: number;
  readonly bit: number;
}

export function parseArgs(argv: readonly string[]): { opts: Opts; args: string[] } {
  const opts: Opts = { acceptNames: true, verbose: [], sort: [], daemon: { detach: false, pidfile: undefined, overwritePidfile: false, chdir: true, monitor: false, user: undefined }, strict: false, readd: false, mayCreate: false, bundle: false, noStats: false, hex: false, timeoutMs: 10_000, timestamp: false };
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-O" || a === "--protocols") opts.protocols = checkProtocols(argv[++i]);
    else if (a.startsWith("-O")) opts.protocols = checkProtocols(a.slice(2));
    else if (a.startsWith("--protocols=")) opts.protocols = checkProtocols(a.slice(12));
    else if (a === "-F" || a === "--flow-format") opts.flowFormats = parseFlowFormats(argv[++i]);
    else if (a.startsWith("--flow-format=")) opts.flowFormats = parseFlowFormats(a.slice(14));
    else if (a.startsWith("-F")) opts.flowFormats = parseFlowFormats(a.slice(2));
    else if (a === "--strict") opts.strict = true;
    else if (a === "--readd") opts.readd = true;
    else if (a === "--no-names") {
      opts.acceptNames = false;
      opts.names = false;
    } else if (a === "--names") {
      opts.acceptNames = true;
      opts.names = true;
    }
    else if (a === "--sort" || a === "--rsort") opts.sort.push(sortCriterion(undefined, a === "--rsort"));
    else if (a.startsWith("--sort=") || a.startsWith("--rsort=")) opts.sort.push(sortCriterion(a.slice(a.indexOf("=") + 1), a.startsWith("--rsort")));
    else if (a === "--detach") opts.daemon.detach = true;
    else if (a === "--no-chdir") opts.daemon.chdir = false;
    else if (a === "--pidfile") opts.daemon.pidfile = "";
    else if (a.startsWith("--pidfile=")) opts.daemon.pidfile = a.slice(10);
    else if (a === "--overwrite-pidfile") opts.daemon.overwritePidfile = true;
    else if (a === "--monitor") opts.daemon.monitor = true;
    else if (a === "--no-self-confinement") continue;
    else if (a === "-v" || a === "--verbose") opts.verbose.push(undefined);
    else if (a.startsWith("--verbose=")) opts.verbose.push(a.slice(10));
    else if (a.startsWith("-v") && !a.startsWith("--")) opts.verbose.push(a.slice(2));
    else if (a === "--log-file") opts.logFile = "";
    else if (a.startsWith("--log-file=")) opts.logFile = a.slice(11);
    else if (a === "--may-create") opts.mayCreate = true;
    else if (a === "--bundle") opts.bundle = true;
    else if (a === "--no-stats") opts.noStats = true;
    else if (a === "--hex") opts.hex = true;
    else if (a === "--timestamp") opts.timestamp = true;
    else if (a === "--unixctl") opts.unixctl = argv[++i];
    else if (a.startsWith("--unixctl=")) opts.unixctl = a.slice(10);
    else if (a.startsWith("--timeout=")) opts.timeoutMs = Number(a.slice(10)) * 1000;
    else if (a === "-t" || a === "--timeout") opts.timeoutMs = Number(argv[++i]) * 1000;
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unrecognized option '${a}'`);
    else args.push(a);
  }
  // --bundle needs OpenFlow 1.3+: without one of those allowed, ovs-ofctl allows OpenFlow 1.4 alone
  if (opts.bundle && !(opts.protocols ?? []).some((p) => p.version >= OfpVersion.OF13)) opts.protocols = [PROTOCOLS.get("OpenFlow14")!];
  // ovs-ofctl always ends the sort with priority, descending
  if (opts.sort.length) opts.sort.push(sortCriterion(undefined, true));
  return { opts, args };
}

export const PROTOCOLS = new Map<string, OfctlProtocol>([
  ["OpenFlow10", { version: OfpVersion.OF10, bit: Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID }],
  ["OpenFlow11", { version: OfpVersion.OF11, bit: Protocol.OF11_STD }],
  ["OpenFlow12", { version: OfpVersion.OF12, bit: Protocol.OF12_OXM }],
  ["OpenFlow13", { version: OfpVersion.OF13, bit: Protocol.OF13_OXM }],
  ["OpenFlow14", { version: OfpVersion.OF14, bit: Protocol.OF14_OXM }],
  ["OpenFlow15", { version: OfpVersion.OF15, bit: Protocol.OF15_OXM }],
]);

/** The protocols named by `-O` (OpenFlow10 to OpenFlow15). */
function checkProtocols(p: string | undefined): OfctlProtocol[] {
  if (p === undefined) throw new UsageError("option '-O' requires an argument");
  const byName = (x: string) => [...PROTOCOLS].find(([k]) => k.toLowerCase() === x.toLowerCase())?.[1];
  const ps = p.split(/[\s,]+/).filter((x) => x).flatMap((x) => byName(x) ?? []);
  if (!ps.length) throw new UsageError(`${p}: only OpenFlow10, OpenFlow11, OpenFlow12, OpenFlow13, OpenFlow14 and OpenFlow15 are supported`);
  return ps;
}

/** Flow protocol names -F accepts (ovs-ofctl's ofputil_protocols_from_string(), case-insensitive). */
function parseFlowFormats(text: string | undefined): number {
  if (text === undefined) throw new UsageError("option '-F' requires an argument");
  let bits = 0;
  for (const name of text.split(",").filter((x) => x)) {
    const b = protocolBits(name);
    if (b === undefined) throw new Error(`${name}: unknown flow protocol`);
    bits |= b;
  }
  if (!bits) throw new Error(`${text}: no flow protocol specified`);
  return bits;
}

/** The flow protocols allowed by -O and -F together, or an error naming both (as ovs-ofctl's option checks). */
export function allowedProtocols(opts: Opts): number {
  const versions = opts.protocols ? opts.protocols.reduce((a, p) => a | p.bit, 0) : DEFAULT_ALLOWED;
  const formats = opts.flowFormats ?? ANY_PROTOCOL;
  if (!(versions & formats)) {
    const names = opts.protocols ? [...new Set(opts.protocols.map((p) => `OpenFlow1${p.version - 1}`))].join(", ") : "OpenFlow10";
    throw new Error(`None of the enabled OpenFlow versions (${names}) supports any of the enabled flow formats (${formatProtocols(formats)}).  (Use -O to enable additional OpenFlow versions or -F to enable additional flow formats.)`);
  }
  return versions & formats;
}

/** ovs-ofctl's should_show_names(): `--names`, or standard output a terminal and neither `--names` nor `--no-names`. */
export function showNames(opts: Opts, interactive: boolean | undefined): boolean {
  return opts.names ?? interactive === true;
}

/** ovs-ofctl's argument count check. */
export function need(args: string[], n: number, cmd: string): void {
  if (args.length < n) throw new UsageError(`'${cmd}' command requires at least ${n} arguments`);
}

/**
 * The versions switch commands offer: those -O names, OpenFlow 1.0 without -O (ovs-ofctl's default, flows in
 * the OpenFlow 1.0 or NXM format as they need).
 */
export function switchVersions(opts: Opts): number[] {
  if (!opts.protocols) return [OfpVersion.OF10];
  return [...new Set(opts.protocols.map((p) => p.version))];
}
