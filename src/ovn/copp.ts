/**
 * Control plane protection (`Copp`): per control protocol, the meter that rate-limits the packets
 * OVN punts to `ovn-controller` for it (ARP, ND, DHCP, DNS, ICMP errors, BFD, ...), applied to a
 * switch or router through its `copp` column — what `ovn-nbctl copp-add`/`copp-del`/`copp-list`/
 * `ls-copp-add`/`lr-copp-add` manage.
 *
 * @module
 */
import { model } from "../ovsdb/models/ovn-nb.js";
import type { Ref } from "../ovsdb/model/types.js";
import { isUuid } from "../ovsdb/wire/notation.js";
import type { Operation } from "../ovsdb/wire/operations.js";
import { OvnInvalidArgumentError, OvnNotFoundError } from "./errors.js";
import type { DeleteOptions } from "./nb/options.js";
import { type Owner, type TxContext, ownerOf, toDelete } from "./tx-context.js";

/** The control protocols a CoPP policy can meter (OVN 23.03), in the order `ovn-nbctl` lists them. */
export const COPP_PROTOCOLS = [
  "arp",
  "arp-resolve",
  "dhcpv4-opts",
  "dhcpv6-opts",
  "dns",
  "event-elb",
  "icmp4-error",
  "icmp6-error",
  "igmp",
  "nd-na",
  "nd-ns",
  "nd-ns-resolve",
  "nd-ra-opts",
  "tcp-reset",
  "bfd",
  "reject",
  "svc-monitor",
] as const;

/** A control protocol of {@link COPP_PROTOCOLS}. */
export type CoppProtocol = (typeof COPP_PROTOCOLS)[number];

/** Checks a control protocol name; throws {@link OvnInvalidArgumentError} listing the valid ones. */
export function checkCoppProtocol(proto: string): CoppProtocol {
  if (!(COPP_PROTOCOLS as readonly string[]).includes(proto)) throw new OvnInvalidArgumentError("control protocol", proto, `allowed values: ${COPP_PROTOCOLS.join(", ")}`);
  return proto as CoppProtocol;
}

/** `coppAdd`: see {@link NbTransaction.coppAdd}. */
export async function coppAdd(x: TxContext, name: string, proto: CoppProtocol, meter: string): Promise<Ref<"Copp">> {
  x.open();
  checkCoppProtocol(proto);
  if (meter === "") throw new OvnInvalidArgumentError("meter name", meter, "empty");
  const C = model.table("Copp");
  const found = await x.lookup("CoPP", "Copp", name, false);
  if (found) {
    x.push(C.mutate({ _uuid: found.ref }, [["meters", "delete", [proto]]]), C.mutate({ _uuid: found.ref }, [["meters", "insert", { [proto]: meter }]]));
    return found.ref;
  }
  const op = C.insert({ name, meters: { [proto]: meter } });
  x.guardAbsent("Copp", name);
  x.push(op);
  return op.ref;
}

/** `coppDel`: see {@link NbTransaction.coppDel}. */
export async function coppDel(x: TxContext, name: string, proto?: CoppProtocol, options: DeleteOptions = {}): Promise<void> {
  x.open();
  if (proto !== undefined) checkCoppProtocol(proto);
  const found = await toDelete(x, "CoPP", "Copp", name, options.ifExists, true);
  if (!found) return;
  const C = model.table("Copp");
  // Switches and routers reference policies weakly; their references are removed explicitly, as
  // ovsdb-server 3.1 may leave a dangling weak reference in a row the transaction also modifies.
  const unref = () => (["Logical_Switch", "Logical_Router"] as const).map((t) => mutateOwnersOf(t, found.ref));
  if (proto === undefined) {
    x.push(...unref(), C.delete({ _uuid: found.ref }));
    return;
  }
  // As ovn-nbctl, a policy left without any meter goes: the server deletes it when the mutation
  // emptied it (which also covers a policy created earlier in this transaction).
  const emptied = found.row !== undefined && [...found.row.meters.keys()].every((k) => k === proto);
  x.push(...(emptied ? unref() : []), C.mutate({ _uuid: found.ref }, [["meters", "delete", [proto]]]), C.delete([["_uuid", "==", found.ref], ["meters", "==", {}]]));
}

/** Drops every reference of `table`'s rows to policy `ref`. */
function mutateOwnersOf(table: "Logical_Switch" | "Logical_Router", ref: Ref<"Copp">): Operation {
  return model.table(table as "Logical_Switch").mutate([["copp", "==", ref]], [["copp", "delete", [ref]]]);
}

/** `coppList`: see {@link NbTransaction.coppList}. */
export async function coppList(x: TxContext, name: string): Promise<ReadonlyMap<string, string>> {
  // Read through the reader (which may show this transaction's pending rows), not the pending refs.
  const rows = await x.rows("Copp", { name });
  const row = rows[0] ?? (isUuid(name) ? (await x.rows("Copp", { _uuid: name as Ref<"Copp"> }))[0] : undefined);
  return row?.meters ?? new Map();
}

/** `lsCoppAdd` / `lrCoppAdd`: applies CoPP policy `name` to a switch or router (replacing its policy). */
export async function coppAttach(x: TxContext, owner: Owner, name: string): Promise<void> {
  x.open();
  // The owner first, as ovn-nbctl checks them.
  const o = await ownerOf(x, owner);
  const c = await x.need("CoPP", "Copp", name, false);
  x.push(model.table(o.table as "Logical_Switch").update({ _uuid: o.found.ref as Ref<"Logical_Switch"> }, { copp: c.ref }));
}

/** `lsCoppDel` / `lrCoppDel`: removes the CoPP policy of a switch or router. */
export async function coppDetach(x: TxContext, owner: Owner, options: DeleteOptions = {}): Promise<void> {
  x.open();
  const o = await ownerOf(x, owner);
  const row = o.found.row as { copp?: string } | undefined;
  if (row && row.copp === undefined) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("CoPP", "policy", o.label);
  }
  x.push(model.table(o.table as "Logical_Switch").update({ _uuid: o.found.ref as Ref<"Logical_Switch"> }, { copp: undefined }));
}
