/** Runs the example of docs/ovn.md's "DNS, load balancer groups, ..." section, as written, against a real NB ovsdb-server (twice: it is idempotent). */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { OvnInvalidArgumentError, OvnNb } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const md = readFileSync(new URL("../../docs/ovn.md", import.meta.url), "utf8");
const start = md.indexOf("## DNS, load balancer groups, forwarding groups, CoPP, IPv6 RA");
const section = md.slice(start, md.indexOf("\n## ", start + 1));
const examples = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (nb: OvnNb) => Promise<void>;

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("docs/ovn.md DNS/LB group/forwarding group/CoPP/RA example runs", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("builds what it says, idempotently, and its error example is the real message", async () => {
    expect(start).toBeGreaterThan(0);
    expect(examples).toHaveLength(1);
    const nb = new OvnNb(client);
    await nb.run(async (tx) => {
      await tx.lrAdd("ovn-cluster");
      await tx.lsAdd("subnet-a");
      await tx.connectSwitchToRouter("subnet-a", "ovn-cluster", { lrpName: "ovn-cluster-subnet-a", lspName: "subnet-a-ovn-cluster", mac: "00:00:00:aa:00:01", networks: ["10.16.0.1/24", "fd00:16::1/64"] });
      await tx.lspAdd("subnet-a", "web-0.default", { addresses: ["00:00:00:4e:2a:02 10.16.0.3"] });
    });
    for (let round = 0; round < 2; round++) await new AsyncFunction("nb", examples[0]!)(nb);
    const nbctl = async (...a: string[]) => (await run("ovn-nbctl", [`--db=${server.unix}`, ...a])).stdout;
    expect(await nbctl("--bare", "--columns=records", "list", "DNS")).toBe("web.ns1.svc.cluster.local=10.96.0.20 fd00:96::20\n");
    expect(await nbctl("fwd-group-list")).toMatch(/\nfg-web +subnet-a +10\.16\.0\.100 +00:00:00:00:fa:01 +web-0\.default\n$/);
    expect(await nbctl("copp-list", "node-copp")).toBe("arp: copp-meter\n");
    expect(await nbctl("get", "Logical_Router_Port", "ovn-cluster-subnet-a", "ipv6_ra_configs")).toBe('{address_mode=slaac, max_interval="300", mtu="1400", send_periodic="true"}\n');
    expect((await nbctl("--bare", "--columns=load_balancer_group", "list", "Logical_Router", "ovn-cluster")).trim()).toBe((await nbctl("--bare", "--columns=_uuid", "list", "Load_Balancer_Group")).trim());
    const message = /throws `OvnInvalidArgumentError: (.*)`\./.exec(section)?.[1];
    await expect(nb.transaction().lrpSetIpv6Ra("lrp1", { addressMode: "slaac", mtu: 1000 })).rejects.toThrow(new OvnInvalidArgumentError("IPv6 RA MTU of router port lrp1", "1000", "must be an integer in 1280..65535"));
    await expect(nb.transaction().lrpSetIpv6Ra("lrp1", { addressMode: "slaac", mtu: 1000 })).rejects.toThrow(message!);
  });
});
