/**
 * Forwarding groups (`Forwarding_Group`, held by `Logical_Switch.forwarding_groups`): a virtual IP
 * and MAC on a switch whose traffic is spread over child ports (ECMP-like, optionally only over
 * live ones with BFD `liveness`), as `ovn-nbctl fwd-group-add` creates them.
 *
 * @module
 */
import { sameKeys, sameOr, sameSet } from "./conflicts.js";
import { model, type Row } from "../ovsdb/models/ovn-nb.js";
import type { Ref } from "../ovsdb/model/types.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnInvalidArgumentError } from "./errors.js";
import { ipFamily, isIp } from "./net.js";
import type { CreateOptions, DeleteOptions, StringMap } from "./nb/options.js";
import { type TxContext, toDelete } from "./tx-context.js";

/** Options of {@link NbTransaction.fwdGroupAdd}. */
export interface FwdGroupOptions extends CreateOptions {
  /** Use only child ports whose BFD session is up (`liveness`, `--liveness`). */
  readonly liveness?: boolean;
  /** `external_ids`. */
  readonly externalIds?: StringMap;
}

/** One forwarding group and the switch that holds it (what {@link NbTransaction.fwdGroupList} returns). */
export interface FwdGroupEntry {
  /** The switch's name. */
  readonly switch: string;
  /** The group's row. */
  readonly group: Row<"Forwarding_Group">;
}

/** `fwdGroupAdd`: see {@link NbTransaction.fwdGroupAdd}. */
export async function fwdGroupAdd(x: TxContext, sw: string, name: string, vip: string, vmac: string, ports: readonly string[], options: FwdGroupOptions = {}): Promise<Ref<"Forwarding_Group">> {
  x.open();
  // Checked in ovn-nbctl's order, so that its command gives the same first error.
  if (ports.length === 0) throw new OvnInvalidArgumentError("forwarding group child ports", "", `forwarding group ${name} needs at least one child port`);
  const existing = await x.lookup("forwarding group", "Forwarding_Group", name);
  if (existing && !options.mayExist) throw new OvnAlreadyExistsError("forwarding group", name, { kind: "switch", name: sw });
  const s = await x.need("logical switch", "Logical_Switch", sw);
  if (!isIp(vip) || ipFamily(vip) !== 4) throw new OvnInvalidArgumentError("forwarding group VIP", vip, "not an IPv4 address");
  // As OVS's eth_addr_from_string: six groups of one or two hex digits; stored as given.
  if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(vmac)) throw new OvnInvalidArgumentError("forwarding group VMAC", vmac, "expected xx:xx:xx:xx:xx:xx");
  const swName = s.row?.name ?? sw;
  for (const p of new Set(ports)) {
    const port = await x.need("logical switch port", "Logical_Switch_Port", p, false);
    const owner = await x.switchOf(port.ref);
    if (owner !== swName) throw new OvnConflictError({ kind: "member", object: "logical switch port", name: p, field: "switch", existing: owner, requested: swName, group: { kind: "forwarding group", name } });
  }
  const FG = model.table("Forwarding_Group");
  const settings = { vip, vmac, child_port: [...new Set(ports)], liveness: options.liveness ?? false };
  if (existing) {
    const holder = (await x.rows("Logical_Switch", [["forwarding_groups", "includes", [existing.ref]]]))[0];
    if (holder && holder.name !== swName) throw new OvnConflictError({ kind: "container", object: "forwarding group", name, field: "switch", existing: holder.name, requested: swName });
    const row = existing.row ?? (await x.byUuid("Forwarding_Group", [existing.ref]))[0]!;
    const F = "forwarding group";
    sameOr(F, name, row._uuid, "vip", row.vip, vip);
    sameOr(F, name, row._uuid, "vmac", row.vmac.toLowerCase(), vmac.toLowerCase());
    sameSet(F, name, row._uuid, "child_port", row.child_port, settings.child_port);
    sameOr(F, name, row._uuid, "liveness", String(row.liveness), options.liveness === undefined ? undefined : String(options.liveness));
    sameKeys(F, name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return existing.ref;
  }
  const op = FG.insert({ name, ...settings, external_ids: options.externalIds ?? {} });
  x.guardAbsent("Forwarding_Group", name);
  x.push(op, model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["forwarding_groups", "insert", [op.ref]]]));
  return op.ref;
}

/** `fwdGroupDel`: see {@link NbTransaction.fwdGroupDel}. */
export async function fwdGroupDel(x: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  x.open();
  const found = await toDelete(x, "forwarding group", "Forwarding_Group", name, options.ifExists);
  if (!found) return;
  // The group is not a root row: dropping the switch's reference deletes it.
  x.push(model.table("Logical_Switch").mutate([["forwarding_groups", "includes", [found.ref]]], [["forwarding_groups", "delete", [found.ref]]]));
}

/** `fwdGroupList`: see {@link NbTransaction.fwdGroupList}. */
export async function fwdGroupList(x: TxContext, sw?: string): Promise<FwdGroupEntry[]> {
  // Read through the reader (which may show this transaction's pending rows), not the pending refs.
  let switches = await x.rows("Logical_Switch", []);
  if (sw !== undefined) {
    const byId = switches.filter((s) => s._uuid === sw);
    switches = byId.length > 0 ? byId : switches.filter((s) => s.name === sw);
    if (switches.length === 0) await x.need("logical switch", "Logical_Switch", sw, false);
  }
  const holder = new Map<string, string>();
  for (const s of switches) for (const g of s.forwarding_groups) holder.set(g, s.name);
  if (holder.size === 0) return [];
  const groups = (await x.rows("Forwarding_Group", [])).filter((g) => holder.has(g._uuid));
  return groups.map((group) => ({ switch: holder.get(group._uuid)!, group })).sort((a, b) => (a.group.name < b.group.name ? -1 : a.group.name > b.group.name ? 1 : 0));
}
