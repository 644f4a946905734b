/**
 * ovs-ofctl's ofp_print() text for the bytes of one OpenFlow message, as `ofp-print HEX [VERBOSITY]` prints
 * it (and `monitor` prints what it sends): the decoded message, or the too-short / truncated / decode-error
 * lines followed by a hex dump.
 *
 * @module
 */
import { DecodeError } from "../bytes/decode-error.js";
import { decodeMessage } from "../openflow/messages.js";
import { formatMessage, hexDump } from "../openflow/print.js";
import { truncatedHeaderLine } from "../openflow/versions/print.js";

/** The text ovs-ofctl's ofp_print() writes for `bytes` (not empty) at `verbosity`, ending with a line break. */
export function ofpPrintText(bytes: Uint8Array, verbosity: number): string {
  const length = bytes.length >= 4 ? (bytes[2]! << 8) | bytes[3]! : 0;
  let out = "";
  if (bytes.length < 8) out += `OpenFlow packet too short (only ${bytes.length} bytes):\n`;
  else if (length > bytes.length) out += `${withNewline(truncatedHeaderLine(bytes))}(***truncated to ${bytes.length} bytes from ${length}***)\n`;
  else if (length < bytes.length) out += `(***only uses ${length} bytes out of ${bytes.length}***)\n`;
  else {
    try {
      const text = formatMessage(decodeMessage(bytes), { verbosity, raw: bytes });
      return verbosity >= 5 ? `${text}\n${hexDump(bytes)}\n` : `${text}\n`;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      // an error of a flow_mod's body (its match, instructions or actions): ovs-ofctl names the message first
      const head = /^(OFPBAC|OFPBMC|OFPBIC|OFPFMFC|NXBAC)_/.test(e.reason) ? flowModHead(bytes) : undefined;
      out += `${head ? `${head} ` : ""}***decode error: ${e.reason}***\n`;
    }
  }
  return `${out}${hexDump(bytes)}\n`;
}

/**
 * `OFPT_FLOW_MOD (xid=0x1):` (or `NXT_FLOW_MOD`, or with its `(OF1.x)`) for the bytes of a flow_mod, and
 * `OFPST_FLOW reply (OF1.x) (xid=0x1):` for a flow stats reply's: the header ovs-ofctl prints before an error
 * its body's decode raised; undefined for any other message.
 */
export function flowModHead(bytes: Uint8Array): string | undefined {
  if (bytes.length < 16) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const ver = bytes[0]!;
  const xid = `(xid=0x${v.getUint32(4).toString(16)}):`;
  if (ver === 1 && bytes[1] === 14) return `OFPT_FLOW_MOD ${xid}`;
  if (ver === 1 && bytes[1] === 4 && v.getUint32(8) === 0x2320 && v.getUint32(12) === 13) return `NXT_FLOW_MOD ${xid}`;
  if (ver > 1 && bytes[1] === 14) return `OFPT_FLOW_MOD (OF1.${ver - 1}) ${xid}`;
  // a flow stats reply, whose entries carry actions (OFPST_FLOW: stats type 1)
  if (v.getUint16(8) === 1 && ((ver === 1 && bytes[1] === 17) || (ver > 1 && bytes[1] === 19))) return `OFPST_FLOW reply${ver > 1 ? ` (OF1.${ver - 1})` : ""} ${xid}`;
  return undefined;
}

/** `line` and a line break, or nothing. */
function withNewline(line: string | undefined): string {
  return line === undefined ? "" : `${line}\n`;
}
