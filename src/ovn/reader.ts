/**
 * How the OVN API reads the Northbound database: through the small {@link NbReader} interface,
 * so that the same API runs over plain `select`s now ({@link selectReader}) and over a local
 * replica later (a replica implements `find` from its tables without a round trip).
 *
 * @module
 */
import { model, type Row, type TableName, type Tables } from "../ovsdb/models/ovn-nb.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { RowUuid, Where } from "../ovsdb/model/types.js";
import type { Replica } from "../ovsdb/cache/replica.js";

/** A `where` clause on NB table `N` (typed, as the model's builders take it). */
export type NbWhere<N extends TableName> = Where<Tables[N]>;

/**
 * Reads rows of the Northbound database. The API only needs "rows of table T matching where";
 * implement this over a replica to avoid round trips, or over a client with {@link selectReader}.
 */
export interface NbReader {
  /** The rows of `table` matching `where` (all rows when omitted). */
  find<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly Row<N>[]>;
  /**
   * The UUIDs of the rows of `table` matching `where`. Lookups that only need a reference use
   * this, so that a row with a large set (a switch's `ports`, a port group's `ports`) is not
   * transferred just to be referenced.
   */
  ids<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly RowUuid<N>[]>;
}

/** An {@link NbReader} that sends one `select` transaction per call over `client`. */
export function selectReader(client: TransactClient): NbReader {
  return {
    async find<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly Row<N>[]> {
      const op = model.table(table).select(where);
      const [rows] = await model.transact(client, [op]);
      return rows as readonly Row<N>[];
    },
    async ids<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly RowUuid<N>[]> {
      const op = model.table(table).select(where ?? [], ["_uuid"] as never);
      const [rows] = await model.transact(client, [op]);
      return (rows as unknown as readonly { _uuid: RowUuid<N> }[]).map((r) => r._uuid);
    },
  };
}

/**
 * An {@link NbReader} over a live replica of the Northbound database: lookups are answered from
 * memory, without a round trip (pass it as `new OvnNb(client, { reader })`, with the replica on the
 * same client so that the API's transactions are read-your-writes).
 */
export function replicaReader(replica: Replica<Tables>): NbReader {
  return {
    async find<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly Row<N>[]> {
      return (where === undefined ? [...replica.rows(table)] : replica.find(table, where)) as readonly Row<N>[];
    },
    async ids<N extends TableName>(table: N, where?: NbWhere<N>): Promise<readonly RowUuid<N>[]> {
      const rows = where === undefined ? [...replica.rows(table)] : replica.find(table, where);
      return rows.map((r) => (r as unknown as { _uuid: RowUuid<N> })._uuid);
    },
  };
}
