/**
 * The OVN-IC API without OVN programs, on the embedded OVSDB server: AZ settings in NB_Global,
 * connecting a router to a transit switch, learned routes and their cleanup, the waits' timeouts,
 * and the typed IC southbound reads and `ovn-ic-sbctl show` renderer over hand-written rows (the
 * same rows `ovn-ic` writes; the integration tests check them against `ovn-ic` itself).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { model as icSbModel } from "../../src/ovsdb/models/ovn-ic-sb.js";
import { model as nbModel } from "../../src/ovsdb/models/ovn-nb.js";
import {
  IcTimeoutError,
  IcZone,
  OvnInvalidArgumentError,
  OvnNb,
  OvnNotFoundError,
  parseIcAddress,
  readIcSouthbound,
  renderIcSbShow,
  waitForIcRoute,
} from "../../src/ovn/index.js";
import { type EmbeddedServerSandbox, startEmbeddedServer } from "../../src/testing/index.js";

describe("OVN-IC API on the embedded server", () => {
  let server: EmbeddedServerSandbox;
  let client: OvsdbClient;
  let zone: IcZone;

  beforeAll(async () => {
    server = await startEmbeddedServer({ schemas: ["OVN_Northbound", "OVN_IC_Southbound"] });
    client = await OvsdbClient.connect(server.unix);
    zone = new IcZone(new OvnNb(client));
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  const global = async () => (await nbModel.transact(client, [nbModel.table("NB_Global").select()]))[0][0]!;

  it("needs NB_Global, then sets the AZ name and the ic-route-* options; bad input writes nothing", async () => {
    await expect(zone.nb.run((tx) => zone.configure(tx, { name: "az1" }))).rejects.toThrow(/NB_Global/);
    await expect(zone.nb.run((tx) => zone.configure(tx, { name: "az1" }))).rejects.toThrow(OvnNotFoundError);
    await nbModel.transact(client, [nbModel.table("NB_Global").insert({ options: { mac_prefix: "0a:00:00" } })]);
    await zone.nb.run((tx) => zone.configure(tx, { name: "az1", routeAdv: true, routeLearn: false, routeLearnDefault: true, routeBlacklist: ["10.0.0.0/8", "fd00::/8"] }));
    const g = await global();
    expect(g.name).toBe("az1");
    expect(Object.fromEntries(g.options)).toEqual({ mac_prefix: "0a:00:00", "ic-route-adv": "true", "ic-route-learn": "false", "ic-route-learn-default": "true", "ic-route-blacklist": "10.0.0.0/8,fd00::/8" });
    expect(await zone.settings()).toEqual({ name: "az1", routeAdv: true, routeLearn: false, routeAdvDefault: false, routeLearnDefault: true, routeBlacklist: ["10.0.0.0/8", "fd00::/8"] });

    for (const bad of [{ routeBlacklist: ["10.0.0.0/8", "nope"] }, { routeBlacklist: ["10.0.0.0/33"] }, { name: " " }]) {
      const tx = zone.nb.transaction();
      await expect(zone.configure(tx, bad)).rejects.toThrow(OvnInvalidArgumentError);
      expect(tx.operations()).toEqual([]);
    }
    // An empty blacklist removes the option; unspecified fields stay.
    await zone.nb.run((tx) => zone.configure(tx, { routeBlacklist: [], routeLearn: true }));
    expect(Object.fromEntries((await global()).options)).toEqual({ mac_prefix: "0a:00:00", "ic-route-adv": "true", "ic-route-learn": "true", "ic-route-learn-default": "true" });
    expect(await zone.name()).toBe("az1");
  });

  it("connects a router only to a transit switch that ovn-ic created, as the OVN-IC guide does", async () => {
    await zone.nb.run(async (tx) => {
      await tx.lrAdd("vpc1");
      await tx.lsAdd("ts1"); // a plain switch of that name is no transit switch
    });
    const link = { router: "vpc1", transitSwitch: "ts1", mac: "aa:aa:aa:aa:aa:01", networks: ["169.254.100.1/24"], gatewayChassis: ["gw2", { chassis: "gw1", priority: 2 }] };
    await expect(zone.nb.run((tx) => zone.connectRouter(tx, link))).rejects.toThrow("transit switch ts1 not found on availability zone az1");
    await expect(zone.nb.run((tx) => zone.connectRouter(tx, { ...link, mac: "zz" }))).rejects.toThrow(OvnInvalidArgumentError);
    await expect(zone.waitForTransitSwitch("ts1", { timeoutMs: 60 })).rejects.toThrow(new IcTimeoutError("timed out after 60 ms waiting for transit switch ts1 in availability zone az1"));
    // What ovn-ic does when the transit switch appears in the IC northbound.
    await zone.nb.run((tx) => tx.lsSet("ts1", { otherConfig: { "interconn-ts": "ts1" } }));
    expect((await zone.waitForTransitSwitch("ts1")).name).toBe("ts1");
    expect((await zone.transitSwitches()).map((s) => s.name)).toEqual(["ts1"]);

    const { value } = await zone.nb.run((tx) => zone.connectRouter(tx, link));
    expect(value).toEqual({ routerPort: "vpc1-ts1", switchPort: "ts1-vpc1" });
    const [[lrp], [lsp], gcs, [lr], [ls]] = await nbModel.transact(client, [
      nbModel.table("Logical_Router_Port").select({ name: "vpc1-ts1" }),
      nbModel.table("Logical_Switch_Port").select({ name: "ts1-vpc1" }),
      nbModel.table("Gateway_Chassis").select(),
      nbModel.table("Logical_Router").select({ name: "vpc1" }),
      nbModel.table("Logical_Switch").select({ name: "ts1" }),
    ]);
    expect([lrp!.mac, lrp!.networks]).toEqual(["aa:aa:aa:aa:aa:01", ["169.254.100.1/24"]]);
    expect([lsp!.type, lsp!.addresses, Object.fromEntries(lsp!.options)]).toEqual(["router", ["router"], { "router-port": "vpc1-ts1" }]);
    expect(gcs.map((g) => [g.name, g.chassis_name, g.priority]).sort()).toEqual([
      ["vpc1-ts1-gw1", "gw1", 2],
      ["vpc1-ts1-gw2", "gw2", 0],
    ]);
    expect([...lrp!.gateway_chassis].sort()).toEqual(gcs.map((g) => g._uuid).sort());
    expect(lr!.ports).toContain(lrp!._uuid);
    expect(ls!.ports).toContain(lsp!._uuid);
    await expect(zone.nb.run((tx) => zone.connectRouter(tx, link))).rejects.toThrow("logical router port vpc1-ts1 already exists on router vpc1");
    await zone.nb.run((tx) => zone.connectRouter(tx, link, { mayExist: true }));
  });

  it("reads learned routes, waits for them, and removes the stale ones", async () => {
    const LRSR = nbModel.table("Logical_Router_Static_Route");
    const learned = LRSR.insert({ ip_prefix: "10.17.0.1/16", nexthop: "169.254.100.2", external_ids: { "ic-learned-route": "5c1d1b3e-0000-4000-8000-000000000001" }, options: { origin: "connected" } });
    const own = LRSR.insert({ ip_prefix: "0.0.0.0/0", nexthop: "10.0.0.254" });
    await nbModel.transact(client, [learned, own, nbModel.table("Logical_Router").mutate({ name: "vpc1" }, [["static_routes", "insert", [learned.ref, own.ref]]])]);

    const got = await zone.waitForLearnedRoute({ prefix: "10.17.0.0/16", router: "vpc1", nexthop: "169.254.100.2" });
    expect(got).toMatchObject({ router: "vpc1", ipPrefix: "10.17.0.1/16", prefix: "10.17.0.0/16", nexthop: "169.254.100.2", origin: "connected", routeTable: "", icRoute: "5c1d1b3e-0000-4000-8000-000000000001" });
    expect((await zone.learnedRoutes()).map((r) => r.prefix)).toEqual(["10.17.0.0/16"]);
    await expect(zone.waitForLearnedRoute({ prefix: "10.17.0.0/16", nexthop: "169.254.100.3" }, { timeoutMs: 50 })).rejects.toThrow(IcTimeoutError);
    await expect(zone.waitForRouteWithdrawn({ prefix: "10.17.0.0/16" }, { timeoutMs: 50 })).rejects.toThrow("waiting for the learned route to 10.17.0.0/16 to be withdrawn from availability zone az1");
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(zone.waitForLearnedRoute({ prefix: "10.99.0.0/16" }, { signal: ac.signal })).rejects.toThrow("stop");
    await expect(zone.waitForLearnedRoute({ prefix: "10.99.0.0/99" })).rejects.toThrow(OvnInvalidArgumentError);

    // Live in the IC southbound: not stale. Gone: stale, and removed from the router (the own route stays).
    expect(await zone.staleLearnedRoutes({ routes: [{ uuid: "5c1d1b3e-0000-4000-8000-000000000001" }] as never })).toEqual([]);
    const stale = await zone.staleLearnedRoutes({ routes: [] });
    expect(stale.map((r) => r.prefix)).toEqual(["10.17.0.0/16"]);
    await zone.nb.run((tx) => zone.removeLearnedRoutes(tx, stale));
    await zone.waitForRouteWithdrawn({ prefix: "10.17.0.0/16" });
    const routes = (await nbModel.transact(client, [LRSR.select()]))[0];
    expect(routes.map((r) => r.ip_prefix)).toEqual(["0.0.0.0/0"]);
  });

  it("reads the IC southbound with AZ names resolved and renders it as ovn-ic-sbctl show", async () => {
    const m = icSbModel;
    const az1 = m.table("Availability_Zone").insert({ name: "az1" });
    const az2 = m.table("Availability_Zone").insert({ name: "az2" });
    const e1 = m.table("Encap").insert({ type: "geneve", ip: "192.0.2.1", gateway_name: "gw-b", options: { csum: "true" } });
    const e2 = m.table("Encap").insert({ type: "vxlan", ip: "192.0.2.9", gateway_name: "gw-b" });
    const e3 = m.table("Encap").insert({ type: "geneve", ip: "192.0.2.2", gateway_name: "gw-c" });
    const e4 = m.table("Encap").insert({ type: "stt", ip: "192.0.2.4", gateway_name: "gw-a" });
    await m.transact(client, [
      az1,
      az2,
      e1,
      e2,
      e3,
      e4,
      m.table("Gateway").insert({ name: "gw-b", availability_zone: az1.ref, hostname: "node-b", encaps: [e1.ref, e2.ref] }),
      m.table("Gateway").insert({ name: "gw-a", availability_zone: az1.ref, encaps: [e4.ref] }),
      m.table("Gateway").insert({ name: "gw-c", availability_zone: az2.ref, encaps: [e3.ref] }),
      m.table("Datapath_Binding").insert({ transit_switch: "ts1", tunnel_key: 16711681 }),
      m.table("Port_Binding").insert({ logical_port: "ts1-b", transit_switch: "ts1", availability_zone: az1.ref, tunnel_key: 2, gateway: "gw-b", address: "aa:aa:aa:aa:aa:02 169.254.100.2/24 fd00::2/64", external_ids: { "router-id": "0e0e0e0e-0000-4000-8000-000000000002" } }),
      m.table("Port_Binding").insert({ logical_port: "ts1-a", transit_switch: "ts1", availability_zone: az1.ref, tunnel_key: 1, gateway: "gw-b", address: "aa:aa:aa:aa:aa:01 169.254.100.1/24" }),
      m.table("Port_Binding").insert({ logical_port: "ts1-unbound", transit_switch: "ts1", availability_zone: az2.ref, tunnel_key: 3, gateway: "", address: "" }),
      m.table("Route").insert({ transit_switch: "ts1", availability_zone: az2.ref, ip_prefix: "10.2.0.1/24", nexthop: "169.254.100.3", origin: "connected", route_table: "", external_ids: { "nb-id": "0e0e0e0e-0000-4000-8000-000000000009" } }),
      m.table("Route").insert({ transit_switch: "ts1", availability_zone: az1.ref, ip_prefix: "fd10::/64", nexthop: "fd00::2", origin: "static", route_table: "rtb1" }),
    ]);
    const snap = await readIcSouthbound(client);
    expect(snap.availabilityZones.map((a) => a.name)).toEqual(["az1", "az2"]);
    expect(snap.gateways.map((g) => [g.availabilityZone, g.name, g.hostname, g.encaps.map((e) => `${e.type}:${e.ip}`).sort()])).toEqual([
      ["az1", "gw-a", "", ["stt:192.0.2.4"]],
      ["az1", "gw-b", "node-b", ["geneve:192.0.2.1", "vxlan:192.0.2.9"]],
      ["az2", "gw-c", "", ["geneve:192.0.2.2"]],
    ]);
    expect(snap.portBindings.map((p) => [p.logicalPort, p.availabilityZone, p.tunnelKey, p.gateway, p.mac, p.networks, p.routerId])).toEqual([
      ["ts1-a", "az1", 1, "gw-b", "aa:aa:aa:aa:aa:01", ["169.254.100.1/24"], undefined],
      ["ts1-b", "az1", 2, "gw-b", "aa:aa:aa:aa:aa:02", ["169.254.100.2/24", "fd00::2/64"], "0e0e0e0e-0000-4000-8000-000000000002"],
      ["ts1-unbound", "az2", 3, undefined, undefined, [], undefined],
    ]);
    expect(snap.routes.map((r) => [r.availabilityZone, r.ipPrefix, r.prefix, r.nexthop, r.origin, r.routeTable, r.nbId])).toEqual([
      ["az1", "fd10::/64", "fd10::/64", "fd00::2", "static", "rtb1", undefined],
      ["az2", "10.2.0.1/24", "10.2.0.0/24", "169.254.100.3", "connected", "", "0e0e0e0e-0000-4000-8000-000000000009"],
    ]);
    expect(snap.datapathBindings.map((d) => [d.transitSwitch, d.tunnelKey])).toEqual([["ts1", 16711681]]);
    expect((await waitForIcRoute(client, { prefix: "10.2.0.0/24", availabilityZone: "az2" })).nexthop).toBe("169.254.100.3");
    await expect(waitForIcRoute(client, { prefix: "10.2.0.0/24", availabilityZone: "az1" }, { timeoutMs: 50 })).rejects.toThrow("advertised route to 10.2.0.0/24 by availability zone az1 in the IC southbound");

    // Written out by hand from ovn-ic-sbctl's format: AZs and gateways by name, the gateway's
    // hostname and encaps, its ports by name; a port bound to no gateway is not shown.
    const gwB = snap.gateways.find((g) => g.name === "gw-b")!;
    const encapLines = gwB.encaps.map((e) => `        type: ${e.type}\n            ip: ${e.ip}\n`).join("");
    expect(renderIcSbShow(snap)).toBe(
      "availability-zone az1\n" +
        "    gateway gw-a\n        type: stt\n            ip: 192.0.2.4\n" +
        "    gateway gw-b\n" +
        "        hostname: node-b\n" +
        encapLines +
        "        port ts1-a\n            transit switch: ts1\n            address: [\"aa:aa:aa:aa:aa:01 169.254.100.1/24\"]\n" +
        "        port ts1-b\n            transit switch: ts1\n            address: [\"aa:aa:aa:aa:aa:02 169.254.100.2/24 fd00::2/64\"]\n" +
        "availability-zone az2\n" +
        "    gateway gw-c\n        type: geneve\n            ip: 192.0.2.2\n",
    );
    expect(renderIcSbShow(snap, "az2")).toBe("availability-zone az2\n    gateway gw-c\n        type: geneve\n            ip: 192.0.2.2\n");
    expect(renderIcSbShow(snap, "nope")).toBe("");

    // A route ovn-ic could not have written is a typed error naming it.
    await m.transact(client, [m.table("Route").insert({ transit_switch: "ts9", availability_zone: snap.availabilityZones[1]!.uuid as never, ip_prefix: "10.2.0.0/40", nexthop: "x", origin: "static", route_table: "" })]);
    await expect(readIcSouthbound(client)).rejects.toThrow(/invalid IC route prefix "10\.2\.0\.0\/40": route [0-9a-f-]{36} on transit switch ts9/);
  });

  it("splits a port binding address into MAC and networks", () => {
    expect(parseIcAddress("")).toEqual({ mac: undefined, networks: [] });
    expect(parseIcAddress("  aa:aa:aa:aa:aa:01  169.254.100.1/24 ")).toEqual({ mac: "aa:aa:aa:aa:aa:01", networks: ["169.254.100.1/24"] });
  });
});
