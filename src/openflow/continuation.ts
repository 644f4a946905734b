/**
 * The continuation Open vSwitch puts in NXT_PACKET_IN2 (`controller(pause)`) and takes back in
 * NXT_RESUME (`NXPINT_CONTINUATION`, a nested list of `NXCPT_*` properties). OVS documents it as
 * opaque: a controller hands the bytes back unchanged. This module reads it for inspection and
 * renders the `continuation.*` lines `ovs-ofctl ofp-print` shows.
 *
 * @module
 */
import { Reader } from "../bytes/reader.js";
import { type Action, decodeActions } from "./actions.js";
import { formatActions, hexBytes } from "./flowtext.js";

/** `nx_continuation_prop_type` values (Open vSwitch `ofp-packet.c`). */
export const ContinuationPropType = {
  BRIDGE: 0x8000,
  STACK: 0x8001,
  MIRRORS: 0x8002,
  CONNTRACKED: 0x8003,
  TABLE_ID: 0x8004,
  COOKIE: 0x8005,
  ACTIONS: 0x8006,
  ACTION_SET: 0x8007,
  ODP_PORT: 0x8008,
} as const;

/** One NXCPT_ACTIONS segment: the actions left to run in the rule of `tableId`/`cookie` (OVS's `unroll_xlate`). */
export interface ContinuationActions {
  readonly tableId: number;
  readonly cookie: bigint;
  readonly actions: readonly Action[];
}

/** A decoded continuation. */
export interface Continuation {
  /** UUID of the bridge that paused the packet (NXCPT_BRIDGE), as text. */
  readonly bridge?: string | undefined;
  /** The `push`/`pop` stack, top first (NXCPT_STACK values). */
  readonly stack: readonly Uint8Array[];
  /** Mirrors already output to (NXCPT_MIRRORS). */
  readonly mirrors?: number | undefined;
  /** Whether the packet had gone through conntrack (NXCPT_CONNTRACKED). */
  readonly conntracked: boolean;
  /** The remaining actions, innermost rule first. */
  readonly actions: readonly ContinuationActions[];
  /** The action set accumulated so far (NXCPT_ACTION_SET). */
  readonly actionSet?: readonly Action[] | undefined;
  /** Datapath input port (NXCPT_ODP_PORT). */
  readonly odpPort?: number | undefined;
  /** Properties this module does not know, kept raw. */
  readonly extra: readonly { readonly propType: number; readonly data: Uint8Array }[];
}

/**
 * Decodes the body of an NXPINT_CONTINUATION property (the `continuation` of an
 * {@link NxPacketIn2}).
 * @throws DecodeError on malformed properties or actions.
 */
export function decodeContinuation(bytes: Uint8Array): Continuation {
  const r = new Reader(bytes, "openflow");
  const stack: Uint8Array[] = [];
  const actions: ContinuationActions[] = [];
  const extra: { propType: number; data: Uint8Array }[] = [];
  let bridge: string | undefined;
  let mirrors: number | undefined;
  let conntracked = false;
  let actionSet: Action[] | undefined;
  let odpPort: number | undefined;
  let tableId = 0;
  let cookie = 0n;
  for (const { type, body: p } of r.properties("continuation property")) {
    switch (type) {
      case ContinuationPropType.BRIDGE: {
        // struct uuid: four 32-bit words in host (little-endian) order
        const w = [0, 1, 2, 3].map(() => {
          const b = p.take(4, "bridge uuid");
          return ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
        });
        const h = (v: number, n: number) => v.toString(16).padStart(n, "0");
        bridge = `${h(w[0]!, 8)}-${h(w[1]! >>> 16, 4)}-${h(w[1]! & 0xffff, 4)}-${h(w[2]! >>> 16, 4)}-${h(w[2]! & 0xffff, 4)}${h(w[3]!, 8)}`;
        break;
      }
      case ContinuationPropType.STACK:
        stack.push(p.take(p.remaining));
        break;
      case ContinuationPropType.MIRRORS:
        mirrors = p.u32();
        break;
      case ContinuationPropType.CONNTRACKED:
        conntracked = true;
        break;
      case ContinuationPropType.TABLE_ID:
        tableId = p.u8();
        break;
      case ContinuationPropType.COOKIE:
        p.skip(4);
        cookie = p.u64();
        break;
      case ContinuationPropType.ACTIONS:
        p.skip(4);
        actions.push({ tableId, cookie, actions: decodeActions(p) });
        break;
      case ContinuationPropType.ACTION_SET:
        p.skip(4);
        actionSet = decodeActions(p);
        break;
      case ContinuationPropType.ODP_PORT:
        odpPort = p.u32();
        break;
      default:
        extra.push({ propType: type, data: p.take(p.remaining) });
    }
  }
  return { bridge, stack, mirrors, conntracked, actions, actionSet, odpPort, extra };
}

/** The `continuation.*` lines of `ovs-ofctl ofp-print` (each with its leading space), in OVS's order. */
export function formatContinuation(c: Continuation): string[] {
  const out: string[] = [];
  if (c.bridge && c.bridge !== "00000000-0000-0000-0000-000000000000") out.push(` continuation.bridge=${c.bridge}`);
  if (c.stack.length) out.push(` continuation.stack=(top) ${c.stack.map(hexBytes).join(" ")} (bottom)`);
  if (c.mirrors) out.push(` continuation.mirrors=0x${c.mirrors.toString(16)}`);
  if (c.conntracked) out.push(" continuation.conntracked=true");
  if (c.actions.length) {
    const parts = c.actions.map((a) => `unroll_xlate(table=${a.tableId}, cookie=${a.cookie})` + (a.actions.length ? `,${formatActions(a.actions)}` : ""));
    out.push(` continuation.actions=${parts.join(",")}`);
  }
  if (c.actionSet?.length) out.push(` continuation.action_set=${formatActions(c.actionSet)}`);
  if (c.odpPort !== undefined) out.push(` continuation.odp_port=${c.odpPort}`);
  return out;
}
