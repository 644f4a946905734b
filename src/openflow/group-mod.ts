/**
 * A parsed group_mod as the message Open vSwitch's ofputil_encode_group_mod() sends for each version:
 * OFPT_GROUP_MOD with OpenFlow 1.1 buckets for 1.1–1.4, OFPT_GROUP_MOD with OpenFlow 1.5 buckets (ids
 * assigned) for 1.5, and the Nicira NXT_GROUP_MOD (the 1.5 layout with OpenFlow 1.0 actions) for 1.0.
 *
 * @module
 */
import { OfpVersion } from "./constants.js";
import type { OfMessageInput } from "./messages.js";
import { GroupModCommand, type ParsedGroupMod, assignBucketIds } from "./text/group.js";

/**
 * A group_mod command the negotiated version cannot carry (insert/remove bucket before OpenFlow 1.5).
 * The message is ovs-ofctl's (`insert-bucket needs OpenFlow 1.5 or later ('-O OpenFlow15')`).
 */
export class GroupCommandVersionError extends Error {
  override readonly name = "GroupCommandVersionError";
  /**
   * @param command - the group_mod command
   * @param version - the wire version it was to be sent in
   */
  constructor(
    readonly command: number,
    readonly version: number,
  ) {
    const newer = command === GroupModCommand.INSERT_BUCKET || command === GroupModCommand.REMOVE_BUCKET;
    const names: Record<number, string> = { 0: "add-group", 1: "mod-group", 0x8000: "mod-group", 2: "del-group", 3: "insert-bucket", 5: "remove-bucket" };
    super(`${names[command] ?? String(command)} needs OpenFlow ${newer ? "1.5" : "1.1"} or later ('-O OpenFlow${newer ? "15" : "11"}')`);
  }
}

/**
 * The message carrying `gm` in `version`.
 * @throws GroupCommandVersionError for insert/remove bucket in OpenFlow 1.1–1.4
 * @throws EncodeError when a value does not fit its field
 */
export function groupModMessage(version: number, gm: ParsedGroupMod): OfMessageInput {
  const common = { command: gm.command, groupType: gm.groupType, groupId: gm.groupId };
  // OpenFlow 1.0: Open vSwitch's NXT_GROUP_MOD, the OpenFlow 1.5 layout (v10/messages.ts encodes it)
  if (version === OfpVersion.OF10 || version >= OfpVersion.OF15) {
    return { type: "group_mod", ...common, buckets: assignBucketIds(gm.buckets), commandBucketId: gm.commandBucketId, selectionMethod: gm.selectionMethod, selectionMethodParam: gm.selectionMethodParam, fields: gm.fields };
  }
  if (gm.command === GroupModCommand.INSERT_BUCKET || gm.command === GroupModCommand.REMOVE_BUCKET) throw new GroupCommandVersionError(gm.command, version);
  return { type: "group_mod", ...common, buckets: gm.buckets.map((b) => ({ ...b, bucketId: undefined })) };
}
