/**
 * `ovsdb-client`'s command line: global options (short and long), the default server.
 *
 * @module
 */
import { type TableStyle, defaultTableStyle } from "../../ovsdb/text/table.js";
import { Fatal, type GlobalOptions } from "./context.js";

/** The OVS run directory (`OVS_RUNDIR`, else /var/run/openvswitch): the default server lives there. */
export function rundir(): string {
  return process.env["OVS_RUNDIR"] ?? "/var/run/openvswitch";
}

/**
 * The control socket of a run: `--unixctl`, else for a `--detach`ed daemon the one a detached
 * ovsdb-client opens, `RUNDIR/ovsdb-client.PID.ctl`; else none.
 */
export function controlPath(ctx: { options: { unixctl?: string }; daemon?: { detached: boolean } }): string | undefined {
  if (ctx.options.unixctl !== undefined) return ctx.options.unixctl;
  return ctx.daemon?.detached ? `${rundir()}/ovsdb-client.${process.pid}.ctl` : undefined;
}

/** Short options that take an argument, and their long names. */
export const SHORT_WITH_ARG: Record<string, string> = { f: "format", d: "data", t: "timeout", p: "private-key", c: "certificate", C: "ca-cert" };

/** Long options that take an argument. */
export const LONG_WITH_ARG = new Set(["format", "data", "timeout", "private-key", "certificate", "ca-cert", "bootstrap-ca-cert", "unixctl", "user"]);

/** Long options without an argument. */
export const LONG_FLAGS = new Set([
  "no-headings",
  "pretty",
  "bare",
  "timestamp",
  "help",
  "version",
  "leader-only",
  "no-leader-only",
  "db-change-aware",
  "no-db-change-aware",
  "force",
  "verbose",
  // the daemon options (see daemon.ts)
  "detach",
  "no-chdir",
  "overwrite-pidfile",
  "monitor",
  "no-self-confinement",
]);

/** Parses the global options (getopt style: bundled short options, `--opt=value`, `--opt value`). */
export function parseOptions(argv: readonly string[]): { options: GlobalOptions; rest: string[]; help: boolean; version: boolean } {
  const style = defaultTableStyle();
  const options: GlobalOptions = {
    style,
    timeoutSec: undefined,
    timestamp: false,
    leaderOnly: true,
    dbChangeAware: undefined,
    force: false,
    tls: {},
    daemon: { detach: false, pidfile: undefined, overwritePidfile: false, chdir: true, monitor: false, user: undefined },
  };
  const rest: string[] = [];
  let help = false;
  let version = false;
  const set = (name: string, value: string | undefined) => {
    switch (name) {
      case "format":
        if (!["table", "list", "html", "csv", "json"].includes(value!)) throw new Fatal(`unknown output format "${value}"`);
        style.format = value as TableStyle["format"];
        break;
      case "data":
        if (!["string", "bare", "json"].includes(value!)) throw new Fatal(`unknown data format "${value}"`);
        style.cell = value as TableStyle["cell"];
        break;
      case "no-headings":
        style.headings = false;
        break;
      case "pretty":
        style.pretty = true;
        break;
      case "bare":
        style.format = "list";
        style.cell = "bare";
        style.headings = false;
        break;
      case "timestamp":
        options.timestamp = true;
        break;
      case "timeout": {
        const n = Number.parseInt(value!, 10);
        if (!(n >= 1)) throw new Fatal(`value ${value} on -t or --timeout is not at least 1`);
        options.timeoutSec = n;
        break;
      }
      case "private-key":
        options.tls.privateKey = value!;
        break;
      case "certificate":
        options.tls.certificate = value!;
        break;
      case "ca-cert":
      case "bootstrap-ca-cert":
        options.tls.caCert = value!;
        break;
      case "unixctl":
        options.unixctl = value!;
        break;
      case "leader-only":
        options.leaderOnly = true;
        break;
      case "no-leader-only":
        options.leaderOnly = false;
        break;
      case "db-change-aware":
        options.dbChangeAware = true;
        break;
      case "no-db-change-aware":
        options.dbChangeAware = false;
        break;
      case "force":
        options.force = true;
        break;
      case "detach":
        options.daemon.detach = true;
        break;
      case "no-chdir":
        options.daemon.chdir = false;
        break;
      case "overwrite-pidfile":
        options.daemon.overwritePidfile = true;
        break;
      case "monitor":
        options.daemon.monitor = true;
        break;
      case "pidfile":
        options.daemon.pidfile = value ?? "";
        break;
      case "user":
        options.daemon.user = value!;
        break;
      case "help":
        help = true;
        break;
      case "version":
        version = true;
        break;
      default:
        break; // --verbose, --no-self-confinement: accepted, no effect here
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (LONG_WITH_ARG.has(name)) {
        let v = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (v === undefined) throw new Fatal(`option '--${name}' requires an argument`);
        set(name, v);
      } else if (name === "pidfile") {
        // an optional argument, as getopt's: only in the --pidfile=FILE form
        set(name, eq < 0 ? undefined : a.slice(eq + 1));
      } else if (LONG_FLAGS.has(name) || name.startsWith("verbose")) {
        set(name, undefined);
      } else {
        throw new Fatal(`unrecognized option '--${name}'`);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && a !== "-") {
      const ch = a[1]!;
      if (ch === "h") help = true;
      else if (ch === "V") version = true;
      else if (ch === "v") {
        // verbosity: accepted, no effect
      } else if (SHORT_WITH_ARG[ch]) {
        const v = a.length > 2 ? a.slice(2) : argv[++i];
        if (v === undefined) throw new Fatal(`option requires an argument -- '${ch}'`);
        set(SHORT_WITH_ARG[ch]!, v);
      } else {
        throw new Fatal(`invalid option -- '${ch}'`);
      }
      continue;
    }
    rest.push(a);
  }
  return { options, rest, help, version };
}
