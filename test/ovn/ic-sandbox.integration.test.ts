/**
 * OVN-IC end to end with ovn-ic itself: two availability zones (each NB + SB + ovn-northd +
 * ovn-ic) and the global IC NB/SB. A router per AZ with a pod subnet is connected to one transit
 * switch through the API; ovn-ic must create the switch in both NBs, publish the ports and the
 * gateways in the IC southbound, advertise each AZ's subnet and make the other AZ learn it, and
 * withdraw it again. Expected values come from the topology written here and from the real tools
 * (ovn-nbctl, ovn-ic-sbctl, ovn-trace), never from the code under test.
 */
import { existsSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { IcTransaction, IcZone, OvnNb, OvnNotFoundError, OvnInvalidArgumentError, icRoutes, readIcSouthbound, renderIcSbShow, waitForIcPortBinding, waitForIcRoute } from "../../src/ovn/index.js";
import { IC_SANDBOX_PROGRAMS, type IcAzSandbox, type IcSandbox, SandboxError, alive, requirePeers, startIcSandbox } from "../../src/testing/index.js";

interface Az {
  readonly i: number;
  readonly sb: IcAzSandbox;
  readonly client: OvsdbClient;
  readonly zone: IcZone;
  readonly router: string;
  readonly subnet: string;
}

const AZS = ["az1", "az2"] as const;
const transitIp = (i: number) => `169.254.100.${i}`;

describe.skipIf(!requirePeers([...IC_SANDBOX_PROGRAMS, "ovn-trace"]))("OVN-IC with ovn-ic: two AZs exchange port bindings and routes over a transit switch", () => {
  let ic: IcSandbox;
  let icNb: OvsdbClient;
  let icSb: OvsdbClient;
  const azs: Az[] = [];
  let failed = false;

  beforeAll(async () => {
    ic = await startIcSandbox({ azs: AZS });
    icNb = await OvsdbClient.connect(ic.icNb);
    icSb = await OvsdbClient.connect(ic.icSb);
    for (const [k, name] of AZS.entries()) {
      const sb = ic.az(name);
      const client = await OvsdbClient.connect(sb.nb);
      azs.push({ i: k + 1, sb, client, zone: new IcZone(new OvnNb(client)), router: `lr-${name}`, subnet: `10.${k + 1}.0.0/24` });
    }
  }, 60_000);
  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail") failed = true; // keep the sandbox (logs, databases) to look at
  });
  afterAll(async () => {
    icNb?.close();
    icSb?.close();
    for (const a of azs) a.client.close();
    await ic?.stop({ keep: failed });
  });
  const az = (n: 1 | 2) => azs[n - 1]!;

  it("sets each AZ's route exchange options in NB_Global, as ovn-nbctl reads them back", async () => {
    for (const a of azs) {
      expect(await a.zone.name()).toBe(a.sb.name);
      await a.zone.nb.run((tx) => a.zone.configure(tx, { routeAdv: true, routeLearn: true, routeAdvDefault: false, routeBlacklist: [] }));
      const get = async (key: string) => (await a.sb.nbctl("--if-exists", "get", "NB_Global", ".", `options:${key}`)).trim();
      expect([await get("ic-route-adv"), await get("ic-route-learn"), await get("ic-route-adv-default"), await get("ic-route-learn-default"), await get("ic-route-blacklist")]).toEqual(['"true"', '"true"', '"false"', "", ""]);
      expect(await a.zone.settings()).toEqual({ name: a.sb.name, routeAdv: true, routeLearn: true, routeAdvDefault: false, routeLearnDefault: false, routeBlacklist: [] });
    }
    await expect(az(1).zone.nb.run((tx) => az(1).zone.configure(tx, { routeBlacklist: ["10.0.0.0/33"] }))).rejects.toThrow(OvnInvalidArgumentError);
  });

  it("connects a router per AZ to a transit switch; ovn-ic publishes ports, gateways and routes, and each AZ learns the other's subnet", async () => {
    // The transit switch, in the IC northbound; ovn-ic creates it in every AZ's NB.
    const tx = new IcTransaction(icNb);
    await tx.transitSwitchAdd("ts1");
    await tx.commit();
    for (const a of azs) {
      await a.sb.addGatewayChassis(`gw-${a.sb.name}`, `127.0.0.${10 + a.i}`);
      await expect(a.zone.nb.run((t) => a.zone.connectRouter(t, { router: a.router, transitSwitch: "nope", mac: "aa:aa:aa:aa:aa:09", networks: ["169.254.9.1/24"] }))).rejects.toThrow(OvnNotFoundError);
      const ts = await a.zone.waitForTransitSwitch("ts1");
      expect(ts.other_config.get("interconn-ts")).toBe("ts1");
      await a.zone.nb.run(async (t) => {
        await t.lrAdd(a.router);
        await t.lsAdd(`pods-${a.sb.name}`);
        await t.connectSwitchToRouter(`pods-${a.sb.name}`, a.router, { lrpName: `${a.router}-pods`, lspName: `pods-${a.sb.name}-lr`, mac: `00:00:00:00:0${a.i}:01`, networks: [`10.${a.i}.0.1/24`] });
        await t.lspAdd(`pods-${a.sb.name}`, `pod-${a.sb.name}`, { addresses: [`00:00:00:00:0${a.i}:05 10.${a.i}.0.5`] });
        await a.zone.connectRouter(t, { router: a.router, transitSwitch: "ts1", mac: `aa:aa:aa:aa:aa:0${a.i}`, networks: [`${transitIp(a.i)}/24`], gatewayChassis: [{ chassis: `gw-${a.sb.name}`, priority: 1 }] });
      });
      // connectRouter is idempotent with mayExist.
      await a.zone.nb.run((t) => a.zone.connectRouter(t, { router: a.router, transitSwitch: "ts1", mac: `aa:aa:aa:aa:aa:0${a.i}`, networks: [`${transitIp(a.i)}/24`] }, { mayExist: true }));
      // The LRP is a distributed gateway port: as its chassis' ovn-controller would, bind the chassisredirect port.
      await a.sb.sync();
      await a.sb.bindPort(`cr-${a.router}-ts1`, `gw-${a.sb.name}`);
    }

    // Each AZ learns the other's pod subnet, with the other router's transit address as next hop.
    const learned1 = await az(1).zone.waitForLearnedRoute({ prefix: az(2).subnet, router: az(1).router, nexthop: transitIp(2) });
    const learned2 = await az(2).zone.waitForLearnedRoute({ prefix: az(1).subnet, router: az(2).router, nexthop: transitIp(1) });
    expect(await az(1).sb.nbctl("lr-route-list", az(1).router)).toContain(`10.2.0.0/24             ${transitIp(2)} dst-ip (learned)`);
    expect(await az(2).sb.nbctl("lr-route-list", az(2).router)).toContain(`10.1.0.0/24             ${transitIp(1)} dst-ip (learned)`);
    expect(await az(1).sb.nbctl("get", "Logical_Router_Static_Route", learned1.uuid, "external_ids:ic-learned-route")).toBe(`"${learned1.icRoute}"\n`);

    // The IC southbound, through the typed reads.
    for (const a of azs) await waitForIcPortBinding(icSb, `ts1-${a.router}`, (p) => p.gateway === `gw-${a.sb.name}`);
    const snap = await readIcSouthbound(icSb);
    expect(snap.availabilityZones.map((z) => z.name)).toEqual(["az1", "az2"]);
    expect(snap.gateways.map((g) => [g.name, g.availabilityZone, g.encaps.map((e) => `${e.type}:${e.ip}`)])).toEqual([
      ["gw-az1", "az1", ["geneve:127.0.0.11"]],
      ["gw-az2", "az2", ["geneve:127.0.0.12"]],
    ]);
    expect(snap.datapathBindings.map((d) => d.transitSwitch)).toEqual(["ts1"]);
    const lsTnlKey = (await az(1).sb.nbctl("get", "Logical_Switch", "ts1", "other_config:requested-tnl-key")).trim();
    expect(`"${snap.datapathBindings[0]!.tunnelKey}"`).toBe(lsTnlKey);
    for (const a of azs) {
      const pb = snap.portBindings.find((p) => p.logicalPort === `ts1-${a.router}`);
      const routerUuid = (await a.sb.nbctl("get", "Logical_Router", a.router, "_uuid")).trim();
      expect(pb).toMatchObject({ transitSwitch: "ts1", availabilityZone: a.sb.name, gateway: `gw-${a.sb.name}`, mac: `aa:aa:aa:aa:aa:0${a.i}`, networks: [`${transitIp(a.i)}/24`], routerId: routerUuid });
      expect(pb!.tunnelKey).toBeGreaterThan(0);
    }
    expect(snap.routes.map((r) => [r.availabilityZone, r.transitSwitch, r.prefix, r.nexthop, r.origin, r.routeTable])).toEqual([
      ["az1", "ts1", "10.1.0.0/24", transitIp(1), "connected", ""],
      ["az2", "ts1", "10.2.0.0/24", transitIp(2), "connected", ""],
    ]);
    const az2Route = snap.routes.find((r) => r.availabilityZone === "az2")!;
    expect(learned1.icRoute).toBe(az2Route.uuid);
    expect(learned2.icRoute).toBe(snap.routes.find((r) => r.availabilityZone === "az1")!.uuid);
    const lrpUuid = (await az(2).sb.nbctl("get", "Logical_Router_Port", `${az(2).router}-pods`, "_uuid")).trim();
    expect(az2Route.nbId).toBe(lrpUuid);
    // The remote side of the transit switch in AZ1: ovn-ic made AZ2's port a `remote` port bound to AZ2's gateway.
    expect((await az(1).sb.nbctl("lsp-get-type", `ts1-${az(2).router}`)).trim()).toBe("remote");
    expect((await az(1).sb.nbctl("lsp-get-addresses", `ts1-${az(2).router}`)).trim()).toBe(`aa:aa:aa:aa:aa:02 ${transitIp(2)}/24`);
    // ...and AZ2's gateway is a remote chassis in AZ1's SB, holding that port.
    const sbGet = async (a: Az, table: string, where: string, column: string) => (await a.sb.sbctl("--bare", `--columns=${column}`, "find", table, where)).trim();
    expect(await sbGet(az(1), "Chassis", "name=gw-az2", "other_config")).toBe("is-remote=true");
    const gw2InAz1 = await sbGet(az(1), "Chassis", "name=gw-az2", "_uuid");
    await expect.poll(() => sbGet(az(1), "Port_Binding", `logical_port=ts1-${az(2).router}`, "chassis"), { timeout: 10_000, interval: 25 }).toBe(gw2InAz1);
    // `ovn-ic-sbctl show` and our renderer of the same snapshot.
    expect(renderIcSbShow(snap)).toBe(await ic.icSbctl("show"));
    expect(renderIcSbShow(snap, "az2")).toBe(await ic.icSbctl("show", "az2"));

    // ovn-trace in AZ1: a pod's packet to AZ2's pod subnet is routed to the transit switch and out of AZ2's remote port.
    await az(1).sb.sync();
    const trace = await az(1).sb.trace(
      "pods-az1",
      'inport == "pod-az1" && eth.src == 00:00:00:00:01:05 && eth.dst == 00:00:00:00:01:01 && ip4.src == 10.1.0.5 && ip4.dst == 10.2.0.5 && ip.ttl == 64 && udp && udp.dst == 53',
    );
    expect(trace.dropped).toBe(false);
    expect(trace.outputs.at(-1)).toBe(`ts1-${az(2).router}`);
    const routing = trace.sections.find((s) => s.datapath === az(1).router)?.stages.find((s) => s.stage === "lr_in_ip_routing");
    expect(routing?.match).toContain("ip4.dst == 10.2.0.0/24");
    expect(routing?.actions).toContain(`outport = "${az(1).router}-ts1";`);
  }, 60_000);

  it("withdraws a learned route when advertising stops, honours the blacklist, and when the subnet goes away", async () => {
    // AZ2 stops advertising: its IC route goes, and AZ1 forgets the route.
    await az(2).zone.nb.run((tx) => az(2).zone.configure(tx, { routeAdv: false }));
    await az(1).zone.waitForRouteWithdrawn({ prefix: az(2).subnet, router: az(1).router });
    expect(await icRoutes(icSb, { availabilityZone: "az2" })).toEqual([]);
    expect(await az(1).sb.nbctl("lr-route-list", az(1).router)).not.toContain("10.2.0.0/24");

    // Advertising again with 10.2.0.0/16 blacklisted, and a second subnet outside it: only that one is learned.
    await az(2).zone.nb.run(async (tx) => {
      await az(2).zone.configure(tx, { routeAdv: true, routeBlacklist: ["10.2.0.0/16"] });
      await tx.lrpAdd(az(2).router, `${az(2).router}-more`, "00:00:00:00:02:99", ["10.22.0.1/24"]);
    });
    await az(1).zone.waitForLearnedRoute({ prefix: "10.22.0.0/24", router: az(1).router });
    expect((await az(1).zone.learnedRoutes(az(1).router)).map((r) => r.prefix)).toEqual(["10.22.0.0/24"]);
    expect((await icRoutes(icSb, { availabilityZone: "az2" })).map((r) => r.prefix)).toEqual(["10.22.0.0/24"]);

    // Blacklist removed: 10.2.0.0/24 comes back; then its router port (the subnet) is deleted: withdrawn again.
    await az(2).zone.nb.run((tx) => az(2).zone.configure(tx, { routeBlacklist: [] }));
    await waitForIcRoute(icSb, { prefix: az(2).subnet, availabilityZone: "az2", transitSwitch: "ts1" });
    await az(1).zone.waitForLearnedRoute({ prefix: az(2).subnet, router: az(1).router });
    // A static route of AZ2's router is advertised too (origin static), with AZ2's transit address as next hop.
    await az(2).zone.nb.run((tx) => tx.lrRouteAdd(az(2).router, "10.200.0.0/16", "10.2.0.254"));
    const icStatic = await waitForIcRoute(icSb, { prefix: "10.200.0.0/16", availabilityZone: "az2" });
    expect([icStatic.ipPrefix, icStatic.nexthop, icStatic.origin]).toEqual(["10.200.0.0/16", transitIp(2), "static"]);
    expect((await az(1).zone.waitForLearnedRoute({ prefix: "10.200.0.0/16", router: az(1).router })).origin).toBe("static");
    await az(2).zone.nb.run((tx) => tx.lrpDel(`${az(2).router}-pods`));
    await az(1).zone.waitForRouteWithdrawn({ prefix: az(2).subnet, router: az(1).router });
    expect((await az(1).zone.learnedRoutes()).map((r) => [r.router, r.prefix, r.nexthop, r.origin])).toEqual([
      [az(1).router, "10.200.0.0/16", transitIp(2), "static"],
      [az(1).router, "10.22.0.0/24", transitIp(2), "connected"],
    ]);
  }, 60_000);

  it("disconnecting a router removes its port binding; deleting the transit switch removes it everywhere; stale learned routes are cleaned up", async () => {
    await az(2).zone.nb.run((tx) => az(2).zone.disconnectRouter(tx, { router: az(2).router, transitSwitch: "ts1" }));
    await expect.poll(async () => (await readIcSouthbound(icSb)).portBindings.map((p) => p.logicalPort), { timeout: 10_000, interval: 25 }).toEqual([`ts1-${az(1).router}`]);
    await expect.poll(async () => (await az(1).sb.nbctl("lsp-list", "ts1")).replace(/^\S+ /gm, ""), { timeout: 10_000, interval: 25 }).toBe(`(ts1-${az(1).router})\n`);
    await expect(az(2).zone.nb.run((tx) => az(2).zone.disconnectRouter(tx, { router: az(2).router, transitSwitch: "ts1" }))).rejects.toThrow(OvnNotFoundError);
    await az(2).zone.nb.run((tx) => az(2).zone.disconnectRouter(tx, { router: az(2).router, transitSwitch: "ts1" }, { ifExists: true }));
    // Known ovn-ic 23.03 behaviour: a router without transit ports is no longer reconciled, so its
    // advertisement stays in the IC southbound (and learned in AZ1) until the transit switch goes.
    expect((await icRoutes(icSb, { availabilityZone: "az2" })).map((r) => r.prefix)).toEqual(["10.200.0.0/16", "10.22.0.0/24"]);

    const tx = new IcTransaction(icNb);
    await tx.transitSwitchDel("ts1");
    await tx.commit();
    for (const a of azs) {
      await expect.poll(async () => (await a.zone.transitSwitches()).map((s) => s.name), { timeout: 10_000, interval: 25 }).toEqual([]);
    }
    await expect.poll(async () => (await readIcSouthbound(icSb)).routes, { timeout: 10_000, interval: 25 }).toEqual([]);
    const snap = await readIcSouthbound(icSb);
    expect([snap.portBindings, snap.datapathBindings]).toEqual([[], []]);
    // ...but AZ1 keeps the route it learned (ovn-ic 23.03 skips routers that have no transit port left).
    expect(await az(1).sb.nbctl("lr-route-list", az(1).router)).toContain("10.22.0.0/24");
    const stale = await az(1).zone.staleLearnedRoutes(snap);
    expect(stale.map((r) => [r.router, r.prefix])).toEqual([
      [az(1).router, "10.200.0.0/16"],
      [az(1).router, "10.22.0.0/24"],
    ]);
    await az(1).zone.nb.run((t) => az(1).zone.removeLearnedRoutes(t, stale));
    expect(await az(1).sb.nbctl("lr-route-list", az(1).router)).toBe("");
    expect(await az(1).zone.learnedRoutes()).toEqual([]);
  }, 60_000);
});

describe.skipIf(!requirePeers([...IC_SANDBOX_PROGRAMS]))("startIcSandbox", () => {
  it("refuses bad AZ names before starting anything", async () => {
    await expect(startIcSandbox({ azs: [] })).rejects.toThrow("at least one availability zone");
    await expect(startIcSandbox({ azs: ["a", "a"] })).rejects.toThrow("availability zone names repeat: a, a");
    await expect(startIcSandbox({ azs: ["a b"] })).rejects.toThrow(SandboxError);
  });

  it("starts one AZ with an active ovn-ic, names its logs, and removes everything on stop", async () => {
    const ic = await startIcSandbox({ azs: ["east"] });
    try {
      expect(ic.azs.map((a) => a.name)).toEqual(["east"]);
      expect(() => ic.az("west")).toThrow("no availability zone west in this sandbox (have east)");
      expect((await ic.az("east").icAppctl("status")).trim()).toBe("Status: active");
      expect(Object.keys(ic.logFiles()).sort()).toEqual(["east/nb", "east/northd", "east/ovn-ic", "east/sb", "ic-nb", "ic-sb"]);
      expect(ic.logs()["east/ovn-ic"]).toContain("Register AZ east to interconnection DB");
      expect((await ic.icSbctl("show")).trim()).toBe("availability-zone east");
      const pid = ic.az("east").daemons.ic.pid;
      await ic.stop();
      expect(existsSync(ic.dir)).toBe(false);
      expect(alive(pid)).toBe(false);
    } finally {
      await ic.stop();
    }
  }, 30_000);
});
