/**
 * Parsers of `ovs-vswitchd`'s datapath commands: `dpctl/dump-dps`, `dpctl/show` (OVS
 * `lib/dpctl.c`, `show_dpif`) and `dpif/show` (`ofproto/ofproto-dpif.c`, `dpif_show`).
 *
 * @module
 */
import { UnixctlParseError } from "./errors.js";

/** A datapath port as `dpctl/show` prints it: `port N: NAME (TYPE: key=value, ...)`. */
export interface DatapathPort {
  /** Datapath port number. */
  readonly number: number;
  /** Port name. */
  readonly name: string;
  /** Netdev type; `system` when `dpctl/show` prints none. */
  readonly type: string;
  /** Netdev configuration printed after the type (`key=value` pairs), in order. */
  readonly config: ReadonlyMap<string, string>;
}

/** One datapath of `dpctl/show`. */
export interface DatapathShow {
  /** `TYPE@NAME`, e.g. `system@ovs-system`, `dummy@ovs-dummy`. */
  readonly dpif: string;
  /** Datapath type (before `@`). */
  readonly type: string;
  /** Datapath name (after `@`). */
  readonly name: string;
  /** `lookups:` and `flows:`, when the datapath reports statistics. */
  readonly lookups: { readonly hit: number; readonly missed: number; readonly lost: number } | undefined;
  /** Number of flows in the datapath. */
  readonly flows: number | undefined;
  /** `masks:` (datapaths with a megaflow mask cache): hits, total masks, hits per packet. */
  readonly masks: { readonly hit: number; readonly total: number; readonly hitPerPacket: number } | undefined;
  /** `cache:` hits and hit rate in percent. */
  readonly cache: { readonly hit: number; readonly hitRate: number } | undefined;
  /** Ports, by port number. */
  readonly ports: readonly DatapathPort[];
}

/** Parses `dpctl/dump-dps` (one `TYPE@NAME` per line) into `{type, name}` pairs. */
export function parseDumpDps(text: string): { readonly type: string; readonly name: string }[] {
  const out: { type: string; name: string }[] = [];
  text.split("\n").forEach((l, i) => {
    if (l === "") return;
    const at = l.indexOf("@");
    if (at <= 0) throw new UnixctlParseError("dpctl/dump-dps", i + 1, `expected TYPE@NAME but found "${l}"`);
    out.push({ type: l.slice(0, at), name: l.slice(at + 1) });
  });
  return out;
}

/** Parses `dpctl/show [-s] [DP]` output (statistics lines of `-s` are skipped). */
export function parseDpctlShow(text: string): DatapathShow[] {
  const cmd = "dpctl/show";
  const out: DatapathShow[] = [];
  type Mutable = { -readonly [K in keyof DatapathShow]: DatapathShow[K] } & { ports: DatapathPort[] };
  let cur: Mutable | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const n = i + 1;
    if (l === "") continue;
    if (!l.startsWith(" ")) {
      const m = /^([^@\s]+)@(\S+):$/.exec(l);
      if (!m) throw new UnixctlParseError(cmd, n, `expected "TYPE@NAME:" but found "${l}"`);
      cur = { dpif: `${m[1]}@${m[2]}`, type: m[1]!, name: m[2]!, lookups: undefined, flows: undefined, masks: undefined, cache: undefined, ports: [] };
      out.push(cur);
      continue;
    }
    if (!cur) throw new UnixctlParseError(cmd, n, "indented line before any datapath");
    let m: RegExpExecArray | null;
    if ((m = /^ {2}lookups: hit:(\d+) missed:(\d+) lost:(\d+)$/.exec(l))) {
      cur.lookups = { hit: Number(m[1]), missed: Number(m[2]), lost: Number(m[3]) };
    } else if ((m = /^ {2}flows: (\d+)$/.exec(l))) {
      cur.flows = Number(m[1]);
    } else if ((m = /^ {2}masks: hit:(\d+) total:(\d+) hit\/pkt:([\d.]+)$/.exec(l))) {
      cur.masks = { hit: Number(m[1]), total: Number(m[2]), hitPerPacket: Number(m[3]) };
    } else if ((m = /^ {2}cache: hit:(\d+) hit-rate:([\d.]+)%$/.exec(l))) {
      cur.cache = { hit: Number(m[1]), hitRate: Number(m[2]) };
    } else if ((m = /^ {2}port (\d+): (\S+)(?: \((.*)\))?$/.exec(l))) {
      cur.ports.push(port(Number(m[1]), m[2]!, m[3]));
    } else if (!l.startsWith("    ") && !/^ {2}caches:$/.test(l)) {
      throw new UnixctlParseError(cmd, n, `unexpected line "${l}"`);
    }
  }
  return out;
}

function port(number: number, name: string, paren: string | undefined): DatapathPort {
  const config = new Map<string, string>();
  if (paren === undefined) return { number, name, type: "system", config };
  const colon = paren.indexOf(":");
  const type = colon < 0 ? paren : paren.slice(0, colon);
  if (colon >= 0) {
    for (const kv of paren.slice(colon + 1).split(",")) {
      const eq = kv.indexOf("=");
      if (eq > 0) config.set(kv.slice(0, eq).trim(), kv.slice(eq + 1));
    }
  }
  return { number, name, type, config };
}

/** A bridge port of `dpif/show`: `NAME OFPORT/DPPORT: (TYPE...)`. */
export interface DpifBridgePort {
  /** Port name. */
  readonly name: string;
  /** OpenFlow port number (`65534` for the bridge's LOCAL port). */
  readonly ofport: number;
  /** Datapath port number, or undefined when printed as `none`. */
  readonly dpPort: number | undefined;
  /** The parenthesized netdev type and configuration, verbatim (e.g. `dummy-internal`). */
  readonly detail: string;
}

/** One datapath of `dpif/show`, with its bridges. */
export interface DpifShow {
  /** `TYPE@NAME`. */
  readonly dpif: string;
  /** Lookups that hit / missed the datapath flow table. */
  readonly hit: number;
  /** Missed lookups. */
  readonly missed: number;
  /** Bridges on this datapath and their ports. */
  readonly bridges: readonly { readonly name: string; readonly ports: readonly DpifBridgePort[] }[];
}

/** Parses `dpif/show`. */
export function parseDpifShow(text: string): DpifShow[] {
  const cmd = "dpif/show";
  const out: { dpif: string; hit: number; missed: number; bridges: { name: string; ports: DpifBridgePort[] }[] }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === "") continue;
    let m: RegExpExecArray | null;
    const dp = out[out.length - 1];
    const br = dp?.bridges[dp.bridges.length - 1];
    if ((m = /^(\S+@\S+): hit:(\d+) missed:(\d+)$/.exec(l))) {
      out.push({ dpif: m[1]!, hit: Number(m[2]), missed: Number(m[3]), bridges: [] });
    } else if (dp && (m = /^ {2}(\S+):$/.exec(l))) {
      dp.bridges.push({ name: m[1]!, ports: [] });
    } else if (br && (m = /^ {4}(\S+) (\d+)\/(\d+|none): \((.*)\)$/.exec(l))) {
      br.ports.push({ name: m[1]!, ofport: Number(m[2]), dpPort: m[3] === "none" ? undefined : Number(m[3]), detail: m[4]! });
    } else {
      throw new UnixctlParseError(cmd, i + 1, `unexpected line "${l}"`);
    }
  }
  return out;
}
