/**
 * `ovn-ts ofctl replace-flows SWITCH FILE` and `diff-flows SOURCE1 SOURCE2`, as ovs-ofctl's
 * ofctl_replace_flows() and ofctl_diff_flows(): flows read from files (one flow a line, `#` comments) and
 * from switches (a flow dump of every table), compared by table, match and priority; a flow differs when its
 * cookie, timeouts, importance or actions (as printed) differ.
 *
 * replace-flows deletes (strictly) each flow the switch has and the file has not, then adds each flow of the
 * file the switch lacks or has otherwise (every one with `--readd`), table by table, in one atomic bundle
 * with `--bundle`. diff-flows prints `-FLOW` for the first source's version and `+FLOW` for the second's, and
 * exits with status 2 when anything differs.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import type { CliIo } from "./io.js";
import type { OpenFlowConnection } from "../openflow/connection.js";
import { FlowModCommand } from "../openflow/constants.js";
import { type NameMaps, UnknownPortError, formatInstructions, parseFlow } from "../openflow/flowtext.js";
import { fileActionsText } from "./ofctl-flow-text.js";
import type { FlowMod, OfMessageInput } from "../openflow/messages.js";
import { ANY_PROTOCOL, Protocol, formatProtocols, usableProtocols } from "../openflow/protocols.js";
import { flowModMessage, flowStatsBody, protocolForFlowDump, protocolOfVersion } from "../openflow/v10/session.js";
import { sendBundle } from "./ofctl-bundle.js";
import { type Fte, FteTables, type FteVersion, fteVersionEquals, fteVersionText } from "./ofctl-fte.js";
import { type Opts, allowedProtocols, showNames } from "./ofctl-options.js";
import { fetchPortNames, portNamesOf, withSwitch } from "./ofctl-switch.js";

/** strerror() texts for a file that cannot be read. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
};

/** A tunnel metadata field written with a mask (`tun_metadata1=0xef/0xff`). */
const MASKED_TUN = /(?:^|[\s,])(tun_metadata\d+)\s*=\s*[^,\s/]*\//g;

/** OFPUTIL_FF_SEND_FLOW_REM: the flag a file's version keeps. */
const SEND_FLOW_REM = 1;

/**
 * Reads the flows of `file` (`-`: standard input) into `tables` as source `index`, as read_flows_from_file().
 * @returns the protocols that can carry every flow
 * @throws Error `FILE: open (...)` or `FILE:LINE: ...` (ovs-ofctl's messages)
 */
async function readFlowsFromFile(file: string, tables: FteTables, index: 0 | 1, io: CliIo, portNames?: ReadonlyMap<string, number>): Promise<number> {
  let text: string;
  if (file === "-") text = await io.readStdin();
  else {
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // fopen() opens a directory; reading it ends at once: no flows
      if (code === "EISDIR") text = "";
      else throw new Error(`${file}: open (${(code && STRERROR[code]) ?? (e as Error).message})`);
    }
  }
  let usable = ANY_PROTOCOL;
  const lines = text.split("\n");
  // a last line without its newline still counts; the empty string after a final newline does not
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "");
    if (!/[^ \t\n]/.test(line)) return;
    let fm;
    try {
      fm = parseFlow(line, FlowModCommand.ADD, { portNames });
    } catch (e) {
      throw new Error(`${file}:${i + 1}: ${(e as Error).message}`, { cause: e });
    }
    usable &= usableProtocols(line, fm);
    const version: FteVersion = {
      cookie: fm.cookie,
      idleTimeout: fm.idleTimeout,
      hardTimeout: fm.hardTimeout,
      importance: fm.importance ?? 0,
      flags: fm.flags & SEND_FLOW_REM,
      tableId: fm.tableId === 0xff ? 0 : fm.tableId,
      instructions: fm.instructions,
      actionsText: fileActionsText(line, fm),
    };
    tables.queue(fm.match, fm.priority, version, index, true, new Set([...line.matchAll(MASKED_TUN)].map((m) => m[1]!)));
  });
  return usable;
}

/** Reads every flow of the switch on `c` (in `protocol`) into `tables` as source `index` (read_flows_from_switch()). */
async function readFlowsFromSwitch(c: OpenFlowConnection, protocol: number, tables: FteTables, index: 0 | 1): Promise<void> {
  const request = { tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] };
  const r = await c.request({ type: "multipart_request", flags: 0, body: flowStatsBody(protocol, request) });
  if (r.type !== "multipart_reply" || (r.body.kind !== "flow" && r.body.kind !== "nx_flow")) throw new Error(`unexpected reply ${r.type}`);
  for (const f of r.body.flows) {
    const version: FteVersion = {
      cookie: f.cookie,
      idleTimeout: f.idleTimeout,
      hardTimeout: f.hardTimeout,
      importance: f.importance ?? 0,
      flags: 0,
      tableId: f.tableId,
      instructions: f.instructions,
      actionsText: formatInstructions(f.instructions),
    };
    tables.queue(f.match, f.priority, version, index, false);
  }
}

/** The flow_mod replace-flows sends for one version of a flow (fte_make_flow_mod()). */
function fteFlowMod(fte: Fte, v: FteVersion, command: number, protocol: number): FlowMod {
  const add = command === FlowModCommand.ADD;
  // OpenFlow 1.0 and NXM carry the flow's cookie in every flow_mod; later versions a cookie to match, none here
  const of10 = (protocol & (Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID)) !== 0;
  return {
    cookie: add || of10 ? v.cookie : 0n,
    cookieMask: 0n,
    tableId: v.tableId,
    command,
    idleTimeout: v.idleTimeout,
    hardTimeout: v.hardTimeout,
    priority: fte.priority,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: v.flags,
    importance: v.importance,
    match: fte.match,
    instructions: add ? v.instructions : [],
  };
}

/**
 * `replace-flows SWITCH FILE`: makes the switch's flow table what FILE says, sending only the differences
 * (everything in FILE again with `--readd`).
 */
export async function replaceFlows(name: string, file: string, opts: Opts, io: CliIo): Promise<void> {
  // ovs-ofctl spends 4 xids on its port and table name connections before its own HELLO (none with --no-names)
  let nextXid = opts.acceptNames ? 5 : 1;
  const allocate = () => nextXid++;
  await withSwitch(
    name,
    opts,
    async (c, target) => {
      const tables = new FteTables();
      let usable: number;
      try {
        usable = await readFlowsFromFile(file, tables, 0, io);
      } catch (e) {
        // a port named in the file: ovs-ofctl accepts the switch's port names here
        if (!((e as Error).cause instanceof UnknownPortError) || !opts.acceptNames) throw e;
        const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 2 });
        const portNames = portNamesOf(r);
        const again = new FteTables();
        usable = await readFlowsFromFile(file, again, 0, io, portNames);
        return finish(c, target, again, usable);
      }
      return finish(c, target, tables, usable);
    },
    allocate,
  );

  async function finish(c: OpenFlowConnection, target: string, tables: FteTables, usable: number): Promise<void> {
    const protocol = await protocolForFlowDump(c, protocolOfVersion(c.version), usable, allowedProtocols(opts), formatProtocols);
    await readFlowsFromSwitch(c, protocol, tables, 1);
    const byTable = new Map<number, Fte[]>();
    for (const { tableId, fte } of tables.entries()) {
      let list = byTable.get(tableId);
      if (!list) byTable.set(tableId, (list = []));
      list.push(fte);
    }
    const mods: FlowMod[] = [];
    for (const list of byTable.values()) {
      for (const fte of list) {
        const [fileVer, swVer] = fte.versions;
        if (swVer && !fileVer) mods.push(fteFlowMod(fte, swVer, FlowModCommand.DELETE_STRICT, protocol));
      }
      for (const fte of list) {
        const [fileVer, swVer] = fte.versions;
        if (fileVer && (opts.readd || !swVer || !fteVersionEquals(swVer, fileVer))) mods.push(fteFlowMod(fte, fileVer, FlowModCommand.ADD, protocol));
      }
    }
    const msgs: OfMessageInput[] = mods.map((fm) => ({ ...flowModMessage(protocol, fm), xid: allocate() }));
    if (opts.bundle) await sendBundle(c, target, msgs, io);
    // ovs-ofctl's transact_multiple_noreply(): each flow_mod with a barrier of its own, up to the first refused
    else for (const m of msgs) await c.sendChecked([m]);
  }
}

/** Whether diff-flows reads `source` as a file (read_flows_from_source()): a path, or an existing file without `:`. */
function isFileSource(source: string): boolean {
  if (source.startsWith("/") || source.startsWith(".")) return true;
  if (source.includes(":")) return false;
  try {
    statSync(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * `diff-flows SOURCE1 SOURCE2`: prints the flows that differ, `-` for SOURCE1's version and `+` for SOURCE2's.
 * @returns 2 when anything differs, else 0 (ovs-ofctl's exit status)
 */
export async function diffFlows(sources: readonly [string, string], opts: Opts, io: CliIo): Promise<number> {
  const tables = new FteTables();
  // the first switch's port names print the ports, with --names or onto a terminal (ports_to_show()); tables
  // print as numbers
  let names: NameMaps | undefined;
  for (const index of [0, 1] as const) {
    const source = sources[index];
    if (isFileSource(source)) await readFlowsFromFile(source, tables, index, io);
    else {
      await withSwitch(source, opts, async (c) => {
        const protocol = await protocolForFlowDump(c, protocolOfVersion(c.version), ANY_PROTOCOL, allowedProtocols(opts), formatProtocols);
        await readFlowsFromSwitch(c, protocol, tables, index);
      });
      if (names === undefined && showNames(opts, io.interactive)) names = { port: (await fetchPortNames(source, opts)).format, table: String };
    }
  }
  let differences = false;
  let out = "";
  for (const { fte } of tables.entries()) {
    const [a, b] = fte.versions;
    if (a && b && fteVersionEquals(a, b)) continue;
    if (a) out += `-${fteVersionText(fte, a, names)}`;
    if (b) out += `+${fteVersionText(fte, b, names)}`;
    differences = true;
  }
  io.out(out);
  return differences ? 2 : 0;
}
