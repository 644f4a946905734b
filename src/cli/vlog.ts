/**
 * Open vSwitch's logging (lib/vlog.c) as the CLI's daemons answer it on their control socket: a level per
 * module and destination (console, syslog, file), a pattern per destination, the log file, and the
 * `vlog/list`, `vlog/set`, `vlog/list-pattern`, `vlog/reopen`, `vlog/close`, `vlog/enable-rate-limit` and
 * `vlog/disable-rate-limit` commands with Open vSwitch's replies. Lines the CLI logs go through
 * {@link Vlog.log}, which honours the levels and patterns (syslog is listed and set, never written).
 *
 * @module
 */
import { closeSync, fstatSync, openSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { UnixctlCommandError } from "../unixctl/errors.js";
import type { UnixctlServer } from "../unixctl/server.js";

/** Log levels, least verbose first (VLL_OFF ... VLL_DBG). */
export const VlogLevel = { OFF: 0, EMER: 1, ERR: 2, WARN: 3, INFO: 4, DBG: 5 } as const;
/** A log level. */
export type VlogLevel = (typeof VlogLevel)[keyof typeof VlogLevel];

const LEVEL_NAMES = ["OFF", "EMER", "ERR", "WARN", "INFO", "DBG"] as const;
const DESTINATIONS = ["console", "syslog", "file"] as const;
/** syslog priorities of the levels (for `%B`). */
const SYSLOG_PRIORITY = [0, 0, 3, 4, 6, 7];

/** The modules `ovs-ofctl` 3.1 lists in `vlog/list`. */
export const OFCTL_VLOG_MODULES: readonly string[] = (
  "backtrace bundle command_line conntrack conntrack_tp coverage ct_dpif daemon daemon_unix dns_resolve dpdk dpif " +
  "dpif_lookup_autovalidator dpif_lookup_generic dpif_mfex_extract_study dpif_netdev dpif_netdev_extract dpif_netdev_impl " +
  "dpif_netdev_lookup dpif_netlink dpif_netlink_rtnl entropy fatal_signal flow hmap ipf jsonrpc lockfile meta_flow native_tnl " +
  "netdev netdev_afxdp netdev_linux netdev_offload netdev_offload_tc netdev_vport netlink netlink_conntrack netlink_notifier " +
  "netlink_socket nx_match odp_execute odp_execute_impl odp_util ofctl ofp_actions ofp_bundle ofp_connection ofp_errors ofp_flow " +
  "ofp_group ofp_match ofp_meter ofp_monitor ofp_msgs ofp_packet ofp_port ofp_protocol ofp_queue ofp_table ofp_util ovs_numa " +
  "ovs_rcu ovs_replay ovs_router ovs_thread ovsdb_cs ovsdb_error ovsdb_idl ox_stat pcap pmd_perf poll_loop process reconnect " +
  "route_table sha1 signals socket_util socket_util_unix stream stream_fd stream_replay stream_ssl stream_tcp stream_unix svec " +
  "tc timeval unixctl userspace_tso util uuid vconn vconn_stream vlog"
).split(" ");

/** The default patterns of the destinations. */
const DEFAULT_PATTERNS = ["%D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m", "ovs|%05N|%c%T|%p|%m", "%D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m"];
/** The syslog facilities `vlog/set FACILITY:NAME` takes. */
const FACILITIES = new Set(["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "clock", "ftp", "ntp", "audit", "alert", "clock2", ...Array.from({ length: 8 }, (_, i) => `local${i}`)]);
/** The syslog prefix `vlog/list-pattern` shows (libc syslog). */
const SYSLOG_PREFIX = "<%B> %D{%h %e %T} %E %A:";

/** strerror() texts for a log file that cannot be opened. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
};

/** Options of {@link Vlog}. */
export interface VlogOptions {
  /** The module names (default {@link OFCTL_VLOG_MODULES}). */
  readonly modules?: readonly string[] | undefined;
  /** Writes a console line (default: standard error). */
  readonly console?: ((line: string) => void) | undefined;
  /** The program name `%A` prints. @default "ovn-ts" */
  readonly program?: string | undefined;
}

/** One process's logging state. */
export class Vlog {
  private readonly levels = new Map<string, number[]>();
  private readonly rateLimited = new Map<string, boolean>();
  private readonly patterns = [...DEFAULT_PATTERNS];
  private seq = 0;
  private readonly started = Date.now();
  private fileName: string | undefined;
  private fd: number | undefined;
  private readonly console: (line: string) => void;
  private readonly program: string;

  /** Every module at INFO on every destination, the default patterns. */
  constructor(opts: VlogOptions = {}) {
    for (const m of opts.modules ?? OFCTL_VLOG_MODULES) {
      this.levels.set(m, [VlogLevel.INFO, VlogLevel.INFO, VlogLevel.INFO]);
      this.rateLimited.set(m, true);
    }
    this.console = opts.console ?? ((line) => process.stderr.write(line));
    this.program = opts.program ?? "ovn-ts";
  }

  /** Whether a message from `module` at `level` goes anywhere (Open vSwitch's vlog_is_enabled()): check before building a costly one. */
  enabled(module: string, level: VlogLevel): boolean {
    const lv = this.levels.get(module) ?? [VlogLevel.INFO, VlogLevel.INFO, VlogLevel.INFO];
    return level <= lv[0]! || (this.fd !== undefined && level <= lv[2]!);
  }

  /** Logs `message` from `module` at `level` to the console and the log file as their levels allow. */
  log(module: string, level: VlogLevel, message: string): void {
    const lv = this.levels.get(module) ?? [VlogLevel.INFO, VlogLevel.INFO, VlogLevel.INFO];
    const toConsole = level <= lv[0]!;
    const toFile = this.fd !== undefined && level <= lv[2]!;
    if (!toConsole && !toFile && level > lv[1]!) return;
    this.seq++;
    const now = new Date();
    if (toConsole) this.console(`${this.format(this.patterns[0]!, module, level, message, now)}\n`);
    if (toFile) writeSync(this.fd!, `${this.format(this.patterns[2]!, module, level, message, now)}\n`);
  }

  /**
   * Logs to `path` (appending; `undefined`: no file), as vlog_set_log_file(): nothing happens when it is the
   * file already open; otherwise `closing log file` goes to the old one and `opened log file PATH` to the new.
   * A file that cannot be opened is logged as a warning (`failed to open PATH for logging: ...`) and its
   * strerror() text returned; the old file stays.
   */
  setLogFile(path: string | undefined): string | undefined {
    let fd: number | undefined;
    if (path !== undefined) {
      try {
        fd = openSync(path, "a", 0o660);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = (code && STRERROR[code]) ?? (e as Error).message;
        this.log("vlog", VlogLevel.WARN, `failed to open ${path} for logging: ${why}`);
        return why;
      }
    }
    const same = (this.fd === undefined && fd === undefined) || (this.fd !== undefined && fd !== undefined && sameFile(this.fd, fd));
    if (same) {
      if (fd !== undefined) closeSync(fd);
      return undefined;
    }
    if (this.fd !== undefined) this.log("vlog", VlogLevel.INFO, "closing log file");
    if (this.fd !== undefined) closeSync(this.fd);
    this.fileName = path;
    this.fd = fd;
    this.log("vlog", VlogLevel.INFO, `opened log file ${path}`);
    return undefined;
  }

  /** The log file's path, if any. */
  get logFile(): string | undefined {
    return this.fileName;
  }

  /** Closes the log file (if open), keeping its name for `vlog/reopen`. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Applies one `vlog/set` spec (vlog_set_levels_from_string()): `[module][:destination][:level]`, or
   * `PATTERN:destination:pattern`.
   * @returns Open vSwitch's error text, or undefined
   */
  set(spec: string): string | undefined {
    const seps = /[ ,:\t]+/y;
    const words: string[] = [];
    let rest = "";
    // strtok_r over " ,:\t"; after PATTERN:DEST the remainder is the pattern as written
    let i = 0;
    const next = (): string | undefined => {
      seps.lastIndex = i;
      if (seps.exec(spec)) i = seps.lastIndex;
      if (i >= spec.length) return undefined;
      const start = i;
      while (i < spec.length && !" ,:\t".includes(spec[i]!)) i++;
      const w = spec.slice(start, i);
      if (i < spec.length) i++;
      rest = spec.slice(i);
      return w;
    };
    const first = next();
    if (first !== undefined && first.toLowerCase() === "pattern") {
      const d = next();
      if (d === undefined) return "missing destination";
      const ld = d.toLowerCase();
      const dest = ld === "any" ? -1 : DESTINATIONS.indexOf(ld as (typeof DESTINATIONS)[number]);
      if (ld !== "any" && dest < 0) return `unknown destination "${d}"`;
      for (let k = 0; k < 3; k++) if (dest < 0 || dest === k) this.patterns[k] = rest;
      return undefined;
    }
    if (first !== undefined && first.toLowerCase() === "facility") return FACILITIES.has(rest) ? undefined : "invalid facility";
    let module: string | undefined;
    let level: number | undefined;
    let dest: number | undefined;
    for (let w = first; w !== undefined; w = next()) words.push(w);
    for (const w of words) {
      const lw = w.toLowerCase();
      if (lw === "any") continue;
      const d = DESTINATIONS.indexOf(lw as (typeof DESTINATIONS)[number]);
      const l = LEVEL_NAMES.findIndex((n) => n.toLowerCase() === lw);
      if (d >= 0) {
        if (dest !== undefined) return "cannot specify multiple destinations";
        dest = d;
      } else if (l >= 0) {
        if (level !== undefined) return "cannot specify multiple levels";
        level = l;
      } else if (this.levels.has(lw)) {
        if (module !== undefined) return "cannot specify multiple modules";
        module = lw;
      } else return `no destination, level, or module "${w}"`;
    }
    this.setLevels(module, dest, level ?? VlogLevel.DBG);
    return undefined;
  }

  private setLevels(module: string | undefined, dest: number | undefined, level: number): void {
    for (const [m, lv] of this.levels) {
      if (module !== undefined && m !== module) continue;
      for (let k = 0; k < 3; k++) if (dest === undefined || dest === k) lv[k] = level;
    }
  }

  /** `vlog/list`'s text. */
  listText(): string {
    const lines = [...this.levels].map(([m, lv]) => {
      const pad = (l: number) => LEVEL_NAMES[l]!.padStart(4);
      return `${m.padEnd(16)}  ${pad(lv[0]!)}       ${pad(lv[1]!)}       ${pad(lv[2]!)}${this.rateLimited.get(m) ? "" : "    (rate limiting disabled)"}\n`;
    });
    lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `                 console    syslog    file\n                 -------    ------    ------\n${lines.join("")}`;
  }

  /** `vlog/list-pattern`'s text. */
  patternsText(): string {
    let s = "         prefix                            format\n         ------                            ------\n";
    // in Open vSwitch's destination order: syslog, console, file
    for (const k of [1, 0, 2]) s += `${DESTINATIONS[k]!.toUpperCase().padEnd(7)}  ${(k === 1 ? SYSLOG_PREFIX : "none").padEnd(32)}  ${this.patterns[k]}\n`;
    return s;
  }

  /** Registers the `vlog/*` commands on `server`. */
  register(server: UnixctlServer): void {
    server.register("vlog/set", {
      usage: "{spec | PATTERN:destination:pattern}",
      minArgs: 0,
      maxArgs: Number.MAX_SAFE_INTEGER,
      run: (args) => {
        if (!args.length) this.setLevels(undefined, undefined, VlogLevel.DBG);
        for (const a of args) {
          const error = this.set(a);
          if (error) throw new UnixctlCommandError("vlog/set", args, error);
        }
        return undefined;
      },
    });
    server.register("vlog/list", { usage: "", minArgs: 0, maxArgs: 0, run: () => this.listText() });
    server.register("vlog/list-pattern", { usage: "", minArgs: 0, maxArgs: 0, run: () => this.patternsText() });
    for (const [name, enable] of [
      ["vlog/enable-rate-limit", true],
      ["vlog/disable-rate-limit", false],
    ] as const) {
      server.register(name, {
        usage: "[module]...",
        minArgs: 0,
        maxArgs: Number.MAX_SAFE_INTEGER,
        run: (args) => {
          for (const a of args.length ? args : ["ANY"]) {
            if (a.toLowerCase() === "any") for (const m of this.rateLimited.keys()) this.rateLimited.set(m, enable);
            else if (this.rateLimited.has(a)) this.rateLimited.set(a, enable);
            else throw new UnixctlCommandError(name, args, "unknown module");
          }
          return undefined;
        },
      });
    }
    server.register("vlog/reopen", {
      usage: "",
      minArgs: 0,
      maxArgs: 0,
      run: () => {
        if (this.fileName === undefined) throw new UnixctlCommandError("vlog/reopen", [], "Logging to file not configured");
        const error = this.setLogFile(this.fileName);
        if (error) throw new UnixctlCommandError("vlog/reopen", [], error);
        return undefined;
      },
    });
    server.register("vlog/close", {
      usage: "",
      minArgs: 0,
      maxArgs: 0,
      run: () => {
        this.close();
        return undefined;
      },
    });
  }

  /** One line in `pattern` (format_log_message()). */
  private format(pattern: string, module: string, level: number, message: string, now: Date): string {
    let out = "";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c !== "%") {
        out += c;
        continue;
      }
      let j = i + 1;
      const left = pattern[j] === "-";
      if (left) j++;
      const zero = pattern[j] === "0";
      if (zero) j++;
      let width = 0;
      while (/\d/.test(pattern[j] ?? "")) width = width * 10 + Number(pattern[j++]);
      const conv = pattern[j];
      let arg: string | undefined;
      if ((conv === "d" || conv === "D") && pattern[j + 1] === "{") {
        const end = pattern.indexOf("}", j + 2);
        arg = pattern.slice(j + 2, end < 0 ? pattern.length : end);
        j = end < 0 ? pattern.length - 1 : end;
      }
      i = j;
      let s: string;
      switch (conv) {
        case "A":
          s = this.program;
          break;
        case "B":
          s = String(8 * 3 + SYSLOG_PRIORITY[level]!);
          break;
        case "c":
          s = module;
          break;
        case "d":
          s = strftime(arg ?? "%Y-%m-%d %H:%M:%S.###", now, false);
          break;
        case "D":
          s = strftime(arg ?? "%Y-%m-%d %H:%M:%S.###", now, true);
          break;
        case "E":
          s = hostname();
          break;
        case "m":
          s = message;
          break;
        case "N":
          s = String(this.seq);
          break;
        case "n":
          s = "\n";
          break;
        case "p":
          s = LEVEL_NAMES[level]!;
          break;
        case "P":
          s = String(process.pid);
          break;
        case "r":
          s = String(now.getTime() - this.started);
          break;
        case "t":
          s = "main";
          break;
        case "T":
          s = "";
          break;
        case "%":
          s = "%";
          break;
        default:
          s = `%${conv ?? ""}`;
      }
      out += width && s.length < width ? (left ? s.padEnd(width) : s.padStart(width, zero ? "0" : " ")) : s;
    }
    return out;
  }
}

/** Whether two open files are the same (device and inode). */
function sameFile(a: number, b: number): boolean {
  try {
    const x = fstatSync(a);
    const y = fstatSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The strftime() conversions log patterns use, `###` for milliseconds (xastrftime_msec()). */
function strftime(fmt: string, d: Date, utc: boolean): string {
  const g = utc
    ? { Y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(), H: d.getUTCHours(), M: d.getUTCMinutes(), S: d.getUTCSeconds(), w: d.getUTCDay() }
    : { Y: d.getFullYear(), m: d.getMonth(), d: d.getDate(), H: d.getHours(), M: d.getMinutes(), S: d.getSeconds(), w: d.getDay() };
  const p2 = (n: number) => String(n).padStart(2, "0");
  const out = fmt.replace(/%([YmdHMSeThbaFz%])/g, (_, c: string) => {
    switch (c) {
      case "Y":
        return String(g.Y);
      case "m":
        return p2(g.m + 1);
      case "d":
        return p2(g.d);
      case "H":
        return p2(g.H);
      case "M":
        return p2(g.M);
      case "S":
        return p2(g.S);
      case "e":
        return String(g.d).padStart(2, " ");
      case "T":
        return `${p2(g.H)}:${p2(g.M)}:${p2(g.S)}`;
      case "h":
      case "b":
        return MONTHS[g.m]!;
      case "a":
        return DAYS[g.w]!;
      case "F":
        return `${g.Y}-${p2(g.m + 1)}-${p2(g.d)}`;
      case "z":
        return utc ? "+0000" : "";
      default:
        return "%";
    }
  });
  return out.replace("###", String(d.getUTCMilliseconds()).padStart(3, "0"));
}

