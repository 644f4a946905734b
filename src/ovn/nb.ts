/**
 * The OVN Northbound logical-network API: switches and ports (fixed IP/MAC, `dynamic`, localnet
 * with a VLAN tag), DHCP options, routers, router ports, static routes, policies, NAT, gateway
 * chassis and HA chassis groups, ACLs, port groups, address sets, load balancers, QoS, mirrors and
 * BFD, as short typed calls.
 *
 * Every call adds operations to an {@link NbTransaction}; nothing is sent until
 * {@link NbTransaction.commit}. Calls read what they need through an {@link NbReader} (one
 * `select` per lookup by default, a replica later), see the objects created or deleted earlier
 * in the same transaction, and are idempotent where `ovn-nbctl` offers `--may-exist` /
 * `--if-exists` (`mayExist` / `ifExists` here). Creations are guarded by `wait` operations
 * (RFC 7047 §5.2.6) so that a concurrent creation of the same name makes the commit fail instead
 * of creating a duplicate.
 *
 * @module
 */
import { model, type Row, type TableName, type Tables } from "../ovsdb/models/ovn-nb.js";
import type { TransactClient } from "../ovsdb/model/model.js";
import type { NamedRef, Ref, RowUuid } from "../ovsdb/model/types.js";
import type { Operation, OperationResult } from "../ovsdb/wire/operations.js";
import { isUuid } from "../ovsdb/wire/notation.js";
import { TimedOut } from "../ovsdb/wire/errors.js";
import {
  OvnAlreadyExistsError,
  OvnAmbiguousNameError,
  OvnConcurrentChangeError,
  OvnConflictError,
  OvnInvalidArgumentError,
  OvnNotFoundError,
  OvnTransactionStateError,
  type OvnContainer,
  type OvnObjectKind,
} from "./errors.js";
import { type NbReader, type NbWhere, readByUuid, replicaReader, selectReader } from "./reader.js";
import { startNbReplica } from "./nb-replica.js";
import { OvsdbClient } from "../ovsdb/client/client.js";
import type { Replica } from "../ovsdb/cache/replica.js";
import { PendingView } from "./pending-view.js";
import { checkIp, checkIpWithPrefix, checkMac, ipFamily, normalizePrefix, parsePrefix } from "./net.js";
import type { GuardedTable, TxContext } from "./tx-context.js";
import * as dns from "./dns.js";
import type { DnsOptions, DnsRecords } from "./dns.js";
import * as lbGroup from "./lb-group.js";
import type { LbGroupOptions } from "./lb-group.js";
import * as fwdGroup from "./fwd-group.js";
import type { FwdGroupEntry, FwdGroupOptions } from "./fwd-group.js";
import * as copp from "./copp.js";
import type { CoppProtocol } from "./copp.js";
import * as ipv6Ra from "./ipv6-ra.js";
import * as updates from "./updates.js";
import type { LoadBalancerSettings, MapChange, NatSettings, RouterPortSettings } from "./updates.js";
export type { LoadBalancerSettings, MapChange, NatSettings, RouterPortSettings } from "./updates.js";
import type { Ipv6RaConfig } from "./ipv6-ra.js";

import type { StringMap } from "./nb-types.js";
import { sameKeys, sameOr, sameSet, setText } from "./conflicts.js";
import { type AclTarget, NbReads } from "./nb-reads.js";
export type { StringMap } from "./nb-types.js";
export type { AclTarget, ExternalIdsTable } from "./nb-reads.js";

/** Options of creating calls. */
export interface CreateOptions {
  /** Do nothing when an equal object already exists (`--may-exist`). */
  readonly mayExist?: boolean;
}

/** Options of deleting calls. */
export interface DeleteOptions {
  /** Do nothing when the object does not exist (`--if-exists`). */
  readonly ifExists?: boolean;
}

/** A subnet's IPAM settings on a logical switch (OVN's own IPAM: `other_config`). */
export interface SwitchSubnet {
  /** IPv4 CIDR (`other_config:subnet`), IPv6 CIDR (`other_config:ipv6_prefix`), or both separated by a comma. */
  readonly cidr: string;
  /** Addresses or ranges (`a..b`) that OVN must not assign (`other_config:exclude_ips`). */
  readonly excludeIps?: readonly string[];
  /** Only assign MACs (`other_config:mac_only`). */
  readonly macOnly?: boolean;
}

/** Options of {@link NbTransaction.lsAdd}. */
export interface SwitchOptions extends CreateOptions {
  /** OVN IPAM settings (for `dynamic` addresses). */
  readonly subnet?: SwitchSubnet;
  /** More `other_config` keys. */
  readonly otherConfig?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Settable fields of a logical switch port. */
export interface PortSettings {
  /** `addresses`: `"MAC IP..."`, `"dynamic"`, `"router"`, `"unknown"`. */
  readonly addresses?: readonly string[];
  /** `port_security`: `"MAC IP..."` entries. */
  readonly portSecurity?: readonly string[];
  /** `type`: `""` (a VIF), `"router"`, `"localnet"`, `"localport"`, `"patch"`, ... */
  readonly type?: string;
  /** `options` (replaces the map). */
  readonly options?: StringMap;
  /** `external_ids` (replaces the map). */
  readonly externalIds?: StringMap;
  /** `enabled`. */
  readonly enabled?: boolean;
  /** `dhcpv4_options`. */
  readonly dhcpv4Options?: Ref<"DHCP_Options"> | null;
  /** `dhcpv6_options`. */
  readonly dhcpv6Options?: Ref<"DHCP_Options"> | null;
  /** `ha_chassis_group`. */
  readonly haChassisGroup?: Ref<"HA_Chassis_Group"> | null;
}

/** Options of {@link NbTransaction.lspAdd}. */
export interface PortOptions extends CreateOptions, PortSettings {
  /** `parent_name` (a container port nested in a VIF). */
  readonly parent?: string;
  /** `tag_request`: the VLAN tag (with `parent`), or a localnet port's VLAN (without). */
  readonly tag?: number;
}

/** Options of {@link NbTransaction.lrpAdd}. */
export interface RouterPortOptions extends CreateOptions {
  /** `peer`: the peer router port (router-to-router links). */
  readonly peer?: string;
  /** `options`. */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Options of {@link NbTransaction.lrRouteAdd}. */
export interface RouteOptions extends CreateOptions {
  /** `policy` (default `dst-ip`). */
  readonly policy?: "dst-ip" | "src-ip";
  /** `output_port`. */
  readonly outputPort?: string;
  /** Add another next hop for the same prefix (ECMP) instead of failing/replacing. */
  readonly ecmp?: boolean;
  /** `route_table`. */
  readonly routeTable?: string;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Which routes {@link NbTransaction.lrRouteDel} deletes: every given field must match. */
export interface RouteFilter extends DeleteOptions {
  /** The prefix. */
  readonly prefix?: string;
  /** The next hop. */
  readonly nexthop?: string;
  /** The output port. */
  readonly outputPort?: string;
  /** The policy. */
  readonly policy?: "dst-ip" | "src-ip";
  /** The route table (`""` is the main one). */
  readonly routeTable?: string;
}

/** A routing policy's action. */
export type PolicyAction = "allow" | "drop" | "reroute";

/** Options of {@link NbTransaction.lrPolicyAdd}. */
export interface PolicyOptions extends CreateOptions {
  /** Next hops of a `reroute`. */
  readonly nexthops?: readonly string[];
  /** `options` (e.g. `pkt_mark`). */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** A NAT type. */
export type NatType = "snat" | "dnat" | "dnat_and_snat";

/** Options of {@link NbTransaction.lrNatAdd}. */
export interface NatOptions extends CreateOptions {
  /** `logical_port` (a distributed `dnat_and_snat`). */
  readonly logicalPort?: string;
  /** `external_mac` (with `logicalPort`). */
  readonly externalMac?: string;
  /** `options` (e.g. `stateless`). */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Which NATs {@link NbTransaction.lrNatDel} deletes. */
export interface NatFilter extends DeleteOptions {
  /** The type. */
  readonly type?: NatType;
  /** The external IP (for dnat/dnat_and_snat) or the logical IP (for snat), as ovn-nbctl keys them. */
  readonly ip?: string;
}


/** An ACL direction. */
export type AclDirection = "from-lport" | "to-lport";
/** An ACL verdict. */
export type AclAction = Row<"ACL">["action"];
/** An ACL log severity. */
export type AclSeverity = NonNullable<Row<"ACL">["severity"]>;

/** Options of {@link NbTransaction.aclAdd}. */
export interface AclOptions extends CreateOptions {
  /** Log packets that match (`log`). */
  readonly log?: boolean;
  /** `name` (shown in logs). */
  readonly name?: string;
  /** `severity`. */
  readonly severity?: AclSeverity;
  /** `meter` (rate-limits logging). */
  readonly meter?: string;
  /** `label`. */
  readonly label?: number;
  /** `options` (e.g. `apply-after-lb`). */
  readonly options?: StringMap;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Which ACLs {@link NbTransaction.aclDel} deletes: every given field must match. */
export interface AclFilter {
  /** The direction. */
  readonly direction?: AclDirection;
  /** The priority (with `match`). */
  readonly priority?: number;
  /** The match (with `priority`). */
  readonly match?: string;
}

/** A load balancer protocol. */
export type LbProtocol = "tcp" | "udp" | "sctp";

/** Options of {@link NbTransaction.lbAdd}. */
export interface LoadBalancerOptions extends CreateOptions {
  /** `protocol` (default tcp, as ovn-nbctl sets it; it only matters for VIPs with a port). */
  readonly protocol?: LbProtocol;
  /** `options`. */
  readonly options?: StringMap;
  /** `selection_fields`. */
  readonly selectionFields?: Row<"Load_Balancer">["selection_fields"];
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Options of {@link NbTransaction.qosAdd}. */
export interface QosOptions extends CreateOptions {
  /** Bandwidth limit in kbps (`bandwidth:rate`). */
  readonly rate?: number;
  /** Burst in kbits (`bandwidth:burst`). */
  readonly burst?: number;
  /** DSCP marking (`action:dscp`). */
  readonly dscp?: number;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** Options of {@link NbTransaction.mirrorAdd}. */
export interface MirrorOptions extends CreateOptions {
  /** Tunnel type. */
  readonly type: "gre" | "erspan";
  /** Tunnel key / ERSPAN index. */
  readonly index: number;
  /** Mirrored direction. */
  readonly filter: "from-lport" | "to-lport";
  /** The remote IP. */
  readonly sink: string;
}

/** Options of {@link NbTransaction.bfdAdd}. */
export interface BfdOptions extends CreateOptions {
  /** `min_tx` (ms). */
  readonly minTx?: number;
  /** `min_rx` (ms). */
  readonly minRx?: number;
  /** `detect_mult`. */
  readonly detectMult?: number;
}

/** Options of {@link NbTransaction.commit}. */
export interface CommitOptions {
  /**
   * After committing, wait until ovn-northd has processed the change into the Southbound DB
   * (`sb`) or until every chassis has applied it (`hv`), as `ovn-nbctl --wait`.
   */
  readonly wait?: "none" | "sb" | "hv";
  /** Milliseconds to wait for `wait` (default 30 s). */
  readonly timeoutMs?: number;
}

/** What a commit returns. */
export interface CommitResult {
  /** The raw results, one per operation. */
  readonly results: readonly OperationResult[];
  /** The real UUID of a row created in the transaction (by the ref a call returned), or the ref itself when it already was a UUID. */
  uuid<N extends string>(ref: Ref<N>): RowUuid<N>;
}

/** A `Map` from a plain object, dropping undefined values. */
function map(o: StringMap | undefined): StringMap {
  return o ?? {};
}

function checkPriority(p: number, max: number, what = "priority"): number {
  if (!Number.isInteger(p) || p < 0 || p > max) throw new OvnInvalidArgumentError(what, String(p), `must be an integer in 0..${max}`);
  return p;
}

function eqSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/**
 * One Northbound transaction under construction. Obtain it from {@link OvnNb.transaction}; call
 * the object methods (each reads what it needs and appends operations), then
 * {@link NbTransaction.commit}. {@link NbTransaction.operations} gives the operations to send
 * yourself, together with others.
 */
export class NbTransaction extends NbReads {
  private readonly ops: Operation[] = [];
  /** The database as this transaction will leave it: every lookup reads through it. */
  private readonly view: PendingView;
  private state: "open" | "committing" | "done" = "open";

  /**
   * @param client sends the commit; @param reader answers lookups; @param visible which of the
   * transaction's own operations its lookups see (default: all, see {@link OvnNbOptions.visible}).
   */
  constructor(
    private readonly client: TransactClient,
    private readonly reader: NbReader,
    visible?: (op: Operation) => boolean,
  ) {
    super();
    this.view = new PendingView(visible);
  }

  protected override readRows<N extends TableName>(table: N, where?: NbWhere<N>): Promise<Row<N>[]> {
    return this.view.find(this.reader, table, where);
  }

  protected override readUuids<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
    return this.view.get(this.reader, table, uuids);
  }

  /** The operations added so far (RFC 7047 §5.2), in order. */
  operations(): readonly Operation[] {
    return this.ops;
  }

  /** Appends operations of your own (built with `OVN_Northbound.model`), to commit with the rest. */
  add(...ops: Operation[]): this {
    this.open();
    this.emit(...ops);
    return this;
  }

  /** Queues operations and records their effect in the pending view, so that later lookups see them. */
  private emit(...ops: Operation[]): void {
    for (const op of ops) {
      this.view.apply(op);
      this.ops.push(op);
    }
  }

  /** The ref of a row named `name` created in `table` earlier in this transaction (and not deleted since), if any. */
  pendingRef(table: TableName, name: string): NamedRef<string> | undefined {
    const row = this.view.insertedNamed(table, name);
    return row ? (row["_uuid"] as NamedRef<string>) : undefined;
  }

  private open(): void {
    if (this.state !== "open") throw new OvnTransactionStateError("this NB transaction was already committed; start a new one");
  }

  // ---------------------------------------------------------------- lookups

  /** Rows of `table` matching `where`, as this transaction leaves them (its deletes hidden, its inserts and updates seen). */
  private async rows<N extends TableName>(table: N, where: NbWhere<N>): Promise<Row<N>[]> {
    return this.view.find(this.reader, table, where);
  }

  /** Rows of `table` by UUID (or uuid-name), as this transaction leaves them. */
  private async byUuid<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
    return this.view.get(this.reader, table, uuids);
  }

  /**
   * Finds a named object (by name, or by UUID) as this transaction leaves it: rows created earlier
   * in it are found, rows deleted in it are not. With `withRow` false only the reference is read
   * (`row` is then undefined for committed rows).
   */
  private async lookup<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow = true): Promise<{ ref: Ref<N>; row: Row<N> | undefined } | undefined> {
    if (isUuid(name)) {
      const byId = await this.byUuid(table, [name]);
      if (byId[0]) return { ref: byId[0]._uuid as Ref<N>, row: byId[0] };
    }
    if (!withRow) {
      const ids = await this.view.ids(this.reader, table, { name } as unknown as NbWhere<N>);
      if (ids.length > 1) throw new OvnAmbiguousNameError(kind, name, ids.length);
      return ids[0] ? { ref: ids[0] as Ref<N>, row: undefined } : undefined;
    }
    const rows = await this.rows(table, { name } as unknown as NbWhere<N>);
    if (rows.length > 1) throw new OvnAmbiguousNameError(kind, name, rows.length);
    const row = rows[0];
    return row ? { ref: row._uuid as Ref<N>, row } : undefined;
  }

  private async need<N extends TableName>(kind: OvnObjectKind, table: N, name: string, withRow = true): Promise<{ ref: Ref<N>; row: Row<N> | undefined }> {
    const found = await this.lookup(kind, table, name, withRow);
    if (!found) throw new OvnNotFoundError(kind, name);
    return found;
  }

  /** Guards a creation: the commit fails if a row named `name` appeared in `table` meanwhile. */
  private guardAbsent(table: "Logical_Switch" | "Logical_Switch_Port" | "Logical_Router" | "Logical_Router_Port" | "Port_Group" | "Address_Set" | "Load_Balancer" | GuardedTable, name: string): void {
    // A row of that name deleted earlier in this transaction still exists until the commit.
    if (this.view.deletedName(table, name)) return;
    this.emit(model.table(table).wait({ name }, { columns: ["name"], until: "==", rows: [], timeout: 0 }) as Operation);
  }

  // ---------------------------------------------------------------- switches

  /** Adds logical switch `name` (`ls-add`), with OVN IPAM settings and `external_ids`. */
  async lsAdd(name: string, options: SwitchOptions = {}): Promise<Ref<"Logical_Switch">> {
    this.open();
    const found = await this.lookup("logical switch", "Logical_Switch", name);
    const otherConfig: Record<string, string> = { ...map(options.otherConfig) };
    if (options.subnet) Object.assign(otherConfig, subnetConfig(options.subnet));
    if (found) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("logical switch", name);
      const row = found.row!;
      sameKeys("logical switch", name, row._uuid, "other_config", row.other_config, otherConfig);
      sameKeys("logical switch", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
      return found.ref;
    }
    const op = model.table("Logical_Switch").insert({ name, other_config: otherConfig, external_ids: map(options.externalIds) });
    this.guardAbsent("Logical_Switch", name);
    this.emit(op);
    return op.ref;
  }

  /** Deletes logical switch `name` and, with it, its ports (`ls-del`). */
  async lsDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("logical switch", "Logical_Switch", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("logical switch", name);
    }
    this.emit(model.table("Logical_Switch").delete({ _uuid: found.ref }));
  }

  /**
   * Updates `other_config` / `external_ids` keys of switch `name` (merged into the existing maps);
   * `removeOtherConfig` / `removeExternalIds` remove keys.
   */
  async lsSet(
    name: string,
    settings: {
      readonly subnet?: SwitchSubnet;
      readonly otherConfig?: StringMap;
      readonly externalIds?: StringMap;
      readonly removeOtherConfig?: readonly string[];
      readonly removeExternalIds?: readonly string[];
    },
  ): Promise<void> {
    this.open();
    const { ref } = await this.need("logical switch", "Logical_Switch", name, false);
    if (settings.removeOtherConfig?.length) this.emit(...updates.mapChangeOps("Logical_Switch", ref, "other_config", { remove: settings.removeOtherConfig }));
    if (settings.removeExternalIds?.length) this.emit(...updates.mapChangeOps("Logical_Switch", ref, "external_ids", { remove: settings.removeExternalIds }));
    const oc: Record<string, string> = { ...map(settings.otherConfig), ...(settings.subnet ? subnetConfig(settings.subnet) : {}) };
    const LS = model.table("Logical_Switch");
    if (Object.keys(oc).length > 0) {
      this.emit(LS.mutate({ _uuid: ref }, [["other_config", "delete", Object.keys(oc)]]));
      this.emit(LS.mutate({ _uuid: ref }, [["other_config", "insert", oc]]));
    }
    if (settings.externalIds) {
      this.emit(LS.mutate({ _uuid: ref }, [["external_ids", "delete", Object.keys(settings.externalIds)]]));
      this.emit(LS.mutate({ _uuid: ref }, [["external_ids", "insert", settings.externalIds]]));
    }
  }

  // ---------------------------------------------------------------- switch ports

  /** The switch that holds port `port` (by reference), if any. */
  private async switchOf(port: Ref<"Logical_Switch_Port">): Promise<string | undefined> {
    const sws = await this.rows("Logical_Switch", [["ports", "includes", [port]]]);
    return sws[0]?.name;
  }

  /**
   * Adds port `name` to switch `sw` (`lsp-add`) with its settings: fixed `"MAC IP"` addresses or
   * `["dynamic"]`, port security, type, options, VLAN tag, external ids. With `mayExist`, an
   * existing port of that name on the same switch is left as is; on another switch it is an error.
   */
  async lspAdd(sw: string, name: string, options: PortOptions = {}): Promise<Ref<"Logical_Switch_Port">> {
    this.open();
    // Both lookups in flight at once: one round trip.
    const [s, existing] = await Promise.all([
      this.need("logical switch", "Logical_Switch", sw, false),
      this.lookup("logical switch port", "Logical_Switch_Port", name),
    ]);
    const on: OvnContainer = { kind: "switch", name: sw };
    if (existing) {
      // Usually the port is on the switch asked: test that switch's ports before searching.
      const sRow = s.row ?? (await this.byUuid("Logical_Switch", [s.ref]))[0];
      const owner = sRow?.ports.includes(existing.ref as RowUuid<"Logical_Switch_Port">) ? sRow.name : await this.switchOf(existing.ref);
      if (owner !== undefined && owner !== sw && !(isUuid(sw) && (await this.reader.ids("Logical_Switch", { name: owner }))[0] === sw)) {
        throw new OvnConflictError({ kind: "container", object: "logical switch port", name, field: "switch", existing: owner, requested: sw });
      }
      if (!options.mayExist) throw new OvnAlreadyExistsError("logical switch port", name, on);
      const row = existing.row!;
      const L = "logical switch port";
      // ovn-nbctl refuses another parent (none included) even when none is asked.
      if ((options.parent ?? undefined) !== row.parent_name) throw new OvnConflictError({ kind: "setting", object: L, name, field: "parent_name", existing: row.parent_name, requested: options.parent, uuid: row._uuid });
      sameOr(L, name, row._uuid, "tag_request", row.tag_request?.toString(), options.tag?.toString());
      sameSet(L, name, row._uuid, "addresses", row.addresses, options.addresses);
      sameSet(L, name, row._uuid, "port_security", row.port_security, options.portSecurity);
      sameOr(L, name, row._uuid, "type", row.type, options.type);
      sameKeys(L, name, row._uuid, "options", row.options, options.options);
      sameKeys(L, name, row._uuid, "external_ids", row.external_ids, options.externalIds);
      sameOr(L, name, row._uuid, "enabled", row.enabled === undefined ? undefined : String(row.enabled), options.enabled === undefined ? undefined : String(options.enabled));
      sameOr(L, name, row._uuid, "dhcpv4_options", row.dhcpv4_options, options.dhcpv4Options ?? undefined);
      sameOr(L, name, row._uuid, "dhcpv6_options", row.dhcpv6_options, options.dhcpv6Options ?? undefined);
      sameOr(L, name, row._uuid, "ha_chassis_group", row.ha_chassis_group, options.haChassisGroup ?? undefined);
      return existing.ref;
    }
    if (options.tag !== undefined) checkPriority(options.tag, 4095, "VLAN tag");
    const op = model.table("Logical_Switch_Port").insert({
      name,
      ...(options.parent !== undefined ? { parent_name: options.parent } : {}),
      ...(options.tag !== undefined ? { tag_request: options.tag } : {}),
      ...portRow(options),
    });
    this.guardAbsent("Logical_Switch_Port", name);
    this.emit(op, model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["ports", "insert", [op.ref]]]));
    return op.ref;
  }

  /** Adds a localnet port (underlay access to physical network `network`, VLAN `vlan` when given) to switch `sw`. */
  async localnetPortAdd(sw: string, name: string, network: string, options: CreateOptions & { readonly vlan?: number } = {}): Promise<Ref<"Logical_Switch_Port">> {
    return this.lspAdd(sw, name, {
      ...(options.mayExist ? { mayExist: true } : {}),
      ...(options.vlan !== undefined ? { tag: options.vlan } : {}),
      type: "localnet",
      addresses: ["unknown"],
      options: { network_name: network },
    });
  }

  /** Changes settings of port `name` (`lsp-set-*`); only the given fields change. */
  async lspSet(name: string, settings: PortSettings): Promise<void> {
    this.open();
    const { ref } = await this.need("logical switch port", "Logical_Switch_Port", name);
    const row = portRow(settings);
    const clear: ("dhcpv4_options" | "dhcpv6_options" | "ha_chassis_group")[] = [];
    if (settings.dhcpv4Options === null) clear.push("dhcpv4_options");
    if (settings.dhcpv6Options === null) clear.push("dhcpv6_options");
    if (settings.haChassisGroup === null) clear.push("ha_chassis_group");
    const LSP = model.table("Logical_Switch_Port");
    if (Object.keys(row).length > 0) this.emit(LSP.update({ _uuid: ref }, row));
    for (const c of clear) this.emit(LSP.update({ _uuid: ref }, { [c]: undefined }));
  }

  /** Deletes port `name` from its switch (`lsp-del`). */
  async lspDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("logical switch port", "Logical_Switch_Port", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("logical switch port", name);
    }
    // Removing the reference from the switch makes OVSDB garbage-collect the port (non-root table).
    this.emit(model.table("Logical_Switch").mutate([["ports", "includes", [found.ref]]], [["ports", "delete", [found.ref]]]));
    this.emit(model.table("Port_Group").mutate([["ports", "includes", [found.ref]]], [["ports", "delete", [found.ref]]]));
  }

  // ---------------------------------------------------------------- DHCP

  /**
   * Creates or updates the DHCP options of `cidr` identified by `externalIds` (Kube-OVN keys them
   * by switch and protocol there): an existing row with the same cidr and those external ids is
   * updated, else one is created. Returns its ref, for {@link PortSettings.dhcpv4Options}.
   */
  async dhcpOptionsEnsure(cidr: string, options: StringMap, externalIds: StringMap = {}): Promise<Ref<"DHCP_Options">> {
    this.open();
    parsePrefix(cidr, "DHCP cidr");
    const D = model.table("DHCP_Options");
    const rows = await this.rows("DHCP_Options", [["cidr", "==", cidr], ["external_ids", "includes", externalIds]]);
    const row = rows[0];
    if (row) {
      this.emit(D.update({ _uuid: row._uuid }, { options, external_ids: externalIds }));
      return row._uuid;
    }
    const op = D.insert({ cidr, options, external_ids: externalIds });
    this.emit(op);
    return op.ref;
  }

  // ---------------------------------------------------------------- routers

  /** Adds logical router `name` (`lr-add`). */
  async lrAdd(name: string, options: CreateOptions & { readonly options?: StringMap; readonly externalIds?: StringMap } = {}): Promise<Ref<"Logical_Router">> {
    this.open();
    const found = await this.lookup("logical router", "Logical_Router", name);
    if (found) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("logical router", name);
      const row = found.row!;
      sameKeys("logical router", name, row._uuid, "options", row.options, options.options);
      sameKeys("logical router", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
      return found.ref;
    }
    const op = model.table("Logical_Router").insert({ name, options: map(options.options), external_ids: map(options.externalIds) });
    this.guardAbsent("Logical_Router", name);
    this.emit(op);
    return op.ref;
  }

  /** Deletes logical router `name` with its ports, routes, policies and NATs (`lr-del`). */
  async lrDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("logical router", "Logical_Router", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("logical router", name);
    }
    this.emit(model.table("Logical_Router").delete({ _uuid: found.ref }));
  }

  private async routerOf(port: Ref<"Logical_Router_Port">): Promise<string | undefined> {
    const lrs = await this.rows("Logical_Router", [["ports", "includes", [port]]]);
    return lrs[0]?.name;
  }

  /** Adds router port `name` with `mac` and `networks` (`IP/LEN`) to router `router` (`lrp-add`). */
  async lrpAdd(router: string, name: string, mac: string, networks: readonly string[], options: RouterPortOptions = {}): Promise<Ref<"Logical_Router_Port">> {
    this.open();
    checkMac(mac);
    if (networks.length === 0) throw new OvnInvalidArgumentError("networks", "", "a router port needs at least one network");
    for (const n of networks) checkIpWithPrefix(n);
    const r = await this.need("logical router", "Logical_Router", router);
    const existing = await this.lookup("logical router port", "Logical_Router_Port", name);
    if (existing) {
      const owner = await this.routerOf(existing.ref);
      if (owner !== undefined && owner !== router && owner !== r.row?.name) {
        throw new OvnConflictError({ kind: "container", object: "logical router port", name, field: "router", existing: owner, requested: router });
      }
      if (!options.mayExist) throw new OvnAlreadyExistsError("logical router port", name, { kind: "router", name: router });
      const row = existing.row!;
      const L = "logical router port";
      sameOr(L, name, row._uuid, "mac", row.mac.toLowerCase(), mac.toLowerCase());
      if (!eqSet(row.networks, networks)) sameOr(L, name, row._uuid, "networks", setText(row.networks), setText(networks));
      // As ovn-nbctl: another peer (none included) is a conflict even when none is asked.
      if ((row.peer ?? undefined) !== options.peer) throw new OvnConflictError({ kind: "setting", object: L, name, field: "peer", existing: row.peer, requested: options.peer, uuid: row._uuid });
      sameKeys(L, name, row._uuid, "options", row.options, options.options);
      sameKeys(L, name, row._uuid, "external_ids", row.external_ids, options.externalIds);
      return existing.ref;
    }
    const op = model.table("Logical_Router_Port").insert({
      name,
      mac,
      networks,
      ...(options.peer !== undefined ? { peer: options.peer } : {}),
      options: map(options.options),
      external_ids: map(options.externalIds),
    });
    this.guardAbsent("Logical_Router_Port", name);
    this.emit(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["ports", "insert", [op.ref]]]));
    return op.ref;
  }

  /** Deletes router port `name` (`lrp-del`). */
  async lrpDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("logical router port", "Logical_Router_Port", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("logical router port", name);
    }
    this.emit(model.table("Logical_Router").mutate([["ports", "includes", [found.ref]]], [["ports", "delete", [found.ref]]]));
  }

  /**
   * Connects switch `sw` to router `router`: router port `lrpName` (`mac`, `networks`) and, on the
   * switch, port `lspName` of type `router` with `addresses` `router` (as Kube-OVN connects a
   * subnet to its VPC router). Idempotent with `mayExist`.
   */
  async connectSwitchToRouter(
    sw: string,
    router: string,
    ports: { readonly lrpName: string; readonly lspName: string; readonly mac: string; readonly networks: readonly string[] },
    options: CreateOptions = {},
  ): Promise<void> {
    await this.lrpAdd(router, ports.lrpName, ports.mac, ports.networks, options);
    await this.lspAdd(sw, ports.lspName, {
      ...options,
      type: "router",
      addresses: ["router"],
      options: { "router-port": ports.lrpName },
    });
  }

  /** Makes `lrp` a distributed gateway port scheduled on `chassis` with `priority` (`lrp-set-gateway-chassis`). */
  async lrpSetGatewayChassis(lrp: string, chassis: string, priority = 0): Promise<void> {
    this.open();
    checkPriority(priority, 32767);
    const p = await this.need("logical router port", "Logical_Router_Port", lrp);
    const gcName = `${lrp}-${chassis}`;
    const GC = model.table("Gateway_Chassis");
    if (p.row && p.row.gateway_chassis.length > 0) {
      const gcs = await this.rows("Gateway_Chassis", [["name", "==", gcName]]);
      const mine = gcs.find((g) => p.row!.gateway_chassis.includes(g._uuid));
      if (mine) {
        this.emit(GC.update({ _uuid: mine._uuid }, { priority }));
        return;
      }
    }
    const op = GC.insert({ name: gcName, chassis_name: chassis, priority });
    this.emit(op, model.table("Logical_Router_Port").mutate({ _uuid: p.ref }, [["gateway_chassis", "insert", [op.ref]]]));
  }

  /** Removes `chassis` from the gateway chassis of `lrp` (`lrp-del-gateway-chassis`). */
  async lrpDelGatewayChassis(lrp: string, chassis: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const p = await this.need("logical router port", "Logical_Router_Port", lrp);
    const gcs = p.row ? await this.rows("Gateway_Chassis", [["chassis_name", "==", chassis]]) : [];
    const mine = gcs.filter((g) => p.row!.gateway_chassis.includes(g._uuid));
    if (mine.length === 0) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("gateway chassis", chassis, { kind: "router port", name: lrp });
    }
    this.emit(model.table("Logical_Router_Port").mutate({ _uuid: p.ref }, [["gateway_chassis", "delete", mine.map((g) => g._uuid)]]));
  }

  /** Adds HA chassis group `name` (`ha-chassis-group-add`). */
  async haChassisGroupAdd(name: string, options: CreateOptions = {}): Promise<Ref<"HA_Chassis_Group">> {
    this.open();
    const found = await this.lookup("HA chassis group", "HA_Chassis_Group", name);
    if (found) {
      if (options.mayExist) return found.ref;
      throw new OvnAlreadyExistsError("HA chassis group", name);
    }
    const op = model.table("HA_Chassis_Group").insert({ name });
    this.emit(op);
    return op.ref;
  }

  /** Adds (or re-prioritizes) `chassis` in HA chassis group `group` (`ha-chassis-group-add-chassis`). */
  async haChassisGroupAddChassis(group: string, chassis: string, priority: number): Promise<void> {
    this.open();
    checkPriority(priority, 32767);
    const g = await this.need("HA chassis group", "HA_Chassis_Group", group);
    if (g.row) {
      const has = await this.rows("HA_Chassis", [["chassis_name", "==", chassis]]);
      const mine = has.find((h) => g.row!.ha_chassis.includes(h._uuid));
      if (mine) {
        this.emit(model.table("HA_Chassis").update({ _uuid: mine._uuid }, { priority }));
        return;
      }
    }
    const op = model.table("HA_Chassis").insert({ chassis_name: chassis, priority });
    this.emit(op, model.table("HA_Chassis_Group").mutate({ _uuid: g.ref }, [["ha_chassis", "insert", [op.ref]]]));
  }

  /** Deletes HA chassis group `name` (`ha-chassis-group-del`). */
  async haChassisGroupDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("HA chassis group", "HA_Chassis_Group", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("HA chassis group", name);
    }
    this.emit(model.table("HA_Chassis_Group").delete({ _uuid: found.ref }));
  }

  /** Sets (or clears, with null) the HA chassis group of router port `lrp` (centralized gateway). */
  async lrpSetHaChassisGroup(lrp: string, group: string | null): Promise<void> {
    this.open();
    const p = await this.need("logical router port", "Logical_Router_Port", lrp);
    if (group === null) {
      this.emit(model.table("Logical_Router_Port").update({ _uuid: p.ref }, { ha_chassis_group: undefined }));
      return;
    }
    const g = await this.need("HA chassis group", "HA_Chassis_Group", group);
    this.emit(model.table("Logical_Router_Port").update({ _uuid: p.ref }, { ha_chassis_group: g.ref }));
  }

  // ---------------------------------------------------------------- routes, policies, NAT

  private async routerRows<C extends "static_routes" | "policies" | "nat", N extends "Logical_Router_Static_Route" | "Logical_Router_Policy" | "NAT">(
    r: { ref: Ref<"Logical_Router">; row: Row<"Logical_Router"> | undefined },
    column: C,
    table: N,
  ): Promise<Row<N>[]> {
    const row = r.row ?? (await this.byUuid("Logical_Router", [r.ref]))[0];
    if (!row || row[column].length === 0) return [];
    return this.byUuid(table, row[column]);
  }

  /**
   * Adds a static route `prefix` via `nexthop` to `router` (`lr-route-add`). With `mayExist`, an
   * existing route for the same prefix and policy gets the new next hop; with `ecmp`, another next
   * hop is added.
   */
  async lrRouteAdd(router: string, prefix: string, nexthop: string, options: RouteOptions = {}): Promise<Ref<"Logical_Router_Static_Route">> {
    this.open();
    const ipPrefix = normalizePrefix(prefix, "route prefix");
    const hop = nexthop === "discard" ? nexthop : checkIp(nexthop, "next hop");
    if (hop !== "discard" && ipFamily(hop) !== parsePrefix(prefix).family) throw new OvnInvalidArgumentError("next hop", hop, `address family differs from prefix ${prefix}`);
    const r = await this.need("logical router", "Logical_Router", router);
    const policy = options.policy ?? "dst-ip";
    const table = options.routeTable ?? "";
    const routes = (await this.routerRows(r, "static_routes", "Logical_Router_Static_Route")).filter(
      (x) => x.ip_prefix === ipPrefix && (x.policy ?? "dst-ip") === policy && x.route_table === table,
    );
    const SR = model.table("Logical_Router_Static_Route");
    if (routes.length > 0) {
      const same = routes.find((x) => x.nexthop === hop && (x.output_port ?? undefined) === options.outputPort);
      if (same && (options.mayExist || options.ecmp)) return same._uuid;
      if (!options.ecmp) {
        if (!options.mayExist) throw new OvnAlreadyExistsError("static route", `${ipPrefix} (${policy})`, { kind: "router", name: router });
        // Another next hop (or output port) for this prefix: create-if-absent cannot apply. An
        // output port not asked is not compared.
        const first = routes.find((x) => x.nexthop === hop) ?? routes[0]!;
        const what = `${ipPrefix} (${policy})`;
        sameOr("static route", what, first._uuid, "nexthop", first.nexthop, hop);
        sameOr("static route", what, first._uuid, "output_port", first.output_port, options.outputPort);
        return first._uuid;
      }
    }
    const op = SR.insert({
      ip_prefix: ipPrefix,
      nexthop: hop,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.outputPort !== undefined ? { output_port: options.outputPort } : {}),
      route_table: table,
      external_ids: map(options.externalIds),
    });
    this.emit(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["static_routes", "insert", [op.ref]]]));
    return op.ref;
  }

  /** Deletes the static routes of `router` matching `filter` (all of them when empty) (`lr-route-del`). */
  async lrRouteDel(router: string, filter: RouteFilter = {}): Promise<number> {
    this.open();
    const r = await this.need("logical router", "Logical_Router", router);
    const prefix = filter.prefix !== undefined ? normalizePrefix(filter.prefix, "route prefix") : undefined;
    const gone = (await this.routerRows(r, "static_routes", "Logical_Router_Static_Route")).filter(
      (x) =>
        (prefix === undefined || x.ip_prefix === prefix) &&
        (filter.nexthop === undefined || x.nexthop === filter.nexthop) &&
        (filter.outputPort === undefined || x.output_port === filter.outputPort) &&
        (filter.policy === undefined || (x.policy ?? "dst-ip") === filter.policy) &&
        (filter.routeTable === undefined || x.route_table === filter.routeTable),
    );
    if (gone.length === 0 && prefix !== undefined && !filter.ifExists) throw new OvnNotFoundError("static route", prefix, { kind: "router", name: router });
    if (gone.length > 0) this.emit(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["static_routes", "delete", gone.map((x) => x._uuid)]]));
    return gone.length;
  }

  /** Adds a routing policy to `router` (`lr-policy-add`); the same priority and match twice is an error unless `mayExist`. */
  async lrPolicyAdd(router: string, priority: number, match: string, action: PolicyAction, options: PolicyOptions = {}): Promise<Ref<"Logical_Router_Policy">> {
    this.open();
    checkPriority(priority, 32767);
    if (action === "reroute" && (options.nexthops ?? []).length === 0) throw new OvnInvalidArgumentError("routing policy", match, "reroute needs at least one next hop");
    for (const h of options.nexthops ?? []) checkIp(h, "next hop");
    const r = await this.need("logical router", "Logical_Router", router);
    const same = (await this.routerRows(r, "policies", "Logical_Router_Policy")).find((x) => x.priority === priority && x.match === match);
    if (same) {
      const what = `${priority} ${match}`;
      if (!options.mayExist) throw new OvnAlreadyExistsError("routing policy", what, { kind: "router", name: router });
      sameOr("routing policy", what, same._uuid, "action", same.action, action);
      sameSet("routing policy", what, same._uuid, "nexthops", same.nexthops, options.nexthops);
      sameKeys("routing policy", what, same._uuid, "options", same.options, options.options);
      sameKeys("routing policy", what, same._uuid, "external_ids", same.external_ids, options.externalIds);
      return same._uuid;
    }
    const op = model.table("Logical_Router_Policy").insert({
      priority,
      match,
      action,
      nexthops: options.nexthops ?? [],
      options: map(options.options),
      external_ids: map(options.externalIds),
    });
    this.emit(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["policies", "insert", [op.ref]]]));
    return op.ref;
  }

  /** Deletes policies of `router`: all, those of `priority`, or the one with `priority` and `match` (`lr-policy-del`). */
  async lrPolicyDel(router: string, filter: { readonly priority?: number; readonly match?: string } & DeleteOptions = {}): Promise<number> {
    this.open();
    const r = await this.need("logical router", "Logical_Router", router);
    const gone = (await this.routerRows(r, "policies", "Logical_Router_Policy")).filter(
      (x) => (filter.priority === undefined || x.priority === filter.priority) && (filter.match === undefined || x.match === filter.match),
    );
    if (gone.length === 0 && filter.priority !== undefined && !filter.ifExists) throw new OvnNotFoundError("routing policy", `${filter.priority} ${filter.match ?? ""}`.trim(), { kind: "router", name: router });
    if (gone.length > 0) this.emit(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["policies", "delete", gone.map((x) => x._uuid)]]));
    return gone.length;
  }

  /**
   * Adds a NAT rule to `router` (`lr-nat-add`): `snat` of `logicalIp` (an IP or CIDR) to
   * `externalIp`, `dnat` or `dnat_and_snat` (an EIP) of `externalIp` to `logicalIp`. With
   * `mayExist`, a rule with the same key (logical IP for snat, external IP otherwise) is updated.
   */
  async lrNatAdd(router: string, type: NatType, externalIp: string, logicalIp: string, options: NatOptions = {}): Promise<Ref<"NAT">> {
    this.open();
    checkIp(externalIp, "external IP");
    const logical = type === "snat" ? normalizePrefix(logicalIp, "logical IP") : checkIp(logicalIp, "logical IP");
    if (ipFamily(externalIp) !== ipFamily(logical)) throw new OvnInvalidArgumentError("logical IP", logicalIp, `address family differs from external IP ${externalIp}`);
    if (options.logicalPort !== undefined && type !== "dnat_and_snat") throw new OvnInvalidArgumentError("logical port", options.logicalPort, "only dnat_and_snat rules take a logical port");
    if ((options.logicalPort === undefined) !== (options.externalMac === undefined)) throw new OvnInvalidArgumentError("NAT", externalIp, "logical port and external MAC go together");
    const mac = options.externalMac !== undefined ? checkMac(options.externalMac, "external MAC") : undefined;
    const r = await this.need("logical router", "Logical_Router", router);
    const nats = await this.routerRows(r, "nat", "NAT");
    const same = nats.find((x) => x.type === type && (type === "snat" ? x.logical_ip === logical : x.external_ip === externalIp));
    const N = model.table("NAT");
    const row = {
      type,
      external_ip: externalIp,
      logical_ip: logical,
      ...(options.logicalPort !== undefined ? { logical_port: options.logicalPort } : {}),
      ...(mac !== undefined ? { external_mac: mac } : {}),
      options: map(options.options),
      external_ids: map(options.externalIds),
    };
    if (same) {
      const what = type === "snat" ? logical : externalIp;
      if (!options.mayExist) throw new OvnAlreadyExistsError("NAT", `${type} ${what}`, { kind: "router", name: router });
      const id = `${type} ${what}`;
      sameOr("NAT", id, same._uuid, "external_ip", same.external_ip, externalIp);
      sameOr("NAT", id, same._uuid, "logical_ip", same.logical_ip, logical);
      sameOr("NAT", id, same._uuid, "logical_port", same.logical_port, options.logicalPort);
      sameOr("NAT", id, same._uuid, "external_mac", same.external_mac?.toLowerCase(), mac?.toLowerCase());
      sameKeys("NAT", id, same._uuid, "options", same.options, options.options);
      sameKeys("NAT", id, same._uuid, "external_ids", same.external_ids, options.externalIds);
      return same._uuid;
    }
    const op = N.insert(row);
    this.emit(op, model.table("Logical_Router").mutate({ _uuid: r.ref }, [["nat", "insert", [op.ref]]]));
    return op.ref;
  }

  /** Deletes NAT rules of `router`: all, those of `type`, or the one of `type` keyed by `ip` (`lr-nat-del`). */
  async lrNatDel(router: string, filter: NatFilter = {}): Promise<number> {
    this.open();
    const r = await this.need("logical router", "Logical_Router", router);
    const ip = filter.ip;
    const gone = (await this.routerRows(r, "nat", "NAT")).filter(
      (x) => (filter.type === undefined || x.type === filter.type) && (ip === undefined || (x.type === "snat" ? x.logical_ip === normalizePrefix(ip) : x.external_ip === ip)),
    );
    if (gone.length === 0 && ip !== undefined && !filter.ifExists) throw new OvnNotFoundError("NAT", `${filter.type ?? ""} ${ip}`.trim(), { kind: "router", name: router });
    if (gone.length > 0) this.emit(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["nat", "delete", gone.map((x) => x._uuid)]]));
    return gone.length;
  }

  // ---------------------------------------------------------------- ACLs

  private async aclOwner(target: AclTarget): Promise<{ table: "Logical_Switch" | "Port_Group"; ref: Ref<string>; acls: readonly string[]; label: OvnContainer }> {
    if ("switch" in target) {
      const s = await this.need("logical switch", "Logical_Switch", target.switch);
      return { table: "Logical_Switch", ref: s.ref, acls: s.row?.acls ?? [], label: { kind: "switch", name: target.switch } };
    }
    const g = await this.need("port group", "Port_Group", target.portGroup);
    return { table: "Port_Group", ref: g.ref, acls: g.row?.acls ?? [], label: { kind: "port group", name: target.portGroup } };
  }

  private async aclsOf(owner: { acls: readonly string[] }): Promise<Row<"ACL">[]> {
    return this.byUuid("ACL", owner.acls);
  }

  /**
   * Adds an ACL to a switch or port group (`acl-add`): `direction`, `priority` (0..32767),
   * `match`, `action`, logging with name/severity/meter. An ACL with the same direction, priority
   * and match is an error unless `mayExist` (then nothing changes).
   */
  async aclAdd(target: AclTarget, direction: AclDirection, priority: number, match: string, action: AclAction, options: AclOptions = {}): Promise<Ref<"ACL">> {
    this.open();
    checkPriority(priority, 32767);
    const owner = await this.aclOwner(target);
    const same = (await this.aclsOf(owner)).find((a) => a.direction === direction && a.priority === priority && a.match === match);
    if (same) {
      const what = `${direction} ${priority} ${match}`;
      if (!options.mayExist) throw new OvnAlreadyExistsError("ACL", what, owner.label);
      sameOr("ACL", what, same._uuid, "action", same.action, action);
      sameOr("ACL", what, same._uuid, "log", String(same.log), options.log === undefined ? undefined : String(options.log));
      sameOr("ACL", what, same._uuid, "name", same.name, options.name);
      sameOr("ACL", what, same._uuid, "severity", same.severity, options.severity);
      sameOr("ACL", what, same._uuid, "meter", same.meter, options.meter);
      sameOr("ACL", what, same._uuid, "label", String(same.label), options.label === undefined ? undefined : String(options.label));
      sameKeys("ACL", what, same._uuid, "options", same.options, options.options);
      sameKeys("ACL", what, same._uuid, "external_ids", same.external_ids, options.externalIds);
      return same._uuid;
    }
    const op = model.table("ACL").insert({
      direction,
      priority,
      match,
      action,
      log: options.log ?? false,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.severity !== undefined ? { severity: options.severity } : {}),
      ...(options.meter !== undefined ? { meter: options.meter } : {}),
      ...(options.label !== undefined ? { label: options.label } : {}),
      options: map(options.options),
      external_ids: map(options.externalIds),
    });
    this.emit(op);
    this.emit(
      owner.table === "Logical_Switch"
        ? model.table("Logical_Switch").mutate({ _uuid: owner.ref as Ref<"Logical_Switch"> }, [["acls", "insert", [op.ref]]])
        : model.table("Port_Group").mutate({ _uuid: owner.ref as Ref<"Port_Group"> }, [["acls", "insert", [op.ref]]]),
    );
    return op.ref;
  }

  /** Deletes the ACLs of a switch or port group matching `filter` (all when empty) (`acl-del`). */
  async aclDel(target: AclTarget, filter: AclFilter = {}): Promise<number> {
    this.open();
    if ((filter.priority === undefined) !== (filter.match === undefined)) throw new OvnInvalidArgumentError("ACL filter", JSON.stringify(filter), "priority and match go together");
    const owner = await this.aclOwner(target);
    const gone = (await this.aclsOf(owner)).filter(
      (a) => (filter.direction === undefined || a.direction === filter.direction) && (filter.priority === undefined || (a.priority === filter.priority && a.match === filter.match)),
    );
    if (gone.length > 0) {
      const ids = gone.map((a) => a._uuid);
      this.emit(
        owner.table === "Logical_Switch"
          ? model.table("Logical_Switch").mutate({ _uuid: owner.ref as Ref<"Logical_Switch"> }, [["acls", "delete", ids]])
          : model.table("Port_Group").mutate({ _uuid: owner.ref as Ref<"Port_Group"> }, [["acls", "delete", ids]]),
      );
    }
    return gone.length;
  }

  // ---------------------------------------------------------------- port groups and address sets

  private async portRefs(ports: readonly string[]): Promise<Ref<"Logical_Switch_Port">[]> {
    return Promise.all(ports.map(async (p) => (this.isRef(p) ? (p as Ref<"Logical_Switch_Port">) : (await this.need("logical switch port", "Logical_Switch_Port", p, false)).ref)));
  }

  /** Adds port group `name` with `ports` (`pg-add`). */
  async pgAdd(name: string, ports: readonly string[] = [], options: CreateOptions & { readonly externalIds?: StringMap } = {}): Promise<Ref<"Port_Group">> {
    this.open();
    const [found, refs] = await Promise.all([this.lookup("port group", "Port_Group", name), this.portRefs(ports)]);
    if (found) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("port group", name);
      const row = found.row!;
      // Ports given (a non-empty list) are compared as a set.
      if (ports.length > 0) sameSet("port group", name, row._uuid, "ports", row.ports, refs);
      sameKeys("port group", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
      return found.ref;
    }
    const op = model.table("Port_Group").insert({ name, ports: refs, external_ids: map(options.externalIds) });
    this.guardAbsent("Port_Group", name);
    this.emit(op);
    return op.ref;
  }

  /** Deletes port group `name` (`pg-del`). */
  async pgDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("port group", "Port_Group", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("port group", name);
    }
    this.emit(model.table("Port_Group").delete({ _uuid: found.ref }));
  }

  /** Replaces the ports of port group `name` (`pg-set-ports`). */
  async pgSetPorts(name: string, ports: readonly string[]): Promise<void> {
    this.open();
    const g = await this.need("port group", "Port_Group", name, false);
    this.emit(model.table("Port_Group").update({ _uuid: g.ref }, { ports: await this.portRefs(ports) }));
  }

  /** Adds ports to port group `name` (no-op for members), as Kube-OVN does per pod. */
  async pgAddPorts(name: string, ports: readonly (string | Ref<"Logical_Switch_Port">)[]): Promise<void> {
    this.open();
    const g = await this.need("port group", "Port_Group", name, false);
    const refs: Ref<"Logical_Switch_Port">[] = [];
    for (const p of ports) refs.push(typeof p === "string" && !this.isRef(p) ? (await this.need("logical switch port", "Logical_Switch_Port", p, false)).ref : (p as Ref<"Logical_Switch_Port">));
    this.emit(model.table("Port_Group").mutate({ _uuid: g.ref }, [["ports", "insert", refs]]));
  }

  /** Removes ports from port group `name`. */
  async pgRemovePorts(name: string, ports: readonly string[]): Promise<void> {
    this.open();
    const g = await this.need("port group", "Port_Group", name);
    const refs: Ref<"Logical_Switch_Port">[] = [];
    for (const p of ports) {
      const f = await this.lookup("logical switch port", "Logical_Switch_Port", p);
      if (f) refs.push(f.ref);
    }
    if (refs.length > 0) this.emit(model.table("Port_Group").mutate({ _uuid: g.ref }, [["ports", "delete", refs]]));
  }

  /** Whether `s` is the uuid-name of a row inserted earlier in this transaction. */
  private isRef(s: string): boolean {
    return !isUuid(s) && this.view.isInserted(s);
  }

  /** Adds address set `name` (addresses are IPs or CIDRs). With `mayExist`, the addresses of an existing set are replaced. */
  async addressSetAdd(name: string, addresses: readonly string[], options: CreateOptions & { readonly externalIds?: StringMap } = {}): Promise<Ref<"Address_Set">> {
    this.open();
    for (const a of addresses) parsePrefix(a, "address");
    const found = await this.lookup("address set", "Address_Set", name);
    if (found) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("address set", name);
      const row = found.row!;
      sameSet("address set", name, row._uuid, "addresses", row.addresses, addresses);
      sameKeys("address set", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
      return found.ref;
    }
    const op = model.table("Address_Set").insert({ name, addresses, external_ids: map(options.externalIds) });
    this.guardAbsent("Address_Set", name);
    this.emit(op);
    return op.ref;
  }

  /** Adds and removes addresses of address set `name`. */
  async addressSetUpdate(name: string, change: { readonly add?: readonly string[]; readonly remove?: readonly string[] }): Promise<void> {
    this.open();
    const s = await this.need("address set", "Address_Set", name);
    const AS = model.table("Address_Set");
    if (change.remove?.length) this.emit(AS.mutate({ _uuid: s.ref }, [["addresses", "delete", change.remove]]));
    if (change.add?.length) {
      for (const a of change.add) parsePrefix(a, "address");
      this.emit(AS.mutate({ _uuid: s.ref }, [["addresses", "insert", change.add]]));
    }
  }

  /** Deletes address set `name`. */
  async addressSetDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("address set", "Address_Set", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("address set", name);
    }
    this.emit(model.table("Address_Set").delete({ _uuid: found.ref }));
  }

  // ---------------------------------------------------------------- load balancers

  /**
   * Adds VIP `vip` (`IP` or `IP:PORT`, `[IPv6]:PORT`) with `backends` to load balancer `name`,
   * creating it when needed (`lb-add`). An existing VIP is an error unless `mayExist` (then its
   * backends are replaced).
   */
  async lbAdd(name: string, vip: string, backends: readonly string[], options: LoadBalancerOptions = {}): Promise<Ref<"Load_Balancer">> {
    this.open();
    const v = parseLbEndpoint(vip, "VIP");
    for (const b of backends) {
      const e = parseLbEndpoint(b, "backend");
      if (e.family !== v.family) throw new OvnInvalidArgumentError("backend", b, `address family differs from VIP ${vip}`);
      if ((e.port === undefined) !== (v.port === undefined)) throw new OvnInvalidArgumentError("backend", b, "VIP and backends must all have ports or none");
    }
    if (options.protocol && v.port === undefined) throw new OvnInvalidArgumentError("VIP", vip, "a protocol needs a port");
    const ips = backends.join(",");
    const found = await this.lookup("load balancer", "Load_Balancer", name);
    const LB = model.table("Load_Balancer");
    if (found) {
      const has = found.row?.vips.has(vip) ?? false;
      if (has && !options.mayExist) throw new OvnAlreadyExistsError("load balancer VIP", vip, { kind: "load balancer", name });
      if (found.row && options.protocol && (found.row.protocol ?? "tcp") !== options.protocol) {
        throw new OvnConflictError({ kind: "setting", object: "load balancer", name, field: "protocol", existing: found.row.protocol ?? "tcp", requested: options.protocol, uuid: found.row._uuid });
      }
      if (has) {
        // mayExist: the VIP is there; other backends are a conflict, not a silent replacement.
        sameOr("load balancer", name, found.row!._uuid, `vips:${vip}`, found.row!.vips.get(vip), ips);
        return found.ref;
      }
      this.emit(LB.mutate({ _uuid: found.ref }, [["vips", "insert", { [vip]: ips }]]));
      return found.ref;
    }
    const op = LB.insert({
      name,
      vips: { [vip]: ips },
      protocol: options.protocol ?? "tcp",
      options: map(options.options),
      ...(options.selectionFields ? { selection_fields: options.selectionFields } : {}),
      external_ids: map(options.externalIds),
    });
    this.guardAbsent("Load_Balancer", name);
    this.emit(op);
    return op.ref;
  }

  /** Deletes load balancer `name`, or only its `vip` (`lb-del`). */
  async lbDel(name: string, options: DeleteOptions & { readonly vip?: string } = {}): Promise<void> {
    this.open();
    const found = await this.lookup("load balancer", "Load_Balancer", name);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("load balancer", name);
    }
    const LB = model.table("Load_Balancer");
    if (options.vip !== undefined) {
      if (found.row && !found.row.vips.has(options.vip)) {
        if (options.ifExists) return;
        throw new OvnNotFoundError("load balancer VIP", options.vip, { kind: "load balancer", name });
      }
      this.emit(LB.mutate({ _uuid: found.ref }, [["vips", "delete", [options.vip]]]));
      return;
    }
    this.emit(LB.delete({ _uuid: found.ref }));
  }

  /** Attaches load balancer `lb` to switch `sw` (`ls-lb-add`; idempotent). */
  async lsLbAdd(sw: string, lb: string): Promise<void> {
    this.open();
    const s = await this.need("logical switch", "Logical_Switch", sw, false);
    const l = await this.need("load balancer", "Load_Balancer", lb, false);
    this.emit(model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["load_balancer", "insert", [l.ref]]]));
  }

  /** Detaches load balancer `lb` from switch `sw` (`ls-lb-del`). */
  async lsLbDel(sw: string, lb: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const s = await this.need("logical switch", "Logical_Switch", sw);
    const l = await this.lookup("load balancer", "Load_Balancer", lb);
    if (!l || (s.row && !s.row.load_balancer.includes(l.ref as RowUuid<"Load_Balancer">))) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("load balancer", lb, { kind: "switch", name: sw });
    }
    this.emit(model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["load_balancer", "delete", [l.ref]]]));
  }

  /** Attaches load balancer `lb` to router `router` (`lr-lb-add`; idempotent). */
  async lrLbAdd(router: string, lb: string): Promise<void> {
    this.open();
    const r = await this.need("logical router", "Logical_Router", router, false);
    const l = await this.need("load balancer", "Load_Balancer", lb, false);
    this.emit(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["load_balancer", "insert", [l.ref]]]));
  }

  /** Detaches load balancer `lb` from router `router` (`lr-lb-del`). */
  async lrLbDel(router: string, lb: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const r = await this.need("logical router", "Logical_Router", router);
    const l = await this.lookup("load balancer", "Load_Balancer", lb);
    if (!l || (r.row && !r.row.load_balancer.includes(l.ref as RowUuid<"Load_Balancer">))) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("load balancer", lb, { kind: "router", name: router });
    }
    this.emit(model.table("Logical_Router").mutate({ _uuid: r.ref }, [["load_balancer", "delete", [l.ref]]]));
  }

  /**
   * Adds a health check for `vip` of load balancer `lb` (`options`: interval, timeout,
   * success_count, failure_count) and the backend → `logical_port:source_ip` mappings it needs.
   */
  async lbHealthCheckAdd(lb: string, vip: string, options: StringMap, ipPortMappings: StringMap = {}): Promise<Ref<"Load_Balancer_Health_Check">> {
    this.open();
    const l = await this.need("load balancer", "Load_Balancer", lb);
    const op = model.table("Load_Balancer_Health_Check").insert({ vip, options });
    const LB = model.table("Load_Balancer");
    this.emit(op, LB.mutate({ _uuid: l.ref }, [["health_check", "insert", [op.ref]]]));
    if (Object.keys(ipPortMappings).length > 0) {
      this.emit(LB.mutate({ _uuid: l.ref }, [["ip_port_mappings", "delete", Object.keys(ipPortMappings)]]));
      this.emit(LB.mutate({ _uuid: l.ref }, [["ip_port_mappings", "insert", ipPortMappings]]));
    }
    return op.ref;
  }

  // ---------------------------------------------------------------- QoS, mirrors, BFD

  /** Adds a QoS rule (bandwidth limit and/or DSCP marking) to switch `sw` (`qos-add`). */
  async qosAdd(sw: string, direction: AclDirection, priority: number, match: string, options: QosOptions): Promise<Ref<"QoS">> {
    this.open();
    checkPriority(priority, 32767);
    if (options.rate === undefined && options.dscp === undefined) throw new OvnInvalidArgumentError("QoS rule", match, "needs a rate or a DSCP value");
    if (options.burst !== undefined && options.rate === undefined) throw new OvnInvalidArgumentError("QoS rule", match, "a burst needs a rate");
    const s = await this.need("logical switch", "Logical_Switch", sw);
    if (s.row && s.row.qos_rules.length > 0) {
      const same = (await this.byUuid("QoS", s.row.qos_rules)).find((q) => q.direction === direction && q.priority === priority && q.match === match);
      if (same) {
        const what = `${direction} ${priority} ${match}`;
        if (!options.mayExist) throw new OvnAlreadyExistsError("QoS rule", what, { kind: "switch", name: sw });
        const str = (v: number | undefined) => (v === undefined ? undefined : String(v));
        sameOr("QoS rule", what, same._uuid, "bandwidth:rate", str(same.bandwidth.get("rate")), str(options.rate));
        sameOr("QoS rule", what, same._uuid, "bandwidth:burst", str(same.bandwidth.get("burst")), str(options.burst));
        sameOr("QoS rule", what, same._uuid, "action:dscp", str(same.action.get("dscp")), str(options.dscp));
        sameKeys("QoS rule", what, same._uuid, "external_ids", same.external_ids, options.externalIds);
        return same._uuid;
      }
    }
    const bandwidth = new Map<"rate" | "burst", number>();
    if (options.rate !== undefined) bandwidth.set("rate", options.rate);
    if (options.burst !== undefined) bandwidth.set("burst", options.burst);
    const action = new Map<"dscp", number>();
    if (options.dscp !== undefined) action.set("dscp", options.dscp);
    const op = model.table("QoS").insert({ direction, priority, match, bandwidth, action, external_ids: map(options.externalIds) });
    this.emit(op, model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["qos_rules", "insert", [op.ref]]]));
    return op.ref;
  }

  /** Deletes QoS rules of switch `sw` (all, of a direction, or one by direction/priority/match) (`qos-del`). */
  async qosDel(sw: string, filter: AclFilter = {}): Promise<number> {
    this.open();
    const s = await this.need("logical switch", "Logical_Switch", sw);
    if (!s.row || s.row.qos_rules.length === 0) return 0;
    const gone = (await this.byUuid("QoS", s.row.qos_rules)).filter(
      (q) =>
        (filter.direction === undefined || q.direction === filter.direction) &&
        (filter.priority === undefined || q.priority === filter.priority) &&
        (filter.match === undefined || q.match === filter.match),
    );
    if (gone.length > 0) this.emit(model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["qos_rules", "delete", gone.map((q) => q._uuid)]]));
    return gone.length;
  }

  /** Adds mirror `name` (`mirror-add`). */
  async mirrorAdd(name: string, options: MirrorOptions): Promise<Ref<"Mirror">> {
    this.open();
    checkIp(options.sink, "mirror sink");
    const found = await this.lookup("mirror", "Mirror", name);
    if (found) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("mirror", name);
      const row = found.row!;
      sameOr("mirror", name, row._uuid, "type", row.type, options.type);
      sameOr("mirror", name, row._uuid, "index", String(row.index), String(options.index));
      sameOr("mirror", name, row._uuid, "filter", row.filter, options.filter);
      sameOr("mirror", name, row._uuid, "sink", row.sink, options.sink);
      return found.ref;
    }
    const op = model.table("Mirror").insert({ name, type: options.type, index: options.index, filter: options.filter, sink: options.sink });
    this.emit(op);
    return op.ref;
  }

  /** Attaches mirror `mirror` to port `lsp` (`lsp-attach-mirror`). */
  async lspAttachMirror(lsp: string, mirror: string): Promise<void> {
    this.open();
    const p = await this.need("logical switch port", "Logical_Switch_Port", lsp);
    const m = await this.need("mirror", "Mirror", mirror);
    this.emit(model.table("Logical_Switch_Port").mutate({ _uuid: p.ref }, [["mirror_rules", "insert", [m.ref]]]));
  }

  /** Detaches mirror `mirror` from port `lsp` (`lsp-detach-mirror`). */
  async lspDetachMirror(lsp: string, mirror: string): Promise<void> {
    this.open();
    const p = await this.need("logical switch port", "Logical_Switch_Port", lsp, false);
    const m = await this.need("mirror", "Mirror", mirror, false);
    this.emit(model.table("Logical_Switch_Port").mutate({ _uuid: p.ref }, [["mirror_rules", "delete", [m.ref]]]));
  }

  /** Deletes mirror `name` and detaches it from every port (`mirror-del`). */
  async mirrorDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("mirror", "Mirror", name, false);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("mirror", name);
    }
    this.emit(
      model.table("Logical_Switch_Port").mutate([["mirror_rules", "includes", [found.ref]]], [["mirror_rules", "delete", [found.ref]]]),
      model.table("Mirror").delete({ _uuid: found.ref }),
    );
  }

  /** Adds a BFD session from router port `logicalPort` to `dstIp` (idempotent on that pair with `mayExist`). */
  async bfdAdd(logicalPort: string, dstIp: string, options: BfdOptions = {}): Promise<Ref<"BFD">> {
    this.open();
    checkIp(dstIp, "BFD peer");
    const same = (await this.rows("BFD", { logical_port: logicalPort, dst_ip: dstIp }))[0];
    if (same) {
      const what = `${logicalPort} ${dstIp}`;
      if (!options.mayExist) throw new OvnAlreadyExistsError("BFD session", what);
      const str = (v: number | undefined) => (v === undefined ? undefined : String(v));
      sameOr("BFD session", what, same._uuid, "min_tx", str(same.min_tx), str(options.minTx));
      sameOr("BFD session", what, same._uuid, "min_rx", str(same.min_rx), str(options.minRx));
      sameOr("BFD session", what, same._uuid, "detect_mult", str(same.detect_mult), str(options.detectMult));
      return same._uuid;
    }
    const op = model.table("BFD").insert({
      logical_port: logicalPort,
      dst_ip: dstIp,
      ...(options.minTx !== undefined ? { min_tx: options.minTx } : {}),
      ...(options.minRx !== undefined ? { min_rx: options.minRx } : {}),
      ...(options.detectMult !== undefined ? { detect_mult: options.detectMult } : {}),
    });
    this.emit(op);
    return op.ref;
  }

  /**
   * Adds meter `name` (`meter-add`): one `drop` band of `rate` in `unit` (with `burst`), e.g. to
   * rate-limit ACL logging (`aclAdd(..., { log: true, meter: name })`).
   */
  async meterAdd(name: string, rate: number, unit: "kbps" | "pktps", options: CreateOptions & { readonly burst?: number; readonly fair?: boolean } = {}): Promise<Ref<"Meter">> {
    this.open();
    if (!Number.isInteger(rate) || rate < 1 || rate > 4294967295) throw new OvnInvalidArgumentError("meter rate", String(rate), "must be an integer in 1..4294967295");
    if (options.burst !== undefined && (!Number.isInteger(options.burst) || options.burst < 0 || options.burst > 4294967295)) throw new OvnInvalidArgumentError("meter burst", String(options.burst), "must be an integer in 0..4294967295");
    const found = await this.lookup("meter", "Meter", name);
    if (found) {
      if (!options.mayExist) throw new OvnAlreadyExistsError("meter", name);
      const row = found.row!;
      sameOr("meter", name, row._uuid, "unit", row.unit, unit);
      sameOr("meter", name, row._uuid, "fair", row.fair === undefined ? undefined : String(row.fair), options.fair === undefined ? undefined : String(options.fair));
      const bands = await this.byUuid("Meter_Band", row.bands);
      sameSet("meter", name, row._uuid, "bands", bands.map((b) => `${b.action}:${b.rate}:${b.burst_size}`), [`drop:${rate}:${options.burst ?? 0}`]);
      return found.ref;
    }
    const band = model.table("Meter_Band").insert({ action: "drop", rate, burst_size: options.burst ?? 0 });
    const op = model.table("Meter").insert({ name, unit, bands: [band.ref], ...(options.fair !== undefined ? { fair: options.fair } : {}) });
    this.emit(band, op);
    return op.ref;
  }

  /** Deletes meter `name` (`meter-del`). */
  async meterDel(name: string, options: DeleteOptions = {}): Promise<void> {
    this.open();
    const found = await this.lookup("meter", "Meter", name, false);
    if (!found) {
      if (options.ifExists) return;
      throw new OvnNotFoundError("meter", name);
    }
    this.emit(model.table("Meter").delete({ _uuid: found.ref }));
  }

  /**
   * Adds a static MAC binding (`Static_MAC_Binding`): `ip` on router port `logicalPort` is at
   * `mac`, so the router needs no ARP/ND for it (e.g. the underlay gateway of an external
   * network). With `mayExist`, an existing binding of that port and IP gets the new MAC.
   */
  async staticMacBindingAdd(logicalPort: string, ip: string, mac: string, options: CreateOptions & { readonly overrideDynamicMac?: boolean } = {}): Promise<Ref<"Static_MAC_Binding">> {
    this.open();
    checkIp(ip, "IP address");
    const m = checkMac(mac);
    const SMB = model.table("Static_MAC_Binding");
    const same = (await this.rows("Static_MAC_Binding", { logical_port: logicalPort, ip }))[0];
    if (same) {
      const what = `${logicalPort} ${ip}`;
      if (!options.mayExist) throw new OvnAlreadyExistsError("static MAC binding", what);
      sameOr("static MAC binding", what, same._uuid, "mac", same.mac.toLowerCase(), m.toLowerCase());
      sameOr("static MAC binding", what, same._uuid, "override_dynamic_mac", String(same.override_dynamic_mac), options.overrideDynamicMac === undefined ? undefined : String(options.overrideDynamicMac));
      return same._uuid;
    }
    const op = SMB.insert({ logical_port: logicalPort, ip, mac: m, override_dynamic_mac: options.overrideDynamicMac ?? false });
    this.emit(op);
    return op.ref;
  }

  // ---------------------------------------------------------------- commit

  /**
   * Sends the operations as one transaction; rejects with the server's typed error if anything
   * fails, and with {@link OvnConcurrentChangeError} when a `wait` guard fails (someone created
   * the same object, or changed a guarded row, concurrently; nothing was committed). With
   * `wait`, resolves only once ovn-northd (or every chassis) has caught up.
   */
  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    this.open();
    this.state = "committing";
    try {
      const wait = options.wait ?? "none";
      const ops: Operation[] = [...this.ops];
      if (wait !== "none") ops.push(...(await nbCfgBump(this.reader)));
      const results = ops.length === 0 ? [] : (await this.client.transact(model.name, ops).catch((e: unknown) => Promise.reject(concurrentChange(e, ops)))).results;
      const names = new Map<string, string>();
      ops.forEach((op, i) => {
        const r = results[i];
        if (op.op === "insert" && op["uuid-name"] && r && typeof r === "object" && "uuid" in r) names.set(op["uuid-name"], (r.uuid as readonly [string, string])[1]);
      });
      if (wait !== "none") {
        const target = nbCfgOf(results);
        if (target !== undefined) await waitNbCfg(this.reader, wait, target, options.timeoutMs ?? 30_000);
      }
      return {
        results,
        uuid<N extends string>(ref: Ref<N>): RowUuid<N> {
          const u = names.get(ref) ?? (isUuid(ref) ? ref : undefined);
          if (u === undefined) throw new OvnInvalidArgumentError("reference", ref, "not created in this transaction");
          return u as RowUuid<N>;
        },
      };
    } finally {
      this.state = "done";

    }
  }

  // ---------------------------------------------------------------- DNS, LB groups, forwarding groups, CoPP, IPv6 RA
  // Implemented in dns.ts, lb-group.ts, fwd-group.ts, copp.ts and ipv6-ra.ts over this context.

  /** The feature modules' view of this transaction (built once, on first use). */
  private txContext: TxContext | undefined;

  private get x(): TxContext {
    return (this.txContext ??= {
      open: () => this.open(),
      push: (...ops) => void this.emit(...ops),
      reader: this.reader,
      rows: (table, where) => this.rows(table, where),
      lookup: (kind, table, name, withRow) => this.lookup(kind, table, name, withRow),
      need: (kind, table, name, withRow) => this.need(kind, table, name, withRow),
      byUuid: (table, uuids) => this.byUuid(table, uuids),
      guardAbsent: (table, name) => this.guardAbsent(table, name),
      pendingRef: (table, name) => this.pendingRef(table, name),
      switchOf: (port) => this.switchOf(port),
    });
  }

  // ---------------------------------------------------------------- updates of existing objects
  // Implemented in updates.ts: map columns change per key (set / remove), never replaced whole.

  /** Changes router port `name`: MAC, networks, peer (null clears), options and external ids per key. */
  lrpSet(name: string, settings: RouterPortSettings): Promise<void> {
    return updates.lrpSet(this.x, name, settings);
  }

  /** Changes router `name`'s options and external ids, per key. */
  lrSet(name: string, settings: { readonly options?: MapChange; readonly externalIds?: MapChange }): Promise<void> {
    return updates.lrSet(this.x, name, settings);
  }

  /** Changes load balancer `name`: options per key (affinity timeout, hairpin SNAT IP, `ct_flush`, ...), `ip_port_mappings` per key, selection fields, protocol. */
  lbSet(name: string, settings: LoadBalancerSettings): Promise<void> {
    return updates.lbSet(this.x, name, settings);
  }

  /** Removes the health checks of `vip` from load balancer `lb`; resolves with how many went. */
  lbHealthCheckDel(lb: string, vip: string, options: DeleteOptions = {}): Promise<number> {
    return updates.lbHealthCheckDel(this.x, lb, vip, options);
  }

  /**
   * Changes the NAT rule of `router` keyed as `lrNatAdd` keys it (`type` and the logical IP for
   * snat, the external IP otherwise): distributed (logical port + external MAC) ↔ centralized
   * (`distributed: null`), addresses, options and external ids per key.
   */
  lrNatSet(router: string, type: NatType, ip: string, settings: NatSettings): Promise<void> {
    return updates.lrNatSet(this.x, router, type, ip, settings);
  }

  /** Replaces the bands of meter `name` with one `drop` band of `rate` (and `burst`), optionally changing its unit. */
  meterSetBand(name: string, rate: number, options: { readonly burst?: number; readonly unit?: "kbps" | "pktps" } = {}): Promise<void> {
    return updates.meterSetBand(this.x, name, rate, options);
  }

  /** Sets and removes keys of port `name`'s `options` (`requested-chassis`, `virtual-parents`, `arp_proxy`, ...), leaving the others. */
  lspSetOptions(name: string, change: MapChange): Promise<void> {
    return updates.lspMapChange(this.x, name, "options", change);
  }

  /** Sets and removes keys of port `name`'s `external_ids`, leaving the others. */
  lspSetExternalIds(name: string, change: MapChange): Promise<void> {
    return updates.lspMapChange(this.x, name, "external_ids", change);
  }

  /** Sets (or clears, with null) the VLAN tag (`tag_request`) of port `name`. */
  lspSetTag(name: string, tag: number | null): Promise<void> {
    return updates.lspSetTag(this.x, name, tag);
  }

  /** Sets and removes keys of `NB_Global`'s `options` and `external_ids`. */
  nbGlobalSet(settings: { readonly options?: MapChange; readonly externalIds?: MapChange }): Promise<void> {
    return updates.nbGlobalSet(this.x, settings);
  }

  /**
   * Adds DNS records `name` (kept in `external_ids:name`): query name → addresses, or a reverse
   * name → host name for PTR. With `mayExist`, an existing set's records are replaced.
   */
  dnsAdd(name: string, records: DnsRecords, options: DnsOptions = {}): Promise<Ref<"DNS">> {
    return dns.dnsAdd(this.x, name, records, options);
  }

  /** Sets (adds or replaces) and removes single records of DNS records `name`. */
  dnsUpdate(name: string, change: { readonly set?: DnsRecords; readonly remove?: readonly string[] }): Promise<void> {
    return dns.dnsUpdate(this.x, name, change);
  }

  /** Deletes DNS records `name` (switches holding them lose them too). */
  dnsDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return dns.dnsDel(this.x, name, options);
  }

  /** Reads DNS records `name` (or undefined; undefined too when created in this transaction). */
  dnsGet(name: string): Promise<Row<"DNS"> | undefined> {
    return dns.dnsGet(this.x, name);
  }

  /** Attaches DNS records `name` to switch `sw` (`Logical_Switch.dns_records`; idempotent). */
  lsDnsAdd(sw: string, name: string): Promise<void> {
    return dns.lsDnsAdd(this.x, sw, name);
  }

  /** Detaches DNS records `name` from switch `sw`. */
  lsDnsDel(sw: string, name: string, options: DeleteOptions = {}): Promise<void> {
    return dns.lsDnsDel(this.x, sw, name, options);
  }

  /** Adds load balancer group `name`, with `loadBalancers` as members. */
  lbGroupAdd(name: string, options: LbGroupOptions = {}): Promise<Ref<"Load_Balancer_Group">> {
    return lbGroup.lbGroupAdd(this.x, name, options);
  }

  /** Deletes load balancer group `name`, detaching it from every switch and router. */
  lbGroupDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupDel(this.x, name, options);
  }

  /** Adds load balancers to group `group` (members stay members). */
  lbGroupAddLb(group: string, lbs: readonly string[]): Promise<void> {
    return lbGroup.lbGroupAddLb(this.x, group, lbs);
  }

  /** Removes load balancers from group `group`. */
  lbGroupRemoveLb(group: string, lbs: readonly string[], options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupRemoveLb(this.x, group, lbs, options);
  }

  /** Reads load balancer group `name` (or undefined). */
  lbGroupGet(name: string): Promise<Row<"Load_Balancer_Group"> | undefined> {
    return lbGroup.lbGroupGet(this.x, name);
  }

  /** Attaches load balancer group `group` to switch `sw` (idempotent). */
  lsLbGroupAdd(sw: string, group: string): Promise<void> {
    return lbGroup.lbGroupAttach(this.x, { switch: sw }, group);
  }

  /** Detaches load balancer group `group` from switch `sw`. */
  lsLbGroupDel(sw: string, group: string, options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupDetach(this.x, { switch: sw }, group, options);
  }

  /** Attaches load balancer group `group` to router `router` (idempotent). */
  lrLbGroupAdd(router: string, group: string): Promise<void> {
    return lbGroup.lbGroupAttach(this.x, { router }, group);
  }

  /** Detaches load balancer group `group` from router `router`. */
  lrLbGroupDel(router: string, group: string, options: DeleteOptions = {}): Promise<void> {
    return lbGroup.lbGroupDetach(this.x, { router }, group, options);
  }

  /**
   * Adds forwarding group `name` on switch `sw` (`fwd-group-add`): IPv4 `vip` and `vmac`, spread
   * over child `ports` of that switch. With `mayExist`, an existing group on the same switch gets
   * these settings.
   */
  fwdGroupAdd(sw: string, name: string, vip: string, vmac: string, ports: readonly string[], options: FwdGroupOptions = {}): Promise<Ref<"Forwarding_Group">> {
    return fwdGroup.fwdGroupAdd(this.x, sw, name, vip, vmac, ports, options);
  }

  /** Deletes forwarding group `name` (`fwd-group-del`). */
  fwdGroupDel(name: string, options: DeleteOptions = {}): Promise<void> {
    return fwdGroup.fwdGroupDel(this.x, name, options);
  }

  /** The forwarding groups of switch `sw`, or of every switch, by name (`fwd-group-list`). */
  fwdGroupList(sw?: string): Promise<FwdGroupEntry[]> {
    return fwdGroup.fwdGroupList(this.x, sw);
  }

  /** Meters `proto` packets with `meter` in CoPP policy `name`, creating the policy when needed (`copp-add`). */
  coppAdd(name: string, proto: CoppProtocol, meter: string): Promise<Ref<"Copp">> {
    return copp.coppAdd(this.x, name, proto, meter);
  }

  /** Deletes CoPP policy `name`, or only its `proto` entry (`copp-del`); a policy left empty goes. */
  coppDel(name: string, proto?: CoppProtocol, options: DeleteOptions = {}): Promise<void> {
    return copp.coppDel(this.x, name, proto, options);
  }

  /** The protocol → meter entries of CoPP policy `name` (empty when it does not exist) (`copp-list`). */
  coppList(name: string): Promise<ReadonlyMap<string, string>> {
    return copp.coppList(this.x, name);
  }

  /** Applies CoPP policy `name` to switch `sw` (`ls-copp-add`). */
  lsCoppAdd(sw: string, name: string): Promise<void> {
    return copp.coppAttach(this.x, { switch: sw }, name);
  }

  /** Removes the CoPP policy of switch `sw`. */
  lsCoppDel(sw: string, options: DeleteOptions = {}): Promise<void> {
    return copp.coppDetach(this.x, { switch: sw }, options);
  }

  /** Applies CoPP policy `name` to router `router` (`lr-copp-add`). */
  lrCoppAdd(router: string, name: string): Promise<void> {
    return copp.coppAttach(this.x, { router }, name);
  }

  /** Removes the CoPP policy of router `router`. */
  lrCoppDel(router: string, options: DeleteOptions = {}): Promise<void> {
    return copp.coppDetach(this.x, { router }, options);
  }

  /**
   * Sets the IPv6 router advertisement settings of router port `lrp` (`ipv6_ra_configs`, replaced
   * whole), after validating them; the port needs an IPv6 network.
   */
  lrpSetIpv6Ra(lrp: string, config: Ipv6RaConfig): Promise<void> {
    return ipv6Ra.lrpSetIpv6Ra(this.x, lrp, config);
  }

  /** Clears the IPv6 router advertisement settings of router port `lrp` (no more RAs). */
  lrpClearIpv6Ra(lrp: string): Promise<void> {
    return ipv6Ra.lrpClearIpv6Ra(this.x, lrp);
  }
}

/** A failed `wait` guard (`TimedOut` on a `wait` operation) as an {@link OvnConcurrentChangeError}; other errors unchanged. */
function concurrentChange(e: unknown, ops: readonly Operation[]): unknown {
  if (!(e instanceof TimedOut) || e.operationIndex === undefined) return e;
  const op = ops[e.operationIndex];
  return op?.op === "wait" ? new OvnConcurrentChangeError(op.table, e.operationIndex, e) : e;
}

/** Operations that increment `NB_Global.nb_cfg` (inserting the row when missing) and read it back. */
async function nbCfgBump(reader: NbReader): Promise<Operation[]> {
  const G = model.table("NB_Global");
  const rows = await reader.find("NB_Global");
  const pre: Operation[] = rows.length === 0 ? [G.insert({})] : [];
  return [...pre, G.mutate([], [["nb_cfg", "+=", 1]]), G.select([], ["nb_cfg"])];
}

function nbCfgOf(results: readonly OperationResult[]): number | undefined {
  const last = results[results.length - 1];
  if (last && typeof last === "object" && "rows" in last && Array.isArray(last.rows)) {
    const v = (last.rows[0] as { nb_cfg?: unknown } | undefined)?.nb_cfg;
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}

async function waitNbCfg(reader: NbReader, wait: "sb" | "hv", target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = (await reader.find("NB_Global"))[0];
    const cfg = g ? (wait === "sb" ? g.sb_cfg : g.hv_cfg) : -1;
    if (cfg >= target) return;
    if (Date.now() > deadline) throw new OvnTransactionStateError(`timed out after ${timeoutMs} ms waiting for ${wait === "sb" ? "ovn-northd" : "the chassis"} to reach nb_cfg ${target}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `other_config` keys of OVN IPAM for a subnet. */
function subnetConfig(s: SwitchSubnet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of s.cidr.split(",").map((x) => x.trim())) {
    const p = parsePrefix(c, "subnet CIDR");
    if (p.family === 4) out["subnet"] = `${p.network}/${p.length}`;
    else out["ipv6_prefix"] = p.network;
  }
  if (s.excludeIps?.length) out["exclude_ips"] = s.excludeIps.join(" ");
  if (s.macOnly) out["mac_only"] = "true";
  return out;
}

function portRow(s: PortSettings): Record<string, unknown> & Parameters<ReturnType<typeof model.table<"Logical_Switch_Port">>["update"]>[1] {
  return {
    ...(s.addresses !== undefined ? { addresses: s.addresses.map(checkAddressEntry) } : {}),
    ...(s.portSecurity !== undefined ? { port_security: s.portSecurity } : {}),
    ...(s.type !== undefined ? { type: s.type } : {}),
    ...(s.options !== undefined ? { options: s.options } : {}),
    ...(s.externalIds !== undefined ? { external_ids: s.externalIds } : {}),
    ...(s.enabled !== undefined ? { enabled: s.enabled } : {}),
    ...(s.dhcpv4Options ? { dhcpv4_options: s.dhcpv4Options } : {}),
    ...(s.dhcpv6Options ? { dhcpv6_options: s.dhcpv6Options } : {}),
    ...(s.haChassisGroup ? { ha_chassis_group: s.haChassisGroup } : {}),
  };
}

/** Checks one `addresses` entry: `dynamic`, `router`, `unknown`, `MAC [IP...]`, `MAC dynamic`, `dynamic IP`. */
export function checkAddressEntry(entry: string): string {
  const words = entry.trim().split(/\s+/);
  const [first, ...rest] = words;
  if (first === undefined || first === "") throw new OvnInvalidArgumentError("address", entry, "empty");
  if (words.length === 1 && (first === "dynamic" || first === "router" || first === "unknown")) return entry;
  if (first === "dynamic") {
    for (const w of rest) checkIp(w, "address");
    return entry;
  }
  if (!isMacLike(first)) throw new OvnInvalidArgumentError("address", entry, "expected \"MAC [IP...]\", \"dynamic\", \"router\" or \"unknown\"");
  for (const w of rest) if (w !== "dynamic") checkIp(w.split("/")[0] ?? w, "address");
  return entry;
}

function isMacLike(s: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s);
}

/** A parsed load balancer endpoint. */
interface LbEndpoint {
  readonly ip: string;
  readonly port: number | undefined;
  readonly family: 4 | 6;
}

/** Parses `IP`, `IP:PORT`, `[IPv6]:PORT`; throws {@link OvnInvalidArgumentError}. */
function parseLbEndpoint(s: string, what: string): LbEndpoint {
  let ip = s;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    ip = v6[1]!;
    port = v6[2] !== undefined ? Number(v6[2]) : undefined;
  } else if (s.split(":").length === 2) {
    const [a, p] = s.split(":") as [string, string];
    ip = a;
    port = /^\d+$/.test(p) ? Number(p) : NaN;
  }
  const family = ipFamily(ip);
  if (family === undefined || ip.includes("/")) throw new OvnInvalidArgumentError(what, s, "expected IP, IP:PORT or [IPv6]:PORT");
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new OvnInvalidArgumentError(what, s, "port must be 1..65535");
  return { ip, port, family };
}

/** Options of {@link OvnNb}. */
export interface OvnNbOptions {
  /**
   * How lookups read the NB:
   * - `"replica"` (the default when the client is an `OvsdbClient`): an indexed replica of the NB
   *   (see {@link startNbReplica}), started on the first lookup on the same client, so lookups
   *   cost no round trip and commits are read-your-writes;
   * - `"select"` (the default otherwise): one `select` per lookup, for one-shot scripts;
   * - any {@link NbReader} (e.g. {@link replicaReader} over a replica of your own).
   */
  readonly reader?: NbReader | "replica" | "select";
  /**
   * Which of a transaction's own operations its lookups see (default: every one, so a call sees
   * what earlier calls of the transaction created, changed or deleted). `ovn-ts nbctl` narrows it
   * to what ovn-nbctl's IDL shows before a commit, with a reader that previews the rest.
   */
  readonly visible?: (op: Operation) => boolean;
}

/**
 * Entry point of the logical-network API over one NB connection (a real `ovsdb-server` or the
 * embedded server alike). Lookups read through an indexed replica of the NB by default (see
 * {@link OvnNbOptions.reader}); {@link OvnNb.close} stops it.
 *
 * ```ts
 * const nb = new OvnNb(client);
 * await nb.run(async (tx) => {
 *   await tx.lsAdd("subnet-a", { subnet: { cidr: "10.16.0.0/16", excludeIps: ["10.16.0.1"] } });
 *   await tx.lspAdd("subnet-a", "pod1.ns1", { addresses: ["0a:00:00:10:00:05 10.16.0.5"], portSecurity: ["0a:00:00:10:00:05 10.16.0.5"] });
 * });
 * ```
 */
export class OvnNb extends NbReads {
  /** The reader lookups use. */
  readonly reader: NbReader;
  private readonly visible: ((op: Operation) => boolean) | undefined;
  private started: Promise<Replica<Tables>> | undefined;

  /** @param client the NB connection (an `OvsdbClient`, or anything with `transact`). */
  constructor(
    readonly client: TransactClient,
    options: OvnNbOptions = {},
  ) {
    super();
    const r = options.reader ?? (client instanceof OvsdbClient ? "replica" : "select");
    if (r === "select") this.reader = selectReader(client);
    else if (r === "replica") {
      if (!(client instanceof OvsdbClient)) throw new OvnInvalidArgumentError("reader", "replica", "a replica needs an OvsdbClient (it monitors the database)");
      this.reader = lazyReader(() => this.replica().then(replicaReader));
    } else this.reader = r;
    this.visible = options.visible;
  }

  protected override async readRows<N extends TableName>(table: N, where?: NbWhere<N>): Promise<Row<N>[]> {
    return [...(await this.reader.find(table, where))];
  }

  protected override async readUuids<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]> {
    return [...(await readByUuid(this.reader, table, uuids))];
  }

  /**
   * The indexed replica lookups read through (with the default reader), started on the first
   * call; rejects when this `OvnNb` was given another reader.
   */
  replica(): Promise<Replica<Tables>> {
    if (!(this.client instanceof OvsdbClient)) return Promise.reject(new OvnInvalidArgumentError("reader", "replica", "a replica needs an OvsdbClient (it monitors the database)"));
    return (this.started ??= startNbReplica(this.client));
  }

  /** Stops the replica this `OvnNb` started (the client stays open). */
  async close(): Promise<void> {
    const r = this.started;
    this.started = undefined;
    if (r) await (await r.catch(() => undefined))?.close();
  }

  /** A new, empty transaction. */
  transaction(): NbTransaction {
    return new NbTransaction(this.client, this.reader, this.visible);
  }

  /** Runs `build` on a new transaction and commits it; resolves with `build`'s value and the commit result. */
  async run<T>(build: (tx: NbTransaction) => Promise<T>, options: CommitOptions = {}): Promise<{ value: T; commit: CommitResult }> {
    const tx = this.transaction();
    const value = await build(tx);
    const commit = await tx.commit(options);
    return { value, commit };
  }
}

/** A reader that starts its backing reader on first use. */
function lazyReader(start: () => Promise<NbReader>): NbReader {
  const get = start;
  return {
    find: async (table, where) => (await get()).find(table, where),
    ids: async (table, where) => (await get()).ids(table, where),
    get: async (table, uuids) => readByUuid(await get(), table, uuids),
  };
}
