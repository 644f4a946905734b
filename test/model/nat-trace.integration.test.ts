/**
 * The NAT kinds applied by `ovn-ts apply` to a real NB with ovn-northd running: ovn-trace shows a
 * pod's traffic leaving through the VPC's external port SNATed to its OvnSnatRule's EIP, traffic
 * to an EIP DNATed by its OvnFip to the pod (and the pod's own traffic leaving as the EIP), and a
 * DNAT rule's EIP port forwarded to the pod's port.
 */
import { describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { SANDBOX_PROGRAMS, startOvnSandbox, waitForNorthd } from "../../src/testing/index.js";
import { nbctl } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { DNAT, FIP, NAT_BASE, SNAT } from "./nat-manifest.js";
import { cliApply, manifestDir } from "./fixture.js";

describe.skipIf(!peers(...SANDBOX_PROGRAMS.ovn, "ovn-trace"))("the NAT kinds with ovn-northd", () => {
  it("ovn-trace: SNAT to the rule's EIP, an EIP DNATed to its FIP's pod and back, a DNAT rule's port", { timeout: 120_000 }, async () => {
    await using ovn = await startOvnSandbox();
    using dir = manifestDir("model-nat", { "net.yaml": NAT_BASE + FIP + SNAT + DNAT });
    expect((await cliApply(ovn.nb, dir.path)).status).toBe(0);
    const client = await OvsdbClient.connect(ovn.nb);
    try {
      await waitForNorthd(client);
    } finally {
      client.close();
    }
    const addr = async (port: string) => (await nbctl(ovn.nb, "lsp-get-addresses", port)).trim().split(" ") as [string, string];
    const lrpMac = async (lrp: string) => (await nbctl(ovn.nb, "get", "Logical_Router_Port", lrp, "mac")).trim().replace(/"/g, "");
    const [macApp, ipApp] = await addr("app.ns1");
    const [macWeb, ipWeb] = await addr("web.ns1");
    const [macHost, ipHost] = await addr("host.outside");
    expect(ipHost).toBe("172.18.0.100");
    const gw = await lrpMac("vpc1-s1");
    const ext = await lrpMac("vpc1-external");

    // SNAT: app (no FIP) to the host on the external network leaves as the SNAT rule's EIP.
    const snat = await ovn.trace("s1", `inport == "app.ns1" && eth.src == ${macApp} && eth.dst == ${gw} && ip4.src == ${ipApp} && ip4.dst == ${ipHost} && ip.ttl == 64 && icmp4.type == 8`, { ct: ["new"] });
    expect(snat.dropped).toBe(false);
    expect(snat.outputs).toContain("host.outside");
    expect(snat.raw).toMatch(/lr_out_snat[^\n]*\n\s+ct_snat(_in_czone)?\(172\.18\.0\.2\);/);

    // The FIP's pod leaves as its EIP.
    const out = await ovn.trace("s1", `inport == "web.ns1" && eth.src == ${macWeb} && eth.dst == ${gw} && ip4.src == ${ipWeb} && ip4.dst == ${ipHost} && ip.ttl == 64 && icmp4.type == 8`, { ct: ["new"] });
    expect(out.outputs).toContain("host.outside");
    expect(out.raw).toMatch(/ct_snat(_in_czone)?\(172\.18\.0\.10\);/);

    // EIP → FIP: the host's packet to the EIP reaches the pod, DNATed to its address.
    const inbound = await ovn.trace("external", `inport == "host.outside" && eth.src == ${macHost} && eth.dst == ${ext} && ip4.src == ${ipHost} && ip4.dst == 172.18.0.10 && ip.ttl == 64 && icmp4.type == 8`, { ct: ["new"] });
    expect(inbound.dropped).toBe(false);
    expect(inbound.outputs).toContain("web.ns1");
    expect(inbound.raw).toMatch(new RegExp(`ct_dnat(_in_czone)?\\(${ipWeb.replace(/\./g, "\\.")}\\);`));

    // The DNAT rule: EIP 172.18.0.12:8080 → web:80 (the router's load balancer).
    const dnat = await ovn.trace("external", `inport == "host.outside" && eth.src == ${macHost} && eth.dst == ${ext} && ip4.src == ${ipHost} && ip4.dst == 172.18.0.12 && ip.ttl == 64 && tcp && tcp.src == 10000 && tcp.dst == 8080`, { ct: ["new"] });
    expect(dnat.outputs).toContain("web.ns1");
    expect(dnat.raw).toMatch(new RegExp(`ct_lb_mark\\(backends=${ipWeb.replace(/\./g, "\\.")}:80\\)`));
  });
});
