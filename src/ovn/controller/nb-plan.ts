/**
 * Declarative calls of the OVN Northbound database (ovn-nb(5)) for controllers, in the manner of
 * Kube-OVN's `pkg/ovs`: "ensure" a switch, router, port, load balancer, NAT, route or policy with
 * the given settings, and "set exactly" the ports of a port group, the addresses of an address
 * set, the gateway chassis of a router port, the chassis of an HA chassis group, and the ACLs,
 * routes and policies of an owner. Each call reads the replica (and the plan's own pending rows),
 * adds the minimal changes to the plan, and adds nothing when the state already matches.
 *
 * The calls are generic over the row's columns: a newer typed model (e.g. with ACL `tier`) types
 * the settings, and a column the connected server lacks is refused with
 * `OvnFeatureUnavailableError` (the same error `requireFeature` throws) before anything is built.
 *
 * @module
 */
import type { TableDef } from "../../ovsdb/model/types.js";
import type { OVN_Northbound } from "../../ovsdb/models/index.js";
import { type Datum, type Row, defaultDatum } from "../../ovsdb/schema/datum.js";
import type { Atom } from "../../ovsdb/schema/types.js";
import type { ControlledDb } from "./db.js";
import { DesiredStateError, ForeignRowError, MissingReferenceError } from "./errors.js";
import { PlanBuilder } from "./plan.js";
import { type Desired, normalize, onlyKeys } from "./values.js";

/** The NB tables the declarative calls use. */
export type NbControllerTable =
  | "Logical_Switch"
  | "Logical_Switch_Port"
  | "Logical_Router"
  | "Logical_Router_Port"
  | "Logical_Router_Static_Route"
  | "Logical_Router_Policy"
  | "NAT"
  | "ACL"
  | "Port_Group"
  | "Address_Set"
  | "Load_Balancer"
  | "Load_Balancer_Health_Check"
  | "Gateway_Chassis"
  | "HA_Chassis_Group"
  | "HA_Chassis"
  | "NB_Global"
  | "Meter"
  | "Meter_Band"
  | "QoS"
  | "DHCP_Options";

/** The table definitions an NB model must have to be used with the declarative calls (any bundled NB model fits). */
export type NbTables = { readonly [K in NbControllerTable]: TableDef };

/** What a reference to a row looks like in a plan: a UUID of an existing row, or the uuid-name of a row the plan creates. */
export type PlanRef = string;

/** The owner of a set of ACLs: a port group or a logical switch, by name. */
export type AclOwnerTarget = { readonly portGroup: string } | { readonly switch: string };

/** Options of the calls that set chassis priorities by order. */
export interface ChassisOrderOptions {
  /**
   * Priority of the first chassis; each next one gets one less.
   * @default 100
   */
  readonly maxPriority?: number;
}

/** A load balancer health check as {@link NbPlan.ensureLoadBalancer} manages it (ovn-nb(5) `Load_Balancer_Health_Check`). */
export interface HealthCheckSpec {
  /** The VIP checked (`IP:PORT`). */
  readonly vip: string;
  /** Its options (`interval`, `timeout`, `success_count`, `failure_count`); the whole map is managed. */
  readonly options?: { readonly [key: string]: string };
}

/** A band of a meter as {@link NbPlan.ensureMeter} manages it (ovn-nb(5) `Meter_Band`). */
export interface MeterBandSpec {
  /**
   * What to do above the rate (the only action ovn-nb(5) has).
   * @default "drop"
   */
  readonly action?: "drop";
  /** The rate, in the meter's unit (kbps or packets per second). */
  readonly rate: number;
  /**
   * The burst size, in kb or packets.
   * @default 0
   */
  readonly burst_size?: number;
}

type Spec = { readonly [column: string]: unknown };

function specOf(d: object): Spec {
  return d as Spec;
}

/**
 * A plan of NB declarative calls. Get one from `NbController.plan()`, call any number of
 * methods, then `build()` it and send it with `apply()`; or let `reconcile()` do all three.
 */
export class NbPlan<T extends NbTables = OVN_Northbound.Tables> extends PlanBuilder {
  /**
   * Owned parents found in the replica by {@link NbPlan.owned}, by table then name: thousands of
   * ports of one switch look the switch up by name once per plan. A replica row is never changed
   * in place (an update replaces it), so a kept row still being the replica's row by UUID means
   * the name lookup would find it again; a plan never creates a row under a name the replica
   * already owns.
   */
  private readonly ownedRows = new Map<string, Map<string, Row>>();

  constructor(db: ControlledDb, label?: string) {
    super(db, label);
  }

  // ---- lookups ---------------------------------------------------------------------------

  /** The named row (pending in this plan, or in the replica), requiring the controller's identity. */
  private owned(table: string, name: string, referencedBy: string): Row | PlanRef {
    const p = this.pending(table, name);
    if (p) return p;
    let byName = this.ownedRows.get(table);
    if (byName === undefined) this.ownedRows.set(table, (byName = new Map()));
    const known = byName.get(name);
    if (known && this.db.get(table, known["_uuid"] as string) === known) return known;
    const rows = this.db.allByName(table, name);
    const row = rows.find((r) => this.db.owns(r));
    if (row) {
      byName.set(name, row);
      return row;
    }
    if (rows[0]) throw new ForeignRowError(table, name, rows[0]["_uuid"] as string);
    throw new MissingReferenceError(table, name, referencedBy);
  }

  /** A parent's name for the plan's steps. */
  private nameOf(table: string, x: Row | PlanRef): string {
    if (typeof x !== "string") return this.keyOf(table, x);
    return this.pendingKey(x) ?? x;
  }

  private refOf(x: Row | PlanRef): PlanRef {
    return typeof x === "string" ? x : (x["_uuid"] as string);
  }

  /** The children of `parent` listed in reference column `column` (existing rows only). */
  private children(parent: Row | PlanRef, column: string, childTable: string): Row[] {
    if (typeof parent === "string") return [];
    const v = parent[column];
    const ids = Array.isArray(v) ? (v as string[]) : typeof v === "string" ? [v] : [];
    const out: Row[] = [];
    for (const id of ids) {
      const r = this.db.get(childTable, id);
      if (r) out.push(r);
    }
    return out;
  }

  /** Creates the named root row or brings it to `desired`. */
  private ensureNamed(table: string, name: string, desired: Spec): PlanRef {
    const p = this.pending(table, name);
    if (p) {
      this.change(table, { _uuid: p }, desired);
      return p;
    }
    const rows = this.db.allByName(table, name);
    const row = rows.find((r) => this.db.owns(r));
    if (!row) {
      if (rows[0]) throw new ForeignRowError(table, name, rows[0]["_uuid"] as string);
      return this.createNamed(table, name, desired, { absent: { column: "name", value: name } });
    }
    this.change(table, row, desired);
    return row["_uuid"] as string;
  }

  /** Creates the named child row in `parent.column`, or brings it to `desired` and moves it to `parent` if another owned parent holds it. */
  private ensureNamedChild(parentTable: string, parent: Row | PlanRef, column: string, table: string, name: string, desired: Spec, known?: Row | null): PlanRef {
    const pendingChild = this.pending(table, name);
    if (pendingChild) {
      this.change(table, { _uuid: pendingChild }, desired);
      this.link(parentTable, parent, column, pendingChild);
      return pendingChild;
    }
    const row = known === undefined ? this.db.byName(table, name) : (known ?? undefined);
    if (!row) {
      const ref = this.createNamed(table, name, desired, { absent: { column: "name", value: name } });
      this.link(parentTable, parent, column, ref);
      return ref;
    }
    this.change(table, row, desired);
    const uuid = row["_uuid"] as string;
    const parentUuid = this.refOf(parent);
    // The reference index says who holds the row: no scan of the parent's (possibly huge) set.
    let held = false;
    for (const h of this.db.holders(table, uuid)) {
      if (h.table !== parentTable || h.column !== column) continue;
      if (h.row["_uuid"] === parentUuid) {
        held = true;
        continue;
      }
      if (!this.db.owns(h.row)) throw new ForeignRowError(parentTable, this.keyOf(parentTable, h.row), h.row["_uuid"] as string);
      this.unlink(parentTable, h.row, column, uuid);
    }
    if (!held) this.link(parentTable, parent, column, uuid);
    return uuid;
  }

  /**
   * Makes the owned children of `parent.column` whose owner key is `owner` exactly `specs`:
   * matched by `keyColumns` (those a spec gives), changed in place, created, or unlinked (and so
   * collected by the server). Children of other owners and foreign children are not touched.
   */
  private setOwnedChildren(parentTable: string, parent: Row | PlanRef, column: string, table: string, owner: string, specs: readonly Spec[], keyColumns: readonly string[]): void {
    for (const s of specs) for (const c of Object.keys(s)) this.db.column(table, c);
    const keyOf = (get: (c: string) => unknown, cols: readonly string[]) => cols.map((c) => `${c}=${JSON.stringify(normalizeKey(get(c)))}`).join(",");
    // Each spec with its key columns (those it gives), and its key with the values normalized as
    // the rows hold them (worked out on its first comparison, then kept: it does not depend on the row).
    const wanted = new Map<string, { readonly spec: Spec; readonly cols: readonly string[]; readonly sig: string; normal?: string }>();
    for (const s of specs) {
      const cols = keyColumns.filter((c) => s[c] !== undefined);
      const missing = keyColumns.find((c) => s[c] === undefined && c !== "tier" && c !== "route_table" && c !== "policy");
      if (missing) throw new DesiredStateError(table, { kind: "missing-column", column: missing });
      const k = keyOf((c) => s[c], cols);
      if (wanted.has(k)) throw new DesiredStateError(table, { kind: "duplicate-key", key: k });
      wanted.set(k, { spec: s, cols, sig: cols.join(",") });
    }
    const matched = new Set<string>();
    for (const row of this.children(parent, column, table)) {
      const ext = row["external_ids"];
      if (!this.db.owns(row) || !(ext instanceof Map) || ext.get(this.db.identity.ownerKey) !== owner) continue;
      let hit: string | undefined;
      // The row's key over each set of key columns, made once per row (not once per spec).
      const rowKeys = new Map<string, string>();
      for (const [k, w] of wanted) {
        if (matched.has(k)) continue;
        let rk = rowKeys.get(w.sig);
        if (rk === undefined) rowKeys.set(w.sig, (rk = keyOf((c) => row[c], w.cols)));
        w.normal ??= keyOf((c) => normalizeFor(this.db, table, c, w.spec[c]), w.cols);
        if (rk === w.normal) {
          hit = k;
          break;
        }
      }
      if (hit === undefined) {
        this.remove(table, row);
        continue;
      }
      matched.add(hit);
      this.change(table, row, wanted.get(hit)!.spec);
    }
    for (const [k, { spec: s }] of wanted) {
      if (matched.has(k)) continue;
      const ref = this.create(table, `${this.refOf(parent)}:${owner}:${k}`, s, { owner, display: `${this.nameOf(parentTable, parent)} ${owner} ${k}` });
      this.link(parentTable, parent, column, ref);
    }
  }

  // ---- ensure ----------------------------------------------------------------------------

  /** Ensures the logical switch `name` exists with `desired` (only the columns given are managed). */
  ensureSwitch(name: string, desired: Desired<T["Logical_Switch"]> = {}): PlanRef {
    return this.ensureNamed("Logical_Switch", name, specOf(desired));
  }

  /** Ensures the logical router `name` exists with `desired`. */
  ensureRouter(name: string, desired: Desired<T["Logical_Router"]> = {}): PlanRef {
    return this.ensureNamed("Logical_Router", name, specOf(desired));
  }

  /**
   * Ensures port `name` exists on switch `switchName` (moving it from another owned switch) with
   * `desired`. `known`: the port's row as the caller already looked it up by name in the replica
   * (`db.byName`; `null` when there is none), so it is not looked up twice.
   */
  ensureSwitchPort(switchName: string, name: string, desired: Desired<T["Logical_Switch_Port"]> = {}, known?: Row | null): PlanRef {
    const sw = this.owned("Logical_Switch", switchName, `Logical_Switch_Port ${name}`);
    return this.ensureNamedChild("Logical_Switch", sw, "ports", "Logical_Switch_Port", name, specOf(desired), known);
  }

  /** Ensures router port `name` exists on router `routerName` with `desired` (`mac` and `networks` are required to create it). */
  ensureRouterPort(routerName: string, name: string, desired: Desired<T["Logical_Router_Port"]>): PlanRef {
    const lr = this.owned("Logical_Router", routerName, `Logical_Router_Port ${name}`);
    return this.ensureNamedChild("Logical_Router", lr, "ports", "Logical_Router_Port", name, specOf(desired));
  }

  /**
   * Ensures load balancer `name` with `desired` (e.g. `vips` as a whole map: VIPs and backends
   * set exactly, key by key; `options` likewise or with `onlyKeys`). With `healthChecks`, its
   * health checks are set exactly (matched by VIP).
   */
  ensureLoadBalancer(name: string, desired: Desired<T["Load_Balancer"]>, options: { readonly healthChecks?: readonly HealthCheckSpec[] } = {}): PlanRef {
    const ref = this.ensureNamed("Load_Balancer", name, specOf(desired));
    if (options.healthChecks) {
      const lb = typeof ref === "string" && this.isPending(ref) ? ref : this.db.get("Load_Balancer", ref)!;
      const wanted = new Map<string, HealthCheckSpec>();
      for (const h of options.healthChecks) {
        if (wanted.has(h.vip)) throw new DesiredStateError("Load_Balancer_Health_Check", { kind: "duplicate-key", key: h.vip });
        wanted.set(h.vip, h);
      }
      for (const row of this.children(lb, "health_check", "Load_Balancer_Health_Check")) {
        const w = wanted.get(row["vip"] as string);
        if (!w) {
          this.unlink("Load_Balancer", lb as Row, "health_check", row["_uuid"] as string);
          continue;
        }
        wanted.delete(w.vip);
        this.change("Load_Balancer_Health_Check", row, { options: w.options ?? {} }, { foreign: true });
      }
      for (const w of wanted.values()) {
        const hc = this.create("Load_Balancer_Health_Check", `${name}:${w.vip}`, { vip: w.vip, options: w.options ?? {} }, { display: `${name} ${w.vip}` });
        this.link("Load_Balancer", lb, "health_check", hc);
      }
    }
    return ref;
  }

  /** Ensures a NAT rule on `routerName`, keyed as ovn-nbctl keys it: `snat` by `logical_ip`, the others by `external_ip`. */
  ensureNat(routerName: string, desired: Desired<T["NAT"]> & { readonly type: string; readonly external_ip: string; readonly logical_ip: string }): PlanRef {
    const d = specOf(desired);
    const lr = this.owned("Logical_Router", routerName, "NAT");
    const keyCol = d["type"] === "snat" ? "logical_ip" : "external_ip";
    return this.ensureKeyedChild("Logical_Router", lr, "nat", "NAT", d, ["type", keyCol]);
  }

  /** Ensures a static route on `routerName`, keyed by (`ip_prefix`, `nexthop`, `policy`, `route_table`). */
  ensureStaticRoute(routerName: string, desired: Desired<T["Logical_Router_Static_Route"]> & { readonly ip_prefix: string; readonly nexthop: string }): PlanRef {
    const lr = this.owned("Logical_Router", routerName, "Logical_Router_Static_Route");
    return this.ensureKeyedChild("Logical_Router", lr, "static_routes", "Logical_Router_Static_Route", specOf(desired), ["ip_prefix", "nexthop", "policy", "route_table"]);
  }

  /** Ensures a routing policy on `routerName`, keyed by (`priority`, `match`). */
  ensurePolicy(routerName: string, desired: Desired<T["Logical_Router_Policy"]> & { readonly priority: number; readonly match: string; readonly action: string }): PlanRef {
    const lr = this.owned("Logical_Router", routerName, "Logical_Router_Policy");
    return this.ensureKeyedChild("Logical_Router", lr, "policies", "Logical_Router_Policy", specOf(desired), ["priority", "match"]);
  }

  private ensureKeyedChild(parentTable: string, parent: Row | PlanRef, column: string, table: string, d: Spec, keyColumns: readonly string[]): PlanRef {
    for (const c of Object.keys(d)) this.db.column(table, c);
    const key = keyColumns.map((c) => `${c}=${JSON.stringify(normalizeKey(normalizeFor(this.db, table, c, d[c] ?? defaultOf(this.db, table, c))))}`).join(",");
    const pendingRef = this.pending(table, `${this.refOf(parent)}:${key}`);
    if (pendingRef) {
      this.change(table, { _uuid: pendingRef }, d);
      return pendingRef;
    }
    for (const row of this.children(parent, column, table)) {
      const k = keyColumns.map((c) => `${c}=${JSON.stringify(normalizeKey(row[c]))}`).join(",");
      if (k !== key) continue;
      this.change(table, row, d);
      return row["_uuid"] as string;
    }
    const ref = this.create(table, `${this.refOf(parent)}:${key}`, d, { display: `${this.nameOf(parentTable, parent)} ${key}` });
    // Another writer adding the same child meanwhile changes the parent's set: fail and rebuild.
    if (typeof parent !== "string") this.guardColumn(parentTable, parent, column);
    this.link(parentTable, parent, column, ref);
    return ref;
  }

  /**
   * Sets the given keys of `NB_Global.options` (a value of `undefined` removes the key), leaving
   * every other key and column alone: the row is shared (ovn-northd and ovn-nbctl write it), so
   * it is changed key by key, guarded on `options` only, and never needs the controller's
   * identity. Creates the row when the database has none (as ovn-nbctl does).
   */
  setGlobalOptions(options: { readonly [key: string]: string | undefined }): void {
    const row = this.db.rows("NB_Global")[Symbol.iterator]().next().value as Row | undefined;
    if (!row) {
      const pendingRef = this.pending("NB_Global", "");
      if (pendingRef) {
        this.change("NB_Global", { _uuid: pendingRef }, { options: onlyKeys(options) });
        return;
      }
      const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
      this.create("NB_Global", "", { options: set }, { display: "." });
      return;
    }
    this.change("NB_Global", row, { options: onlyKeys(options) }, { foreign: true, columnGuards: true });
  }

  /**
   * Ensures meter `name` with `unit`, `fair` and `external_ids` as given, and exactly `bands`
   * (matched by action and rate; a band's burst size is changed in place). Bands added to an
   * owned meter behind its back are removed: an owned meter's bands are managed whole.
   */
  ensureMeter(name: string, desired: Desired<T["Meter"]> & { readonly unit: "kbps" | "pktps" }, bands: readonly MeterBandSpec[]): PlanRef {
    if (bands.length === 0) throw new DesiredStateError("Meter", { kind: "bad-value", column: "bands", reason: "a meter needs at least one band" });
    const want = new Map<string, Spec>();
    for (const b of bands) {
      const spec = { action: b.action ?? "drop", rate: b.rate, burst_size: b.burst_size ?? 0 };
      const k = `${spec.action}:${spec.rate}`;
      if (want.has(k)) throw new DesiredStateError("Meter_Band", { kind: "duplicate-key", key: k });
      want.set(k, spec);
    }
    const ref = this.ensureNamed("Meter", name, specOf(desired));
    const meter = this.isPending(ref) ? ref : this.db.get("Meter", ref)!;
    for (const row of this.children(meter, "bands", "Meter_Band")) {
      const k = `${row["action"] as string}:${row["rate"] as number}`;
      const w = want.get(k);
      if (!w) {
        this.unlink("Meter", meter as Row, "bands", row["_uuid"] as string);
        continue;
      }
      want.delete(k);
      this.change("Meter_Band", row, { burst_size: w["burst_size"] }, { foreign: true });
    }
    for (const [k, w] of want) {
      const band = this.create("Meter_Band", `${name}:${k}`, w, { display: `${name} ${k}` });
      this.link("Meter", meter, "bands", band);
    }
    return ref;
  }

  /**
   * Sets exactly the QoS rules of `owner` on switch `switchName`: rules are matched by
   * (`direction`, `priority`, `match`), changed in place (`action`, `bandwidth`), created, or
   * removed. Rules of other owners and foreign rules are not touched.
   */
  setQosRules(switchName: string, owner: string, rules: readonly Desired<T["QoS"]>[]): void {
    const ls = this.owned("Logical_Switch", switchName, "QoS");
    this.setOwnedChildren("Logical_Switch", ls, "qos_rules", "QoS", owner, rules.map(specOf), ["direction", "priority", "match"]);
  }

  /**
   * Ensures this controller's `DHCP_Options` row for `cidr` with `desired` (e.g. `options` as a
   * whole map, or `onlyKeys`); returns its reference, for a port's `dhcpv4_options` or
   * `dhcpv6_options`. Rows of the same CIDR without the identity are not touched (another
   * component may own one); a second owned row of the CIDR is a {@link DesiredStateError}.
   */
  ensureDhcpOptions(cidr: string, desired: Desired<T["DHCP_Options"]> = {}): PlanRef {
    const pendingRef = this.pending("DHCP_Options", cidr);
    if (pendingRef) {
      this.change("DHCP_Options", { _uuid: pendingRef }, specOf(desired));
      return pendingRef;
    }
    const mine = this.db.owned("DHCP_Options").filter((r) => r["cidr"] === cidr && !this.isDeleted(r["_uuid"] as string));
    if (mine.length > 1) throw new DesiredStateError("DHCP_Options", { kind: "duplicate-key", key: `cidr=${cidr}` });
    const row = mine[0];
    if (row) {
      this.change("DHCP_Options", row, specOf(desired));
      return row["_uuid"] as string;
    }
    // Two writers racing must not both create it: wait for no owned row of this CIDR.
    this.guardAbsent("DHCP_Options", [
      ["cidr", "==", cidr],
      ["external_ids", "includes", new Map([[this.db.identity.vendorKey, this.db.identity.vendor]])],
    ]);
    return this.create("DHCP_Options", cidr, { ...specOf(desired), cidr }, { display: cidr });
  }

  // ---- set exactly -----------------------------------------------------------------------

  /** Sets exactly the ports (by name; existing or created in this plan) of port group `name`, creating it if absent. */
  setPortGroupPorts(name: string, ports: readonly string[], desired: Desired<T["Port_Group"]> = {}): PlanRef {
    const by = `Port_Group ${name}`;
    const uuids = ports.map((p) => this.portRef(p, by));
    return this.ensureNamed("Port_Group", name, { ...specOf(desired), ports: uuids });
  }

  private portRef(name: string, referencedBy: string): PlanRef {
    const p = this.pending("Logical_Switch_Port", name);
    if (p) return p;
    const row = this.db.byName("Logical_Switch_Port", name);
    if (!row || this.isDeleted(row["_uuid"] as string)) throw new MissingReferenceError("Logical_Switch_Port", name, referencedBy);
    return row["_uuid"] as string;
  }

  /** Sets exactly the addresses of address set `name`, creating it if absent. */
  setAddressSet(name: string, addresses: readonly string[], desired: Desired<T["Address_Set"]> = {}): PlanRef {
    return this.ensureNamed("Address_Set", name, { ...specOf(desired), addresses });
  }

  /**
   * Sets exactly the gateway chassis of router port `portName`: one `Gateway_Chassis` per chassis
   * (named `PORT-CHASSIS` as ovn-nbctl names them), priorities by order (first highest).
   */
  setGatewayChassis(portName: string, chassis: readonly string[], options: ChassisOrderOptions = {}): void {
    const lrp = this.owned("Logical_Router_Port", portName, "Gateway_Chassis");
    this.setChassisList("Logical_Router_Port", lrp, "gateway_chassis", "Gateway_Chassis", chassis, options, (c) => ({ name: `${portName}-${c}` }));
  }

  /** Sets exactly the chassis of HA chassis group `name` (created if absent), priorities by order (first highest). */
  setHaChassisGroup(name: string, chassis: readonly string[], options: ChassisOrderOptions = {}): PlanRef {
    const ref = this.ensureNamed("HA_Chassis_Group", name, {});
    const group = this.isPending(ref) ? ref : this.db.get("HA_Chassis_Group", ref)!;
    this.setChassisList("HA_Chassis_Group", group, "ha_chassis", "HA_Chassis", chassis, options, () => ({}));
    return ref;
  }

  private setChassisList(parentTable: string, parent: Row | PlanRef, column: string, table: string, chassis: readonly string[], options: ChassisOrderOptions, extra: (c: string) => Spec): void {
    const max = options.maxPriority ?? 100;
    const want = new Map<string, number>();
    chassis.forEach((c, i) => {
      if (want.has(c)) throw new DesiredStateError(table, { kind: "duplicate-key", key: c });
      want.set(c, max - i);
    });
    for (const row of this.children(parent, column, table)) {
      const p = want.get(row["chassis_name"] as string);
      // The parent is owned: its chassis list is managed whole, rows added behind its back included.
      if (p === undefined) {
        this.remove(table, row, { foreign: true });
        continue;
      }
      want.delete(row["chassis_name"] as string);
      this.change(table, row, { priority: p }, { foreign: true });
    }
    for (const [c, p] of want) {
      const ref = this.create(table, `${this.refOf(parent)}:${c}`, { ...extra(c), chassis_name: c, priority: p }, { display: `${this.nameOf(parentTable, parent)} ${c}` });
      this.link(parentTable, parent, column, ref);
    }
  }

  /**
   * Sets exactly the ACLs of `owner` on a port group or switch: ACLs are matched by
   * (`direction`, `priority`, `match`, and `tier` when given), changed in place, created, or
   * removed. ACLs of other owners and foreign ACLs are not touched.
   */
  setAcls(target: AclOwnerTarget, owner: string, acls: readonly Desired<T["ACL"]>[]): void {
    const [table, name] = "portGroup" in target ? ["Port_Group", target.portGroup] : ["Logical_Switch", target.switch];
    const parent = this.owned(table, name, "ACL");
    this.setOwnedChildren(table, parent, "acls", "ACL", owner, acls.map(specOf), ["direction", "priority", "match", "tier"]);
  }

  /** Sets exactly the static routes of `owner` on router `routerName` (matched by prefix, nexthop, policy and route table). */
  setRoutes(routerName: string, owner: string, routes: readonly Desired<T["Logical_Router_Static_Route"]>[]): void {
    const lr = this.owned("Logical_Router", routerName, "Logical_Router_Static_Route");
    this.setOwnedChildren("Logical_Router", lr, "static_routes", "Logical_Router_Static_Route", owner, routes.map(specOf), ["ip_prefix", "nexthop", "policy", "route_table"]);
  }

  /** Sets exactly the routing policies of `owner` on router `routerName` (matched by priority and match). */
  setPolicies(routerName: string, owner: string, policies: readonly Desired<T["Logical_Router_Policy"]>[]): void {
    const lr = this.owned("Logical_Router", routerName, "Logical_Router_Policy");
    this.setOwnedChildren("Logical_Router", lr, "policies", "Logical_Router_Policy", owner, policies.map(specOf), ["priority", "match"]);
  }

  // ---- delete ----------------------------------------------------------------------------

  /**
   * Deletes every owned row of `table` whose `external_ids` hold all pairs of `match` (rows
   * without the controller's identity are never listed); returns how many.
   */
  deleteByExternalIds(table: NbControllerTable | (string & {}), match: { readonly [key: string]: string }): number {
    const rows = this.db.listByExternalIds(table, match);
    for (const r of rows) this.remove(table, r);
    return rows.length;
  }

  /** Deletes the owned row of `table` named `name`, if any (a foreign row is an error); returns whether one was found. */
  deleteNamed(table: NbControllerTable | (string & {}), name: string): boolean {
    const rows = this.db.allByName(table, name);
    const row = rows.find((r) => this.db.owns(r));
    if (!row) {
      if (rows[0]) throw new ForeignRowError(table, name, rows[0]["_uuid"] as string);
      return false;
    }
    this.remove(table, row);
    return true;
  }
}

function normalizeFor(db: ControlledDb, table: string, column: string, v: unknown): Datum {
  if (v === undefined) return undefined;
  return normalize(db.column(table, column).type, v, table, column);
}

/** The value a row has in `column` when it was created without it (absent columns of an older schema: undefined). */
function defaultOf(db: ControlledDb, table: string, column: string): Datum {
  return db.has(table, column) ? defaultDatum(db.column(table, column).type) : undefined;
}

/** A key part as comparable JSON: optional values as their atom, sets sorted. */
function normalizeKey(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 1 ? v[0] : [...(v as Atom[])].sort();
  if (v instanceof Map) return [...v.entries()].sort();
  return v ?? null;
}
