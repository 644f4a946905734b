/**
 * QoS rules, mirrors, BFD sessions, meters and static MAC bindings: `qosAdd`, `qosDel`, `mirrorAdd`, `mirrorDel`, `lspAttachMirror`, `lspDetachMirror`, `bfdAdd`, `meterAdd`, `meterDel`, `staticMacBindingAdd`.
 *
 * Each function adds the operations of one {@link NbTransaction} call, reading through the
 * transaction's context (its pending view); the public surface is the transaction's methods.
 *
 * @internal
 * @module
 */
import { model } from "../../ovsdb/models/ovn-nb.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { OvnAlreadyExistsError, OvnInvalidArgumentError, OvnNotFoundError } from "../errors.js";
import { checkIp, checkMac } from "../net.js";
import { sameKeys, sameOr, sameSet } from "../conflicts.js";
import type { TxContext } from "../tx-context.js";
import { map, checkPriority } from "./helpers.js";
import type { AclDirection, BfdOptions, CreateOptions, DeleteOptions, MirrorOptions, QosFilter, QosOptions } from "./options.js";

/** Adds a QoS rule (bandwidth limit and/or DSCP marking) to switch `sw` (`qos-add`). */
export async function qosAdd(ctx: TxContext, sw: string, direction: AclDirection, priority: number, match: string, options: QosOptions): Promise<Ref<"QoS">> {
  ctx.open();
  checkPriority(priority, 32767);
  if (options.rate === undefined && options.dscp === undefined) throw new OvnInvalidArgumentError("QoS rule", match, "needs a rate or a DSCP value");
  if (options.burst !== undefined && options.rate === undefined) throw new OvnInvalidArgumentError("QoS rule", match, "a burst needs a rate");
  const s = await ctx.need("logical switch", "Logical_Switch", sw);
  if (s.row && s.row.qos_rules.length > 0) {
    const same = (await ctx.byUuid("QoS", s.row.qos_rules)).find((q) => q.direction === direction && q.priority === priority && q.match === match);
    if (same) {
      const what = `${direction} ${priority} ${match}`;
      if (!options.mayExist) throw new OvnAlreadyExistsError("QoS rule", what, { kind: "switch", name: sw });
      const str = (v: number | bigint | undefined) => (v === undefined ? undefined : String(v));
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
  ctx.push(op, model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["qos_rules", "insert", [op.ref]]]));
  return op.ref;
}

/** Deletes QoS rules of switch `sw` (all, of a direction, or one by direction/priority/match) (`qos-del`). */
export async function qosDel(ctx: TxContext, sw: string, filter: QosFilter = {}): Promise<number> {
  ctx.open();
  const s = await ctx.need("logical switch", "Logical_Switch", sw);
  if (!s.row || s.row.qos_rules.length === 0) return 0;
  const gone = (await ctx.byUuid("QoS", s.row.qos_rules)).filter(
    (q) =>
      (filter.direction === undefined || q.direction === filter.direction) &&
      (filter.priority === undefined || q.priority === filter.priority) &&
      (filter.match === undefined || q.match === filter.match),
  );
  if (gone.length > 0) ctx.push(model.table("Logical_Switch").mutate({ _uuid: s.ref }, [["qos_rules", "delete", gone.map((q) => q._uuid)]]));
  return gone.length;
}

/** Adds mirror `name` (`mirror-add`). */
export async function mirrorAdd(ctx: TxContext, name: string, options: MirrorOptions): Promise<Ref<"Mirror">> {
  ctx.open();
  checkIp(options.sink, "mirror sink");
  const found = await ctx.lookup("mirror", "Mirror", name);
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
  ctx.push(op);
  return op.ref;
}

/** Attaches mirror `mirror` to port `lsp` (`lsp-attach-mirror`). */
export async function lspAttachMirror(ctx: TxContext, lsp: string, mirror: string): Promise<void> {
  ctx.open();
  const p = await ctx.need("logical switch port", "Logical_Switch_Port", lsp);
  const m = await ctx.need("mirror", "Mirror", mirror);
  ctx.push(model.table("Logical_Switch_Port").mutate({ _uuid: p.ref }, [["mirror_rules", "insert", [m.ref]]]));
}

/** Detaches mirror `mirror` from port `lsp` (`lsp-detach-mirror`). */
export async function lspDetachMirror(ctx: TxContext, lsp: string, mirror: string): Promise<void> {
  ctx.open();
  const p = await ctx.need("logical switch port", "Logical_Switch_Port", lsp, false);
  const m = await ctx.need("mirror", "Mirror", mirror, false);
  ctx.push(model.table("Logical_Switch_Port").mutate({ _uuid: p.ref }, [["mirror_rules", "delete", [m.ref]]]));
}

/** Deletes mirror `name` and detaches it from every port (`mirror-del`). */
export async function mirrorDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("mirror", "Mirror", name, false);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("mirror", name);
  }
  ctx.push(
    model.table("Logical_Switch_Port").mutate([["mirror_rules", "includes", [found.ref]]], [["mirror_rules", "delete", [found.ref]]]),
    model.table("Mirror").delete({ _uuid: found.ref }),
  );
}

/** Adds a BFD session from router port `logicalPort` to `dstIp` (idempotent on that pair with `mayExist`). */
export async function bfdAdd(ctx: TxContext, logicalPort: string, dstIp: string, options: BfdOptions = {}): Promise<Ref<"BFD">> {
  ctx.open();
  checkIp(dstIp, "BFD peer");
  const same = (await ctx.rows("BFD", { logical_port: logicalPort, dst_ip: dstIp }))[0];
  if (same) {
    const what = `${logicalPort} ${dstIp}`;
    if (!options.mayExist) throw new OvnAlreadyExistsError("BFD session", what);
    const str = (v: number | bigint | undefined) => (v === undefined ? undefined : String(v));
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
  ctx.push(op);
  return op.ref;
}

/**
 * Adds meter `name` (`meter-add`): one `drop` band of `rate` in `unit` (with `burst`), e.g. to
 * rate-limit ACL logging (`aclAdd(..., { log: true, meter: name })`).
 */
export async function meterAdd(ctx: TxContext, name: string, rate: number, unit: "kbps" | "pktps", options: CreateOptions & { readonly burst?: number; readonly fair?: boolean } = {}): Promise<Ref<"Meter">> {
  ctx.open();
  if (!Number.isInteger(rate) || rate < 1 || rate > 4294967295) throw new OvnInvalidArgumentError("meter rate", String(rate), "must be an integer in 1..4294967295");
  if (options.burst !== undefined && (!Number.isInteger(options.burst) || options.burst < 0 || options.burst > 4294967295)) throw new OvnInvalidArgumentError("meter burst", String(options.burst), "must be an integer in 0..4294967295");
  const found = await ctx.lookup("meter", "Meter", name);
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("meter", name);
    const row = found.row!;
    sameOr("meter", name, row._uuid, "unit", row.unit, unit);
    sameOr("meter", name, row._uuid, "fair", row.fair === undefined ? undefined : String(row.fair), options.fair === undefined ? undefined : String(options.fair));
    const bands = await ctx.byUuid("Meter_Band", row.bands);
    sameSet("meter", name, row._uuid, "bands", bands.map((b) => `${b.action}:${b.rate}:${b.burst_size}`), [`drop:${rate}:${options.burst ?? 0}`]);
    return found.ref;
  }
  const band = model.table("Meter_Band").insert({ action: "drop", rate, burst_size: options.burst ?? 0 });
  const op = model.table("Meter").insert({ name, unit, bands: [band.ref], ...(options.fair !== undefined ? { fair: options.fair } : {}) });
  ctx.push(band, op);
  return op.ref;
}

/** Deletes meter `name` (`meter-del`). */
export async function meterDel(ctx: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  ctx.open();
  const found = await ctx.lookup("meter", "Meter", name, false);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("meter", name);
  }
  ctx.push(model.table("Meter").delete({ _uuid: found.ref }));
}

/**
 * Adds a static MAC binding (`Static_MAC_Binding`): `ip` on router port `logicalPort` is at
 * `mac`, so the router needs no ARP/ND for it (e.g. the underlay gateway of an external
 * network). With `mayExist`, an existing binding of that port and IP gets the new MAC.
 */
export async function staticMacBindingAdd(ctx: TxContext, logicalPort: string, ip: string, mac: string, options: CreateOptions & { readonly overrideDynamicMac?: boolean } = {}): Promise<Ref<"Static_MAC_Binding">> {
  ctx.open();
  checkIp(ip, "IP address");
  const m = checkMac(mac);
  const SMB = model.table("Static_MAC_Binding");
  const same = (await ctx.rows("Static_MAC_Binding", { logical_port: logicalPort, ip }))[0];
  if (same) {
    const what = `${logicalPort} ${ip}`;
    if (!options.mayExist) throw new OvnAlreadyExistsError("static MAC binding", what);
    sameOr("static MAC binding", what, same._uuid, "mac", same.mac.toLowerCase(), m.toLowerCase());
    sameOr("static MAC binding", what, same._uuid, "override_dynamic_mac", String(same.override_dynamic_mac), options.overrideDynamicMac === undefined ? undefined : String(options.overrideDynamicMac));
    return same._uuid;
  }
  const op = SMB.insert({ logical_port: logicalPort, ip, mac: m, override_dynamic_mac: options.overrideDynamicMac ?? false });
  ctx.push(op);
  return op.ref;
}
