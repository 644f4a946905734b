/**
 * `ovn-ts ofctl` group writes: `add-group`, `add-groups FILE`, `mod-group` (`--may-create`), `del-groups`,
 * `insert-buckets`, `remove-buckets`, with ovs-ofctl's group syntax, messages per version (NXT_GROUP_MOD over
 * OpenFlow 1.0), errors and exit status.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { type CliIo, UsageError } from "./io.js";
import type { OpenFlowConnection } from "../openflow/connection.js";
import { groupModMessage } from "../openflow/group-mod.js";
import { UnknownPortError } from "../openflow/text/errors.js";
import { GroupModCommand, type ParsedGroupMod, parseGroupMod } from "../openflow/text/group.js";
import type { WithSwitch } from "./ofctl-groups.js";
import { ANY_PROTOCOL, Protocol, formatProtocols } from "../openflow/protocols.js";
import { OfpVersion } from "../openflow/constants.js";
import type { OfMessageInput } from "../openflow/messages.js";
import { sendBundle } from "./ofctl-bundle.js";
import { portNamesOf } from "./ofctl-switch.js";

/** The Open vSwitch protocol bit of OpenFlow 1.3, 1.4 or 1.5 (OXM), 0 otherwise. */
function protocolBitOf(version: number): number {
  return version === OfpVersion.OF13 ? Protocol.OF13_OXM : version === OfpVersion.OF14 ? Protocol.OF14_OXM : version === OfpVersion.OF15 ? Protocol.OF15_OXM : 0;
}

/** The group_mod command of each group write command (`mod-group` with `--may-create`: add or modify). */
function commandOf(cmd: string, mayCreate: boolean): number | undefined {
  switch (cmd) {
    case "add-group":
      return GroupModCommand.ADD;
    case "mod-group":
      return mayCreate ? GroupModCommand.ADD_OR_MOD : GroupModCommand.MODIFY;
    case "del-groups":
      return GroupModCommand.DELETE;
    case "insert-buckets":
      return GroupModCommand.INSERT_BUCKET;
    case "remove-buckets":
      return GroupModCommand.REMOVE_BUCKET;
  }
  return undefined;
}

/** The lines of a groups file as ovs-ofctl reads them: `#` starts a comment, blank lines are skipped, numbered from 1. */
function groupLines(text: string): { line: string; number: number }[] {
  return text
    .split("\n")
    .map((l, i) => ({ line: l.replace(/\r$/, "").replace(/#.*$/, ""), number: i + 1 }))
    .filter(({ line }) => line.replace(/[ \t\n]/g, "") !== "");
}

/**
 * Runs a group write command. With a file (`add-groups SWITCH FILE`, or `-` as the group of the others),
 * each line may begin with its command for add-groups; errors name the file and line. `allowed`: the
 * protocols -O allows (Open vSwitch protocol bits).
 * @returns the exit status; errors are thrown for ofctl.ts to print
 */
export async function runGroupModCommand(cmd: string, rest: readonly string[], mayCreate: boolean, allowed: number, io: CliIo, withSwitch: WithSwitch, bundle = false): Promise<number> {
  const fromFile = cmd === "add-groups" || rest[1] === "-";
  if (rest.length < (cmd === "add-groups" ? 2 : 1)) throw new UsageError(`'${cmd}' command requires at least ${cmd === "add-groups" ? 2 : 1} arguments`);
  if (rest.length > 2) throw new UsageError(`'${cmd}' command takes at most 2 arguments`);
  const command = commandOf(cmd, mayCreate);
  let texts: { text: string; where?: string }[];
  if (fromFile) {
    const file = rest[1]!;
    let content: string;
    try {
      content = file === "-" ? await io.readStdin() : readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`${file}: open failed (${code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : (e as Error).message})`);
    }
    texts = groupLines(content).map(({ line, number }) => ({ text: line, where: `${file}:${number}: ` }));
  } else texts = [{ text: rest[1] ?? "" }];
  // a line of add-groups may name its command; the other commands' file lines use theirs
  const lineCommand = cmd === "add-groups" || (cmd === "add-group" && fromFile) ? undefined : command;
  const parse = (portNames?: ReadonlyMap<string, number>): ParsedGroupMod[] =>
    texts.map(({ text, where }) => {
      try {
        return parseGroupMod(text, lineCommand, { portNames });
      } catch (e) {
        if (where !== undefined && !(e instanceof UnknownPortError && !portNames)) (e as Error).message = `${where}${(e as Error).message}`;
        throw e;
      }
    });
  let gms: ParsedGroupMod[] | undefined;
  try {
    gms = parse();
  } catch (e) {
    if (!(e instanceof UnknownPortError)) throw e;
  }
  // ovs-ofctl's open_vconn_for_flow_mod(): the usable protocols must be among those -O allows
  let usable = gms?.some((gm) => gm.of15Only) ? Protocol.OF10_STD | Protocol.OF10_STD_TID | Protocol.OF10_NXM | Protocol.OF10_NXM_TID | Protocol.OF15_OXM : ANY_PROTOCOL;
  // bundles need OpenFlow 1.3 or later
  if (bundle) usable &= Protocol.OF13_OXM | Protocol.OF14_OXM | Protocol.OF15_OXM;
  if (!(usable & allowed)) throw new Error(`none of the usable flow formats (${formatProtocols(usable)}) is among the allowed flow formats (${formatProtocols(allowed)})`);
  if (bundle) {
    // xids as ovs-ofctl spends them: 4 on its helper connections, HELLO, each group_mod as it is encoded, then the bundle
    let nextXid = 5;
    const allocate = () => nextXid++;
    await withSwitch(rest[0]!, async (c: OpenFlowConnection, target: string) => {
      if (!gms) {
        const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 2 });
        gms = parse(portNamesOf(r));
      }
      if (c.version < OfpVersion.OF13 || !(usable & protocolBitOf(c.version))) throw new Error(`switch does not support any of the usable flow formats (${formatProtocols(usable)})`);
      const msgs = gms.map((gm) => ({ ...groupModMessage(c.version, gm), xid: allocate() }) as OfMessageInput);
      await sendBundle(c, target, msgs, io);
    }, allocate);
    return 0;
  }
  // ovs-ofctl reads port and table names over connections of its own first (4 xids)
  await withSwitch(rest[0]!, async (c: OpenFlowConnection) => {
    if (!gms) {
      const r = await c.request({ type: "multipart_request", flags: 0, body: { kind: "port_desc" }, xid: 2 });
      gms = parse(portNamesOf(r));
    }
    // one at a time, each with its barrier: ovs-ofctl stops at the first group the switch refuses
    for (const gm of gms) await c.sendChecked([groupModMessage(c.version, gm)]);
  }, 5);
  return 0;
}
