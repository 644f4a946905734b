/**
 * NetworkPolicy and Service applied to the embedded server and a real ovsdb-server: the exact rows
 * Kube-OVN's controller makes for them (port group, address sets, ACLs; the VPC's load balancers,
 * VIPs and the switch's load_balancer), read back with ovn-nbctl; a re-apply sends nothing; --prune
 * removes exactly what they created.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NB_CONTROLLER_TABLES, NbController } from "../../../src/ovn/controller/index.js";
import { KUBE_OVN_IDENTITY, type Manifest, applyModel, existingAddresses, parseManifestText, resolveModel } from "../../../src/model/index.js";
import { BACKENDS, type Backend, nbctl, recordingClient, startBackend } from "../../ovn/controller/support.js";
import { peers } from "../../support/peers.js";
import { BASE, POLICY, SERVICE } from "./manifests.js";

function manifest(...texts: string[]): Manifest {
  const r = parseManifestText(texts.join("---\n"), "m.yaml");
  expect(r.issues).toEqual([]);
  return { objects: r.objects };
}

async function applyOnce(unix: string, m: Manifest, options: Parameters<typeof applyModel>[2] = {}) {
  const { client, sent } = await recordingClient(unix);
  const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
  try {
    const r = await applyModel(ctl, resolveModel(m, { existing: existingAddresses(ctl) }), options);
    return { r, sent, lines: r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`).sort() };
  } finally {
    await ctl.close();
    client.close();
  }
}

type JsonAtom = string | number | boolean | [string, unknown];
function text(v: JsonAtom): string {
  if (Array.isArray(v) && v[0] === "set") return (v[1] as JsonAtom[]).map(text).sort().join(" ");
  if (Array.isArray(v) && v[0] === "map") return (v[1] as [JsonAtom, JsonAtom][]).map(([k, x]) => `${text(k)}=${text(x)}`).sort().join(" ");
  if (Array.isArray(v)) return String(v[1]);
  return String(v);
}

/** Each row of `table` (ovn-nbctl's JSON output) as its columns' values joined by `|` (sets and maps space-separated, sorted), sorted. */
async function rows(db: string, table: string, columns: string): Promise<string[]> {
  const out = JSON.parse(await nbctl(db, "--format=json", `--columns=${columns}`, "list", table)) as { data: JsonAtom[][] };
  return out.data.map((r) => r.map(text).join("|")).sort();
}

describe.each(BACKENDS)("NetworkPolicy and Service on %s", (kind) => {
  const skip = !peers("ovn-nbctl") || (kind === "ovsdb-server" && !peers("ovsdb-server"));
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it.skipIf(skip)("a NetworkPolicy becomes Kube-OVN's port group, address sets and ACLs; re-apply sends nothing; --prune removes exactly them", { timeout: 60_000 }, async () => {
    backend = await startBackend(kind);
    const db = backend.unix;
    const first = await applyOnce(db, manifest(BASE, POLICY));
    expect(first.lines).toContain("networkpolicy/web/allow-client created");
    expect(await rows(db, "Port_Group", "name,external_ids")).toEqual(["allow.client.web|np=web/allow-client vendor=kube-ovn"]);
    const members = (await nbctl(db, "--bare", "--columns=ports", "list", "Port_Group")).trim().split(" ");
    expect((await Promise.all(members.map((u) => nbctl(db, "get", "Logical_Switch_Port", u, "name")))).sort()).toEqual(["web-0.web\n", "web-1.web\n"]);
    expect(await rows(db, "Address_Set", "name,addresses,external_ids")).toEqual([
      "allow.client.web.egress.allow.IPv4.0|10.16.0.30|np=web/allow-client/egress vendor=kube-ovn",
      "allow.client.web.egress.except.IPv4.0||np=web/allow-client/egress vendor=kube-ovn",
      "allow.client.web.ingress.allow.IPv4.0|10.16.0.20|np=web/allow-client/ingress vendor=kube-ovn",
      "allow.client.web.ingress.except.IPv4.0||np=web/allow-client/ingress vendor=kube-ovn",
      // The VPC's overlay CIDRs (src/model/kinds/u2o-routing.ts).
      "ovn.cluster.u2o_overlay_cidrs.ip4|10.16.0.0/16|isU2OOverlayCIDRs=true vendor=kube-ovn vpc=ovn-cluster",
      "ovn.cluster.u2o_overlay_cidrs.ip6||isU2OOverlayCIDRs=true vendor=kube-ovn vpc=ovn-cluster",
    ]);
    const pg = "@allow.client.web";
    const ing = `outport == ${pg} && ip`;
    const eg = `inport == ${pg} && ip`;
    const sel = `${ing} && ip4.src == $allow.client.web.ingress.allow.IPv4.0 && ip4.src != $allow.client.web.ingress.except.IPv4.0`;
    const block = `${ing} && (ip4.src == 10.0.0.0/8 && ip4.src != {10.16.0.0/16})`;
    const ext = "parent=allow.client.web vendor=kube-ovn";
    expect(await rows(db, "ACL", "direction,priority,match,action,name,log,severity,options,external_ids")).toEqual(
      [
        `from-lport|2000|${eg}|drop|web/allow-client|true|warning|apply-after-lb=true|${ext}`,
        `from-lport|2001|${eg} && ip4.dst == $allow.client.web.egress.allow.IPv4.0 && ip4.dst != $allow.client.web.egress.except.IPv4.0|allow-related|np/allow-client.web/egress/IPv4/0|false||apply-after-lb=true|${ext}`,
        `to-lport|2000|${ing}|drop|web/allow-client|true|warning||${ext}`,
        `to-lport|2001|${sel} && tcp.dst == 8080|allow-related|np/allow-client.web/ingress/IPv4/0|false|||${ext}`,
        `to-lport|2001|${sel} && 53 <= udp.dst <= 60|allow-related|np/allow-client.web/ingress/IPv4/0|false|||${ext}`,
        `to-lport|2001|${block} && tcp.dst == 8080|allow-related|np/allow-client.web/ingress/IPv4/0/ipBlock|false|||${ext}`,
        `to-lport|2001|${block} && 53 <= udp.dst <= 60|allow-related|np/allow-client.web/ingress/IPv4/0/ipBlock|false|||${ext}`,
      ].sort(),
    );

    const again = await applyOnce(db, manifest(BASE, POLICY));
    expect(again.lines).toEqual([]);
    expect(again.sent).toEqual([]);

    // The client pod gets another label: only the ingress allow set changes, the policy is configured.
    const moved = await applyOnce(db, manifest(BASE.replace("labels: { role: client }", "labels: { role: client }\n  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.21 }").replace("  annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20 }\n", ""), POLICY));
    expect(moved.lines).toEqual(["networkpolicy/web/allow-client configured", "pod/default/client configured"]);
    expect(await nbctl(db, "--bare", "--columns=addresses", "find", "Address_Set", "name=allow.client.web.ingress.allow.IPv4.0")).toBe("10.16.0.21\n");

    // Logging turned off (and the client back at .20): the two default drops change in place (no ACL deleted or inserted).
    const quiet = await applyOnce(db, manifest(BASE, POLICY.replace('ovn.kubernetes.io/enable_log: "true"', 'ovn.kubernetes.io/enable_log: "false"')));
    expect(quiet.lines).toEqual(["networkpolicy/web/allow-client configured", "pod/default/client configured"]);
    expect(quiet.sent.flat().map((op) => `${op.op} ${"table" in op ? op.table : ""}`).filter((t) => !t.startsWith("wait")).sort()).toEqual(["mutate Address_Set", "mutate Logical_Switch_Port", "update ACL", "update ACL"]);
    expect(await rows(db, "ACL", "priority,log,severity")).toEqual(["2000|false|", "2000|false|", "2001|false|", "2001|false|", "2001|false|", "2001|false|", "2001|false|"]);

    const pruned = await applyOnce(db, manifest(BASE), { prune: true });
    expect(pruned.lines).toEqual(["networkpolicy/web/allow-client deleted"]);
    expect(await rows(db, "Port_Group", "name")).toEqual([]);
    // Only the VPC's overlay CIDR sets stay (src/model/kinds/u2o-routing.ts).
    expect(await rows(db, "Address_Set", "name")).toEqual(["ovn.cluster.u2o_overlay_cidrs.ip4", "ovn.cluster.u2o_overlay_cidrs.ip6"]);
    expect(await rows(db, "ACL", "match")).toEqual([]);
    expect((await rows(db, "Logical_Switch_Port", "name")).length).toBe(5);
  });

  it.skipIf(skip)("a Service becomes VIPs on the VPC's six load balancers, attached to its switches; re-apply sends nothing; --prune removes them, reported as the service", { timeout: 60_000 }, async () => {
    backend = await startBackend(kind);
    const db = backend.unix;
    const first = await applyOnce(db, manifest(BASE, SERVICE));
    expect(first.lines).toEqual(["pod/db/db-0 created", "pod/default/client created", "pod/web/web-0 created", "pod/web/web-1 created", "service/web/web created", "subnet/ovn-default created", "vpc/ovn-cluster created"]);
    expect(await rows(db, "Load_Balancer", "name,protocol,selection_fields,options,vips,external_ids")).toEqual([
      "cluster-sctp-loadbalancer|sctp||prefer_local_backend=false||vendor=kube-ovn",
      "cluster-sctp-session-loadbalancer|sctp|ip_src|affinity_timeout=10800 prefer_local_backend=false||vendor=kube-ovn",
      "cluster-tcp-loadbalancer|tcp||prefer_local_backend=false|10.96.0.10:80=10.16.0.10:8080|service/web/web=10.96.0.10:80 vendor=kube-ovn",
      "cluster-tcp-session-loadbalancer|tcp|ip_src|affinity_timeout=10800 prefer_local_backend=false||vendor=kube-ovn",
      "cluster-udp-loadbalancer|udp||ct_flush=true prefer_local_backend=false|10.96.0.10:53=10.16.0.10:5353,10.16.0.11:5353|service/web/web=10.96.0.10:53 vendor=kube-ovn",
      "cluster-udp-session-loadbalancer|udp|ip_src|affinity_timeout=10800 prefer_local_backend=false||vendor=kube-ovn",
    ]);
    const attached = async () => {
      const uuids = (await nbctl(db, "--bare", "--columns=load_balancer", "list", "Logical_Switch", "ovn-default")).trim().split(" ").filter(Boolean);
      return (await Promise.all(uuids.map(async (u) => (await nbctl(db, "get", "Load_Balancer", u, "name")).trim()))).sort();
    };
    expect(await attached()).toEqual(["cluster-sctp-loadbalancer", "cluster-sctp-session-loadbalancer", "cluster-tcp-loadbalancer", "cluster-tcp-session-loadbalancer", "cluster-udp-loadbalancer", "cluster-udp-session-loadbalancer"]);

    const again = await applyOnce(db, manifest(BASE, SERVICE));
    expect(again.lines).toEqual([]);
    expect(again.sent).toEqual([]);

    // A second service on the same load balancer: only it is created; the first stays unchanged.
    const second = SERVICE.replace("name: web, namespace: web", "name: web2, namespace: web").replace("10.96.0.10", "10.96.0.11");
    const two = await applyOnce(db, manifest(BASE, SERVICE, second));
    expect(two.lines).toEqual(["service/web/web2 created"]);
    expect(two.sent.length).toBe(1);

    // The removed service is reported as itself, its VIPs and its record going in one transaction.
    const one = await applyOnce(db, manifest(BASE, SERVICE), { prune: true });
    expect(one.lines).toEqual(["service/web/web2 deleted"]);
    expect(one.sent.length).toBe(1);
    expect(await nbctl(db, "get", "Load_Balancer", "cluster-tcp-loadbalancer", "vips")).toBe('{"10.96.0.10:80"="10.16.0.10:8080"}\n');
    expect(await nbctl(db, "get", "Load_Balancer", "cluster-tcp-loadbalancer", "external_ids")).toBe('{"service/web/web"="10.96.0.10:80", vendor=kube-ovn}\n');

    // A service losing a port (and so a VIP) is configured: the VIP goes with it, without --prune.
    const dnsOnly = SERVICE.replace("    - { name: http, port: 80, targetPort: http }\n", "");
    expect(dnsOnly).not.toBe(SERVICE);
    const shrunk = await applyOnce(db, manifest(BASE, dnsOnly));
    expect(shrunk.lines).toEqual(["service/web/web configured"]);
    expect(await nbctl(db, "get", "Load_Balancer", "cluster-tcp-loadbalancer", "vips")).toBe("{}\n");
    expect(await nbctl(db, "get", "Load_Balancer", "cluster-tcp-loadbalancer", "external_ids")).toBe("{vendor=kube-ovn}\n");
    expect((await applyOnce(db, manifest(BASE, dnsOnly))).sent).toEqual([]);
    expect((await applyOnce(db, manifest(BASE, SERVICE))).lines).toEqual(["service/web/web configured"]);

    // The last service removed: only it is reported; the VPC keeps its load balancers (as Kube-OVN keeps them), empty.
    const none = await applyOnce(db, manifest(BASE), { prune: true });
    expect(none.lines).toEqual(["service/web/web deleted"]);
    expect(await rows(db, "Load_Balancer", "name,vips,external_ids")).toEqual([
      "cluster-sctp-loadbalancer||vendor=kube-ovn",
      "cluster-sctp-session-loadbalancer||vendor=kube-ovn",
      "cluster-tcp-loadbalancer||vendor=kube-ovn",
      "cluster-tcp-session-loadbalancer||vendor=kube-ovn",
      "cluster-udp-loadbalancer||vendor=kube-ovn",
      "cluster-udp-session-loadbalancer||vendor=kube-ovn",
    ]);
    expect(await attached()).toHaveLength(6);
    const after = await applyOnce(db, manifest(BASE), { prune: true });
    expect(after.sent).toEqual([]);
    expect(after.lines).toEqual([]);
  });

  it.skipIf(skip)("pod rate annotations become QoS rows owned by the port; a changed rate configures the pod; --prune removes a pod's rows", { timeout: 60_000 }, async () => {
    backend = await startBackend(kind);
    const db = backend.unix;
    const rated = (ingress: string, egress: string) =>
      BASE.replace("annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20 }", `annotations: { ovn.kubernetes.io/ip_address: 10.16.0.20${ingress ? `, ovn.kubernetes.io/ingress_rate: "${ingress}"` : ""}${egress ? `, ovn.kubernetes.io/egress_rate: "${egress}"` : ""} }`);
    const first = await applyOnce(db, manifest(rated("10", "5")));
    expect(first.lines).toContain("pod/default/client created");
    expect(await rows(db, "QoS", "direction,priority,match,action,bandwidth,external_ids")).toEqual([
      'from-lport|2000|inport == "client.default"||burst=4000 rate=5000|parent=client.default vendor=kube-ovn',
      'to-lport|2000|outport == "client.default"||burst=8000 rate=10000|parent=client.default vendor=kube-ovn',
    ]);
    expect((await nbctl(db, "--bare", "--columns=qos_rules", "list", "Logical_Switch", "ovn-default")).trim().split(" ").length).toBe(2);

    const again = await applyOnce(db, manifest(rated("10", "5")));
    expect(again.lines).toEqual([]);
    expect(again.sent).toEqual([]);

    const changed = await applyOnce(db, manifest(rated("20", "")));
    expect(changed.lines).toEqual(["pod/default/client configured"]);
    expect(await rows(db, "QoS", "direction,match,bandwidth")).toEqual(['to-lport|outport == "client.default"|burst=16000 rate=20000']);

    const gone = await applyOnce(db, manifest(rated("20", "").replace(/---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\n[^]*?(?=---)/, "")), { prune: true });
    expect(gone.lines).toEqual(["pod/default/client deleted"]);
    expect(await rows(db, "QoS", "match")).toEqual([]);
    expect(await nbctl(db, "--bare", "--columns=qos_rules", "list", "Logical_Switch", "ovn-default")).toBe("\n");
  });
});
