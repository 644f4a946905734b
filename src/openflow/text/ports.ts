/**
 * OpenFlow port numbers as text: reserved names (`LOCAL`, `CONTROLLER`, ...), the 16- and 32-bit port spaces.
 *
 * @module
 */
import { FlowSyntaxError, UnknownPortError } from "./errors.js";
import { port16to32, port32to16 } from "../ports.js";
import { cStrToUint } from "./c-int.js";

export const PORT_NAMES: ReadonlyArray<readonly [string, number]> = [
  // (OFPP_UNSET: ofputil_port_to_string() names it, and ofputil_port_from_string() reads it)
  ["UNSET", 0xfff7],
  ["IN_PORT", 0xfff8],
  ["TABLE", 0xfff9],
  ["NORMAL", 0xfffa],
  ["FLOOD", 0xfffb],
  ["ALL", 0xfffc],
  ["CONTROLLER", 0xfffd],
  ["LOCAL", 0xfffe],
  ["ANY", 0xffff],
  ["NONE", 0xffff],
];

export { port16to32, port32to16 } from "../ports.js";

/** Formats a 16-bit port number the way ovs-ofctl does (`LOCAL`, `CONTROLLER`, or decimal). */
export function formatPort16(p: number): string {
  if (p >= 0xfff7) return PORT_NAMES.find(([, v]) => v === p)?.[0] ?? String(p);
  return String(p);
}

/** Formats an OpenFlow 1.3 32-bit port. */
export function formatPort(p: number): string {
  if (p >= 0xffffff00) return formatPort16(port32to16(p));
  // 16-bit reserved numbers carried in a 32-bit field (e.g. set_field:ANY->in_port) print by name too
  if (p >= 0xfff7 && p <= 0xffff) return formatPort16(p);
  return String(p);
}

/** Parses a port name or number into the OpenFlow 1.3 32-bit space. */
export function parsePort(s: string): number {
  // a number (the usual port) is no reserved name: its digits are read first, without an upper-cased copy
  const digits = allDigits(s);
  if (!digits) {
    // str_to_uint(s, 10) also takes a plus sign and leading white space (a minus sign is refused first)
    const c = s.startsWith("-") ? undefined : cStrToUint(s, 10);
    if (c !== undefined) return parsePort(String(c));
    const up = s.toUpperCase();
    const named = PORT_NAMES.find(([n]) => n === up);
    if (named) return port16to32(named[1]);
    // decimal only, as ofputil_port_from_string() (`0x5` is no port number there)
    throw new UnknownPortError(s);
  }
  const n = Number(s);
  if (n > 0xffffffff) throw new FlowSyntaxError(`${s}: invalid or unknown port`);
  if (n >= 0xff00 && n <= 0xffff) return port16to32(n);
  // Open vSwitch's ports are 0 through 0xffff or 0xffffff00 through 0xffffffff
  if (n > 0xffff && n < 0xffffff00) throw new FlowSyntaxError(`${s}: invalid or unknown port`);
  return n;
}

/** Whether `s` is one or more ASCII decimal digits (`/^\d+$/`). */
function allDigits(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Prints a 32-bit port number: a reserved name, a port's name, or the number (see {@link PortNames.format}). */
export type PortFormatter = (port: number) => string;

/** A port as the switch describes it (a port_desc entry). */
export interface NamedPort {
  readonly name: string;
  readonly portNo: number;
}

/** Reserved port names, upper case (with `NONE` and `UNSET`, which ofputil_port_from_string() also takes). */
const RESERVED = new Set(PORT_NAMES.map(([n]) => n));

/** True when ovs-ofctl prints `name` quoted: it does not start with a letter or has a character other than letters and digits. */
function needsQuotes(name: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9]*$/.test(name);
}

/**
 * A switch's port names as Open vSwitch keeps them (lib/namemap.c, ofputil_port_from_string(),
 * ofputil_format_port()): a name given to two ports, or a port given two names, is no name at all; a decimal
 * number or a reserved name is never looked up as a name (those meanings come first); a name is found bare
 * or quoted as a JSON string (`"p 3"`). As a `ReadonlyMap` from name to number, `get()` and `has()` apply
 * those rules, so it is what parseFlow()'s `portNames` option takes.
 */
export class PortNames extends Map<string, number> {
  private readonly byNumber = new Map<number, string>();

  /** @param ports - the switch's ports (its port descriptions), in the order it reports them */
  constructor(ports: Iterable<NamedPort> = []) {
    super();
    const names = new Map<string, { number: number; duplicate: boolean }>();
    const numbers = new Map<number, { name: string; duplicate: boolean }>();
    for (const p of ports) {
      const num = port32to16(p.portNo);
      const byName = names.get(p.name);
      if (byName) {
        if (byName.number !== num) byName.duplicate = numbers.get(byName.number)!.duplicate = true;
        continue;
      }
      const byNum = numbers.get(num);
      if (byNum) {
        byNum.duplicate = names.get(byNum.name)!.duplicate = true;
        continue;
      }
      const node = { number: num, name: p.name, duplicate: false };
      names.set(p.name, node);
      numbers.set(num, node);
    }
    for (const [name, n] of names) {
      if (n.duplicate) continue;
      super.set(name, port16to32(n.number));
      this.byNumber.set(n.number, name);
    }
  }

  /** The port named `text` (bare or a quoted JSON string); undefined for numbers, reserved names and unknown names. */
  override get(text: string): number | undefined {
    if (/^\d+$/.test(text) || RESERVED.has(text.toUpperCase())) return undefined;
    if (!text.startsWith('"')) return super.get(text);
    if (text.length < 2 || !text.endsWith('"')) return undefined;
    let name: unknown;
    try {
      name = JSON.parse(text);
    } catch {
      return undefined;
    }
    return typeof name === "string" ? super.get(name) : undefined;
  }

  /** Whether `text` names a port (as {@link PortNames.get}). */
  override has(text: string): boolean {
    return this.get(text) !== undefined;
  }

  /** The name of port `port` (32-bit), if it has exactly one. */
  nameOf(port: number): string | undefined {
    return this.byNumber.get(port32to16(port));
  }

  /**
   * Prints port `port` (32-bit) as ovs-ofctl does with names shown: a reserved port by its reserved name,
   * else its name (quoted as a JSON string unless it is a letter followed by letters and digits), else the number.
   */
  readonly format: PortFormatter = (port) => {
    const p16 = port32to16(port);
    if (p16 >= 0xfff8) return formatPort(port);
    const name = this.byNumber.get(p16);
    if (name === undefined) return String(port);
    return needsQuotes(name) ? JSON.stringify(name) : name;
  };
}

/** How ports and tables print: ovs-ofctl's port and table maps (`--names`). */
export interface NameMaps {
  /** Prints a 32-bit port number (e.g. {@link PortNames.format}). */
  readonly port: PortFormatter;
  /** Prints a table number (e.g. {@link TableNames.format}). */
  readonly table: (tableId: number) => string;
}

/** A table as the switch describes it (its table features or, before OpenFlow 1.3, its table stats). */
export interface NamedTable {
  readonly tableId: number;
  readonly name: string;
}

/**
 * A switch's table names as Open vSwitch keeps them for printing (lib/namemap.c, ofputil_format_table()):
 * tables without a name are left out; a name given to two tables, or a table given two names, is no name.
 */
export class TableNames {
  private readonly byNumber = new Map<number, string>();
  /** The named tables by name (each name one table only), for reading flows (`ParseFlowOptions.tableNames`). */
  readonly numbers = new Map<string, number>();

  /** @param tables - the switch's tables, in the order it reports them */
  constructor(tables: Iterable<NamedTable> = []) {
    const names = new Map<string, { number: number; duplicate: boolean }>();
    const numbers = new Map<number, { name: string; duplicate: boolean }>();
    for (const t of tables) {
      if (!t.name) continue;
      const byName = names.get(t.name);
      if (byName) {
        if (byName.number !== t.tableId) byName.duplicate = numbers.get(byName.number)!.duplicate = true;
        continue;
      }
      const byNum = numbers.get(t.tableId);
      if (byNum) {
        byNum.duplicate = names.get(byNum.name)!.duplicate = true;
        continue;
      }
      const node = { number: t.tableId, name: t.name, duplicate: false };
      names.set(t.name, node);
      numbers.set(t.tableId, node);
    }
    for (const [name, n] of names) {
      if (n.duplicate) continue;
      this.byNumber.set(n.number, name);
      this.numbers.set(name, n.number);
    }
  }

  /** Prints table `tableId`: its name (quoted as ports' names are), else its number. */
  readonly format = (tableId: number): string => {
    const name = this.byNumber.get(tableId);
    if (name === undefined) return String(tableId);
    return needsQuotes(name) ? JSON.stringify(name) : name;
  };
}
