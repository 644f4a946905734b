/**
 * DNS records (`DNS` table) and their attachment to logical switches (`Logical_Switch.dns_records`):
 * `ovn-controller` answers A/AAAA (and PTR) queries of the switch's ports from them, through the
 * `dns_lookup` action that `ovn-northd` puts in the switch's `ls_in_dns_lookup` stage.
 *
 * A `DNS` row has no name column; this API names a set of records by `external_ids:name`
 * ({@link DNS_NAME_KEY}), so that a controller can find, update and delete it again.
 *
 * @module
 */
import { sameKeys, sameSet } from "./conflicts.js";
import { model, type Row } from "../ovsdb/models/ovn-nb.js";
import type { Ref } from "../ovsdb/model/types.js";
import { isUuid } from "../ovsdb/wire/notation.js";
import { OvnAlreadyExistsError, OvnInvalidArgumentError, OvnNotFoundError } from "./errors.js";
import { isIp } from "./net.js";
import type { CreateOptions, DeleteOptions, StringMap } from "./nb/options.js";
import { type Found, type TxContext, detach, mutateOwner, ownerOf } from "./tx-context.js";

/** The `external_ids` key that names a `DNS` row for this API. */
export const DNS_NAME_KEY = "name";

/**
 * DNS records: a query name → its addresses (`"10.16.0.5"`, `["10.16.0.5", "fd00::5"]`, or one
 * space-separated string); for a reverse name (`*.in-addr.arpa`, `*.ip6.arpa`), the host name
 * a PTR query returns.
 */
export type DnsRecords = Readonly<Record<string, string | readonly string[]>>;

/** Options of {@link NbTransaction.dnsAdd}. */
export interface DnsOptions extends CreateOptions {
  /** More `external_ids` (the name is kept under {@link DNS_NAME_KEY}). */
  readonly externalIds?: StringMap;
}

const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Checks a DNS name (dot-separated labels of 1..63 letters, digits, `-`, `_`; a trailing dot allowed). */
function checkDnsName(name: string, what: string): string {
  const body = name.endsWith(".") ? name.slice(0, -1) : name;
  if (body === "" || body.length > 253 || !body.split(".").every((l) => LABEL.test(l))) {
    throw new OvnInvalidArgumentError(what, name, "expected a DNS name (labels of letters, digits, '-' and '_' separated by dots)");
  }
  return name;
}

/**
 * Validates `records` and returns the `records` column: query names lower-cased (OVN looks queries
 * up lower-cased), addresses space-separated.
 */
export function dnsRecordsColumn(records: DnsRecords): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(records)) {
    checkDnsName(name, "DNS query name");
    const words = (typeof value === "string" ? value.trim().split(/\s+/) : [...value]).filter((w) => w !== "");
    if (words.length === 0) throw new OvnInvalidArgumentError("DNS record", name, "has no value");
    const reverse = /\.(in-addr|ip6)\.arpa\.?$/i.test(name);
    if (reverse && words.length !== 1) throw new OvnInvalidArgumentError("PTR record", name, `needs exactly one host name, not ${JSON.stringify(words.join(" "))}`);
    for (const w of words) {
      if (reverse) checkDnsName(w, `PTR value of ${name}`);
      else if (!isIp(w)) throw new OvnInvalidArgumentError(`address of DNS record ${name}`, w, "not an IPv4 or IPv6 address");
    }
    out[name.toLowerCase()] = words.join(" ");
  }
  return out;
}

/** The `DNS` row named `name` (by {@link DNS_NAME_KEY}, or its UUID), pending creations included. */
async function findDns(x: TxContext, name: string): Promise<Found<"DNS"> | undefined> {
  const pending = x.pendingRef("DNS", name);
  if (pending) return { ref: pending, row: undefined };
  const rows = await x.rows("DNS", [["external_ids", "includes", { [DNS_NAME_KEY]: name }]]);
  const row = rows[0] ?? (isUuid(name) ? (await x.rows("DNS", { _uuid: name as Ref<"DNS"> }))[0] : undefined);
  return row ? { ref: row._uuid, row } : undefined;
}

async function needDns(x: TxContext, name: string): Promise<Found<"DNS">> {
  const found = await findDns(x, name);
  if (!found) throw new OvnNotFoundError("DNS records", name);
  return found;
}

/** `dnsAdd`: see {@link NbTransaction.dnsAdd}. */
export async function dnsAdd(x: TxContext, name: string, records: DnsRecords, options: DnsOptions = {}): Promise<Ref<"DNS">> {
  x.open();
  const column = dnsRecordsColumn(records);
  const found = await findDns(x, name);
  const D = model.table("DNS");
  if (found) {
    if (!options.mayExist) throw new OvnAlreadyExistsError("DNS records", name);
    const row = found.row ?? (await x.byUuid("DNS", [found.ref]))[0]!;
    sameKeys("DNS records", name, row._uuid, "records", row.records, column);
    if (row.records.size !== Object.keys(column).length) sameSet("DNS records", name, row._uuid, "records", [...row.records.keys()], Object.keys(column));
    sameKeys("DNS records", name, row._uuid, "external_ids", row.external_ids, options.externalIds);
    return found.ref;
  }
  const op = D.insert({ records: column, external_ids: { ...options.externalIds, [DNS_NAME_KEY]: name } });
  // The commit fails if another client created records of that name meanwhile.
  x.push(D.wait([["external_ids", "includes", { [DNS_NAME_KEY]: name }]], { columns: ["external_ids"], until: "==", rows: [], timeout: 0 }), op);
  return op.ref;
}

/** `dnsUpdate`: see {@link NbTransaction.dnsUpdate}. */
export async function dnsUpdate(x: TxContext, name: string, change: { readonly set?: DnsRecords; readonly remove?: readonly string[] }): Promise<void> {
  x.open();
  const set = dnsRecordsColumn(change.set ?? {});
  const { ref } = await needDns(x, name);
  const D = model.table("DNS");
  const gone = [...(change.remove ?? []).map((n) => n.toLowerCase()), ...Object.keys(set)];
  if (gone.length > 0) x.push(D.mutate({ _uuid: ref }, [["records", "delete", gone]]));
  if (Object.keys(set).length > 0) x.push(D.mutate({ _uuid: ref }, [["records", "insert", set]]));
}

/** `dnsDel`: see {@link NbTransaction.dnsDel}. */
export async function dnsDel(x: TxContext, name: string, options: DeleteOptions = {}): Promise<void> {
  x.open();
  const found = await findDns(x, name);
  if (!found) {
    if (options.ifExists) return;
    throw new OvnNotFoundError("DNS records", name);
  }
  // Switches reference DNS rows weakly, so the server drops their references with the row; but
  // ovsdb-server 3.1 leaves a dangling one in a switch that the same transaction also modifies,
  // so they are removed explicitly first.
  x.push(
    model.table("Logical_Switch").mutate([["dns_records", "includes", [found.ref]]], [["dns_records", "delete", [found.ref]]]),
    model.table("DNS").delete({ _uuid: found.ref }),
  );
}

/** `dnsGet`: see {@link NbTransaction.dnsGet}. */
export async function dnsGet(x: TxContext, name: string): Promise<Row<"DNS"> | undefined> {
  return (await findDns(x, name))?.row;
}

/** `lsDnsAdd`: see {@link NbTransaction.lsDnsAdd}. */
export async function lsDnsAdd(x: TxContext, sw: string, name: string): Promise<void> {
  x.open();
  const [o, d] = await Promise.all([ownerOf(x, { switch: sw }), needDns(x, name)]);
  x.push(mutateOwner(o.table, o.found.ref, "dns_records", "insert", [d.ref]));
}

/** `lsDnsDel`: see {@link NbTransaction.lsDnsDel}. */
export async function lsDnsDel(x: TxContext, sw: string, name: string, options: DeleteOptions = {}): Promise<void> {
  x.open();
  await detach(x, { switch: sw }, "dns_records", (await findDns(x, name))?.ref, "DNS records", name, options.ifExists);
}
