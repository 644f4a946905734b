/**
 * OVN interconnection (OVN-IC): transit switches in the `OVN_IC_Northbound` database, which
 * `ovn-ic` turns into a logical switch in every connected cluster's NB (Kube-OVN's cluster
 * interconnection). Calls add operations to an {@link IcTransaction}; `commit` sends them.
 * The AZ side (NB_Global settings, connecting a router, learned routes) is {@link IcZone}
 * (ic-az.ts); the typed reads of `OVN_IC_Southbound` are in ic-sb.ts.
 *
 * @module
 */
import { model, type Row } from "../ovsdb/models/ovn-ic-nb.js";
import { compareUtf8 } from "../ovsdb/schema/datum.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { Ref } from "../ovsdb/model/types.js";
import type { Operation, OperationResult } from "../ovsdb/wire/operations.js";
import { OvnAlreadyExistsError, OvnNotFoundError, OvnTransactionStateError } from "./errors.js";

/** One OVN_IC_Northbound transaction under construction. */
export class IcTransaction {
  private readonly ops: Operation[] = [];
  private done = false;

  /** @param client the IC NB connection. */
  constructor(private readonly client: TransactClient) {}

  /** The operations so far. */
  operations(): readonly Operation[] {
    return this.ops;
  }

  private open(): void {
    if (this.done) throw new OvnTransactionStateError("this IC transaction was already committed; start a new one");
  }

  private async find(name: string): Promise<Row<"Transit_Switch"> | undefined> {
    const [rows] = await model.transact(this.client, [model.table("Transit_Switch").select({ name })]);
    return rows[0];
  }

  /** Adds transit switch `name` (`ovn-ic-nbctl ts-add`), with `external_ids`/`other_config`. */
  async transitSwitchAdd(name: string, options: { readonly mayExist?: boolean; readonly externalIds?: Readonly<Record<string, string>>; readonly otherConfig?: Readonly<Record<string, string>> } = {}): Promise<Ref<"Transit_Switch">> {
    this.open();
    const found = await this.find(name);
    if (found) {
      if (options.mayExist) return found._uuid;
      throw new OvnAlreadyExistsError("transit switch", name);
    }
    const T = model.table("Transit_Switch");
    const op = T.insert({ name, external_ids: options.externalIds ?? {}, other_config: options.otherConfig ?? {} });
    this.ops.push(T.wait({ name }, { columns: ["name"], until: "==", rows: [], timeout: 0 }), op);
    return op.ref;
  }

  /** Deletes transit switch `name` (`ovn-ic-nbctl ts-del`). */
  async transitSwitchDel(name: string, options: { readonly ifExists?: boolean } = {}): Promise<void> {
    this.open();
    const found = await this.find(name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("transit switch", name);
    }
    this.ops.push(model.table("Transit_Switch").delete({ _uuid: found._uuid }));
  }

  /** Sends the operations as one transaction. */
  async commit(): Promise<readonly OperationResult[]> {
    this.open();
    this.done = true;
    if (this.ops.length === 0) return [];
    return (await this.client.transact(model.name, this.ops)).results;
  }
}

/** The transit switches (`ovn-ic-nbctl ts-list`), by name. */
export async function transitSwitches(client: TransactClient): Promise<Row<"Transit_Switch">[]> {
  const [rows] = await model.transact(client, [model.table("Transit_Switch").select()]);
  return [...rows].sort((a, b) => compareUtf8(a.name, b.name));
}

/** `ovn-ic-nbctl ts-list` of `rows`: one `UUID (NAME)` line per transit switch, by name. */
export function renderTransitSwitchList(rows: readonly Pick<Row<"Transit_Switch">, "_uuid" | "name">[]): string {
  return [...rows]
    .sort((a, b) => compareUtf8(a.name, b.name))
    .map((t) => `${t._uuid} (${t.name})\n`)
    .join("");
}

export { IcTimeoutError, IcZone } from "./ic-az.js";
export type { IcGatewayChassis, IcWaitOptions, IcZoneSettings, IcZoneState, LearnedRoute, LearnedRouteFilter, TransitLink } from "./ic-az.js";
export { icAvailabilityZones, icGateways, icPortBindings, icRoutes, parseIcAddress, readIcSouthbound, renderIcSbShow, waitForIcPortBinding, waitForIcRoute } from "./ic-sb.js";
export type { IcAvailabilityZone, IcDatapathBinding, IcEncap, IcGateway, IcPortBinding, IcRoute, IcRouteFilter, IcSbFilter, IcSouthboundSnapshot } from "./ic-sb.js";
