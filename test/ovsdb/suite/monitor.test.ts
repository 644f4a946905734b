/**
 * The `ovsdb-monitor.at` cases of OVS's test suite (cases.json), run three ways at once:
 * `ovsdb-client` monitoring a real ovsdb-server (the reference, also checked against the `.at`
 * file's expectation), `ovsdb-client` monitoring the embedded server (server side), and
 * `ovn-ts ovsdb` monitoring the real server (client side). Outputs are compared after OVS's own
 * normalization; the cases that differ must be exactly those listed in known-differences.json.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSchema } from "../../../src/ovsdb/schema/schema.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir, run } from "../../../src/testing/process.js";
import { peers } from "../../support/peers.js";
import type { SuiteCase } from "./extract.js";
import { uuidfilt } from "./runner.js";
import { MonitorProxy, type RunningMonitor, normalizeMonitor, startOvnTsMonitor, startOvsdbClientMonitor } from "./monitor-runner.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const cases = (JSON.parse(readFileSync(join(here, "cases.json"), "utf8")) as { cases: SuiteCase[] }).cases.filter((c) => c.kind === "monitor");
const known = JSON.parse(readFileSync(join(here, "known-differences.json"), "utf8")) as {
  monitorServer: { id: string; reason: string }[];
  monitorClient: { id: string; reason: string }[];
  monitorTranslation: { id: string; reason: string }[];
};

interface Outcome {
  readonly id: string;
  readonly reference: string;
  readonly server: string;
  readonly client: string;
  /** What `ovs-appctl ovsdb-client/cond_change` printed for each condition change: ovsdb-client's, ours. */
  readonly condChanges: { readonly reference: string; readonly client: string }[];
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms))]);

async function runCase(c: SuiteCase): Promise<Outcome> {
  const m = c.monitor!;
  const dir = makeTempDir("ovn-ts-suite-mon-");
  const schemaFile = join(dir, "schema.ovsschema");
  writeFileSync(schemaFile, c.schema);
  const real = await startOvsdbServer({ schema: schemaFile });
  const embedded = new OvsdbServer({ historyTxns: 0 });
  embedded.addDatabase(parseSchema(JSON.parse(c.schema)));
  const emb = await embedded.listen(`punix:${join(dir, "embedded.sock")}`);
  const proxies = [new MonitorProxy(dir, "ref", real.unix), new MonitorProxy(dir, "ours", real.unix), new MonitorProxy(dir, "emb", emb.connect)];
  const monitors: RunningMonitor[] = [];
  try {
    const transact = async (txn: string) => {
      await run("ovsdb-client", ["transact", real.unix, txn]);
      await run("ovsdb-client", ["transact", emb.connect, txn]);
    };
    for (const txn of m.pre) await transact(txn);
    for (const p of proxies) await p.listen();
    const [pRef, pOurs, pEmb] = proxies as [MonitorProxy, MonitorProxy, MonitorProxy];
    mkdirSync(join(dir, "ref"));
    mkdirSync(join(dir, "emb"));
    const ref = startOvsdbClientMonitor(c, `unix:${pRef.path}`, join(dir, "ref"));
    const ours = startOvnTsMonitor(c, `unix:${pOurs.path}`, join(dir, "ours.ctl"));
    const server = startOvsdbClientMonitor(c, `unix:${pEmb.path}`, join(dir, "emb"));
    monitors.push(ref, ours, server);
    // Each monitor is in place once its reply passed its proxy (or it has already exited, e.g. on an error).
    const started = [ref, ours, server].map((mon, i) => Promise.race([proxies[i]!.ready, mon.output.then(() => undefined)]));
    await within(Promise.all(started), 20_000, `${c.id}: monitors starting`);
    for (const txn of c.args) await transact(txn);
    const condChanges: Outcome["condChanges"] = [];
    for (const cond of m.condChanges) {
      const reference = await ref.condChange(m.table, cond);
      condChanges.push({ reference, client: await ours.condChange(m.table, cond) });
      await server.condChange(m.table, cond);
    }
    await transact(`[${JSON.stringify(m.db)}]`);
    await real.stop();
    await embedded.close();
    const [a, b, d] = await within(Promise.all([ref.output, server.output, ours.output]), 20_000, `${c.id}: monitors ending`);
    return { id: c.id, reference: normalizeMonitor(a), server: normalizeMonitor(b), client: normalizeMonitor(d), condChanges };
  } finally {
    for (const mon of monitors) mon.kill();
    for (const p of proxies) p.close();
    await real.stop().catch(() => undefined);
    await embedded.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("OVS test-suite monitor corpus", () => {
  it("has the monitor cases and a reason for every known difference", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const d of [...known.monitorServer, ...known.monitorClient, ...known.monitorTranslation]) {
      expect(d.reason.length, d.id).toBeGreaterThan(20);
      expect(cases.map((c) => c.id), d.id).toContain(d.id);
    }
  });
});

describe.skipIf(!peers("ovsdb-server", "ovsdb-client", "ovs-appctl"))("OVS test-suite monitor corpus: ovsdb-client and ovn-ts ovsdb, ovsdb-server and the embedded server", () => {
  const out: Outcome[] = [];
  beforeAll(async () => {
    for (const c of cases) out.push(await runCase(c));
    if (process.env.SUITE_REPORT) writeFileSync(`${process.env.SUITE_REPORT}.monitor.json`, JSON.stringify(out, null, 1));
  }, 600_000);

  it("ovsdb-client on ovsdb-server prints what the .at file expects, except the listed translation differences", () => {
    // The .at file's expectation is already sorted and filtered.
    const differing = cases.filter((c, i) => uuidfilt(c.expected ?? "").replace(/\n+$/, "") !== out[i]!.reference).map((c) => c.id);
    expect(differing.sort()).toEqual(known.monitorTranslation.map((d) => d.id).sort());
  });

  it("the embedded server sends what ovsdb-server sends (ovsdb-client prints the same), except the listed differences", () => {
    expect(out.filter((o) => o.server !== o.reference).map((o) => o.id).sort()).toEqual(known.monitorServer.map((d) => d.id).sort());
  });

  it("ovn-ts ovsdb prints what ovsdb-client prints, except the listed differences", () => {
    expect(out.filter((o) => o.client !== o.reference).map((o) => o.id).sort()).toEqual(known.monitorClient.map((d) => d.id).sort());
  });

  it("ovn-ts ovsdb's control socket answers ovs-appctl ovsdb-client/cond_change as ovsdb-client's does", () => {
    const changes = out.flatMap((o) => o.condChanges);
    expect(changes.length).toBeGreaterThanOrEqual(4);
    for (const ch of changes) expect(ch.client).toBe(ch.reference);
    expect(changes[0]!.reference).toBe("condition changed\nstatus 0\n");
  });
});
