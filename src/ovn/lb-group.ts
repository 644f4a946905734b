/**
 * Load balancer groups (`Load_Balancer_Group`): a set of load balancers attached to many switches
 * and routers at once (`load_balancer_group` columns), as Kube-OVN attaches the cluster's Service
 * load balancers to every subnet and VPC router; `ovn-northd` then applies each member to every
 * datapath of the group (SB `Load_Balancer.datapath_group`).
 *
 * @module
 */
import { sameSet } from "./conflicts.js";
import { model, type Row } from "../ovsdb/models/ovn-nb.js";
import type { Ref } from "../ovsdb/model/types.js";
import { OvnAlreadyExistsError, OvnNotFoundError } from "./errors.js";
import type { CreateOptions, DeleteOptions } from "./nb/options.js";
import { type Owner, type TxContext, detach, mutateOwner, ownerOf, toDelete } from "./tx-context.js";

/** Options of {@link NbTransaction.lbGroupAdd}. */
export interface LbGroupOptions extends CreateOptions {
  /** Load balancers (names or UUIDs) to put in the group (with `mayExist`, an existing group with other members is a conflict). */
  readonly loadBalancers?: readonly string[];
}

async function lbRefs(x: TxContext, lbs: readonly string[]): Promise<Ref<"Load_Balancer">[]> {
  return Promise.all(lbs.map(async (l) => (await x.need("load balancer", "Load_Balancer", l, false)).ref));
}

/** `lbGroupAdd`: see {@link NbTransaction.lbGroupAdd}. */
export async function lbGroupAdd(x: TxContext, name: string, options: LbGroupOptions = {}): Promise<Ref<"Load_Balancer_Group">> {
  x.open();
  const [found, lbs] = await Promise.all([x.lookup("load balancer group", "Load_Balancer_Group", name, false), lbRefs(x, options.loadBalancers ?? [])]);
  const G = model.table("Load_Balancer_Group");
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("load balancer group", name);
    if (options.loadBalancers !== undefined) {
      const row = (await x.byUuid("Load_Balancer_Group", [found.ref]))[0]!;
      sameSet("load balancer group", name, row._uuid, "load_balancer", row.load_balancer, lbs);
    }
    return found.ref;
  }
  const op = G.insert({ name, load_balancer: lbs });
  x.guardAbsent("Load_Balancer_Group", name);
  x.push(op);
  return op.ref;
}

/** `lbGroupDel`: see {@link NbTransaction.lbGroupDel}. */
export async function lbGroupDel(x: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  x.open();
  const found = await toDelete(x, "load balancer group", "Load_Balancer_Group", name, options.ifExists);
  if (!found) return;
  // Switches and routers hold strong references to the (root) group: drop them first.
  x.push(
    model.table("Logical_Switch").mutate([["load_balancer_group", "includes", [found.ref]]], [["load_balancer_group", "delete", [found.ref]]]),
    model.table("Logical_Router").mutate([["load_balancer_group", "includes", [found.ref]]], [["load_balancer_group", "delete", [found.ref]]]),
    model.table("Load_Balancer_Group").delete({ _uuid: found.ref }),
  );
}

/** `lbGroupAddLb`: see {@link NbTransaction.lbGroupAddLb}. */
export async function lbGroupAddLb(x: TxContext, group: string, lbs: readonly string[]): Promise<void> {
  x.open();
  const [g, refs] = await Promise.all([x.need("load balancer group", "Load_Balancer_Group", group, false), lbRefs(x, lbs)]);
  if (refs.length > 0) x.push(model.table("Load_Balancer_Group").mutate({ _uuid: g.ref }, [["load_balancer", "insert", refs]]));
}

/** `lbGroupRemoveLb`: see {@link NbTransaction.lbGroupRemoveLb}. */
export async function lbGroupRemoveLb(x: TxContext, group: string, lbs: readonly string[], options: DeleteOptions = {}): Promise<void> {
  x.open();
  const g = await x.need("load balancer group", "Load_Balancer_Group", group);
  const refs: Ref<"Load_Balancer">[] = [];
  for (const l of lbs) {
    const found = await x.lookup("load balancer", "Load_Balancer", l, false);
    if (found && (!g.row || g.row.load_balancer.includes(found.ref as never))) refs.push(found.ref);
    else if (!options.ifExists) throw new OvnNotFoundError("load balancer", l, { kind: "load balancer group", name: group });
  }
  if (refs.length > 0) x.push(model.table("Load_Balancer_Group").mutate({ _uuid: g.ref }, [["load_balancer", "delete", refs]]));
}

/** `lsLbGroupAdd` / `lrLbGroupAdd`: attaches group `group` to a switch or router (idempotent). */
export async function lbGroupAttach(x: TxContext, owner: Owner, group: string): Promise<void> {
  x.open();
  const [o, g] = await Promise.all([ownerOf(x, owner), x.need("load balancer group", "Load_Balancer_Group", group, false)]);
  x.push(mutateOwner(o.table, o.found.ref, "load_balancer_group", "insert", [g.ref]));
}

/** `lsLbGroupDel` / `lrLbGroupDel`: detaches group `group` from a switch or router. */
export async function lbGroupDetach(x: TxContext, owner: Owner, group: string, options: DeleteOptions = {}): Promise<void> {
  x.open();
  const g = await x.lookup("load balancer group", "Load_Balancer_Group", group, false);
  await detach(x, owner, "load_balancer_group", g?.ref, "load balancer group", group, options.ifExists);
}

/** `lbGroupGet`: see {@link NbTransaction.lbGroupGet}. */
export async function lbGroupGet(x: TxContext, name: string): Promise<Row<"Load_Balancer_Group"> | undefined> {
  return (await x.lookup("load balancer group", "Load_Balancer_Group", name))?.row;
}
