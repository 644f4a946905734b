/**
 * What each exporter source gathers in one refresh, as plain data, and the pure functions that turn
 * database rows and control-socket replies into it. Turning a snapshot into gauge values is
 * `apply.ts`'s job; fetching is `sources.ts`'s.
 *
 * @module
 */
import type { JsonRow } from "../ovsdb/wire/notation.js";
import type { ClusterStatus } from "../unixctl/cluster-status.js";
import type { DatapathShow } from "../unixctl/datapath.js";
import { mapOf, optionalOf, setOf, uuidOf } from "./rows.js";

/** A logical switch as kube-ovn-monitor exports it. */
export interface SwitchInfo {
  readonly uuid: string;
  readonly name: string;
  readonly ports: readonly string[];
  readonly externalIds: ReadonlyMap<string, string>;
  /** SB Datapath_Binding tunnel key (0 when SB is not read or has no binding yet). */
  readonly tunnelKey: number;
}

/** A logical switch port joined with its SB Port_Binding. */
export interface PortInfo {
  readonly uuid: string;
  readonly name: string;
  readonly switchName: string;
  /** Chassis uuid of the binding ("" when unbound or SB not read). */
  readonly chassis: string;
  /** Datapath uuid of the binding. */
  readonly datapath: string;
  /** Port_Binding uuid. */
  readonly portBinding: string;
  readonly mac: string;
  readonly ip: string;
  readonly tunnelKey: number;
}

/** A chassis of SB. */
export interface ChassisInfo {
  readonly uuid: string;
  readonly name: string;
  readonly hostname: string;
  /** The first encapsulation IP. */
  readonly ip: string;
}

/** The central databases' contents the exporter needs (NB and/or SB). */
export interface CentralSnapshot {
  readonly switches: readonly SwitchInfo[];
  readonly ports: readonly PortInfo[];
  readonly chassis: readonly ChassisInfo[];
  /** SB Port_Binding logical_port names by chassis name (for the pinger's inconsistency check). */
  readonly bindingsByChassis: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Columns read from NB. */
export const NB_TABLES = [
  { table: "Logical_Switch", columns: ["_uuid", "name", "ports", "external_ids", "other_config"] },
  { table: "Logical_Switch_Port", columns: ["_uuid", "name", "addresses", "dynamic_addresses"] },
] as const;

/** Columns read from SB. */
export const SB_TABLES = [
  { table: "Chassis", columns: ["_uuid", "name", "hostname", "encaps"] },
  { table: "Encap", columns: ["_uuid", "ip"] },
  { table: "Port_Binding", columns: ["_uuid", "logical_port", "chassis", "datapath", "tunnel_key"] },
  { table: "Datapath_Binding", columns: ["_uuid", "tunnel_key", "external_ids"] },
] as const;

/** kube-ovn-monitor's `lspAddress`: the first `addresses` entry as (mac, ips) or the keyword twice. */
export function lspAddress(addresses: readonly string[]): { mac: string; ip: string } {
  const first = addresses[0];
  if (first === undefined) return { mac: "", ip: "" };
  const words = first.trim().split(/\s+/);
  if (words[0] === "router" || words[0] === "unknown" || words[0] === "dynamic") return { mac: words[0], ip: words[0] };
  return { mac: words[0] ?? "", ip: words.slice(1).join(" ") };
}

/** Joins NB rows (`NB_TABLES` order) and SB rows (`SB_TABLES` order), either possibly absent. */
export function centralSnapshot(nb: JsonRow[][] | undefined, sb: JsonRow[][] | undefined): CentralSnapshot {
  const [chassisRows = [], encapRows = [], pbRows = [], dpRows = []] = sb ?? [];
  const encapIp = new Map(encapRows.map((r) => [uuidOf(r["_uuid"]), String(r["ip"] ?? "")]));
  const chassisByUuid = new Map<string, string>();
  const chassis: ChassisInfo[] = chassisRows.map((r) => {
    const uuid = uuidOf(r["_uuid"]);
    const name = String(r["name"] ?? "");
    chassisByUuid.set(uuid, name);
    const first = setOf(r["encaps"]).map(uuidOf)[0];
    return { uuid, name, hostname: String(r["hostname"] ?? ""), ip: first ? (encapIp.get(first) ?? "") : "" };
  });
  const pbByPort = new Map<string, JsonRow>();
  const bindingsByChassis = new Map<string, Set<string>>();
  for (const r of pbRows) {
    const lp = String(r["logical_port"] ?? "");
    pbByPort.set(lp, r);
    const ch = uuidOf(optionalOf(r["chassis"]));
    if (ch) {
      const name = chassisByUuid.get(ch) ?? ch;
      let s = bindingsByChassis.get(name);
      if (!s) bindingsByChassis.set(name, (s = new Set()));
      s.add(lp);
    }
  }
  const dpKeyBySwitch = new Map<string, number>();
  for (const r of dpRows) {
    const ls = mapOf(r["external_ids"]).get("logical-switch");
    if (typeof ls === "string") dpKeyBySwitch.set(ls, Number(r["tunnel_key"] ?? 0));
  }
  const [lsRows = [], lspRows = []] = nb ?? [];
  const lspByUuid = new Map(lspRows.map((r) => [uuidOf(r["_uuid"]), r]));
  const switches: SwitchInfo[] = [];
  const ports: PortInfo[] = [];
  for (const r of lsRows) {
    const uuid = uuidOf(r["_uuid"]);
    const name = String(r["name"] ?? "");
    const portUuids = setOf(r["ports"]).map(uuidOf);
    const externalIds = new Map([...mapOf(r["external_ids"])].map(([k, v]) => [k, String(v)]));
    switches.push({ uuid, name, ports: portUuids, externalIds, tunnelKey: dpKeyBySwitch.get(uuid) ?? 0 });
    for (const pu of portUuids) {
      const p = lspByUuid.get(pu);
      if (!p) continue;
      const pname = String(p["name"] ?? "");
      const pb = pbByPort.get(pname);
      const { mac, ip } = lspAddress(setOf(p["addresses"]).map(String));
      ports.push({
        uuid: pu,
        name: pname,
        switchName: name,
        chassis: pb ? uuidOf(optionalOf(pb["chassis"])) : "",
        datapath: pb ? uuidOf(pb["datapath"]) : "",
        portBinding: pb ? uuidOf(pb["_uuid"]) : "",
        mac,
        ip,
        tunnelKey: pb ? Number(pb["tunnel_key"] ?? 0) : 0,
      });
    }
  }
  return { switches, ports, chassis, bindingsByChassis };
}

/** One OVS interface as kube-ovn-pinger exports it. */
export interface InterfaceInfo {
  readonly uuid: string;
  readonly name: string;
  readonly adminState: string;
  readonly linkState: string;
  readonly macInUse: string;
  readonly mtu: number;
  readonly ofport: number;
  readonly ifindex: number;
  readonly externalIds: ReadonlyMap<string, string>;
  readonly statistics: ReadonlyMap<string, number>;
}

/** The node's Open_vSwitch database contents the exporter needs. */
export interface OvsSnapshot {
  readonly systemId: string;
  readonly hostname: string;
  readonly systemType: string;
  readonly systemVersion: string;
  readonly ovsVersion: string;
  readonly dbVersion: string;
  readonly interfaces: readonly InterfaceInfo[];
  /** `external_ids:iface-id` of every interface that has one. */
  readonly ifaceIds: ReadonlySet<string>;
}

/** Columns read from Open_vSwitch. */
export const OVS_TABLES = [
  { table: "Open_vSwitch", columns: ["external_ids", "ovs_version", "db_version", "system_type", "system_version"] },
  {
    table: "Interface",
    columns: ["_uuid", "name", "admin_state", "link_state", "mac_in_use", "mtu", "ofport", "ifindex", "external_ids", "statistics"],
  },
] as const;

/** Builds the OVS snapshot from rows in {@link OVS_TABLES} order. */
export function ovsSnapshot(rows: JsonRow[][]): OvsSnapshot {
  const [ovsRows = [], ifaceRows = []] = rows;
  const o = ovsRows[0] ?? {};
  const ext = mapOf(o["external_ids"]);
  const str = (v: unknown) => (v === undefined ? "" : String(v));
  const ifaceIds = new Set<string>();
  const interfaces: InterfaceInfo[] = ifaceRows.map((r) => {
    const externalIds = new Map([...mapOf(r["external_ids"])].map(([k, v]) => [k, String(v)]));
    const id = externalIds.get("iface-id");
    if (id) ifaceIds.add(id);
    const statistics = new Map<string, number>();
    for (const [k, v] of mapOf(r["statistics"])) if (typeof v === "number") statistics.set(k, v);
    return {
      uuid: uuidOf(r["_uuid"]),
      name: String(r["name"] ?? ""),
      adminState: str(optionalOf(r["admin_state"])),
      linkState: str(optionalOf(r["link_state"])),
      macInUse: str(optionalOf(r["mac_in_use"])),
      mtu: Number(optionalOf(r["mtu"]) ?? 0),
      ofport: Number(optionalOf(r["ofport"]) ?? 0),
      ifindex: Number(optionalOf(r["ifindex"]) ?? 0),
      externalIds,
      statistics,
    };
  });
  return {
    systemId: str(ext.get("system-id")),
    hostname: str(ext.get("hostname")),
    systemType: str(optionalOf(o["system_type"])),
    systemVersion: str(optionalOf(o["system_version"])),
    ovsVersion: str(optionalOf(o["ovs_version"])),
    dbVersion: str(optionalOf(o["db_version"])),
    interfaces,
    ifaceIds,
  };
}

/** A clustered database server's state from its control socket. */
export interface DbServerSnapshot {
  /** `cluster/status`, or undefined when the database is not clustered (the command is unknown). */
  readonly cluster: ClusterStatus | undefined;
  /** `ovsdb-server/get-db-storage-status`: ok or not. */
  readonly storageOk: boolean;
  /** The raw `Servers:` block of cluster/status (kube-ovn's ovn_status_content label). */
  readonly serversText: string;
}

/** `ovs-vswitchd`'s datapaths. */
export interface VswitchdSnapshot {
  readonly datapaths: readonly DatapathShow[];
}
