/**
 * `ovn-ts ofctl --bundle`: writes sent in one atomic, ordered OpenFlow 1.3+ bundle as ovs-ofctl's
 * bundle_transact() sends them (open, add each message, a barrier, commit, or discard once the switch
 * refused something), and the refusals printed as ovs-ofctl prints them (`Error OFPBAC_BAD_OUT_GROUP for:
 * OFPT_FLOW_MOD ...`, then the failed commit). Used by the flow and group write commands.
 *
 * @module
 */
import type { CliIo } from "./io.js";
import type { OpenFlowConnection } from "../openflow/connection.js";
import { OfpVersion } from "../openflow/constants.js";
import { OpenFlowError } from "../openflow/errors.js";
import { type OfMessage, type OfMessageInput, decodeMessage, encodeMessage } from "../openflow/messages.js";
import { formatMessage } from "../openflow/print.js";
import { errorName14 } from "../openflow/versions/print.js";

/** OFPBF_ATOMIC | OFPBF_ORDERED: the flags ovs-ofctl's bundles carry. */
const BUNDLE_FLAGS = 3;
/** OFPBCT_* bundle control types (OpenFlow 1.4.1 §7.3.9). */
const BundleCtl = { OPEN_REQUEST: 0, COMMIT_REQUEST: 4, DISCARD_REQUEST: 6 } as const;

type ErrorMessage = Extract<OfMessage, { type: "error" }>;

/**
 * Sends `msgs` (each with its xid) in one atomic, ordered bundle as Open vSwitch's vconn_bundle_transact()
 * does: open, add each, a barrier, then commit, or discard when the switch refused anything. Returns the
 * error replies the switch sent (none: committed).
 */
async function bundleTransact(c: OpenFlowConnection, msgs: readonly OfMessageInput[]): Promise<ErrorMessage[]> {
  const errors: ErrorMessage[] = [];
  const onMessage = (m: OfMessage) => {
    if (m.type === "error") errors.push(m);
  };
  const control = async (bundleType: number): Promise<boolean> => {
    try {
      const r = await c.request({ type: "bundle_control", bundleId: 0, bundleType, flags: BUNDLE_FLAGS, properties: new Uint8Array(0) });
      return r.type === "bundle_control" && r.bundleId === 0 && r.bundleType === bundleType + 1;
    } catch (e) {
      if (!(e instanceof OpenFlowError)) throw e;
      errors.push(e.reply);
      return false;
    }
  };
  c.on("message", onMessage);
  try {
    if (!(await control(BundleCtl.OPEN_REQUEST))) return errors.length ? errors : [];
    for (const m of msgs) {
      const message = encodeMessage({ ...m, version: c.version } as OfMessageInput);
      await c.send({ type: "bundle_add", xid: m.xid!, bundleId: 0, flags: BUNDLE_FLAGS, message, properties: new Uint8Array(0) });
    }
    await c.barrier();
    if (errors.length) {
      await control(BundleCtl.DISCARD_REQUEST);
      return errors;
    }
    await control(BundleCtl.COMMIT_REQUEST);
    return errors;
  } finally {
    c.off("message", onMessage);
  }
}

/** The name of an error reply (`OFPGMFC_GROUP_EXISTS`). */
function errorText(e: ErrorMessage): string {
  // OpenFlow 1.3 carries the bundle errors as ONF experimenter errors 2300-2315 (OpenFlow 1.4's type 17)
  if (e.errType === 0xffff && e.experimenter === ONF_EXPERIMENTER_ID && e.code >= 2300 && e.code <= 2315) {
    const name = errorName14(OfpVersion.OF14, 17, e.code - 2300);
    if (name) return name;
  }
  return errorName14(e.version, e.errType, e.code) ?? new OpenFlowError(e).message;
}

/** The ONF experimenter id (`ONF_VENDOR_ID`). */
const ONF_EXPERIMENTER_ID = 0x4f4e4600;

/** The message an error reply is about: the request with its xid when there is one, else what the error carries. */
function failedMessage(e: ErrorMessage, msgs: readonly OfMessageInput[], version: number): OfMessage {
  const m = msgs.find((x) => x.xid === e.xid);
  if (m) return decodeMessage(encodeMessage({ ...m, version } as OfMessageInput));
  try {
    return decodeMessage(e.data);
  } catch {
    return e;
  }
}

/**
 * Sends `msgs` (each with the xid ovs-ofctl gave it) in one bundle on `c`; when the switch refuses any of
 * it, prints each error reply on stderr as ovs-ofctl does and throws ovs-ofctl's fatal
 * `talking to TARGET (Protocol error)`.
 */
export async function sendBundle(c: OpenFlowConnection, target: string, msgs: readonly OfMessageInput[], io: CliIo): Promise<void> {
  const errors = await bundleTransact(c, msgs);
  if (!errors.length) return;
  for (const e of errors) io.err(`Error ${errorText(e)} for: ${formatMessage(failedMessage(e, msgs, c.version))}\n`);
  throw new Error(`talking to ${target} (Protocol error)`);
}
