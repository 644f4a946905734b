/**
 * A VPC's BFD ECMP routes (`ecmpMode: ecmp_symmetric_reply`) applied by `ovn-ts apply` to a real
 * NB with ovn-northd, the BFD session state played by hand in the Southbound `BFD` table (as
 * ovn-controller reports it): while the sessions are down, ovn-northd withdraws the routes and
 * ovn-trace drops the pod's traffic leaving the VPC; with both up, the two routes are one ECMP
 * group whose members (`--select-id`) lead to the two next hops out of the external port; with one
 * down again, only the other next hop is left. With a dual-stack external subnet, `enableBfd`'s two
 * sessions (one per gateway family) become two Southbound sessions.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_PROGRAMS, ovnTrace, run, startOvnSandbox } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { BFD_ROUTES, BFD_ROUTE_LIST, DUAL_BFD_VPC } from "./vpc-features-manifests.js";
import { cliApply, manifestDir } from "./fixture.js";

const POD = `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: default }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: a, annotations: { ovn.kubernetes.io/logical_switch: s1, ovn.kubernetes.io/ip_address: 10.1.0.10 } }\n`;

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace", "ovn-sbctl"))("a VPC's BFD ECMP routes with ovn-northd", () => {
  it("ovn-trace: routes withdrawn while their sessions are down, an ECMP group of both next hops when up, one next hop when the other is down", { timeout: 180_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("bfd-routes", { "net.yaml": BFD_ROUTES(BFD_ROUTE_LIST.slice(0, 2)) + POD });
    const io = await cliApply(ovn.nb, dir.path);
    expect(io.status, io.stderr).toBe(0);
    expect(io.stdout).toContain("vpc/vpc1 created\n");
    const sb = async (...args: string[]) => (await run("ovn-sbctl", [`--db=${ovn.sb}`, ...args])).stdout;
    const nbStatus = async (ip: string) => (await nbctl(ovn.nb, "--bare", "--columns=status", "find", "BFD", `dst_ip="${ip}"`)).trim();
    /** Sets the Southbound session to `ip` to `status` (as ovn-controller would) and waits until ovn-northd has it in NB and the flows follow. */
    const setSession = async (ip: string, status: string) => {
      const uuid = (await sb("--bare", "--columns=_uuid", "find", "BFD", `dst_ip="${ip}"`)).trim();
      expect(uuid).not.toBe("");
      await sb("set", "BFD", uuid, `status=${status}`);
      for (let i = 0; i < 100 && (await nbStatus(ip)) !== status; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await nbStatus(ip)).toBe(status);
      await ovn.sync({ wait: "sb" });
    };
    await ovn.sync({ wait: "sb" });
    await ovn.sync({ wait: "sb" });
    // ovn-northd made a Southbound session per next hop and, finding them down, marked the NB rows down.
    expect((await sb("--bare", "--columns=dst_ip", "list", "BFD")).split(/\s+/).filter(Boolean).sort()).toEqual(["172.18.0.1", "172.18.0.11", "172.18.0.12"]);
    expect(await nbStatus("172.18.0.11")).toBe("down");
    expect(await nbStatus("172.18.0.12")).toBe("down");

    const mac = (await nbctl(ovn.nb, "lsp-get-addresses", "a.default")).trim().split(" ")[0]!;
    const lrp = (await nbctl(ovn.nb, "get", "Logical_Router_Port", "vpc1-s1", "mac")).trim().replace(/"/g, "");
    const leaving = `inport == "a.default" && eth.src == ${mac} && eth.dst == ${lrp} && ip4.src == 10.1.0.10 && ip4.dst == 8.8.8.8 && ip.ttl == 64 && udp && udp.src == 1234 && udp.dst == 53`;
    const down = await ovn.trace("s1", leaving, { ct: ["new"] });
    expect(down.raw).toMatch(/lr_in_ip_routing \([^)]*\): 1, priority 0,[^\n]*\n\s+drop;/);
    expect(down.raw).not.toMatch(/ip4\.src == 10\.1\.0\.0\/24/);
    expect(down.raw).not.toMatch(/outport = "vpc1-external"/);

    await setSession("172.18.0.11", "up");
    await setSession("172.18.0.12", "up");
    const hops: string[] = [];
    for (const id of [1, 2]) {
      const t = await ovnTrace({ db: ovn.sb, ct: ["new"], extraArgs: [`--select-id=${id}`] }, "s1", leaving);
      expect(t.raw).toMatch(/lr_in_ip_routing [^\n]*ip4\.src == 10\.1\.0\.0\/24[^\n]*\n(\s+[^\n]*\n)*?\s+reg8\[16\.\.31\] = select\(1=100, 2=100\);/);
      const hop = new RegExp(`lr_in_ip_routing_ecmp [^\\n]*reg8\\[16\\.\\.31\\] == ${id},[^\\n]*\\n\\s+reg0 = (\\S+);(\\s+[^\\n]*\\n)*?\\s+outport = "vpc1-external";`).exec(t.raw);
      expect(hop, t.raw).not.toBeNull();
      hops.push(hop![1]!);
    }
    expect(hops.sort()).toEqual(["172.18.0.11", "172.18.0.12"]);
    // ecmp_symmetric_reply is written as Kube-OVN writes it; ovn-northd honours it on gateway routers only
    // (options:chassis), so on a VPC's distributed router lr_in_ecmp_stateful keeps its default flow alone.
    expect((await sb("lflow-list", "vpc1")).split("\n").filter((l) => l.includes("lr_in_ecmp_stateful")).map((l) => l.replace(/\s+/g, " ").trim())).toEqual([
      "table=9 (lr_in_ecmp_stateful), priority=0 , match=(1), action=(next;)",
    ]);

    await setSession("172.18.0.12", "down");
    const one = await ovn.trace("s1", leaving, { ct: ["new"] });
    expect(one.raw).not.toMatch(/select\(/);
    expect(one.raw).toMatch(/lr_in_ip_routing [^\n]*ip4\.src == 10\.1\.0\.0\/24[^\n]*\n(\s+[^\n]*\n)*?\s+reg0 = 172\.18\.0\.11;(\s+[^\n]*\n)*?\s+outport = "vpc1-external";/);

    // A re-apply of the files sends nothing: ovn-northd's status writes are not the model's.
    const again = await cliApply(ovn.nb, dir.path);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^0 created, 0 configured, \d+ unchanged, 0 deleted$/m);

    // Dual-stack external subnet: ovn-northd makes a Southbound session for each family's gateway from the external port.
    dir.write("net.yaml", DUAL_BFD_VPC(", enableBfd: true") + POD);
    const dual = await cliApply(ovn.nb, dir.path);
    expect(dual.status, dual.stderr).toBe(0);
    await ovn.sync({ wait: "sb" });
    const sbSessions = (await sb("--bare", "--columns=dst_ip,logical_port", "list", "BFD")).split(/\s+/).filter(Boolean);
    expect(sbSessions.reduce<string[]>((acc, x, i) => (i % 2 ? acc : [...acc, `${x} ${sbSessions[i + 1]}`]), []).sort()).toEqual(["172.18.0.1 vpc1-external", "fd18::1 vpc1-external"]);
  });
});
