/**
 * Lookups and argument checks the nbctl command families share: rows by name or UUID as ovn-nbctl finds them, its checks of priorities, prefixes and addresses, and its `--may-exist` handling of the API's conflicts.
 *
 * @module
 */
import type { Row } from "../../ovsdb/models/ovn-nb.js";
import { asRowUuid } from "../../ovsdb/model/uuid.js";
import type { Ref } from "../../ovsdb/model/types.js";
import { type NbWhere, readByUuid } from "../../ovn/reader.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import type { Operation } from "../../ovsdb/wire/operations.js";
import { OvnConflictError, OvnNotFoundError } from "../../ovn/errors.js";
import { ipFamily, parsePrefix } from "../../ovn/net.js";
import { UsageError } from "../io.js";
import type { NbCtx } from "./context.js";
import type { Opts } from "../dbctl/context.js";

export const byName = <T extends { name: string; _uuid: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : 1);

/** The NB tables whose rows ovn-nbctl finds by their `name` column. */
type NamedTable = "Logical_Switch" | "Logical_Switch_Port" | "Logical_Router" | "Logical_Router_Port" | "Load_Balancer" | "Port_Group" | "HA_Chassis_Group";

/**
 * `name == NAME` as a where clause of a table of {@link NamedTable}: every one has a string `name`
 * column, which TypeScript cannot see through a table chosen by a type parameter.
 */
function nameIs<N extends NamedTable>(name: string): NbWhere<N> {
  return [["name", "==", name]] as unknown as NbWhere<N>;
}

export async function named<N extends NamedTable>(
  ctx: NbCtx,
  table: N,
  id: string,
  kind: ConstructorParameters<typeof OvnNotFoundError>[0],
): Promise<Row<N>> {
  if (isUuid(id)) {
    const r = (await readByUuid(ctx.reader, table, [id])).filter((x) => !ctx.gone.has(x._uuid));
    if (r[0]) return r[0];
  }
  const rows = (await ctx.reader.find(table, nameIs<N>(id))).filter((x) => !ctx.gone.has(x._uuid));
  if (rows.length > 1) throw new UsageError(`${id}: multiple rows with this name in ${table}`);
  if (!rows[0]) throw new OvnNotFoundError(kind, id);
  return rows[0];
}

/** Refuses an IP that another port of the same switch already has in its addresses, as ovn-nbctl lsp-set-addresses does. */
export async function checkDuplicateIps(ctx: NbCtx, port: string, addrs: readonly string[]): Promise<void> {
  const mine = addrs.flatMap((a) => a.trim().split(/\s+/).slice(1)).map((w) => w.split("/")[0]!).filter((w) => ipFamily(w) !== undefined);
  if (mine.length === 0 || ctx.tx.pendingRef("Logical_Switch_Port", port)) return;
  const p = await named(ctx, "Logical_Switch_Port", port, "logical switch port");
  const ls = (await ctx.reader.find("Logical_Switch", [["ports", "includes", [p._uuid]]]))[0];
  if (!ls) return;
  const ids = new Set<string>(ls.ports);
  const others = (await ctx.reader.find("Logical_Switch_Port")).filter((o) => ids.has(o._uuid) && o._uuid !== p._uuid);
  for (const o of others) {
    const theirs = new Set([...o.addresses, ...(o.dynamic_addresses !== undefined ? [o.dynamic_addresses] : [])].flatMap((a) => a.trim().split(/\s+/).slice(1)).map((w) => w.split("/")[0]!));
    for (const ip of mine) {
      if (theirs.has(ip)) throw new UsageError(`Error on switch ${ls.name}: duplicate IPv${ipFamily(ip)} address '${ip}' found on logical switch port '${o.name}'`);
    }
  }
}

export function keyValues(args: readonly string[], what: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq < 0) throw new UsageError(`${a}: ${what} must be KEY=VALUE`);
    o[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return o;
}

export async function routerChildren<N extends "Logical_Router_Static_Route" | "Logical_Router_Policy" | "NAT">(ctx: NbCtx, ids: readonly string[], table: N): Promise<Row<N>[]> {
  if (ids.length === 0) return [];
  const set = new Set(ids);
  return (await ctx.reader.find(table)).filter((r) => set.has(r._uuid));
}

export const flag = (opts: Opts, name: string) => opts.has(name);

/** `P: priority must in range 0...32767` (sic), as ovn-nbctl says for every priority argument. */
export function priorityArg(p: string): number {
  if (!/^\d+$/.test(p) || Number(p) > 32767) throw new UsageError(`${p}: priority must in range 0...32767`);
  return Number(p);
}

/** The family of an address or `ADDR/LEN` prefix, `undefined` when it is neither. */
export function prefixFamily(s: string): 4 | 6 | undefined {
  try {
    return parsePrefix(s).family;
  } catch {
    return undefined;
  }
}

/** The family of a plain address (no `/LEN`). */
export const addrFamily = (s: string): 4 | 6 | undefined => (s.includes("/") ? undefined : ipFamily(s));

/** A MAC as ovn-nbctl scans it: six colon-separated hex bytes at the start of the text (what follows is not checked). */
export const macScan = (s: string) => /^\s*[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}/.test(s);

/** ovn-nbctl's check of one `lsp-set-addresses` entry: only the MAC (or the `dynamic IP` form) is parsed. */
export function lspAddressOk(entry: string): boolean {
  if (entry === "dynamic" || entry === "unknown" || entry === "router") return true;
  if (entry.startsWith("dynamic ")) {
    const ip = entry.slice(8).trim().split(/\s+/)[0] ?? "";
    return /^\d+\.\d+\.\d+\.\d+/.test(ip) || addrFamily(ip) === 6;
  }
  return macScan(entry);
}

/** A switch port, router port or other named row by name, pending rows of the run included; `NAME: port name not found` otherwise. */
export async function portArg<N extends "Logical_Switch_Port" | "Logical_Router_Port">(ctx: NbCtx, table: N, name: string): Promise<Ref<N>> {
  const pending = ctx.tx.pendingRef(table, name);
  if (pending !== undefined) return pending;
  const [row] = (await (isUuid(name) ? readByUuid(ctx.reader, table, [name]) : ctx.reader.find(table, nameIs<N>(name)))).filter((x) => !ctx.gone.has(x._uuid));
  if (!row) throw new UsageError(`${name}: port name not found`);
  return asRowUuid<N>(row._uuid);
}

/** `lsp-del` / `lrp-del`: later commands of the run no longer find the port by name (see {@link NbCtx.gone}). */
export async function portDel(ctx: NbCtx, table: "Logical_Switch_Port" | "Logical_Router_Port", name: string, ifExists: boolean): Promise<void> {
  const kind = table === "Logical_Switch_Port" ? "logical switch port" : "logical router port";
  const row = await named(ctx, table, name, kind).catch((e: unknown) => {
    if (ifExists && e instanceof OvnNotFoundError) return undefined;
    throw e;
  });
  if (!row) return;
  if (table === "Logical_Switch_Port") await ctx.tx.lspDel(name);
  else await ctx.tx.lrpDel(name);
  ctx.gone.add(row._uuid);
}

/**
 * ovn-nbctl's `--may-exist` on commands where it keeps an existing object whatever its other
 * settings (ACLs, QoS rules, policies, meters, router port options): the API's conflict (its
 * `mayExist` is create-if-absent, a different setting is an error) is ignored. Returns the
 * existing row's UUID, or rethrows anything else.
 */
export function keepExisting(fields?: (field: string) => boolean): (e: unknown) => string {
  return (e) => {
    if (e instanceof OvnConflictError && e.conflict.kind === "setting" && (!fields || fields(e.conflict.field))) return e.conflict.uuid;
    throw e;
  };
}

/**
 * ovn-nbctl's `--may-exist` on commands where it updates the existing object (routes, NAT, load
 * balancer VIPs, static MAC bindings): on the API's conflict, `update` adds the changes for the
 * existing row, whose UUID is returned.
 */
export function updateExisting(ctx: NbCtx, update: (uuid: string) => Operation[], fields?: (field: string) => boolean): (e: unknown) => string {
  return (e) => {
    if (!(e instanceof OvnConflictError && e.conflict.kind === "setting" && (!fields || fields(e.conflict.field)))) throw e;
    ctx.tx.add(...update(e.conflict.uuid));
    return e.conflict.uuid;
  };
}