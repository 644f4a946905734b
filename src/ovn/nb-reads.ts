/**
 * Read calls of the OVN API, for every object family: list and get switches, ports, routers,
 * router ports, routes, policies, NAT, ACLs, QoS, port groups, address sets, load balancers, HA
 * chassis groups, meters, DHCP options and gateway chassis, and which switch or router holds a
 * port. {@link OvnNb} answers them from its reader (the NB replica by default: no round trip);
 * an {@link NbTransaction} answers them as the transaction leaves the database (its own pending
 * changes included).
 *
 * Getters take a name or a UUID and resolve to `undefined` when there is no such object; lists
 * inside a container (a switch's ports, a router's routes) throw `OvnNotFoundError` when the
 * container does not exist. Lists are sorted by name (then UUID) where rows have names.
 *
 * @module
 */
import type { Row, TableName } from "../ovsdb/models/ovn-nb.js";
import { isUuid } from "../ovsdb/wire/notation.js";
import { OvnAmbiguousNameError, OvnNotFoundError, type OvnObjectKind } from "./errors.js";
import type { NbWhere } from "./reader.js";
import type { StringMap } from "./nb-types.js";

/** What an ACL is attached to. */
export type AclTarget = { readonly switch: string } | { readonly portGroup: string };

type Named = { readonly name: string; readonly _uuid: string };

function byName<T extends Named>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : a._uuid > b._uuid ? 1 : 0));
}

/** The read calls shared by {@link OvnNb} and {@link NbTransaction}. */
export abstract class NbReads {
  /** Rows of `table` matching `where` (all when omitted), as this reader sees them. */
  protected abstract readRows<N extends TableName>(table: N, where?: NbWhere<N>): Promise<Row<N>[]>;
  /** Rows of `table` with these UUIDs, as this reader sees them. */
  protected abstract readUuids<N extends TableName>(table: N, uuids: readonly string[]): Promise<Row<N>[]>;

  /** The row named `name` (or with UUID `name`) of a table with a `name` column, or undefined. */
  protected async named<N extends TableName>(kind: OvnObjectKind, table: N, name: string): Promise<Row<N> | undefined> {
    if (isUuid(name)) {
      const [r] = await this.readUuids(table, [name]);
      if (r) return r;
    }
    const rows = await this.readRows(table, { name } as unknown as NbWhere<N>);
    if (rows.length > 1) throw new OvnAmbiguousNameError(kind, name, rows.length);
    return rows[0];
  }

  private async container<N extends "Logical_Switch" | "Logical_Router" | "Logical_Router_Port" | "Port_Group">(kind: OvnObjectKind, table: N, name: string): Promise<Row<N>> {
    const r = await this.named(kind, table, name);
    if (!r) throw new OvnNotFoundError(kind, name);
    return r;
  }

  // ---------------------------------------------------------------- switches and ports

  /** Every logical switch (`ls-list`). */
  async lsList(): Promise<Row<"Logical_Switch">[]> {
    return byName(await this.readRows("Logical_Switch"));
  }

  /** Logical switch `name` (or UUID), or undefined. */
  lsGet(name: string): Promise<Row<"Logical_Switch"> | undefined> {
    return this.named("logical switch", "Logical_Switch", name);
  }

  /** The ports of switch `sw` (`lsp-list`). */
  async lspList(sw: string): Promise<Row<"Logical_Switch_Port">[]> {
    const s = await this.container("logical switch", "Logical_Switch", sw);
    return byName(await this.readUuids("Logical_Switch_Port", s.ports));
  }

  /** Logical switch port `name` (or UUID), or undefined. */
  lspGet(name: string): Promise<Row<"Logical_Switch_Port"> | undefined> {
    return this.named("logical switch port", "Logical_Switch_Port", name);
  }

  /** The switch holding port `port` (`lsp-get-ls`), or undefined when the port does not exist or no switch holds it. */
  async lspSwitch(port: string): Promise<Row<"Logical_Switch"> | undefined> {
    const p = await this.lspGet(port);
    if (!p) return undefined;
    return (await this.readRows("Logical_Switch", [["ports", "includes", [p._uuid]]]))[0];
  }

  /** The port groups port `port` is a member of. */
  async lspPortGroups(port: string): Promise<Row<"Port_Group">[]> {
    const p = await this.lspGet(port);
    if (!p) return [];
    return byName(await this.readRows("Port_Group", [["ports", "includes", [p._uuid]]]));
  }

  /** The QoS rules of switch `sw` (`qos-list`). */
  async qosList(sw: string): Promise<Row<"QoS">[]> {
    const s = await this.container("logical switch", "Logical_Switch", sw);
    return this.readUuids("QoS", s.qos_rules);
  }

  /** The ACLs of a switch or port group (`acl-list`). */
  async aclList(target: AclTarget): Promise<Row<"ACL">[]> {
    const owner = "switch" in target ? await this.container("logical switch", "Logical_Switch", target.switch) : await this.container("port group", "Port_Group", target.portGroup);
    return this.readUuids("ACL", owner.acls);
  }

  // ---------------------------------------------------------------- routers

  /** Every logical router (`lr-list`). */
  async lrList(): Promise<Row<"Logical_Router">[]> {
    return byName(await this.readRows("Logical_Router"));
  }

  /** Logical router `name` (or UUID), or undefined. */
  lrGet(name: string): Promise<Row<"Logical_Router"> | undefined> {
    return this.named("logical router", "Logical_Router", name);
  }

  /** The ports of router `router` (`lrp-list`). */
  async lrpList(router: string): Promise<Row<"Logical_Router_Port">[]> {
    const r = await this.container("logical router", "Logical_Router", router);
    return byName(await this.readUuids("Logical_Router_Port", r.ports));
  }

  /** Logical router port `name` (or UUID), or undefined. */
  lrpGet(name: string): Promise<Row<"Logical_Router_Port"> | undefined> {
    return this.named("logical router port", "Logical_Router_Port", name);
  }

  /** The router holding router port `lrp`, or undefined. */
  async lrpRouter(lrp: string): Promise<Row<"Logical_Router"> | undefined> {
    const p = await this.lrpGet(lrp);
    if (!p) return undefined;
    return (await this.readRows("Logical_Router", [["ports", "includes", [p._uuid]]]))[0];
  }

  /** The gateway chassis of router port `lrp`, highest priority first (`lrp-get-gateway-chassis`). */
  async lrpGatewayChassis(lrp: string): Promise<Row<"Gateway_Chassis">[]> {
    const p = await this.container("logical router port", "Logical_Router_Port", lrp);
    return (await this.readUuids("Gateway_Chassis", p.gateway_chassis)).sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
  }

  /** The static routes of router `router` (`lr-route-list`). */
  async routeList(router: string): Promise<Row<"Logical_Router_Static_Route">[]> {
    const r = await this.container("logical router", "Logical_Router", router);
    return this.readUuids("Logical_Router_Static_Route", r.static_routes);
  }

  /** The routing policies of router `router`, highest priority first (`lr-policy-list`). */
  async policyList(router: string): Promise<Row<"Logical_Router_Policy">[]> {
    const r = await this.container("logical router", "Logical_Router", router);
    return (await this.readUuids("Logical_Router_Policy", r.policies)).sort((a, b) => b.priority - a.priority);
  }

  /** The NAT rules of router `router` (`lr-nat-list`). */
  async natList(router: string): Promise<Row<"NAT">[]> {
    const r = await this.container("logical router", "Logical_Router", router);
    return this.readUuids("NAT", r.nat);
  }

  // ---------------------------------------------------------------- groups, sets, load balancers

  /** Every port group. */
  async pgList(): Promise<Row<"Port_Group">[]> {
    return byName(await this.readRows("Port_Group"));
  }

  /** Port group `name` (or UUID), or undefined. */
  pgGet(name: string): Promise<Row<"Port_Group"> | undefined> {
    return this.named("port group", "Port_Group", name);
  }

  /** Every address set. */
  async addressSetList(): Promise<Row<"Address_Set">[]> {
    return byName(await this.readRows("Address_Set"));
  }

  /** Address set `name` (or UUID), or undefined. */
  addressSetGet(name: string): Promise<Row<"Address_Set"> | undefined> {
    return this.named("address set", "Address_Set", name);
  }

  /** Every load balancer (`lb-list`). */
  async lbList(): Promise<Row<"Load_Balancer">[]> {
    return byName(await this.readRows("Load_Balancer"));
  }

  /** Load balancer `name` (or UUID), or undefined. */
  lbGet(name: string): Promise<Row<"Load_Balancer"> | undefined> {
    return this.named("load balancer", "Load_Balancer", name);
  }

  /** Every HA chassis group (`ha-chassis-group-list`). */
  async haChassisGroupList(): Promise<Row<"HA_Chassis_Group">[]> {
    return byName(await this.readRows("HA_Chassis_Group"));
  }

  /** HA chassis group `name` (or UUID), or undefined. */
  haChassisGroupGet(name: string): Promise<Row<"HA_Chassis_Group"> | undefined> {
    return this.named("HA chassis group", "HA_Chassis_Group", name);
  }

  /** The chassis of HA chassis group `group`, highest priority first. */
  async haChassisList(group: string): Promise<Row<"HA_Chassis">[]> {
    const g = await this.named("HA chassis group", "HA_Chassis_Group", group);
    if (!g) throw new OvnNotFoundError("HA chassis group", group);
    return (await this.readUuids("HA_Chassis", g.ha_chassis)).sort((a, b) => b.priority - a.priority);
  }

  /** Every meter (`meter-list`). */
  async meterList(): Promise<Row<"Meter">[]> {
    return byName(await this.readRows("Meter"));
  }

  /** Meter `name` (or UUID), or undefined. */
  meterGet(name: string): Promise<Row<"Meter"> | undefined> {
    return this.named("meter", "Meter", name);
  }

  /** Every DHCP options row (`dhcp-options-list`). */
  dhcpOptionsList(): Promise<Row<"DHCP_Options">[]> {
    return this.readRows("DHCP_Options");
  }

  /**
   * The rows of `table` whose `external_ids` hold every given key with its value (e.g. all ports of
   * a pod, every ACL of an owner key), for any NB table with `external_ids`.
   */
  listByExternalIds<N extends ExternalIdsTable>(table: N, ids: StringMap): Promise<Row<N>[]> {
    return this.readRows(table, [["external_ids", "includes", ids]] as unknown as NbWhere<N>);
  }
}

/** The NB tables with an `external_ids` column. */
export type ExternalIdsTable = {
  [N in TableName]: Row<N> extends { readonly external_ids: ReadonlyMap<string, string> } ? N : never;
}[TableName];
