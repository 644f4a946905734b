/**
 * The exporter against a real OVN deployment: a 3-member Raft NB, a Raft SB, ovn-northd,
 * ovs-vswitchd and ovn-controller. Its values agree with `ovs-appctl cluster/status`,
 * `ovs-appctl dpctl/show` and the databases; killing the NB leader by PID shows the role change
 * within two scrapes; a real Prometheus server (job `kube-ovn-monitor`) scrapes it and PromQL
 * returns the expected series.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../../src/monitor/index.js";
import {
  type Daemon,
  type RaftClusterSandbox,
  type VswitchdSandbox,
  freePort,
  installedSchemaFile,
  makeTempDir,
  removeDir,
  run,
  sleep,
  startDaemon,
  startRaftCluster,
  startVswitchd,
  stopDaemon,
  waitFor,
} from "../../src/testing/index.js";
import { parseClusterStatus, parseDpctlShow } from "../../src/unixctl/index.js";
import { peers } from "../support/peers.js";

/** Sample lines of a family in Prometheus text, as { labels, value }. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[a-z_]+(?:\{(.*)\})? (\S+)$/s.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[1] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

function one(text: string, name: string, where: Record<string, string> = {}): number {
  const s = samples(text, name).filter((x) => Object.entries(where).every(([k, v]) => x.labels[k] === v));
  expect(s, `${name} ${JSON.stringify(where)}`).toHaveLength(1);
  return s[0]!.value;
}

const PROGRAMS = ["ovsdb-server", "ovsdb-tool", "ovsdb-client", "ovs-appctl", "ovn-northd", "ovn-nbctl", "ovn-sbctl", "ovs-vswitchd", "ovs-vsctl", "ovn-controller", "prometheus"];

describe.skipIf(!peers(...PROGRAMS))("exporter on a real Raft NB/SB, northd, vswitchd and ovn-controller", () => {
  let nb: RaftClusterSandbox;
  let sb: RaftClusterSandbox;
  let vs: VswitchdSandbox;
  let dir: string;
  const daemons: Daemon[] = [];
  let controllerCtl: string;
  let exporter: Exporter;
  let url: string;
  const memberExporters: Exporter[] = [];
  let prometheus: ChildProcess | undefined;

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-exporter-");
    nb = await startRaftCluster({ schema: installedSchemaFile("OVN_Northbound") });
    sb = await startRaftCluster({ schema: installedSchemaFile("OVN_Southbound"), size: 1 });
    await run("ovn-nbctl", [`--db=${nb.remotes}`, "--timeout=30", "init"]);
    await run("ovn-sbctl", [`--db=${sb.remotes}`, "--timeout=30", "init"]);
    daemons.push(await startDaemon("northd", "ovn-northd", [`--ovnnb-db=${nb.remotes}`, `--ovnsb-db=${sb.remotes}`, `--unixctl=${join(dir, "northd.ctl")}`], join(dir, "northd.pid"), join(dir, "northd.log")));
    vs = await startVswitchd({ bridges: [{ name: "br-int" }] });
    await vs.vsctl("set", "open", ".", "external_ids:system-id=hv1", `external_ids:ovn-remote=${sb.remotes}`, "external_ids:ovn-encap-type=geneve", "external_ids:ovn-encap-ip=127.0.0.1", "external_ids:hostname=node-hv1");
    const ctrl = await startDaemon("ovn-controller", "ovn-controller", [vs.db], join(dir, "ovn-controller.pid"), join(dir, "ovn-controller.log"), { OVN_RUNDIR: dir, OVS_RUNDIR: vs.dir });
    daemons.push(ctrl);
    controllerCtl = join(dir, `ovn-controller.${ctrl.pid}.ctl`);
    const nbctl = (...a: string[]) => run("ovn-nbctl", [`--db=${nb.remotes}`, "--timeout=30", ...a]);
    await nbctl("ls-add", "ls1", "--", "set", "logical_switch", "ls1", "other_config:subnet=10.0.0.0/24", "other_config:exclude_ips=10.0.0.1", "external_ids:vendor=kube-ovn");
    for (let i = 1; i <= 3; i++) await nbctl("lsp-add", "ls1", `lsp${i}`, "--", "lsp-set-addresses", `lsp${i}`, `00:00:00:00:00:0${i} 10.0.0.${i + 1}`);
    await vs.vsctl("add-port", "br-int", "pod1", "--", "set", "interface", "pod1", "type=dummy", "external_ids:iface-id=lsp1", "external_ids:pod_name=pod1", "external_ids:pod_namespace=default");
    await vs.vsctl("add-port", "br-int", "ghost", "--", "set", "interface", "ghost", "type=dummy", "external_ids:iface-id=no-such-port");
    await waitFor("lsp1 bound to hv1", async () => (await run("ovn-sbctl", [`--db=${sb.remotes}`, "--bare", "--columns=chassis", "find", "Port_Binding", "logical_port=lsp1"])).stdout.trim() !== "", 60_000, 200);
    exporter = new Exporter({
      hostname: "central-0",
      nb: nb.remotes,
      sb: sb.remotes,
      nbCtl: join(nb.dir, "m0.ctl"),
      sbCtl: join(sb.dir, "m0.ctl"),
      northdCtl: join(dir, "northd.ctl"),
      ovs: vs.db,
      vswitchdCtl: join(vs.dir, "vswitchd.ctl"),
      controllerCtl,
      nbDbFile: join(nb.dir, "m0.db"),
      sbDbFile: join(sb.dir, "m0.db"),
      nbLogFile: join(nb.dir, "m0.log"),
      sbLogFile: join(sb.dir, "m0.log"),
      northdLogFile: join(dir, "northd.log"),
      intervalMs: 500,
      timeoutMs: 3000,
    });
    url = (await exporter.listen(0)).url;
    exporter.start();
    for (let i = 0; i < 3; i++) memberExporters.push(new Exporter({ hostname: `m${i}`, nbCtl: join(nb.dir, `m${i}.ctl`), intervalMs: 300, timeoutMs: 1000 }).start());
  }, 240_000);

  afterAll(async () => {
    if (prometheus?.pid) {
      const exited = new Promise((r) => prometheus!.once("exit", r));
      process.kill(prometheus.pid, "SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (prometheus.exitCode === null && prometheus.signalCode === null) process.kill(prometheus.pid, "SIGKILL");
    }
    await exporter?.close();
    for (const e of memberExporters) await e.close();
    for (const d of daemons.reverse()) await stopDaemon(d);
    await vs?.stop();
    await sb?.stop();
    await nb?.stop();
    if (dir) removeDir(dir);
  }, 60_000);

  const scrape = async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    return res.text();
  };

  it("agrees with ovs-appctl cluster/status", async () => {
    await exporter.refresh();
    const text = await scrape();
    const st = parseClusterStatus(await nb.status(0));
    const l = { db_name: "OVN_Northbound", server_id: st.serverId.uuid, cluster_id: st.clusterId!.uuid };
    expect(one(text, "kube_ovn_cluster_role", { ...l, server_role: st.role })).toBe(1);
    expect(one(text, "kube_ovn_cluster_status", { ...l, server_status: "cluster member" })).toBe(1);
    expect(one(text, "kube_ovn_cluster_term", l)).toBe(st.term);
    expect(one(text, "kube_ovn_cluster_leader_self", l)).toBe(st.leader === "self" ? 1 : 0);
    expect(one(text, "kube_ovn_cluster_election_timer", l)).toBe(st.electionTimerMs);
    expect(one(text, "kube_ovn_cluster_log_index_start", l)).toBe(st.log.start);
    expect(one(text, "kube_ovn_cluster_peer_count", l)).toBe(2);
    expect(one(text, "kube_ovn_cluster_inbound_connections_total", l)).toBe(st.connections.filter((c) => c.direction === "in" && c.connected).length);
    expect(one(text, "kube_ovn_cluster_enabled", { db_name: join(nb.dir, "m0.db") })).toBe(1);
    expect(one(text, "kube_ovn_ovn_status", { component: "ovsdb-server-northbound" })).toBe(st.role === "leader" ? 1 : 2);
    expect(one(text, "kube_ovn_ovn_status", { component: "ovsdb-server-southbound" })).toBe(1);
    expect(one(text, "kube_ovn_ovn_status", { component: "ovn-northd" })).toBe(1);
    expect(one(text, "kube_ovn_db_status", { db_name: "OVN_Northbound" })).toBe(1);
    expect(one(text, "kube_ovn_db_status", { db_name: "OVN_Southbound" })).toBe(1);
  }, 60_000);

  it("agrees with ovs-appctl dpctl/show and the Open_vSwitch database", async () => {
    const text = await scrape();
    const [dp] = parseDpctlShow(await vs.appctl("dpctl/show", "dummy@ovs-dummy"));
    const l = { datapath: dp!.name };
    expect(one(text, "kube_ovn_datapath", { ...l, type: "dummy" })).toBe(1);
    expect(one(text, "kube_ovn_dp_if_total", l)).toBe(dp!.ports.length);
    expect(one(text, "kube_ovn_dp_flows_total", l)).toBe(dp!.flows);
    expect(one(text, "kube_ovn_dp_flows_lookup_lost", l)).toBe(dp!.lookups!.lost);
    for (const p of dp!.ports) expect(one(text, "kube_ovn_dp_if", { ...l, port: p.name, ofPort: String(p.number) })).toBe(1);
    const ofport = Number((await vs.vsctl("get", "interface", "pod1", "ofport")).trim());
    expect(one(text, "kube_ovn_interface_of_port", { interfaceName: "pod1" })).toBe(ofport);
    expect(one(text, "kube_ovn_interface_rx_packets", { interfaceName: "pod1", pod_name: "pod1", pod_namespace: "default" })).toBeGreaterThanOrEqual(0);
    expect(one(text, "kube_ovn_ovs_status", { component: "ovsdb-server" })).toBe(1);
    expect(one(text, "kube_ovn_ovs_status", { component: "ovs-vswitchd" })).toBe(1);
    expect(one(text, "kube_ovn_ovs_info", { system_id: "hv1" })).toBe(1);
    expect(one(text, "pinger_ovs_up", {})).toBe(1);
    expect(one(text, "pinger_ovn_controller_up", {})).toBe(1);
    // "ghost" has an iface-id no Port_Binding on hv1 has.
    expect(one(text, "pinger_inconsistent_port_binding", {})).toBe(1);
  }, 60_000);

  it("agrees with the databases' contents (switches, ports, chassis, IPAM)", async () => {
    const text = await scrape();
    const lsUuid = (await run("ovn-nbctl", [`--db=${nb.remotes}`, "--bare", "--columns=_uuid", "find", "Logical_Switch", "name=ls1"])).stdout.trim();
    expect(one(text, "kube_ovn_logical_switch_info", { uuid: lsUuid, name: "ls1" })).toBe(1);
    expect(one(text, "kube_ovn_logical_switch_ports_num", { logical_switch_name: "ls1" })).toBe(3);
    expect(one(text, "kube_ovn_logical_switch_external_id", { key: "vendor", value: "kube-ovn" })).toBe(1);
    const dpKey = Number((await run("ovn-sbctl", [`--db=${sb.remotes}`, "--bare", "--columns=tunnel_key", "find", "Datapath_Binding", `external_ids:logical-switch=${lsUuid}`])).stdout.trim());
    expect(one(text, "kube_ovn_logical_switch_tunnel_key", { logical_switch_name: "ls1" })).toBe(dpKey);
    const chassisUuid = (await run("ovn-sbctl", [`--db=${sb.remotes}`, "--bare", "--columns=_uuid", "find", "Chassis", "name=hv1"])).stdout.trim();
    expect(one(text, "kube_ovn_chassis_info", { name: "hv1", uuid: chassisUuid, ip: "127.0.0.1", hostname: "node-hv1" })).toBe(1);
    expect(one(text, "kube_ovn_logical_switch_port_info", { name: "lsp1", chassis: chassisUuid, mac_address: "00:00:00:00:00:01", ip_address: "10.0.0.2" })).toBe(1);
    const pbKey = Number((await run("ovn-sbctl", [`--db=${sb.remotes}`, "--bare", "--columns=tunnel_key", "find", "Port_Binding", "logical_port=lsp2"])).stdout.trim());
    expect(one(text, "kube_ovn_logical_switch_port_tunnel_key", { port_name: "lsp2" })).toBe(pbKey);
    // 10.0.0.0/24: 254 hosts, .1 excluded, three ports hold .2-.4.
    expect(one(text, "subnet_available_ip_count", { subnet_name: "ls1", protocol: "IPv4", subnet_cidr: "10.0.0.0/24" })).toBe(250);
    expect(one(text, "subnet_used_ip_count", { subnet_name: "ls1", protocol: "IPv4", subnet_cidr: "10.0.0.0/24" })).toBe(3);
    expect(one(text, "kube_ovn_db_file_size_bytes", { db_name: "OVN_Northbound" })).toBeGreaterThan(0);
    expect(one(text, "kube_ovn_log_file_size_bytes", { component: "ovn-northd" })).toBeGreaterThan(0);
    for (const s of exporter.sourceStates()) expect(s, s.source).toMatchObject({ up: true });
  }, 60_000);

  it("a real Prometheus scrapes it as job kube-ovn-monitor and PromQL returns the series", async () => {
    const pdir = join(dir, "prometheus");
    const port = await freePort();
    const target = new URL(url).host;
    writeFileSync(
      join(dir, "prometheus.yml"),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: kube-ovn-monitor\n    scrape_interval: 1s\n    scrape_timeout: 900ms\n    static_configs:\n      - targets: ["${target}"]\n`,
    );
    prometheus = spawn("prometheus", [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${pdir}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
    const query = async (q: string) => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(5000) });
      const body = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      expect(body.status).toBe("success");
      return body.data.result;
    };
    await waitFor(
      "Prometheus to scrape the exporter",
      async () => {
        try {
          const r = await query('kube_ovn_logical_switch_ports_num{job="kube-ovn-monitor",logical_switch_name="ls1"}');
          return r.length > 0;
        } catch {
          return false;
        }
      },
      60_000,
      500,
    );
    const up = await query('up{job="kube-ovn-monitor"}');
    expect(up.map((x) => x.value[1])).toEqual(["1"]);
    expect((await query('kube_ovn_logical_switch_ports_num{logical_switch_name="ls1"}'))[0]!.value[1]).toBe("3");
    // The dashboards' own queries: leader count across the NB cluster, chassis count.
    const roles = await query('count(kube_ovn_cluster_role{db_name="OVN_Northbound"}) by (server_role)');
    expect(roles.length).toBeGreaterThan(0);
    expect(await query("count(kube_ovn_chassis_info)")).toMatchObject([{ value: [expect.any(Number), "1"] }]);
    expect(await query('subnet_available_ip_count{subnet_name="ls1"}')).toMatchObject([{ metric: { job: "kube-ovn-monitor", protocol: "IPv4" }, value: [expect.any(Number), "250"] }]);
    expect(await query('kube_ovn_ovn_status{component="ovn-northd"}')).toMatchObject([{ value: [expect.any(Number), "1"] }]);
  }, 120_000);

  it("shows the NB role change within two scrapes after the leader is killed by PID, and keeps serving", async () => {
    const roleOf = async (e: Exporter) => {
      const t = await e.metrics();
      return samples(t, "kube_ovn_cluster_role").find((s) => s.value === 1)?.labels["server_role"];
    };
    await Promise.all(memberExporters.map((e) => e.refresh()));
    const old = await nb.leader();
    expect(await roleOf(memberExporters[old]!)).toBe("leader");
    await nb.kill(old);
    const next = await nb.waitForNewLeader(old, 30_000);
    // Two scrapes, each after a background refresh interval.
    let seen: string | undefined;
    for (let i = 0; i < 2 && seen !== "leader"; i++) {
      await sleep(400);
      seen = await roleOf(memberExporters[next]!);
    }
    expect(seen).toBe("leader");
    const dead = await memberExporters[old]!.metrics();
    expect(one(dead, "kube_ovn_ovn_status", { component: "ovsdb-server-northbound" })).toBe(0);
    expect(samples(dead, "kube_ovn_cluster_role")).toHaveLength(0);
    expect(one(dead, "ovn_ts_exporter_source_up", { source: "nb-ctl" })).toBe(0);
    // The full exporter reads NB through the cluster's remote list: it moves to a live member.
    await expect
      .poll(async () => samples(await scrape(), "kube_ovn_logical_switch_ports_num").find((x) => x.labels["logical_switch_name"] === "ls1")?.value, { timeout: 20_000, interval: 500 })
      .toBe(3);
    await expect.poll(() => exporter.sourceStates().find((x) => x.source === "nb")?.up, { timeout: 20_000, interval: 500 }).toBe(true);
  }, 90_000);
});
