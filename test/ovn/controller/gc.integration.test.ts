/**
 * Mark-and-sweep GC against the embedded server and a real ovsdb-server: 1,000 owned ports, 100
 * removed from the desired state, 10 foreign ports (made by ovn-nbctl); the first sweep only marks
 * (two-pass safety), the second deletes exactly the 100. Then list/delete by external_ids and the
 * Southbound chassis clean-up (ovn-sbctl made the chassis).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { ControlledDb, NbController, PlanBuilder, sweepChassis } from "../../../src/ovn/index.js";
import { run } from "../../../src/testing/index.js";
import { BACKENDS, type Backend, nbctl, opsText, recordingClient, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl", "ovn-sbctl"))("garbage collection", () => {
  describe.each(BACKENDS)("against %s", (kind) => {
    let backend: Backend;
    let client: OvsdbClient;
    let sent: Operation[][];
    let ctl: NbController;
    beforeAll(async () => {
      backend = await startBackend(kind, ["OVN_Northbound", "OVN_Southbound"]);
      ({ client, sent } = await recordingClient(backend.unix));
      ctl = await NbController.open(client, { identity: { vendor: "ctl-test" } });
    });
    afterAll(async () => {
      await ctl?.close();
      client?.close();
      await backend?.stop();
    });

    it("two sweeps delete exactly the 100 owned ports absent from the desired state", async () => {
      const names = Array.from({ length: 1000 }, (_, i) => `pod-${i}.default`);
      await ctl.reconcile("pods", (p) => {
        p.ensureSwitch("ovn-default");
        for (const [i, n] of names.entries()) p.ensureSwitchPort("ovn-default", n, { addresses: [`0a:58:0a:10:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")} 10.16.${i >> 8}.${i & 255}`], external_ids: { pod: n } });
      });
      // 10 foreign ports: 5 on the owned switch, 5 on a foreign switch.
      const foreignCmds: string[] = ["ls-add", "foreign-sw"];
      for (let i = 0; i < 10; i++) foreignCmds.push("--", "lsp-add", i < 5 ? "ovn-default" : "foreign-sw", `foreign-${i}`);
      await nbctl(backend.unix, ...foreignCmds);
      await ctl.db.replica.waitUntil(() => ctl.db.replica.count("Logical_Switch_Port") === 1010, 10_000);

      const desired = new Set(names.slice(100));
      const keep = (row: { readonly [c: string]: unknown }) => desired.has(row["name"] as string);
      const n = sent.length;
      // Sweep 1: marks the 100, deletes nothing, sends nothing.
      const p1 = ctl.plan("gc");
      const r1 = ctl.sweeper.sweep(p1, { table: "Logical_Switch_Port", keep, twoPass: true });
      expect(r1.deleted).toHaveLength(0);
      expect(r1.marked).toHaveLength(100);
      expect((await ctl.apply(p1.build())).sent).toBe(false);
      expect(sent.length).toBe(n);
      // Sweep 2: deletes exactly those 100, in one mutate of the switch's ports (ports are not root rows).
      const p2 = ctl.plan("gc");
      const r2 = ctl.sweeper.sweep(p2, { table: "Logical_Switch_Port", keep, twoPass: true });
      expect(r2.deleted.map((r) => r["name"]).sort()).toEqual(names.slice(0, 100).sort());
      await ctl.apply(p2.build());
      expect(sent.length).toBe(n + 1);
      expect(opsText(sent[n]!)).toEqual([`mutate Logical_Switch ports delete [${Array(100).fill("<uuid>").join(",")}]`]);
      const left = (await nbctl(backend.unix, "--bare", "--columns=name", "list", "Logical_Switch_Port")).split(/\s+/).filter(Boolean);
      expect(left).toHaveLength(910);
      expect(new Set(left)).toEqual(new Set([...desired, ...Array.from({ length: 10 }, (_, i) => `foreign-${i}`)]));
      // A port unclaimed once and claimed again before the next sweep is kept.
      desired.delete("pod-500.default");
      expect(ctl.sweeper.sweep(ctl.plan(), { table: "Logical_Switch_Port", keep, twoPass: true }).marked).toHaveLength(1);
      desired.add("pod-500.default");
      const p3 = ctl.plan();
      expect(ctl.sweeper.sweep(p3, { table: "Logical_Switch_Port", keep, twoPass: true }).deleted).toHaveLength(0);
      expect(p3.build().operations).toEqual([]);
    }, 120_000);

    it("lists and deletes by external_ids, never rows without the identity", async () => {
      await ctl.reconcile("lbs", (p) => {
        for (const svc of ["a", "b", "c"]) p.ensureLoadBalancer(`svc-${svc}`, { vips: { [`10.96.0.${svc.charCodeAt(0)}:80`]: "10.16.0.3:80" }, external_ids: { svc: `default/${svc}`, ns: "default" } });
      });
      await nbctl(backend.unix, "lb-add", "foreign-lb", "10.96.9.9:80", "10.16.9.9:80", "--", "set", "Load_Balancer", "foreign-lb", "external_ids:ns=default");
      await ctl.db.replica.waitUntil(() => ctl.db.byName("Load_Balancer", "foreign-lb") !== undefined, 10_000);
      expect(ctl.list("Load_Balancer", { ns: "default" }).map((r) => r["name"]).sort()).toEqual(["svc-a", "svc-b", "svc-c"]);
      expect(ctl.db.listByExternalIds("Load_Balancer", { ns: "default" }, { owned: false })).toHaveLength(4);
      await ctl.reconcile("gc-lb", (p) => {
        expect(p.deleteByExternalIds("Load_Balancer", { ns: "default" })).toBe(3);
      });
      expect((await nbctl(backend.unix, "--bare", "--columns=name", "list", "Load_Balancer")).trim()).toBe("foreign-lb");
    }, 60_000);

    it("deletes the Southbound chassis (and Chassis_Private) of nodes that are gone, only those with the identity", async () => {
      const sb = await ControlledDb.open(client, { database: "OVN_Southbound", identity: { vendor: "ctl-test" }, tables: ["Chassis", "Chassis_Private", "Encap"] });
      const sbctl = (...a: string[]) => run("ovn-sbctl", [`--db=${backend.unix}`, ...a]);
      for (const [ch, node, ip, owned] of [["ch1", "node1", "127.0.0.11", true], ["ch2", "node2", "127.0.0.12", true], ["ch3", "node3", "127.0.0.13", false]] as const) {
        await sbctl("chassis-add", ch, "geneve", ip);
        await sbctl("create", "Chassis_Private", `name=${ch}`);
        await sbctl("set", "Chassis", ch, `external_ids:node=${node}`, ...(owned ? ["external_ids:vendor=ctl-test"] : []));
      }
      await sb.replica.waitUntil(() => sb.owned("Chassis").length === 2 && sb.replica.count("Chassis_Private") === 3, 10_000);
      const plan = new PlanBuilder(sb, "gc-chassis");
      const gone = sweepChassis(plan, new Set(["node1"]));
      expect(gone.map((r) => r["name"])).toEqual(["ch2"]);
      await sb.apply(plan.build());
      expect((await sbctl("--bare", "--columns=name", "list", "Chassis")).stdout.split(/\s+/).filter(Boolean).sort()).toEqual(["ch1", "ch3"]);
      expect((await sbctl("--bare", "--columns=name", "list", "Chassis_Private")).stdout.split(/\s+/).filter(Boolean).sort()).toEqual(["ch1", "ch3"]);
      expect((await sbctl("--bare", "--columns=ip", "list", "Encap")).stdout.split(/\s+/).filter(Boolean).sort()).toEqual(["127.0.0.11", "127.0.0.13"]);
      await sb.close();
    }, 60_000);
  });
});
