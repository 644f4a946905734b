/**
 * A parsed group_mod as the message Open vSwitch's ofputil_encode_group_mod() sends for each version:
 * OFPT_GROUP_MOD with OpenFlow 1.1 buckets for 1.1–1.4, OFPT_GROUP_MOD with OpenFlow 1.5 buckets (ids
 * assigned) for 1.5, and the Nicira NXT_GROUP_MOD (the 1.5 layout with OpenFlow 1.0 actions) for 1.0.
 *
 * @module
 */
import { OfpVersion } from "./constants.js";
import type { OfMessageInput } from "./messages.js";
import type { Bucket, GroupProps } from "./message-types.js";

/** Group mod commands (OpenFlow 1.5 `ofp15_group_mod_command`, with Open vSwitch's ADD_OR_MOD). */
export const GroupModCommand = { ADD: 0, MODIFY: 1, DELETE: 2, INSERT_BUCKET: 3, REMOVE_BUCKET: 5, ADD_OR_MOD: 0x8000 } as const;

/** Group types (`ofp_group_type`). */
export const GroupType = { ALL: 0, SELECT: 1, INDIRECT: 2, FF: 3 } as const;

/** Reserved group and bucket ids (OpenFlow 1.5 `ofp_group`, `ofp_group_bucket`). */
export const GroupIds = { MAX: 0xffffff00, ALL: 0xfffffffc, ANY: 0xffffffff, BUCKET_MAX: 0xffffff00, BUCKET_FIRST: 0xfffffffd, BUCKET_LAST: 0xfffffffe, BUCKET_ALL: 0xffffffff } as const;

/** A group_mod parsed from text, before it is encoded for a version. */
export interface ParsedGroupMod extends GroupProps {
  readonly command: number;
  readonly groupId: number;
  readonly groupType: number;
  /** The buckets; `bucketId` is {@link GroupIds.BUCKET_ALL} where the text gave none. */
  readonly buckets: readonly Bucket[];
  readonly commandBucketId: number;
  /**
   * Only NXT_GROUP_MOD (OpenFlow 1.0) and OpenFlow 1.5 can carry it (insert/remove bucket, selection method),
   * as ovs-ofctl's usable protocols say: parsing a bucket's actions resets them, so a group with buckets is
   * never restricted.
   */
  readonly of15Only: boolean;
}

/**
 * The buckets with ids as Open vSwitch's OpenFlow 1.5 encoder gives them: a bucket without one gets the
 * lowest id not taken by an earlier assigned bucket or by a bucket that names its id later in the list.
 */
export function assignBucketIds(buckets: readonly Bucket[]): Bucket[] {
  const used = new Set<number>();
  let pool: Set<number> | undefined;
  return buckets.map((b, i) => {
    if (b.bucketId !== undefined && b.bucketId <= GroupIds.BUCKET_MAX) return b;
    if (!pool) {
      pool = used;
      for (const later of buckets.slice(i + 1)) if (later.bucketId !== undefined && later.bucketId <= GroupIds.BUCKET_MAX) pool.add(later.bucketId);
    }
    let id = 0;
    while (pool.has(id)) id++;
    pool.add(id);
    return { ...b, bucketId: id };
  });
}


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
