/**
 * Creates of rows whose key the server's schema indexes (NB 7.0: Logical_Switch_Port,
 * Logical_Router_Port, Port_Group, Address_Set `name`) send no absence `wait` (ovsdb-server
 * scans the table to evaluate one): the unique index refuses a duplicate at commit with a
 * `constraint violation`, and a reconcile takes that as a lost race (refresh, rebuild, retry).
 * Tables without such an index (Logical_Switch, Logical_Router) keep their `wait` guard. Against
 * the embedded server and a real ovsdb-server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OvsdbClient } from "../../../src/ovsdb/index.js";
import { ConstraintViolation } from "../../../src/ovsdb/wire/errors.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { ConcurrentChangeError, NbController, type NbPlan, type TransactionEvent, indexRaceOf } from "../../../src/ovn/index.js";
import { BACKENDS, type Backend, nbctl, opsText, recordingClient, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("creates on a unique index: no wait, the index decides the race", () => {
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend;
    let a: { client: OvsdbClient; sent: Operation[][]; ctl: NbController; events: TransactionEvent[] };
    let b: { client: OvsdbClient; sent: Operation[][]; ctl: NbController; events: TransactionEvent[] };
    const open = async () => {
      const { client, sent } = await recordingClient(backend.unix);
      const events: TransactionEvent[] = [];
      const ctl = await NbController.open(client, { identity: { vendor: "ctl-test" }, onTransaction: (e) => events.push(e) });
      return { client, sent, ctl, events };
    };
    beforeAll(async () => {
      backend = await startBackend(kind);
      a = await open();
      b = await open();
    });
    afterAll(async () => {
      for (const x of [a, b]) {
        await x?.ctl.close();
        x?.client.close();
      }
      await backend?.stop();
    });

    it("the server's schema indexes exactly the expected NB tables' names", () => {
      const db = a.ctl.db;
      for (const t of ["Logical_Switch_Port", "Logical_Router_Port", "Port_Group", "Address_Set"]) expect(db.hasUniqueIndex(t, ["name"])).toBe(true);
      for (const t of ["Logical_Switch", "Logical_Router", "DHCP_Options"]) expect(db.hasUniqueIndex(t, ["name"])).toBe(false);
      expect(db.hasUniqueIndex("BFD", ["logical_port"])).toBe(false);
      expect(db.hasUniqueIndex("BFD", ["dst_ip", "logical_port"])).toBe(true);
    });

    it("a switch and its port: a wait on the switch's name only, none for the indexed port name", async () => {
      const before = a.sent.length;
      await a.ctl.reconcile("create", (p) => {
        p.ensureSwitch("ls-ix");
        p.ensureSwitchPort("ls-ix", "lsp-ix", { addresses: ["0a:58:0a:10:00:07 10.16.0.7"] });
      });
      expect(a.sent.length).toBe(before + 1);
      const ops = a.sent[before]!;
      expect(opsText(ops)).toEqual(["wait Logical_Switch name", "insert Logical_Switch_Port", "insert Logical_Switch"]);
      expect(ops[0]).toEqual({ op: "wait", table: "Logical_Switch", where: [["name", "==", "ls-ix"]], columns: ["name"], until: "==", rows: [], timeout: 0 });
      expect(ops.some((o) => o.op === "wait" && o.table === "Logical_Switch_Port")).toBe(false);
      expect(await nbctl(backend.unix, "lsp-list", "ls-ix")).toMatch(/^[-0-9a-f]{36} \(lsp-ix\)\n$/);
    }, 60_000);

    it("address sets and port groups are created without a wait", async () => {
      const before = a.sent.length;
      await a.ctl.reconcile("sets", (p) => {
        p.setAddressSet("as-ix", ["10.0.0.1"]);
        p.setPortGroupPorts("pg-ix", ["lsp-ix"]);
      });
      expect(opsText(a.sent[before]!).filter((t) => t.startsWith("wait"))).toEqual([]);
      expect(opsText(a.sent[before]!).filter((t) => t.startsWith("insert")).sort()).toEqual(["insert Address_Set", "insert Port_Group"]);
    }, 60_000);

    it("two controllers racing to create the same port end with one port; the loser retries and sends nothing more", async () => {
      await b.ctl.db.replica.waitUntil(() => b.ctl.db.byName("Logical_Switch", "ls-ix") !== undefined, 10_000);
      a.events.length = 0;
      const add = (p: NbPlan) => void p.ensureSwitchPort("ls-ix", "lsp-race", { addresses: ["0a:58:0a:10:00:08 10.16.0.8"] });
      const sentBefore = a.sent.length;
      let builds = 0;
      const r = await a.ctl.reconcile("port/race", async (p) => {
        add(p);
        // Between a's build and its send, b (same identity, its own replica) creates the same port.
        if (++builds === 1) expect((await b.ctl.reconcile("port/race", add)).sent).toBe(true);
      });
      expect(r).toMatchObject({ sent: false, attempts: 2 });
      expect(a.sent.length).toBe(sentBefore + 1);
      expect(opsText(a.sent[sentBefore]!)).toEqual(["insert Logical_Switch_Port", "mutate Logical_Switch ports insert [@new]"]);
      expect(a.events.map((e) => e.outcome)).toEqual(["guard-failed"]);
      const err = a.events[0]!.error;
      expect(err).toBeInstanceOf(ConstraintViolation);
      expect(err!.message).toContain('index on column "name"');
      expect(indexRaceOf(err, r.plan)).toBeUndefined(); // the retried plan is empty: the row is adopted
      const ports = (await nbctl(backend.unix, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=lsp-race")).trim().split(/\s+/);
      expect(ports).toEqual(["lsp-race"]);
      expect((await nbctl(backend.unix, "lsp-list", "ls-ix")).match(/\(lsp-race\)/g)).toHaveLength(1);
    }, 60_000);

    it("a race on the index lost on the last attempt is a ConcurrentChangeError carrying the table and the constraint violation", async () => {
      let builds = 0;
      const add = (p: NbPlan) => void p.ensureSwitchPort("ls-ix", "lsp-once", { addresses: ["0a:58:0a:10:00:0a 10.16.0.10"] });
      const e = await a.ctl
        .reconcile("port/once", async (p) => {
          add(p);
          if (++builds === 1) expect((await b.ctl.reconcile("port/once", add)).sent).toBe(true);
        }, { attempts: 1 })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConcurrentChangeError);
      expect(e).toMatchObject({ label: "port/once", attempts: 1, row: { table: "Logical_Switch_Port", uuid: undefined } });
      expect((e as ConcurrentChangeError).cause).toBeInstanceOf(ConstraintViolation);
      expect((await nbctl(backend.unix, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=lsp-once")).trim()).toBe("lsp-once");
    }, 60_000);

    it("both racing at once: one commits, the other adopts on its retry", async () => {
      const results = await Promise.all(
        [a, b].map((x, i) => x.ctl.reconcile(`dup/${i}`, (p) => void p.ensureSwitchPort("ls-ix", "lsp-dup", { addresses: ["0a:58:0a:10:00:09 10.16.0.9"] }), { baseDelayMs: 1 })),
      );
      expect(results.filter((r) => r.sent)).toHaveLength(1);
      expect(results.map((r) => r.attempts).sort()).toEqual([1, 2]);
      expect((await nbctl(backend.unix, "--bare", "--columns=name", "find", "Logical_Switch_Port", "name=lsp-dup")).trim()).toBe("lsp-dup");
    }, 60_000);

    it("another constraint violation is not taken for a lost race", () => {
      const plan = { database: "OVN_Northbound", label: undefined, operations: [], steps: [], guarded: [], indexed: [{ table: "Logical_Switch_Port", column: "name", value: "x" }] };
      const other = new ConstraintViolation(
        'Transaction causes multiple rows in "Logical_Switch_Port" table to have identical values ("y") for index on column "name".  First row, with UUID 8d1e5b7e-0000-4000-8000-000000000001, was inserted by this transaction.  Second row, with UUID 8d1e5b7e-0000-4000-8000-000000000002, existed in the database before this transaction and was not modified by the transaction.',
      );
      expect(indexRaceOf(other, plan)).toBeUndefined();
      const mine = new ConstraintViolation(other.details!.replace('("y")', '("x")'));
      expect(indexRaceOf(mine, plan)).toEqual({ table: "Logical_Switch_Port", column: "name", value: "x" });
      expect(indexRaceOf(new ConstraintViolation("Attempted to store 2 elements in set of 0 or 1 string."), plan)).toBeUndefined();
    });
  });
});
