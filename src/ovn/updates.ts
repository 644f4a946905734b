/**
 * Updates of existing Northbound objects: every setting ovn-nbctl or Kube-OVN changes after
 * creation, as minimal operations (map columns change per key: the keys given are set, the keys
 * listed are removed, the others stay). Each throws `OvnNotFoundError` when the object is missing.
 *
 * Internal: the public surface is the methods of {@link NbTransaction}.
 *
 * @internal
 * @module
 */
import { model, type Row, type TableName } from "../ovsdb/models/ovn-nb.js";
import type { Ref } from "../ovsdb/model/types.js";
import type { Operation } from "../ovsdb/wire/operations.js";
import { OvnInvalidArgumentError, OvnNotFoundError } from "./errors.js";
import { checkIp, checkIpWithPrefix, checkMac } from "./net.js";
import type { StringMap } from "./nb-types.js";
import type { TxContext } from "./tx-context.js";

/** A change of a string map column: keys to set (added or replaced) and keys to remove. */
export interface MapChange {
  /** Keys to set to these values. */
  readonly set?: StringMap;
  /** Keys to remove (absent ones are ignored). */
  readonly remove?: readonly string[];
}

/** The operations that apply `change` to map `column` of row `ref` of `table` (none when empty). */
export function mapChangeOps(table: TableName, ref: string, column: string, change: MapChange | undefined): Operation[] {
  if (!change) return [];
  const set = change.set ?? {};
  const gone = [...new Set([...(change.remove ?? []), ...Object.keys(set)])];
  const T = model.table(table as "NB_Global");
  const where = { _uuid: ref as Ref<"NB_Global"> };
  const ops: Operation[] = [];
  if (gone.length > 0) ops.push(T.mutate(where, [[column as "options", "delete", gone]]));
  if (Object.keys(set).length > 0) ops.push(T.mutate(where, [[column as "options", "insert", set]]));
  return ops;
}

/** Settings of {@link NbTransaction.lrpSet}. */
export interface RouterPortSettings {
  /** `mac`. */
  readonly mac?: string;
  /** `networks` (`IP/LEN`, replaced whole). */
  readonly networks?: readonly string[];
  /** `peer` (null clears it). */
  readonly peer?: string | null;
  /** `options`, per key. */
  readonly options?: MapChange;
  /** `external_ids`, per key. */
  readonly externalIds?: MapChange;
}

/** `lrpSet`: see {@link NbTransaction.lrpSet}. */
export async function lrpSet(x: TxContext, name: string, s: RouterPortSettings): Promise<void> {
  x.open();
  if (s.mac !== undefined) checkMac(s.mac);
  if (s.networks !== undefined) {
    if (s.networks.length === 0) throw new OvnInvalidArgumentError("networks", "", "a router port needs at least one network");
    for (const n of s.networks) checkIpWithPrefix(n);
  }
  const p = await x.need("logical router port", "Logical_Router_Port", name, false);
  const LRP = model.table("Logical_Router_Port");
  const row: { mac?: string; networks?: readonly string[]; peer?: string | undefined } = {};
  if (s.mac !== undefined) row.mac = s.mac;
  if (s.networks !== undefined) row.networks = s.networks;
  if (s.peer !== undefined) row.peer = s.peer ?? undefined;
  if (Object.keys(row).length > 0) x.push(LRP.update({ _uuid: p.ref }, row));
  x.push(...mapChangeOps("Logical_Router_Port", p.ref, "options", s.options), ...mapChangeOps("Logical_Router_Port", p.ref, "external_ids", s.externalIds));
}

/** `lrSet`: see {@link NbTransaction.lrSet}. */
export async function lrSet(x: TxContext, name: string, s: { readonly options?: MapChange; readonly externalIds?: MapChange }): Promise<void> {
  x.open();
  const r = await x.need("logical router", "Logical_Router", name, false);
  x.push(...mapChangeOps("Logical_Router", r.ref, "options", s.options), ...mapChangeOps("Logical_Router", r.ref, "external_ids", s.externalIds));
}

/** Settings of {@link NbTransaction.lbSet}. */
export interface LoadBalancerSettings {
  /** `options`, per key (`affinity_timeout`, `hairpin_snat_ip`, `ct_flush`, `skip_snat`, ...). */
  readonly options?: MapChange;
  /** `external_ids`, per key. */
  readonly externalIds?: MapChange;
  /** `ip_port_mappings` (backend IP → `PORT:SOURCE_IP`), per key. */
  readonly ipPortMappings?: MapChange;
  /** `selection_fields` (replaced whole). */
  readonly selectionFields?: Row<"Load_Balancer">["selection_fields"];
  /** `protocol`. */
  readonly protocol?: "tcp" | "udp" | "sctp";
}

/** `lbSet`: see {@link NbTransaction.lbSet}. */
export async function lbSet(x: TxContext, name: string, s: LoadBalancerSettings): Promise<void> {
  x.open();
  const l = await x.need("load balancer", "Load_Balancer", name, false);
  const LB = model.table("Load_Balancer");
  const row: { selection_fields?: Row<"Load_Balancer">["selection_fields"]; protocol?: "tcp" | "udp" | "sctp" } = {};
  if (s.selectionFields !== undefined) row.selection_fields = s.selectionFields;
  if (s.protocol !== undefined) row.protocol = s.protocol;
  if (Object.keys(row).length > 0) x.push(LB.update({ _uuid: l.ref }, row));
  x.push(
    ...mapChangeOps("Load_Balancer", l.ref, "options", s.options),
    ...mapChangeOps("Load_Balancer", l.ref, "external_ids", s.externalIds),
    ...mapChangeOps("Load_Balancer", l.ref, "ip_port_mappings", s.ipPortMappings),
  );
}

/** `lbHealthCheckDel`: see {@link NbTransaction.lbHealthCheckDel}. */
export async function lbHealthCheckDel(x: TxContext, lb: string, vip: string, options: { readonly ifExists?: boolean } = {}): Promise<number> {
  x.open();
  const l = await x.need("load balancer", "Load_Balancer", lb);
  const row = l.row ?? (await x.byUuid("Load_Balancer", [l.ref]))[0]!;
  const gone = (await x.byUuid("Load_Balancer_Health_Check", row.health_check)).filter((h) => h.vip === vip).map((h) => h._uuid);
  if (gone.length === 0) {
    if (options.ifExists) return 0;
    throw new OvnNotFoundError("health check", vip, { kind: "load balancer", name: lb });
  }
  // Health checks are not root rows: dropping the reference deletes them.
  x.push(model.table("Load_Balancer").mutate({ _uuid: l.ref }, [["health_check", "delete", gone]]));
  return gone.length;
}

/** Settings of {@link NbTransaction.lrNatSet}. */
export interface NatSettings {
  /** `logical_port` with `external_mac` (distributed `dnat_and_snat`), or null for both (centralized). */
  readonly distributed?: { readonly logicalPort: string; readonly externalMac: string } | null;
  /** `external_ip`. */
  readonly externalIp?: string;
  /** `logical_ip`. */
  readonly logicalIp?: string;
  /** `options`, per key (e.g. `stateless`). */
  readonly options?: MapChange;
  /** `external_ids`, per key. */
  readonly externalIds?: MapChange;
}

/** `lrNatSet`: see {@link NbTransaction.lrNatSet}. */
export async function lrNatSet(x: TxContext, router: string, type: Row<"NAT">["type"], ip: string, s: NatSettings): Promise<void> {
  x.open();
  const r = await x.need("logical router", "Logical_Router", router);
  const row = r.row ?? (await x.byUuid("Logical_Router", [r.ref]))[0]!;
  const nat = (await x.byUuid("NAT", row.nat)).find((n) => n.type === type && (type === "snat" ? n.logical_ip === ip : n.external_ip === ip));
  if (!nat) throw new OvnNotFoundError("NAT", `${type} ${ip}`, { kind: "router", name: router });
  const N = model.table("NAT");
  const upd: { logical_port?: string | undefined; external_mac?: string | undefined; external_ip?: string; logical_ip?: string } = {};
  if (s.distributed !== undefined) {
    if (s.distributed !== null && type !== "dnat_and_snat") throw new OvnInvalidArgumentError("logical port", s.distributed.logicalPort, "only dnat_and_snat rules take a logical port");
    upd.logical_port = s.distributed?.logicalPort;
    upd.external_mac = s.distributed ? checkMac(s.distributed.externalMac, "external MAC") : undefined;
  }
  if (s.externalIp !== undefined) upd.external_ip = checkIp(s.externalIp, "external IP");
  if (s.logicalIp !== undefined) upd.logical_ip = s.logicalIp;
  if (Object.keys(upd).length > 0) x.push(N.update({ _uuid: nat._uuid }, upd));
  x.push(...mapChangeOps("NAT", nat._uuid, "options", s.options), ...mapChangeOps("NAT", nat._uuid, "external_ids", s.externalIds));
}

/** `meterSetBand`: see {@link NbTransaction.meterSetBand}. */
export async function meterSetBand(x: TxContext, name: string, rate: number, options: { readonly burst?: number; readonly unit?: "kbps" | "pktps" } = {}): Promise<void> {
  x.open();
  if (!Number.isInteger(rate) || rate < 1 || rate > 4294967295) throw new OvnInvalidArgumentError("meter rate", String(rate), "must be an integer in 1..4294967295");
  const m = await x.need("meter", "Meter", name, false);
  const band = model.table("Meter_Band").insert({ action: "drop", rate, burst_size: options.burst ?? 0 });
  // The old bands are not root rows: replacing the reference set deletes them.
  x.push(band, model.table("Meter").update({ _uuid: m.ref }, { bands: [band.ref], ...(options.unit !== undefined ? { unit: options.unit } : {}) }));
}

/** `lspSetOptions` etc.: a map change on a switch port. */
export async function lspMapChange(x: TxContext, name: string, column: "options" | "external_ids", change: MapChange): Promise<void> {
  x.open();
  const p = await x.need("logical switch port", "Logical_Switch_Port", name, false);
  x.push(...mapChangeOps("Logical_Switch_Port", p.ref, column, change));
}

/** `lspSetTag`: see {@link NbTransaction.lspSetTag}. */
export async function lspSetTag(x: TxContext, name: string, tag: number | null): Promise<void> {
  x.open();
  if (tag !== null && (!Number.isInteger(tag) || tag < 0 || tag > 4095)) throw new OvnInvalidArgumentError("VLAN tag", String(tag), "must be an integer in 0..4095");
  const p = await x.need("logical switch port", "Logical_Switch_Port", name, false);
  x.push(model.table("Logical_Switch_Port").update({ _uuid: p.ref }, { tag_request: tag ?? undefined }));
}

/** `nbGlobalSet`: see {@link NbTransaction.nbGlobalSet}. */
export async function nbGlobalSet(x: TxContext, s: { readonly options?: MapChange; readonly externalIds?: MapChange }): Promise<void> {
  x.open();
  const g = (await x.rows("NB_Global", []))[0];
  if (!g) throw new OvnNotFoundError("row", "NB_Global");
  x.push(...mapChangeOps("NB_Global", g._uuid, "options", s.options), ...mapChangeOps("NB_Global", g._uuid, "external_ids", s.externalIds));
}
