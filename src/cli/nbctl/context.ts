/**
 * What an `ovn-ts nbctl` command sees of its run: the generic db-ctl context over OVN_Northbound, plus
 * the OVN API's transaction and reader.
 *
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { TableStyle } from "../../ovsdb/text/table.js";
import type { NbTransaction } from "../../ovn/nb.js";
import type { NbReader } from "../../ovn/reader.js";
import type { CommandSpec, DbCtx } from "../dbctl/context.js";

/** The database nbctl works on. */
export const DB = model.name;

/** The run as the OVN commands see it. */
export interface NbCtx extends DbCtx {
  /** The run's one transaction (committed after the last command). */
  readonly tx: NbTransaction;
  /** Reads through the run's pending changes. */
  readonly reader: NbReader;
  /** The output format options. */
  readonly style: TableStyle;
  /**
   * Ports deleted earlier in the run. ovn-nbctl deletes them from its IDL at once (lookups by
   * name fail) but their switch's or router's set of ports still lists them until the commit; the
   * preview shows the second half, this set the first.
   */
  readonly gone: Set<string>;
}

/** An nbctl command. */
export type NbSpec = CommandSpec<NbCtx>;
