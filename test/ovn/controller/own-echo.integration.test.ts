/**
 * A controller that follows its own writes (`ControlledDb.followOwnWrites`: the replica's monitor
 * cancelled, each committed transaction worked out by the client, src/ovn/controller/own-echo.ts)
 * against the embedded server and a real ovsdb-server: after issue 15's proof manifest its replica
 * holds exactly what a fresh replica reads from the server (every row, every column but
 * `_version`) and it never attached again; a prune (deletes) attaches the monitor again and the
 * replica is exact again; a row it changed itself and another client changed after is guarded by
 * its contents, so the change is not overwritten blindly (the guard fails, the monitor is
 * attached, the plan rebuilt from the server's state); without that change the same guard passes and the replica stays detached.
 */
import { afterEach, describe, expect, it } from "vitest";
import { proofManifest } from "../../../benchmarks/model.js";
import { KUBE_OVN_IDENTITY, type Manifest, applyModel, existingAddresses, parseManifestText, resolveModel } from "../../../src/model/index.js";
import { NB_CONTROLLER_TABLES, NbController, type TransactionEvent } from "../../../src/ovn/controller/index.js";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Datum, Row } from "../../../src/ovsdb/schema/datum.js";
import { peers } from "../../support/peers.js";
import { BACKENDS, type Backend, nbctl, startBackend } from "./support.js";

/** A value with set elements and map entries in a fixed order (the server's order and the client's may differ). */
function canonical(v: Datum): unknown {
  if (v instanceof Map) return [...v].map(([k, x]) => [k, x]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
  if (Array.isArray(v)) return [...(v as unknown[])].sort();
  return v;
}

/** Every row of the controller's tables as `uuid → columns` (no `_version`), from `ctl`'s replica. */
function contents(ctl: NbController): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const table of NB_CONTROLLER_TABLES) {
    if (!ctl.db.has(table)) continue;
    const rows: Record<string, Record<string, unknown>> = {};
    for (const row of ctl.db.replica.rows(table) as Iterable<Row>) {
      const cols: Record<string, unknown> = {};
      for (const c of ctl.db.table(table).columns.keys()) if (c !== "_version") cols[c] = canonical(row[c]);
      rows[row["_uuid"] as string] = cols;
    }
    out[table] = rows;
  }
  return out;
}

/** What a fresh replica reads from the server now. */
async function serverContents(unix: string): Promise<ReturnType<typeof contents>> {
  const client = await OvsdbClient.connect(unix, { probeIntervalMs: 0 });
  try {
    const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
    try {
      return contents(ctl);
    } finally {
      await ctl.close();
    }
  } finally {
    client.close();
  }
}

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("a controller following its own writes", () => {
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend | undefined;
    const clients: OvsdbClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await backend?.stop();
      backend = undefined;
    });
    const open = async (events: TransactionEvent[] = []): Promise<NbController> => {
      const client = await OvsdbClient.connect(backend!.unix, { probeIntervalMs: 0 });
      clients.push(client);
      return NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, onTransaction: (e) => events.push(e) });
    };
    const apply = (ctl: NbController, manifest: Manifest, prune = false) => applyModel(ctl, resolveModel(manifest, { existing: existingAddresses(ctl) }), { followOwnWrites: true, prune, maxOperations: 400 });

    it("ends an apply of the proof manifest with the server's rows, never attached again", { timeout: 240_000 }, async () => {
      backend = await startBackend(kind);
      const events: TransactionEvent[] = [];
      const ctl = await open(events);
      const r = await apply(ctl, parseManifestText(proofManifest(300), "proof.yaml"));
      expect(r.transactions).toBeGreaterThan(3);
      expect(events.map((e) => e.outcome).filter((o) => o !== "committed")).toEqual([]);
      expect(ctl.db.replica.detached).toBe(true);
      // Guards on rows the apply changed itself pin their contents, never a `_version` the client cannot know.
      const versionGuards = events.flatMap((e) => e.operations).filter((op) => op.op === "wait" && op.columns.includes("_version"));
      expect(JSON.stringify(versionGuards)).not.toContain("00000000-0000-0000-0000-000000000000");
      expect(contents(ctl)).toEqual(await serverContents(backend.unix));
      await ctl.close();
    });

    it("attaches the monitor again for a prune's deletes, and holds the server's rows after it", { timeout: 240_000 }, async () => {
      backend = await startBackend(kind);
      const ctl = await open();
      const full = proofManifest(100);
      await apply(ctl, parseManifestText(full, "proof.yaml"));
      expect(ctl.db.replica.detached).toBe(true);
      // Services and policies gone from the files: their rows are deleted (and rows that held them updated).
      const fewer = full.split("---\n").filter((d) => !/kind: (Service|NetworkPolicy)\n/.test(d)).join("---\n");
      const r = await apply(ctl, parseManifestText(fewer, "proof.yaml"), true);
      expect(r.counts.deleted).toBe(150);
      expect(ctl.db.replica.detached).toBe(false);
      expect(contents(ctl)).toEqual(await serverContents(backend.unix));
      await ctl.close();
    });

    it("rebuilds a chunk whose row another client changed mid-apply, from the server's state, the chunks after it in order", { timeout: 240_000 }, async () => {
      backend = await startBackend(kind);
      const events: TransactionEvent[] = [];
      const client = await OvsdbClient.connect(backend.unix, { probeIntervalMs: 0 });
      clients.push(client);
      // Just before the first transaction that guards a load balancer by its contents (a service's
      // VIPs on a load balancer this apply created), another client changes that load balancer.
      let changed: string | undefined;
      const orig = client.transact.bind(client);
      client.transact = async (database, ops, options) => {
        const guard = ops.find((op) => op.op === "wait" && op.table === "Load_Balancer" && op.where[0]?.[0] === "_uuid" && !op.columns.includes("_version"));
        if (guard && guard.op === "wait" && changed === undefined) {
          changed = (JSON.parse(JSON.stringify(guard)) as { where: [string, string, [string, string]][] }).where[0]![2][1];
          await nbctl(backend!.unix, "set", "Load_Balancer", changed, "external_ids:other=x");
        }
        return orig(database, ops, options);
      };
      const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, onTransaction: (e) => events.push(e) });
      const r = await apply(ctl, parseManifestText(proofManifest(100), "proof.yaml"));
      expect(changed).toBeDefined();
      expect(events.filter((e) => e.outcome !== "committed").map((e) => e.outcome)).toEqual(["guard-failed"]);
      expect(r.counts.created).toBe(r.objects.length);
      expect(ctl.db.replica.detached).toBe(false);
      // The other client's key kept (external_ids is managed key by key), the service's VIPs there.
      expect(await nbctl(backend.unix, "get", "Load_Balancer", changed!, "external_ids:other")).toBe("x\n");
      expect(contents(ctl)).toEqual(await serverContents(backend.unix));
      await ctl.close();
    });

    it("does not overwrite another client's change to a row it changed itself", { timeout: 60_000 }, async () => {
      backend = await startBackend(kind);
      const events: TransactionEvent[] = [];
      const ctl = await open(events);
      ctl.db.followOwnWrites();
      await ctl.reconcile("create", (p) => p.ensureSwitch("sw", { other_config: { a: "0" } }));
      await ctl.reconcile("change", (p) => p.ensureSwitch("sw", { other_config: { a: "1" } }));
      expect(ctl.db.replica.detached).toBe(true);
      // The second change was guarded by the row's contents (its `_version` is the server's secret), and passed.
      const guard = events[1]!.operations.find((op) => op.op === "wait");
      expect(guard).toMatchObject({ op: "wait", table: "Logical_Switch", until: "==" });
      expect(guard?.op === "wait" && guard.columns).toContain("other_config");
      expect(events.map((e) => e.outcome)).toEqual(["committed", "committed"]);

      await nbctl(backend.unix, "set", "Logical_Switch", "sw", "other_config:b=x");
      await ctl.reconcile("again", (p) => p.ensureSwitch("sw", { other_config: { a: "2" }, external_ids: { k: "v" } }));
      expect(events.slice(2).map((e) => [e.label, e.outcome])).toEqual([
        ["again", "guard-failed"],
        ["again", "committed"],
      ]);
      expect(ctl.db.replica.detached).toBe(false);
      // rebuilt from the server's state (a desired map is set exactly, as the reconcile tests show)
      expect(await nbctl(backend.unix, "get", "Logical_Switch", "sw", "other_config")).toBe('{a="2"}\n');
      expect(contents(ctl)).toEqual(await serverContents(backend.unix));
      await ctl.close();
    });
  });
});
