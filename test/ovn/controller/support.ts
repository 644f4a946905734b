/** Test support of the controller tests: servers (embedded and real), a client whose sent operations are recorded, ovn-nbctl, and a text form of operations. */
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { run, startEmbeddedServer, startOvsdbServer } from "../../../src/testing/index.js";

/** A running NB server of either kind. */
export interface Backend {
  readonly unix: string;
  stop(): Promise<void>;
}

/** The two server kinds every controller test runs against. */
export const BACKENDS = ["embedded", "ovsdb-server"] as const;

/** Starts an NB server (and SB when asked) of the given kind. */
export async function startBackend(kind: (typeof BACKENDS)[number], schemas: readonly ("OVN_Northbound" | "OVN_Southbound")[] = ["OVN_Northbound"]): Promise<Backend> {
  if (kind === "embedded") {
    const s = await startEmbeddedServer({ schemas });
    return { unix: s.unix, stop: () => s.stop() };
  }
  const s = await startOvsdbServer({ schemas });
  return { unix: s.unix, stop: () => s.stop() };
}

/** A client plus the list of operation lists it sent with `transact`. */
export async function recordingClient(unix: string): Promise<{ client: OvsdbClient; sent: Operation[][] }> {
  const client = await OvsdbClient.connect(unix, { probeIntervalMs: 0 });
  const sent: Operation[][] = [];
  const orig = client.transact.bind(client);
  client.transact = (database, ops, options) => {
    sent.push(JSON.parse(JSON.stringify(ops)) as Operation[]);
    return orig(database, ops, options);
  };
  return { client, sent };
}

/** Runs ovn-nbctl against `db`, returning stdout. */
export async function nbctl(db: string, ...args: string[]): Promise<string> {
  return (await run("ovn-nbctl", [`--db=${db}`, ...args])).stdout;
}

function atomText(v: unknown): string {
  if (Array.isArray(v) && (v[0] === "uuid" || v[0] === "named-uuid")) return v[0] === "uuid" ? "<uuid>" : "@new";
  if (Array.isArray(v) && v[0] === "set") return `[${(v[1] as unknown[]).map(atomText).sort().join(",")}]`;
  if (Array.isArray(v) && v[0] === "map") return `{${(v[1] as [unknown, unknown][]).map(([k, x]) => `${atomText(k)}=${atomText(x)}`).sort().join(",")}}`;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * One line per operation, independent of uuid-names and value encodings:
 * `wait T`, `insert T`, `update T col,col`, `mutate T col delete [..] / col insert {..}`, `delete T`.
 */
export function opsText(ops: readonly Operation[]): string[] {
  return ops.map((op) => {
    switch (op.op) {
      case "wait":
        return `wait ${op.table} ${op.columns.join(",")}`;
      case "insert":
        return `insert ${op.table}`;
      case "update":
        return `update ${op.table} ${Object.entries(op.row).map(([k, v]) => `${k}=${atomText(v)}`).sort().join(" ")}`;
      case "mutate":
        return `mutate ${op.table} ${op.mutations.map(([c, m, v]) => `${c} ${m} ${atomText(v)}`).join(" / ")}`;
      case "delete":
        return `delete ${op.table}`;
      default:
        return op.op;
    }
  });
}
