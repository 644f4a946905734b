/**
 * A replica survives an online schema conversion of its database: on a change-aware client the
 * server cancels the monitor (`monitor_canceled`) and the client re-issues it, so the replica
 * resyncs and keeps following changes; on a client that is not change-aware the server drops the
 * connection and the replica resumes through the reconnect. Conversions by `ovsdb-client convert`,
 * on real ovsdb-server and on the embedded server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/client/client.js";
import { Replica } from "../../../src/ovsdb/cache/replica.js";
import { model } from "../../../src/ovsdb/models/ovn-nb.js";
import type { Tables } from "../../../src/ovsdb/models/ovn-nb.js";
import { makeTempDir, removeDir, run } from "../../../src/testing/process.js";
import { startEmbeddedServer, startOvsdbServer } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";

const ROOT = join(import.meta.dirname, "../../..");

describe.skipIf(!peers("ovsdb-server", "ovsdb-client"))("replica across an online schema conversion", () => {
  let dir = "";
  let newer = "";
  let newest = "";
  const servers: { kind: string; db: string; stop: () => Promise<void> | void }[] = [];
  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-convert-");
    // The NB schema with one more column: the typed NB model still fits it.
    const schema = JSON.parse(readFileSync(join(ROOT, "schemas/ovn-nb.ovsschema"), "utf8")) as { version: string; tables: Record<string, { columns: Record<string, unknown> }> };
    const bump = (v: string, minor: number) => v.replace(/^(\d+)\.(\d+)\.(\d+)$/, (_, a: string, b: string) => `${a}.${Number(b) + minor}.0`);
    schema.version = bump(schema.version, 1);
    schema.tables["Logical_Switch"]!.columns["ovn_ts_extra"] = { type: { key: "string", min: 0, max: 1 } };
    newer = join(dir, "newer.ovsschema");
    writeFileSync(newer, JSON.stringify(schema));
    schema.version = bump(schema.version, 1);
    schema.tables["Logical_Switch"]!.columns["ovn_ts_more"] = { type: { key: "integer", min: 0, max: 1 } };
    newest = join(dir, "newest.ovsschema");
    writeFileSync(newest, JSON.stringify(schema));
    const real = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    servers.push({ kind: "ovsdb-server", db: real.unix, stop: () => real.stop() });
    const emb = await startEmbeddedServer({ schema: "OVN_Northbound" });
    servers.push({ kind: "embedded server", db: emb.unix, stop: () => emb.stop() });
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    if (dir) removeDir(dir);
  });

  for (const kind of ["ovsdb-server", "embedded server"]) {
    it(`${kind}: change-aware and plain clients' replicas follow changes made after the conversion`, async () => {
      const db = servers.find((s) => s.kind === kind)!.db;
      const aware = await OvsdbClient.connect(db, { reconnect: { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2, jitter: 0 } });
      const plain = await OvsdbClient.connect(db, { reconnect: { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2, jitter: 0 } });
      const writer = await OvsdbClient.connect(db);
      try {
        await aware.setDbChangeAware(true);
        const canceled: string[] = [];
        aware.on("monitor-canceled", (id, database) => canceled.push(`${id} ${database}`));
        const errors: Error[] = [];
        aware.on("error", (e) => errors.push(e));
        const r1 = await Replica.start<Tables>(aware, model, { tables: { Logical_Switch: true } });
        const r2 = await Replica.start<Tables>(plain, model, { tables: { Logical_Switch: true } });
        const LS = model.table("Logical_Switch");
        await model.transact(writer, [LS.insert({ name: "before" })]);
        const seen = (r: Replica<Tables>, name: string) =>
          new Promise<void>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`${name} not seen`)), 10_000);
            const check = () => {
              if (r.find("Logical_Switch", { name }).length > 0) {
                clearTimeout(t);
                r.off("batch", check);
                resolve();
              }
            };
            r.on("batch", check);
            check();
          });
        await seen(r1, "before");
        await seen(r2, "before");

        const conv = await run("ovsdb-client", ["convert", db, newer], { allowFailure: true });
        expect(conv.stderr).toBe("");
        expect(conv.code).toBe(0);
        await model.transact(writer, [LS.insert({ name: "after" })]).catch(async () => {
          // The writer is not change-aware: the conversion dropped it. Write on a new connection.
          const w = await OvsdbClient.connect(db);
          await model.transact(w, [LS.insert({ name: "after" })]);
          w.close();
        });
        await seen(r1, "after");
        await seen(r2, "after");
        expect(canceled.length).toBeGreaterThan(0);
        expect(canceled[0]).toMatch(/ OVN_Northbound$/);
        expect(errors).toEqual([]);
        expect(r1.find("Logical_Switch", { name: "before" })).toHaveLength(1);
        expect(aware.state).toBe("ready");

        // A second conversion on the same connection works the same way.
        expect((await run("ovsdb-client", ["convert", db, newest], { allowFailure: true })).code).toBe(0);
        const w = await OvsdbClient.connect(db);
        await model.transact(w, [LS.insert({ name: "after2" })]);
        w.close();
        await seen(r1, "after2");
        await seen(r2, "after2");
        expect(canceled.length).toBeGreaterThan(1);
        await r1.close();
        await r2.close();
      } finally {
        aware.close();
        plain.close();
        writer.close();
      }
    }, 60_000);
  }
});
