/**
 * Duplicate guards of the keyed children of a router (`ensureNat`, `ensureStaticRoute`,
 * `ensurePolicy`), against the embedded server and a real ovsdb-server: two controllers (two
 * clients, two replicas, the same identity: a controller and its restarted twin) race to add the
 * same child; the one that loses has its `wait` on the router's column fail, rebuilds from its
 * replica, finds the child and sends nothing. Exactly one row results. An unrelated change to the
 * router (another column) does not fail the guard. The same for a DHCP_Options row per CIDR (an
 * absence guard on this controller's rows of the CIDR) and the shared NB_Global options (a guard
 * on the `options` column only).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { Operation } from "../../../src/ovsdb/wire/operations.js";
import { NbController, type NbPlan, type TransactionEvent } from "../../../src/ovn/index.js";
import { BACKENDS, type Backend, nbctl, opsText, recordingClient, startBackend } from "./support.js";
import { peers } from "../../support/peers.js";

interface Case {
  readonly what: string;
  readonly column: "nat" | "static_routes" | "policies";
  readonly add: (p: NbPlan) => void;
  /** ovn-nbctl listing of the router's children of this kind (whitespace runs collapsed when compared). */
  readonly list: readonly string[];
  readonly listed: string;
}

const CASES: readonly Case[] = [
  {
    what: "ensureNat",
    column: "nat",
    add: (p) => void p.ensureNat("lr-race", { type: "snat", external_ip: "172.16.0.1", logical_ip: "10.0.0.0/24" }),
    list: ["lr-nat-list", "lr-race"],
    listed: "TYPE             GATEWAY_PORT          EXTERNAL_IP        EXTERNAL_PORT    LOGICAL_IP          EXTERNAL_MAC         LOGICAL_PORT\nsnat                                   172.16.0.1                          10.0.0.0/24\n",
  },
  {
    what: "ensureStaticRoute",
    column: "static_routes",
    add: (p) => void p.ensureStaticRoute("lr-race", { ip_prefix: "10.9.0.0/16", nexthop: "10.0.0.254" }),
    list: ["lr-route-list", "lr-race"],
    listed: "IPv4 Routes\nRoute Table <main>:\n               10.9.0.0/16                10.0.0.254 dst-ip\n",
  },
  {
    what: "ensurePolicy",
    column: "policies",
    add: (p) => void p.ensurePolicy("lr-race", { priority: 100, match: "ip4.src == 10.0.0.5", action: "reroute", nexthops: ["10.0.0.254"] }),
    list: ["lr-policy-list", "lr-race"],
    listed: "Routing Policies\n       100                            ip4.src == 10.0.0.5         reroute                10.0.0.254\n",
  },
];

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("keyed children of a router: two writers racing insert once", () => {
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
      await a.ctl.reconcile("setup", (p) => p.ensureRouter("lr-race"));
      await b.ctl.db.replica.waitUntil(() => b.ctl.db.byName("Logical_Router", "lr-race") !== undefined, 10_000);
    });
    afterAll(async () => {
      for (const x of [a, b]) {
        await x?.ctl.close();
        x?.client.close();
      }
      await backend?.stop();
    });

    for (const c of CASES) {
      it(`${c.what}: the loser of the race rebuilds, finds the row and sends nothing`, async () => {
        a.events.length = 0;
        let builds = 0;
        const r = await a.ctl.reconcile(c.what, async (p) => {
          c.add(p);
          // Between a's build and its send, b (same identity, its own replica) adds the same child.
          if (++builds === 1) expect((await b.ctl.reconcile(c.what, c.add)).sent).toBe(true);
        });
        expect(r).toMatchObject({ sent: false, attempts: 2 });
        expect(a.events.map((e) => e.outcome)).toEqual(["guard-failed"]);
        expect(opsText(a.events[0]!.operations)).toEqual([`wait Logical_Router ${c.column}`, `insert ${c.what === "ensureNat" ? "NAT" : c.what === "ensureStaticRoute" ? "Logical_Router_Static_Route" : "Logical_Router_Policy"}`, `mutate Logical_Router ${c.column} insert [@new]`]);
        // Exactly one row (columns compared with whitespace collapsed).
        const squash = (t: string) => t.replace(/[ \t]+/g, " ").trim();
        expect(squash(await nbctl(backend.unix, ...c.list))).toBe(squash(c.listed));
      }, 60_000);
    }

    it("ensureDhcpOptions: the loser of the race on a CIDR rebuilds and sends nothing; a foreign row of the CIDR does not block it", async () => {
      await nbctl(backend.unix, "dhcp-options-create", "10.30.0.0/24");
      a.events.length = 0;
      let builds = 0;
      const add = (p: NbPlan) => void p.ensureDhcpOptions("10.30.0.0/24", { options: { lease_time: "3600" } });
      const r = await a.ctl.reconcile("dhcp", async (p) => {
        add(p);
        if (++builds === 1) expect((await b.ctl.reconcile("dhcp", add)).sent).toBe(true);
      });
      expect(r).toMatchObject({ sent: false, attempts: 2 });
      expect(a.events.map((e) => e.outcome)).toEqual(["guard-failed"]);
      expect(opsText(a.events[0]!.operations)).toEqual(["wait DHCP_Options cidr", "insert DHCP_Options"]);
      // Two rows of the CIDR: the foreign one and exactly one of this controller's.
      expect((await nbctl(backend.unix, "--bare", "--columns=_uuid", "find", "DHCP_Options", "cidr=10.30.0.0/24")).trim().split(/\s+/)).toHaveLength(2);
      expect(a.ctl.list("DHCP_Options").filter((x) => x["cidr"] === "10.30.0.0/24")).toHaveLength(1);
    }, 60_000);

    it("setGlobalOptions: a concurrent change of options fails the guard and is rebuilt; a change of nb_cfg does not", async () => {
      await nbctl(backend.unix, "init");
      await a.ctl.db.replica.waitUntil(() => [...a.ctl.db.replica.rows("NB_Global")].length === 1, 10_000);
      a.events.length = 0;
      let builds = 0;
      const r = await a.ctl.reconcile("global", async (p) => {
        p.setGlobalOptions({ mac_prefix: "0a:00:00" });
        if (++builds === 1) await nbctl(backend.unix, "set", "NB_Global", ".", "options:mac_prefix=0b:00:00", "options:other=1");
      });
      expect(r).toMatchObject({ sent: true, attempts: 2 });
      expect(a.events.map((e) => e.outcome)).toEqual(["guard-failed", "committed"]);
      expect(await nbctl(backend.unix, "get", "NB_Global", ".", "options")).toBe('{mac_prefix="0a:00:00", other="1"}\n');
      a.events.length = 0;
      builds = 0;
      const r2 = await a.ctl.reconcile("global", async (p) => {
        p.setGlobalOptions({ svc_monitor_mac: "0a:00:00:00:00:01" });
        if (++builds === 1) await nbctl(backend.unix, "set", "NB_Global", ".", "nb_cfg=7");
      });
      expect(r2).toMatchObject({ sent: true, attempts: 1 });
    }, 60_000);

    it("an unrelated change to the router (another column) does not fail the guard", async () => {
      a.events.length = 0;
      let builds = 0;
      const r = await a.ctl.reconcile("nat/2", async (p) => {
        p.ensureNat("lr-race", { type: "dnat_and_snat", external_ip: "172.16.0.9", logical_ip: "10.0.0.9" });
        if (++builds === 1) await nbctl(backend.unix, "set", "Logical_Router", "lr-race", "options:foo=bar");
      });
      expect(r).toMatchObject({ sent: true, attempts: 1 });
      expect(a.events.map((e) => e.outcome)).toEqual(["committed"]);
      expect(await nbctl(backend.unix, "--bare", "--columns=external_ip", "find", "NAT", "type=dnat_and_snat")).toBe("172.16.0.9\n");
    }, 60_000);
  });
});

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("setGlobalOptions on a database without NB_Global", () => {
  it.each(BACKENDS)("creates the row as ovn-nbctl would (against %s), then changes it key by key", async (kind) => {
    const backend = await startBackend(kind);
    const { client, sent } = await recordingClient(backend.unix);
    try {
      const ctl = await NbController.open(client, { identity: { vendor: "ctl-test" } });
      await ctl.reconcile("global", (p) => p.setGlobalOptions({ mac_prefix: "0a:00:00", gone: undefined }));
      expect(opsText(sent[0]!)).toEqual(["insert NB_Global"]);
      expect(await nbctl(backend.unix, "get", "NB_Global", ".", "options")).toBe('{mac_prefix="0a:00:00"}\n');
      expect((await ctl.reconcile("global", (p) => p.setGlobalOptions({ mac_prefix: "0a:00:00" }))).sent).toBe(false);
      await ctl.reconcile("global", (p) => p.setGlobalOptions({ mac_prefix: undefined, svc_monitor_mac: "0a:00:00:00:00:01" }));
      expect(opsText(sent[1]!)).toEqual(["wait NB_Global options", "mutate NB_Global options delete [mac_prefix] / options insert {svc_monitor_mac=0a:00:00:00:00:01}"]);
      await ctl.close();
    } finally {
      client.close();
      await backend.stop();
    }
  }, 60_000);
});
