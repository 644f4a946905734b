/**
 * Runs the extracted OVS test-suite cases (cases.json) against one OVSDB server over a raw
 * JSON-RPC connection (requests sent as the case's own text, replies read without losing any
 * number), and prints each case's outcome the way OVS's `test-ovsdb` prints it, so the outcome can
 * be compared with another server's and with the `.at` file's expectation.
 *
 * `test-ovsdb` commands become transactions on a one-table database (`t`):
 * - `evaluate-conditions` / `query`: the rows are inserted, each condition is a `select` of `_uuid`;
 *   a row that matches prints `T` (`1` for query), one that does not `-`.
 * - `execute-mutations`: for each mutation list, the rows are inserted afresh and each row is mutated
 *   alone (`mutate` by `_uuid`); the row prints as `no change`, its new contents, or the error.
 * - `parse-conditions` / `parse-mutations`: a `select` / `mutate` on the empty table; prints `ok` or the error
 *   (server against server only: `test-ovsdb` prints its parsed form, which no server returns).
 */
import { createConnection, type Socket } from "node:net";
import { Incomplete, type Lossless, Num, canonicalText, parseAt, parseLossless } from "./lossless.js";
import type { SuiteCase } from "./extract.js";

/** The database name a table-schema case runs in. */
export function caseDbName(index: number): string {
  return `suite${index}`;
}

/** The database schema text a case runs with. */
export function caseSchema(c: SuiteCase, index: number): string {
  if (c.kind === "execution") return c.schema;
  return `{"name":"${caseDbName(index)}","version":"1.0.0","tables":{"t":${c.schema}}}`;
}

/** A raw JSON-RPC connection: sends text, returns each reply's `result` or `error` as a lossless value. */
class RawRpc {
  private buf = "";
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: { result: Lossless; error: Lossless }) => void>();

  private constructor(private readonly sock: Socket) {
    sock.setEncoding("utf8");
    sock.on("data", (d: string) => {
      this.buf += d;
      for (;;) {
        let parsed: { value: Lossless; end: number };
        try {
          if (this.buf.trim() === "") return;
          parsed = parseAt(this.buf, 0);
        } catch (e) {
          if (e instanceof Incomplete) return;
          throw e;
        }
        this.buf = this.buf.slice(parsed.end);
        const msg = parsed.value as { [k: string]: Lossless };
        if (msg.method === "echo") {
          sock.write(`{"id":${canonicalText(msg.id!)},"result":${canonicalText(msg.params!)},"error":null}`);
          continue;
        }
        const id = msg.id instanceof Num ? Number(msg.id.text) : -1;
        this.waiting.get(id)?.({ result: msg.result ?? null, error: msg.error ?? null });
        this.waiting.delete(id);
      }
    });
  }

  static connect(remote: string): Promise<RawRpc> {
    const path = remote.replace(/^unix:/, "");
    return new Promise((resolve, reject) => {
      const s = createConnection(path, () => resolve(new RawRpc(s)));
      s.once("error", reject);
    });
  }

  call(method: string, paramsText: string): Promise<{ result: Lossless; error: Lossless }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${method} ${paramsText.slice(0, 200)}`)), 20_000);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.sock.write(`{"id":${id},"method":"${method}","params":${paramsText}}`);
    });
  }

  /** Runs one transaction; returns its result array (or the JSON-RPC error object). */
  async transact(paramsText: string): Promise<Lossless> {
    const r = await this.call("transact", paramsText);
    return r.error !== null ? { rpcError: r.error } : r.result;
  }

  close(): void {
    this.sock.destroy();
  }
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|<\d+>/g;

/** Replaces UUIDs (and `<n>` markers) by `<n>` in order of first appearance, as OVS's `uuidfilt` does. */
export function uuidfilt(text: string): string {
  const map = new Map<string, string>();
  return text.replace(UUID_RE, (u) => {
    let n = map.get(u);
    if (!n) map.set(u, (n = `<${map.size}>`));
    return n;
  });
}

const UUID_SET_RE = /\["set",\[(\["uuid","[^"]+"\](?:,\["uuid","[^"]+"\])*)\]\]/g;

/**
 * ovsdb-server orders a set of UUIDs by UUID value, which is random: order each such set by the
 * rank its members get when the sets themselves are left out of the numbering.
 */
function orderUuidSets(text: string): string {
  const rank = new Map<string, number>();
  for (const m of text.replace(UUID_SET_RE, "S").matchAll(UUID_RE)) if (!rank.has(m[0])) rank.set(m[0], rank.size);
  return text.replace(UUID_SET_RE, (_all, inner: string) => {
    const members = inner.match(/\["uuid","[^"]+"\]/g)!;
    const r = (m: string) => rank.get(m.slice(9, -2)) ?? Number.MAX_SAFE_INTEGER;
    return `["set",[${[...members].sort((a, b) => r(a) - r(b)).join(",")}]]`;
  });
}

/** Sorts the rows of `select` results whose operation has no `sort` (ovsdb-server returns them in hash order). */
function sortUnsortedSelects(ops: Lossless, results: Lossless): Lossless {
  if (!Array.isArray(ops) || !Array.isArray(results)) return results;
  return results.map((r, i) => {
    const op = ops[i + 1] as { [k: string]: Lossless } | undefined;
    const rows = r !== null && typeof r === "object" && !Array.isArray(r) && !(r instanceof Num) ? r.rows : undefined;
    if (!op || op.op !== "select" || op.sort !== undefined || !Array.isArray(rows)) return r;
    const key = (x: Lossless) => canonicalText(x).replace(UUID_RE, "U");
    return { ...(r as object), rows: [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
  });
}

/** Normalizes an execution case's output (ours, ovsdb-server's or the `.at` file's) for comparison. */
export function normalizeExecution(c: SuiteCase, lines: readonly string[]): string {
  return uuidfilt(orderUuidSets(
    lines
      .map((l, i) => {
        const txn = c.args[i];
        try {
          return canonicalText(sortUnsortedSelects(txn ? parseLossless(txn) : null, parseLossless(l)));
        } catch {
          return l;
        }
      })
      .join("\n"),
  ));
}

const pad = (n: number) => String(n).padStart(2, " ");

function errorText(r: Lossless): string | undefined {
  if (r !== null && typeof r === "object" && !Array.isArray(r) && !(r instanceof Num)) {
    if (r.rpcError !== undefined) return `rpc error: ${canonicalText(r.rpcError)}`;
    if (typeof r.error === "string") return `${r.error}${typeof r.details === "string" ? `: ${r.details}` : ""}`;
  }
  return undefined;
}

/** The first error of a transaction's results, as `error: details`, or undefined when it succeeded. */
function txnError(results: Lossless): string | undefined {
  if (!Array.isArray(results)) return errorText(results);
  for (const r of results) {
    const e = errorText(r);
    if (e !== undefined) return e;
  }
  return undefined;
}

const str = (v: Lossless) => canonicalText(v);

/** Runs one case against the connection; returns its output lines (`test-ovsdb` style). */
async function runCase(rpc: RawRpc, c: SuiteCase, index: number): Promise<string[]> {
  const db = JSON.stringify(c.kind === "execution" ? (JSON.parse(c.schema) as { name: string }).name : caseDbName(index));
  const tables = Object.keys((JSON.parse(caseSchema(c, index)) as { tables: object }).tables);
  const reset = () => rpc.transact(`[${db},${tables.map((t) => `{"op":"delete","table":"${t}","where":[]}`).join(",")}]`);
  await reset();
  const out: string[] = [];
  if (c.kind === "execution") {
    for (const txn of c.args) out.push(str(await rpc.transact(txn)));
    return out;
  }
  const insertRows = async (rowsText: string): Promise<string[]> => {
    const rows = parseLossless(rowsText) as Lossless[];
    const r = await rpc.transact(`[${db},${rows.map((row) => `{"op":"insert","table":"t","row":${str(row)}}`).join(",")}]`);
    const e = txnError(r);
    if (e !== undefined) throw new Error(`inserting the rows failed: ${e}`);
    return (r as { uuid: [string, string] }[]).map((x) => x.uuid[1]);
  };
  switch (c.kind) {
    case "parse-conditions":
    case "parse-mutations":
      for (const [i, arg] of c.args.entries()) {
        const op =
          c.kind === "parse-conditions"
            ? `{"op":"select","table":"t","where":${arg}}`
            : `{"op":"mutate","table":"t","where":[],"mutations":${arg}}`;
        out.push(`${pad(i)}: ${txnError(await rpc.transact(`[${db},${op}]`)) ?? "ok"}`);
      }
      return out;
    case "evaluate-conditions":
    case "query": {
      const [condsText, rowsText] = c.kind === "query" ? [c.args[1]!, c.args[0]!] : [c.args[0]!, c.args[1]!];
      const uuids = await insertRows(rowsText);
      const conds = parseLossless(condsText) as Lossless[];
      for (const [i, cond] of conds.entries()) {
        const r = await rpc.transact(`[${db},{"op":"select","table":"t","where":${str(cond)},"columns":["_uuid"]}]`);
        const e = txnError(r);
        const label = c.kind === "query" ? `query ${pad(i)}: ` : `condition ${pad(i)}: `;
        if (e !== undefined) {
          out.push(`${label}error: ${e}`);
          continue;
        }
        const hit = new Set(((r as { rows: { _uuid: [string, string] }[] }[])[0]!.rows ?? []).map((x) => x._uuid[1]));
        // test-ovsdb puts a space after every fifth row.
        out.push(label + uuids.map((u, k) => (k > 0 && k % 5 === 0 ? " " : "") + (hit.has(u) ? (c.kind === "query" ? "1" : "T") : "-")).join(""));
      }
      return out;
    }
    case "execute-mutations": {
      const mutations = parseLossless(c.args[0]!) as Lossless[];
      for (const [i, m] of mutations.entries()) {
        if (i > 0) out.push("");
        out.push(`mutation ${pad(i)}:`);
        await reset();
        const uuids = await insertRows(c.args[1]!);
        for (const [j, u] of uuids.entries()) {
          const where = `[["_uuid","==",["uuid","${u}"]]]`;
          const cols = (r: Lossless) => {
            const row = { ...((r as { rows: { [k: string]: Lossless }[] }[])[0]!.rows[0] as object) } as { [k: string]: Lossless };
            delete row._uuid;
            delete row._version;
            return str(row);
          };
          const before = cols(await rpc.transact(`[${db},{"op":"select","table":"t","where":${where}}]`));
          const r = await rpc.transact(`[${db},{"op":"mutate","table":"t","where":${where},"mutations":${str(m)}}]`);
          const e = txnError(r);
          if (e !== undefined) {
            out.push(`row ${j}: ${e}`);
            continue;
          }
          const after = cols(await rpc.transact(`[${db},{"op":"select","table":"t","where":${where}}]`));
          out.push(`row ${j}: ${after === before ? "no change" : after}`);
        }
      }
      return out;
    }
    case "monitor":
      throw new Error("monitor cases run in monitor.test.ts");
  }
}

/** One case's outcome on one server. */
export interface CaseOutcome {
  readonly id: string;
  /** Normalized output, comparable with another server's and with {@link expectedOutput}. */
  readonly text: string;
  /** Output lines (execution: one per transaction). */
  readonly lines: readonly string[];
}

/** Runs every case against `remote` (unix:PATH). */
export async function runSuite(remote: string, cases: readonly SuiteCase[]): Promise<CaseOutcome[]> {
  const rpc = await RawRpc.connect(remote);
  const out: CaseOutcome[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      if (c.kind === "monitor") continue; // monitor.test.ts runs these
      let lines: string[];
      try {
        lines = await runCase(rpc, c, i);
      } catch (e) {
        lines = [`runner failed: ${(e as Error).message}`];
      }
      out.push({ id: c.id, lines, text: c.kind === "execution" ? normalizeExecution(c, lines) : lines.join("\n") });
    }
  } finally {
    rpc.close();
  }
  return out;
}

/** The `.at` file's expected output, normalized like {@link CaseOutcome.text}, or undefined when it is not comparable. */
export function expectedOutput(c: SuiteCase): string | undefined {
  if (c.expected === null || c.kind === "parse-conditions" || c.kind === "parse-mutations") return undefined;
  const lines = c.expected.replace(/\n+$/, "").split("\n");
  return c.kind === "execution" ? normalizeExecution(c, lines) : lines.join("\n");
}
