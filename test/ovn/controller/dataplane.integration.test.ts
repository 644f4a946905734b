/**
 * The dataplane proof of issue 14: a NetworkPolicy-like change made through the declarative calls
 * (`setAcls` with allow/drop ACLs on a port group, `setPortGroupPorts`, `setAddressSet`), sent as
 * ONE reconcile (one transaction), changes what the real `ovn-northd` + `ovn-trace` compute and
 * what real packets do between two chassis (`ovs-vswitchd` on dummy datapaths + `ovn-controller`,
 * Geneve over the loopback underlay): allowed before, dropped after, allowed again after the
 * revert.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import { NbController, type NbPlan, type TransactionEvent, onlyKeys } from "../../../src/ovn/index.js";
import { type ChassisSandbox, type Pod, parseUdpFrame, startChassisSandbox, udpFlow, waitFor } from "../../../src/testing/index.js";
import { peers } from "../../support/peers.js";
import { opsText } from "./support.js";

const PROGRAMS = ["ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovn-northd", "ovn-controller", "ovn-nbctl", "ovn-sbctl", "ovn-trace"];
const MAC = (n: number) => `50:54:00:00:00:0${n}`;
const IP = (n: number) => `10.0.0.${n}`;

/** The NetworkPolicy `np/web`: ingress to the pods of `pg_web` only from the peers in `as_web_peers`. */
interface Policy {
  readonly pods: readonly string[];
  readonly peers: readonly string[];
  /** Extra condition on the allow ACL (a port restriction), or none. */
  readonly allowOnly?: string;
}

const ALLOWED: Policy = { pods: ["web"], peers: [IP(1)] };
/** lp1 (10.0.0.1) is no longer a peer; another pod joins the group; the allow ACL narrows to DNS. */
const DENIED: Policy = { pods: ["web", "web2"], peers: [IP(9)], allowOnly: "udp.dst == 53" };

function applyPolicy(p: NbPlan, pol: Policy): void {
  p.setAddressSet("as_web_peers", pol.peers);
  p.setPortGroupPorts("pg_web", pol.pods);
  p.setAcls({ portGroup: "pg_web" }, "np/web", [
    { direction: "to-lport", priority: 2000, match: "outport == @pg_web && ip", action: "drop" },
    {
      direction: "to-lport",
      priority: 2001,
      match: `outport == @pg_web && ip4.src == $as_web_peers${pol.allowOnly ? ` && ${pol.allowOnly}` : ""}`,
      action: "allow-related",
    },
  ]);
}

describe.skipIf(!peers(...PROGRAMS))("a NetworkPolicy change through the declarative calls, in the dataplane", () => {
  let sb: ChassisSandbox;
  let client: OvsdbClient;
  let ctl: NbController;
  let client1: Pod;
  let web: Pod;
  let other: Pod;
  let failed = false;
  const events: TransactionEvent[] = [];

  beforeAll(async () => {
    sb = await startChassisSandbox({ chassis: 2 });
    client = await OvsdbClient.connect(sb.central.nb, { probeIntervalMs: 0 });
    ctl = await NbController.open(client, { identity: { vendor: "np-test" }, onTransaction: (e) => events.push(e) });
    await ctl.reconcile("pods", (p) => {
      p.ensureSwitch("ls0", { other_config: onlyKeys({ subnet: "10.0.0.0/24" }) });
      // lp1 on hv1 is the client; web and other on hv2; web2 joins the group later (no pod bound).
      for (const [name, n] of [["lp1", 1], ["web", 2], ["other", 3], ["web2", 4]] as const) {
        p.ensureSwitchPort("ls0", name, { addresses: [`${MAC(n)} ${IP(n)}`] });
      }
      applyPolicy(p, ALLOWED);
    });
    client1 = await sb.addPod(1, "lp1");
    web = await sb.addPod(2, "web");
    other = await sb.addPod(2, "other");
    await sb.waitForPods();
  }, 120_000);
  afterAll(async () => {
    await ctl?.close();
    client?.close();
    await sb?.stop({ keep: failed });
  });

  const traceTo = (n: number, dport: number) =>
    sb.central.trace(
      "ls0",
      `inport == "lp1" && eth.src == ${MAC(1)} && eth.dst == ${MAC(n)} && ip4.src == ${IP(1)} && ip4.dst == ${IP(n)} && ip.ttl == 64 && udp.src == 1234 && udp.dst == ${dport}`,
      { ct: ["new", "new"] },
    );

  /** Sends lp1 → web on `dport`, then lp1 → other (not in the group, same chassis and tunnel) on `probe`; returns whether web got the first. */
  async function webReceives(dport: number, probe: number): Promise<boolean> {
    await sb.inject(client1, udpFlow({ srcMac: MAC(1), dstMac: MAC(2), srcIp: IP(1), dstIp: IP(2), dstPort: dport }));
    await sb.inject(client1, udpFlow({ srcMac: MAC(1), dstMac: MAC(3), srcIp: IP(1), dstIp: IP(3), dstPort: probe }));
    await waitFor(`the probe to port ${probe} delivered to other`, () => sb.delivered(other).some((r) => parseUdpFrame(r.data)?.dstPort === probe), 10_000, 50);
    if (!sb.delivered(web).some((r) => parseUdpFrame(r.data)?.dstPort === dport)) {
      // The probe went through the same tunnel after it; give web's delivery one more look.
      try {
        await waitFor(`port ${dport} at web`, () => sb.delivered(web).some((r) => parseUdpFrame(r.data)?.dstPort === dport), 500, 50);
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Applies `pol` as one reconcile; returns the operations of its single transaction. */
  async function reconcileOnce(pol: Policy): Promise<string[]> {
    const before = events.length;
    const r = await ctl.reconcile("np/web", (p) => applyPolicy(p, pol));
    expect(r.sent).toBe(true);
    const sent = events.slice(before);
    expect(sent.map((e) => e.outcome)).toEqual(["committed"]);
    await sb.central.sync({ wait: "hv" });
    return opsText(sent[0]!.operations);
  }

  const run = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    }, 120_000);

  run("before: ovn-trace and a real packet both pass lp1 → web", async () => {
    await sb.central.sync({ wait: "hv" });
    const t = await traceTo(2, 5001);
    expect(t.dropped).toBe(false);
    expect(t.outputs.join(" ")).toContain("web");
    expect(await webReceives(5001, 7001)).toBe(true);
  });

  run("one reconcile (address set, port group, ACLs in one transaction): trace and packets drop", async () => {
    const ops = await reconcileOnce(DENIED);
    // The allow ACL's match changed, so it is a new ACL (ACLs are keyed by direction, priority, match).
    expect(ops).toEqual([
      "wait Address_Set _version",
      "wait Port_Group _version",
      "insert ACL",
      "mutate Address_Set addresses delete [10.0.0.1] / addresses insert [10.0.0.9]",
      "mutate Port_Group ports insert [<uuid>] / acls delete [<uuid>] / acls insert [@new]",
    ]);
    const t = await traceTo(2, 5002);
    expect(t.dropped).toBe(true);
    // DNS from a non-peer is dropped too: the address set changed, not only the ACL.
    expect((await traceTo(2, 53)).dropped).toBe(true);
    // other is not in the group: still allowed.
    expect((await traceTo(3, 5002)).dropped).toBe(false);
    expect(await webReceives(5002, 7002)).toBe(false);
  });

  run("the revert (one reconcile) allows again, in ovn-trace and on the wire", async () => {
    const ops = await reconcileOnce(ALLOWED);
    expect(ops).toEqual([
      "wait Address_Set _version",
      "wait Port_Group _version",
      "insert ACL",
      "mutate Address_Set addresses delete [10.0.0.9] / addresses insert [10.0.0.1]",
      "mutate Port_Group ports delete [<uuid>] / acls delete [<uuid>] / acls insert [@new]",
    ]);
    expect((await traceTo(2, 5003)).dropped).toBe(false);
    expect(await webReceives(5003, 7003)).toBe(true);
    // And the state now matches: nothing more to send.
    const n = events.length;
    expect((await ctl.reconcile("np/web", (p) => applyPolicy(p, ALLOWED))).sent).toBe(false);
    expect(events.length).toBe(n);
  });
});
