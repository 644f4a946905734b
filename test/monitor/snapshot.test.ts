import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FAMILIES, SKIPPED_FAMILIES, applyCentral, applyDbServer, applyNorthd, centralSnapshot, lspAddress, ovsSnapshot, registerFamilies } from "../../src/monitor/index.js";
import { parseClusterStatus } from "../../src/unixctl/index.js";

const u = (s: string) => ["uuid", s] as const;

describe("Kube-OVN meanings", () => {
  it("lspAddress takes the first addresses entry as kube-ovn-monitor does", () => {
    expect(lspAddress([])).toEqual({ mac: "", ip: "" });
    expect(lspAddress(["router"])).toEqual({ mac: "router", ip: "router" });
    expect(lspAddress(["unknown"])).toEqual({ mac: "unknown", ip: "unknown" });
    expect(lspAddress(["dynamic"])).toEqual({ mac: "dynamic", ip: "dynamic" });
    expect(lspAddress(["0a:00:00:00:00:01 10.0.0.2 fd00::2", "0a:00:00:00:00:09 10.0.0.9"])).toEqual({ mac: "0a:00:00:00:00:01", ip: "10.0.0.2 fd00::2" });
  });

  it("joins NB switches and ports with SB bindings, datapaths and chassis", () => {
    const nb = [
      [{ _uuid: u("ls-1"), name: "ls1", ports: ["set", [u("p-1"), u("p-2")]], external_ids: ["map", [["vendor", "kube-ovn"]]], other_config: ["map", []] }],
      [
        { _uuid: u("p-1"), name: "lsp1", addresses: "0a:00:00:00:00:01 10.0.0.2", dynamic_addresses: ["set", []] },
        { _uuid: u("p-2"), name: "lsp2", addresses: ["set", []], dynamic_addresses: ["set", []] },
      ],
    ];
    const sb = [
      [{ _uuid: u("ch-1"), name: "hv1", hostname: "node1", encaps: u("e-1") }],
      [{ _uuid: u("e-1"), ip: "192.168.0.1" }],
      [{ _uuid: u("pb-1"), logical_port: "lsp1", chassis: u("ch-1"), datapath: u("dp-1"), tunnel_key: 7 }],
      [{ _uuid: u("dp-1"), tunnel_key: 3, external_ids: ["map", [["logical-switch", "ls-1"]]] }],
    ];
    const s = centralSnapshot(nb as never, sb as never);
    expect(s.switches).toEqual([{ uuid: "ls-1", name: "ls1", ports: ["p-1", "p-2"], externalIds: new Map([["vendor", "kube-ovn"]]), tunnelKey: 3 }]);
    expect(s.ports).toEqual([
      { uuid: "p-1", name: "lsp1", switchName: "ls1", chassis: "ch-1", datapath: "dp-1", portBinding: "pb-1", mac: "0a:00:00:00:00:01", ip: "10.0.0.2", tunnelKey: 7 },
      { uuid: "p-2", name: "lsp2", switchName: "ls1", chassis: "", datapath: "", portBinding: "", mac: "", ip: "", tunnelKey: 0 },
    ]);
    expect(s.chassis).toEqual([{ uuid: "ch-1", name: "hv1", hostname: "node1", ip: "192.168.0.1" }]);
    expect(s.bindingsByChassis.get("hv1")).toEqual(new Set(["lsp1"]));
    // NB alone: no SB tunnel keys or bindings, still every switch and port.
    expect(centralSnapshot(nb as never, undefined).ports.map((p) => [p.name, p.chassis])).toEqual([
      ["lsp1", ""],
      ["lsp2", ""],
    ]);

    const reg = new Registry();
    const g = registerFamilies(reg);
    applyCentral(g, "h", s);
    return reg.metrics().then((text) => {
      expect(text).toContain('kube_ovn_logical_switch_ports_num{hostname="h",uuid="ls-1",logical_switch_name="ls1"} 2');
      expect(text).toContain('kube_ovn_logical_switch_tunnel_key{hostname="h",uuid="ls-1",logical_switch_name="ls1"} 3');
      expect(text).toContain('kube_ovn_chassis_info{hostname="node1",uuid="ch-1",name="hv1",ip="192.168.0.1"} 1');
      expect(text).toContain('kube_ovn_logical_switch_port_tunnel_key{hostname="h",uuid="p-1",logical_switch_name="ls1",port_name="lsp1"} 7');
    });
  });

  it("reads the Open_vSwitch row and interfaces", () => {
    const s = ovsSnapshot([
      [{ external_ids: ["map", [["system-id", "hv1"], ["hostname", "node1"]]], ovs_version: "3.1.0", db_version: "8.3.0", system_type: ["set", []], system_version: ["set", []] }],
      [
        {
          _uuid: u("i-1"),
          name: "pod1",
          admin_state: "up",
          link_state: ["set", []],
          mac_in_use: "0a:00:00:00:00:01",
          mtu: 1400,
          ofport: 3,
          ifindex: 0,
          external_ids: ["map", [["iface-id", "lsp1"], ["pod_name", "p"]]],
          statistics: ["map", [["rx_packets", 5], ["tx_bytes", 99]]],
        },
      ],
    ] as never);
    expect(s).toMatchObject({ systemId: "hv1", hostname: "node1", ovsVersion: "3.1.0", dbVersion: "8.3.0", systemType: "" });
    expect(s.interfaces[0]).toMatchObject({ name: "pod1", adminState: "up", linkState: "", mtu: 1400, ofport: 3 });
    expect(s.interfaces[0]!.statistics).toEqual(new Map([["rx_packets", 5], ["tx_bytes", 99]]));
    expect(s.ifaceIds).toEqual(new Set(["lsp1"]));
  });

  it("maps Raft and northd states to ovn_status values, and a dead server to 0 without cluster series", async () => {
    const reg = new Registry();
    const g = registerFamilies(reg);
    const follower = parseClusterStatus(
      "a33d\nName: OVN_Northbound\nCluster ID: 4872 (4872e7c5-bf18-4ebe-915a-e103e93b0345)\nServer ID: a33d (a33df540-7c84-48c4-88f2-96f8bf4509b7)\nAddress: tcp:127.0.0.1:16641\nStatus: cluster member\nRole: follower\nTerm: 4\nLeader: 13c9\nVote: 13c9\n\nElection timer: 1000\nLog: [2, 9]\nEntries not yet committed: 0\nEntries not yet applied: 0\nConnections: ->0000 (->13c9) <-3e56 ->3e56\nDisconnections: 1\nServers:\n    a33d (a33d at tcp:127.0.0.1:16641) (self)\n    3e56 (3e56 at tcp:127.0.0.1:16642)\n    13c9 (13c9 at tcp:127.0.0.1:16640) last msg 8 ms ago\n",
    );
    applyDbServer(g, "h", "OVN_Northbound", "/db/nb.db", { cluster: follower, storageOk: true, serversText: "x" });
    applyNorthd(g, "h", "standby");
    let text = await reg.metrics();
    expect(text).toContain('kube_ovn_ovn_status{hostname="h",component="ovsdb-server-northbound"} 2');
    expect(text).toContain('kube_ovn_ovn_status{hostname="h",component="ovn-northd"} 2');
    expect(text).toContain('kube_ovn_cluster_enabled{hostname="h",db_name="/db/nb.db"} 1');
    expect(text).toMatch(/kube_ovn_cluster_outbound_connections_error_total\{[^}]*\} 1/);
    expect(text).toMatch(/kube_ovn_cluster_outbound_connections_total\{[^}]*\} 2/);
    expect(text).toMatch(/kube_ovn_cluster_peer_count\{[^}]*\} 2/);
    expect(text).toMatch(/kube_ovn_cluster_role\{[^}]*server_role="follower"\} 1/);
    applyDbServer(g, "h", "OVN_Northbound", "/db/nb.db", undefined);
    applyNorthd(g, "h", undefined);
    text = await reg.metrics();
    expect(text).toContain('kube_ovn_ovn_status{hostname="h",component="ovsdb-server-northbound"} 0');
    expect(text).toContain('kube_ovn_ovn_status{hostname="h",component="ovn-northd"} 0');
    expect(text).toContain('kube_ovn_db_status{hostname="h",db_name="OVN_Northbound"} 0');
    expect(text).not.toMatch(/^kube_ovn_cluster_role\{/m);
  });

  it("serves no family it lists as skipped, and every name is a valid Prometheus name", () => {
    const names = Object.values(FAMILIES).map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    for (const skipped of Object.keys(SKIPPED_FAMILIES)) expect(names).not.toContain(skipped);
  });
});
