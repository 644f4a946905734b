/**
 * Messages that exist only in some OpenFlow versions other than 1.3 (OpenFlow 1.1.0, 1.2, 1.4.1 and
 * 1.5.1), as members of {@link OfMessage}: role status, request forward, table status, queue
 * configuration, and the body of a message Open vSwitch refuses (kept with the OpenFlow error it gives).
 *
 * @module
 */
import type { MessageHeader } from "../messages.js";

/** One queue property (OFPQT_MIN_RATE / OFPQT_MAX_RATE in tenths of a percent; others kept raw). */
export interface QueueProperty {
  readonly propType: number;
  /** Rate in 1/10 of a percent for min/max rate properties. */
  readonly rate?: number | undefined;
  readonly data?: Uint8Array | undefined;
}

/** One queue of a queue configuration (`ofp_packet_queue`, OpenFlow 1.4 `ofp_queue_desc`). */
export interface QueueDesc {
  readonly portNo: number;
  readonly queueId: number;
  readonly properties: readonly QueueProperty[];
}

/** Messages of OpenFlow versions other than 1.3 with no 1.3 counterpart. */
export type VersionedMessage =
  | (MessageHeader & {
      /** OFPT_ROLE_STATUS (OpenFlow 1.4.1 §7.4.4). */
      readonly type: "role_status";
      readonly role: number;
      readonly reason: number;
      readonly generationId: bigint;
    })
  | (MessageHeader & {
      /** OFPT_REQUESTFORWARD (OpenFlow 1.4.1 §7.4.6): a group_mod or meter_mod forwarded to other controllers. */
      readonly type: "requestforward";
      readonly request: Uint8Array;
    })
  | (MessageHeader & {
      /** OFPT_TABLE_STATUS (OpenFlow 1.4.1 §7.4.5): a vacancy threshold crossed (reason 3 down, 4 up). */
      readonly type: "table_status";
      readonly reason: number;
      /** The table's `ofp14_table_desc` (with its properties), as sent. */
      readonly table: Uint8Array;
    })
  | (MessageHeader & {
      /** OFPT_QUEUE_GET_CONFIG_REQUEST (OpenFlow 1.0–1.3). */
      readonly type: "queue_get_config_request";
      readonly portNo: number;
    })
  | (MessageHeader & {
      /** OFPT_QUEUE_GET_CONFIG_REPLY (OpenFlow 1.0–1.3; 1.0 and 1.1 queues carry no port: their `portNo` is 0). */
      readonly type: "queue_get_config_reply";
      readonly portNo: number;
      readonly queues: readonly QueueDesc[];
    })
  | (MessageHeader & {
      /**
       * A message whose header decodes but whose body Open vSwitch refuses with the OpenFlow error
       * `error` (e.g. `OFPBRC_BAD_PORT`); `name` is its type name (e.g. `OFPT_PACKET_OUT`), `raw` the whole message.
       */
      readonly type: "rejected";
      readonly name: string;
      readonly error: string;
      readonly raw: Uint8Array;
    });
