/**
 * The reconcile runtime against the embedded server and a real ovsdb-server: a lost race (another
 * client changes a guarded row between build and send) is retried from the replica; a race lost on
 * every attempt is a typed ConcurrentChangeError with the row; the transaction hook sees every
 * transaction (label, operations, latency, outcome); a work queue fed by replica events
 * reconciles a drifted row back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { ConcurrentChangeError, NbController, type TransactionEvent, WorkQueue } from "../../../src/ovn/index.js";
import { BACKENDS, type Backend, nbctl, recordingClient, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("reconcile runtime", () => {
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend;
    let client: OvsdbClient;
    let sent: Operation[][];
    let ctl: NbController;
    const events: TransactionEvent[] = [];
    beforeAll(async () => {
      backend = await startBackend(kind);
      ({ client, sent } = await recordingClient(backend.unix));
      ctl = await NbController.open(client, { identity: { vendor: "ctl-test" }, onTransaction: (e) => events.push(e) });
      await ctl.reconcile("setup", (p) => p.ensureSwitch("race", { other_config: { a: "0" } }));
    });
    afterAll(async () => {
      await ctl?.close();
      client?.close();
      await backend?.stop();
    });

    it("retries a lost race from the replica and reports both attempts to the hook", async () => {
      events.length = 0;
      let builds = 0;
      const r = await ctl.reconcile("switch/race", async (p) => {
        p.ensureSwitch("race", { other_config: { a: "1" } });
        if (++builds === 1) await nbctl(backend.unix, "set", "Logical_Switch", "race", "other_config:b=x");
      });
      expect(r).toMatchObject({ sent: true, attempts: 2 });
      expect(events.map((e) => [e.label, e.outcome])).toEqual([
        ["switch/race", "guard-failed"],
        ["switch/race", "committed"],
      ]);
      expect(events[1]!.counts).toMatchObject({ wait: 1, mutate: 1, insert: 0 });
      expect(events[1]!.latencyMs).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(JSON.stringify(events[1]!.operations))).toEqual(sent[sent.length - 1]);
      expect(await nbctl(backend.unix, "get", "Logical_Switch", "race", "other_config")).toBe("{a=\"1\"}\n");
    }, 60_000);

    it("surfaces a race lost on every attempt as ConcurrentChangeError carrying the row", async () => {
      let i = 0;
      const e = await ctl
        .reconcile(
          "switch/race",
          async (p) => {
            p.ensureSwitch("race", { other_config: { a: "2" } });
            await nbctl(backend.unix, "set", "Logical_Switch", "race", `other_config:b=${++i}`);
          },
          { attempts: 3, baseDelayMs: 1 },
        )
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConcurrentChangeError);
      const err = e as ConcurrentChangeError;
      expect(err).toMatchObject({ label: "switch/race", attempts: 3, row: { table: "Logical_Switch", uuid: ctl.db.byName("Logical_Switch", "race")!["_uuid"] } });
      expect(err.cause.name).toBe("TimedOut");
      expect(i).toBe(3);
    }, 60_000);

    it("two controllers creating the same switch at once end with one switch (the absence guard loses, the retry adopts)", async () => {
      const { client: c2 } = await recordingClient(backend.unix);
      const ctl2 = await NbController.open(c2, { identity: { vendor: "ctl-test" } });
      try {
        const results = await Promise.all(
          [ctl, ctl2].map((c, i) => c.reconcile(`dup/${i}`, (p) => p.ensureSwitch("dup", { other_config: { subnet: "10.77.0.0/16" } }), { baseDelayMs: 1 })),
        );
        expect((await nbctl(backend.unix, "--bare", "--columns=name", "find", "Logical_Switch", "name=dup")).trim()).toBe("dup");
        expect(results.filter((r) => r.sent)).toHaveLength(1);
        expect(results.map((r) => r.attempts).sort()).toEqual([1, 2]);
      } finally {
        await ctl2.close();
        c2.close();
      }
    }, 60_000);

    it("a work queue fed by replica events puts a drifted port back", async () => {
      const desired = new Map([["web-0", ["0a:58:0a:10:00:05 10.16.0.5"]]]);
      const q = new WorkQueue({
        concurrency: 2,
        baseDelayMs: 1,
        handler: async (name) => {
          const addresses = desired.get(name);
          if (!addresses) return;
          await ctl.reconcile(`pod/${name}`, (p) => {
            p.ensureSwitch("q-sw");
            p.ensureSwitchPort("q-sw", name, { addresses });
          });
        },
      });
      const stop = q.watch(ctl.db.replica, (c) => (c.table === "Logical_Switch_Port" ? ((c.kind === "delete" ? c.old : c.new)["name"] as string) : undefined));
      q.add("web-0");
      await q.idle();
      expect(await nbctl(backend.unix, "lsp-get-addresses", "web-0")).toBe("0a:58:0a:10:00:05 10.16.0.5\n");
      const before = sent.length;
      // The drift is written behind the controller's back; nbctl returns at its commit, which may
      // be before the replica hears of it: wait for the replica to have seen the drift (or its
      // correction: the queue may already have fixed it), then for the correction.
      await nbctl(backend.unix, "lsp-set-addresses", "web-0", "0a:58:0a:10:00:99 10.16.0.99");
      const addresses = () => (ctl.db.byName("Logical_Switch_Port", "web-0")!["addresses"] as string[])[0];
      await ctl.db.replica.waitUntil(() => addresses() === "0a:58:0a:10:00:99 10.16.0.99" || sent.length > before, 10_000);
      await ctl.db.replica.waitUntil(() => addresses() === "0a:58:0a:10:00:05 10.16.0.5", 10_000);
      await q.idle();
      // One correcting transaction; the event of the controller's own write sends nothing more.
      expect(sent.length).toBe(before + 1);
      stop();
      await q.close();
    }, 60_000);
  });
});
