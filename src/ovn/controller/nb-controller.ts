/**
 * The Northbound controller: an indexed replica of the NB tables a controller manages, the
 * declarative calls ({@link NbPlan}), apply/reconcile with guards and retries, GC state and the
 * transaction hook, behind one object.
 *
 * @module
 */
import type { OvsdbClient } from "../../ovsdb/client/client.js";
import type { DatabaseModel } from "../../ovsdb/model/model.js";
import type { TableDef } from "../../ovsdb/model/types.js";
import type { OVN_Northbound } from "../../ovsdb/models/index.js";
import type { Row } from "../../ovsdb/schema/datum.js";
import type { OvnFeature, OvnSchemaInfo } from "../schema-features.js";
import { type ApplyResult, ControlledDb, type ControlledDbOptions } from "./db.js";
import type { TransactionHook } from "./transaction-event.js";
import { Sweeper } from "./gc.js";
import { NbPlan, type NbControllerTable, type NbTables } from "./nb-plan.js";
import type { Plan } from "./plan-types.js";
import { type ReconcileOptions, type ReconcileResult, reconcileWith } from "./reconcile.js";

/** The NB tables the declarative calls use (pass them as `tables` to replicate only those; by default every table is replicated). */
export const NB_CONTROLLER_TABLES: readonly string[] = [
  "Logical_Switch",
  "Logical_Switch_Port",
  "Logical_Router",
  "Logical_Router_Port",
  "Logical_Router_Static_Route",
  "Logical_Router_Policy",
  "NAT",
  "ACL",
  "Port_Group",
  "Address_Set",
  "Load_Balancer",
  "Load_Balancer_Health_Check",
  "Load_Balancer_Group",
  "Gateway_Chassis",
  "HA_Chassis_Group",
  "HA_Chassis",
  "DHCP_Options",
  "QoS",
  "Meter",
  "Meter_Band",
  "BFD",
  "Static_MAC_Binding",
  "NB_Global",
];

/**
 * Stages of a big Northbound database's initial load (the `stages` option of
 * {@link NbController.open}): the pods' ports, then the port groups, then the router policies,
 * each asked for after the rows before them, so ovsdb-server prepares them while the client
 * decodes those (a Kube-OVN database of 10,000 pods: 7.7 MB in one reply without stages).
 */
export const NB_CONTROLLER_STAGES: readonly (readonly string[])[] = [["Logical_Switch_Port"], ["Port_Group"], ["Logical_Router_Policy"]];

/** Options of {@link NbController.open}. */
export interface NbControllerOptions<T extends NbTables> extends Omit<ControlledDbOptions, "database"> {
  /**
   * The typed NB model the caller codes against (e.g. a newer bundled model with ACL `tier`). It
   * types the declarative calls; operations are always checked against the server's own schema.
   */
  readonly model?: DatabaseModel<T & { readonly [K in keyof T]: TableDef }>;
}

/**
 * A Kube-OVN-style Northbound controller. Every read is a replica lookup; every change is a plan
 * ({@link NbController.plan}) sent by {@link NbController.apply} or {@link NbController.reconcile}.
 */
export class NbController<T extends NbTables = OVN_Northbound.Tables> {
  /** Mark-and-sweep state for {@link Sweeper.sweep}. */
  readonly sweeper = new Sweeper();

  private constructor(
    /** The controlled database (replica, identity, schema, hooks). */
    readonly db: ControlledDb,
  ) {}

  /** Connects the controller: reads the server's NB schema and starts the indexed replica (of every NB table unless `tables` says otherwise). */
  static async open<T extends NbTables = OVN_Northbound.Tables>(client: OvsdbClient, options: NbControllerOptions<T>): Promise<NbController<T>> {
    if (options.model && options.model.name !== "OVN_Northbound") throw new TypeError(`NbController needs an OVN_Northbound model, got ${options.model.name}`);
    const db = await ControlledDb.open(client, { ...options, database: "OVN_Northbound" });
    return new NbController<T>(db);
  }

  /** The NB schema version the server runs. */
  get schemaVersion(): string {
    return this.db.schema.version;
  }

  /** The server's NB schema as feature detection describes it (the bundled release it matches, `has(feature)`). */
  get ovnSchema(): OvnSchemaInfo<"OVN_Northbound"> {
    return this.db.ovnSchema as OvnSchemaInfo<"OVN_Northbound">;
  }

  /**
   * Throws `OvnFeatureUnavailableError` unless the server's schema has every one of `features`
   * (e.g. `"ACL.tier"`): the check the declarative calls make for each column they are given,
   * for a caller that wants to choose before building (as `requireFeature` does).
   */
  requireFeature(...features: readonly OvnFeature<"OVN_Northbound">[]): void {
    this.db.require(...features);
  }

  /** A new, empty plan. */
  plan(label?: string): NbPlan<T> {
    return new NbPlan<T>(this.db, label);
  }

  /** Sends a built plan (nothing when it is empty). */
  apply(plan: Plan, options: { readonly label?: string } = {}): Promise<ApplyResult> {
    return this.db.apply(plan, options);
  }

  /**
   * Builds a plan with `build` (its return value is awaited when it is a promise, else ignored) and sends it; a lost guard is retried (rebuilding from the
   * replica) and after the attempts surfaces as `ConcurrentChangeError`. Sends nothing when the
   * state already matches.
   */
  reconcile(label: string, build: (plan: NbPlan<T>) => unknown, options?: ReconcileOptions): Promise<ReconcileResult> {
    return reconcileWith(this.db, label, () => this.plan(label), build, options);
  }

  /** Adds a transaction hook; returns its remover. */
  onTransaction(hook: TransactionHook): () => void {
    return this.db.onTransaction(hook);
  }

  /** Owned rows of `table` whose `external_ids` hold every pair of `match` (a replica read). */
  list(table: NbControllerTable | (string & {}), match: { readonly [key: string]: string } = {}): Row[] {
    return this.db.listByExternalIds(table, match);
  }

  /** Stops the replica (the client stays open). */
  close(): Promise<void> {
    return this.db.close();
  }
}
