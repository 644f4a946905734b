/** Runs the "Kube-OVN recipes" of docs/ovn.md, as written, against a real NB ovsdb-server (twice: they are idempotent). */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { OvnNb } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const md = readFileSync(new URL("../../docs/ovn.md", import.meta.url), "utf8");
const section = md.slice(md.indexOf("## Kube-OVN recipes"), md.indexOf("## Reads: the NB replica, and the `NbReader` interface"));
const recipes = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (nb: OvnNb) => Promise<void>;

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("docs/ovn.md Kube-OVN recipes run", () => {
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

  it("builds the pod, ACLs, NAT, gateway and load balancer, idempotently", async () => {
    expect(recipes).toHaveLength(5);
    const nb = new OvnNb(client);
    const pre = nb.transaction();
    await pre.lsAdd("subnet-a", { mayExist: true });
    await pre.lrAdd("ovn-cluster", { mayExist: true });
    await pre.commit();
    for (let round = 0; round < 2; round++) {
      for (const code of recipes) await new AsyncFunction("nb", code)(nb);
    }
    const nbctl = async (...a: string[]) => (await run("ovn-nbctl", [`--db=${server.unix}`, ...a])).stdout;
    expect(await nbctl("lsp-get-addresses", "web-0.default")).toBe("00:00:00:4e:2a:02 10.16.0.3\n");
    expect(await nbctl("acl-list", "default.np.web")).toBe(
      "  to-lport  2001 (outport == @default.np.web && ip4.src == $default.np.web.allow.ipv4) allow-related\n" +
        "  to-lport  2000 (outport == @default.np.web && ip) drop log(name=default-np-web-deny,severity=warning)\n",
    );
    expect(await nbctl("lr-nat-list", "ovn-cluster")).toMatch(/dnat_and_snat\s+172\.18\.0\.10\s+10\.16\.0\.3[\s\S]*snat\s+172\.18\.0\.2\s+10\.16\.0\.0\/16/);
    expect(await nbctl("lr-route-list", "ovn-cluster")).toMatch(/0\.0\.0\.0\/0\s+172\.18\.0\.1 dst-ip/);
    const ha = await nbctl("ha-chassis-group-list");
    expect(ha).toMatch(/\(gw-ha\)/);
    expect(ha).toMatch(/\(node1\)\n\s+priority 100/);
    expect(ha).toMatch(/\(node2\)\n\s+priority 90/);
    const lbs = await nbctl("ls-lb-list", "subnet-a");
    expect(lbs, lbs).toMatch(/cluster-tcp-load\s+tcp\s+10\.96\.0\.10:80\s+10\.16\.0\.3:8080,10\.16\.0\.4:8080/);
  });
});
