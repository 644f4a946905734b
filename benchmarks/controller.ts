/**
 * Controller benchmark (issue 14): reconcile of 10,000 pods through the declarative calls, against
 * a real `ovsdb-server`. Each pod is reconciled as a Kube-OVN-style controller would on a resync:
 * one `reconcile()` per pod ensuring its switch port (fixed MAC/IP in `addresses` and
 * `port_security`, `external_ids`), plus one set-exactly of the port group holding every pod.
 *
 * Rows: the 10,000 unchanged pods (must send nothing: the transactions sent are counted on the
 * client and must be 0), then the same 10,000 after 100 of them were changed behind the
 * controller's back by another client (must send exactly 100 transactions). Times are wall clock
 * for the whole pass, one process, sequential reconciles.
 *
 * Run alone: `BENCH=controller npm run bench`, or `npx vite-node benchmarks/controller-run.ts`.
 *
 * @module
 */
import { OvsdbClient } from "../src/ovsdb/client/client.js";
import { NbController } from "../src/ovn/controller/nb-controller.js";
import { startOvsdbServer } from "../src/testing/ovsdb-server.js";

/** One row of the benchmark. */
export interface ControllerBenchRow {
  readonly name: string;
  readonly pods: number;
  readonly totalMs: number;
  readonly usPerPod: number;
  /** Transactions the pass sent. */
  readonly transactions: number;
  /** Operations the pass sent. */
  readonly operations: number;
}

/** Result of {@link runControllerBenchmarks}. */
export interface ControllerBenchResult {
  readonly rows: readonly ControllerBenchRow[];
  readonly environment: Record<string, string>;
}

const mac = (i: number) => `0a:5a:${[24, 16, 8, 0].map((s) => ((i >> s) & 255).toString(16).padStart(2, "0")).join(":")}`;
const ip = (i: number) => `10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;

/** Runs the benchmark (`CONTROLLER_BENCH_PODS`, default 10,000; `CONTROLLER_BENCH_CHANGED`, default 100). */
export async function runControllerBenchmarks(): Promise<ControllerBenchResult> {
  const pods = Number(process.env["CONTROLLER_BENCH_PODS"] ?? 10_000);
  const changed = Math.min(pods, Number(process.env["CONTROLLER_BENCH_CHANGED"] ?? 100));
  const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
  const client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
  const other = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
  let transactions = 0;
  let operations = 0;
  const orig = client.transact.bind(client);
  client.transact = (db, ops, o) => {
    transactions++;
    operations += ops.length;
    return orig(db, ops, o);
  };
  const rows: ControllerBenchRow[] = [];
  try {
    const ctl = await NbController.open(client, { identity: { vendor: "bench" } });
    const names = Array.from({ length: pods }, (_, i) => `pod-${i}.default`);
    const podSpec = (i: number) => ({
      addresses: [`${mac(i)} ${ip(i)}`],
      port_security: [`${mac(i)} ${ip(i)}`],
      external_ids: { pod: `default/pod-${i}`, ls: "ovn-default" },
    });
    // Initial state, in batches of 1,000 pods per transaction.
    await ctl.reconcile("init", (p) => p.ensureSwitch("ovn-default", { other_config: { subnet: "10.64.0.0/10" } }));
    for (let b = 0; b < pods; b += 1000) {
      await ctl.reconcile("init", (p) => {
        for (let i = b; i < Math.min(pods, b + 1000); i++) p.ensureSwitchPort("ovn-default", names[i]!, podSpec(i));
      });
    }
    await ctl.reconcile("init", (p) => p.setPortGroupPorts("pg_default", names));

    const pass = async (name: string): Promise<void> => {
      const t0 = transactions;
      const o0 = operations;
      const start = performance.now();
      for (let i = 0; i < pods; i++) await ctl.reconcile(`pod/${names[i]}`, (p) => p.ensureSwitchPort("ovn-default", names[i]!, podSpec(i)));
      await ctl.reconcile("pg", (p) => p.setPortGroupPorts("pg_default", names));
      const totalMs = performance.now() - start;
      rows.push({ name, pods, totalMs, usPerPod: (totalMs * 1000) / pods, transactions: transactions - t0, operations: operations - o0 });
    };
    await pass("reconcile, all unchanged");
    if (rows[0]!.transactions !== 0) throw new Error(`unchanged reconcile sent ${rows[0]!.transactions} transactions`);

    // 100 pods changed behind the controller's back (another client, one transaction).
    const step = Math.max(1, Math.floor(pods / changed));
    const drift = Array.from({ length: changed }, (_, k) => k * step).map((i) => ({
      op: "update" as const,
      table: "Logical_Switch_Port",
      where: [["name", "==", names[i]!] as ["name", "==", string]],
      row: { addresses: `${mac(i + 1_000_000)} ${ip(i)}` },
    }));
    await other.transact("OVN_Northbound", drift);
    const lastDrift = names[(changed - 1) * step]!;
    await ctl.db.replica.waitUntil(() => (ctl.db.byName("Logical_Switch_Port", lastDrift)?.["addresses"] as string[] | undefined)?.[0]?.startsWith(mac((changed - 1) * step + 1_000_000)) === true, 30_000);
    await pass(`reconcile, ${changed} changed`);
    if (rows[1]!.transactions !== changed) throw new Error(`changed reconcile sent ${rows[1]!.transactions} transactions, expected ${changed}`);
    await ctl.close();
  } finally {
    other.close();
    client.close();
    await server.stop();
  }
  return { rows, environment: { node: process.version, pods: String(pods), server: "ovsdb-server (real), unix socket" } };
}

/** The result as a markdown table. */
export function formatControllerTable(r: ControllerBenchResult): string {
  const lines = ["| pass | pods | total ms | µs/pod | transactions | operations |", "| --- | ---: | ---: | ---: | ---: | ---: |"];
  for (const x of r.rows) lines.push(`| ${x.name} | ${x.pods.toLocaleString("en")} | ${x.totalMs.toFixed(0)} | ${x.usPerPod.toFixed(1)} | ${x.transactions} | ${x.operations} |`);
  return `${lines.join("\n")}\n`;
}

