import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { demoManifestPath } from "../../src/cli/demo.js";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { run } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

/**
 * The lines `ovn-ts apply` prints for the sample manifest, worked out from the file itself (with
 * the `yaml` parser, not the model's loader): one per object of a kind that has OVN rows of its own,
 * as kubectl names them, in the model's order (VPCs with the implicit default one first, subnets,
 * pods, nodes, FIPs, SNAT rules, policies, services), then one per node's chassis.
 */
function expectedLines(): { objects: string[]; chassis: string[] } {
  const docs = parseAllDocuments(readFileSync(demoManifestPath(), "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
  const of = (kind: string, ns = false) => docs.filter((d) => d.kind === kind).map((d) => `${kind.toLowerCase()}/${ns ? `${d.metadata.namespace ?? "default"}/` : ""}${d.metadata.name}`);
  return {
    objects: ["vpc/ovn-cluster", ...of("Vpc"), ...of("Subnet"), ...of("Pod", true), ...of("Node"), ...of("OvnFip"), ...of("OvnSnatRule"), ...of("NetworkPolicy", true), ...of("Service", true)],
    chassis: of("Node").map((n) => n.replace("node/", "chassis/")),
  };
}

describe("ovn-ts demo (npm start)", () => {
  it("applies the sample manifest shipped in the package to the embedded server, prints each object, the summary, and a no-op re-apply, with --once", async () => {
    const io = memoryIo();
    expect(await main(["demo", "--once"], io)).toBe(0);
    expect(io.stderr).toBe("");
    // the server is gone when --once returns: no address is advertised
    expect(io.stdout).not.toMatch(/listening on|db\.sock|ptcp:|Try it/);
    const { objects, chassis } = expectedLines();
    expect(objects.length).toBeGreaterThan(15);
    const out = io.stdout.split("\n");
    const start = out.indexOf(`$ ovn-ts apply -f ${demoManifestPath()}`);
    expect(start).toBeGreaterThan(0);
    expect(out.slice(start + 1, start + 1 + objects.length + chassis.length + 1)).toEqual([
      ...objects.map((o) => `${o} created`),
      ...chassis.map((c) => `${c} created`),
      `${objects.length} created, 0 configured, 0 unchanged, 0 deleted`,
    ]);
    // 2 of the NetworkPolicy, 4 of the two VPCs' overlay CIDRs (u2o_overlay_cidrs).
    expect(io.stdout).toMatch(/^Northbound now holds 2 routers, 5 router ports, 5 switches, 14 switch ports, \d+ router policies, 2 static routes, 2 NAT rules, \d+ port groups, \d+ ACLs, 6 address sets, 6 load balancers, 1 QoS rule \(1 transaction, \d+ operations\);$/m);
    expect(io.stdout).toContain(`Southbound: ${chassis.length} chassis of the nodes.\n`);
    expect(io.stdout).toContain(`Applied again: 0 created, 0 configured, ${objects.length} unchanged, 0 deleted (0 transactions sent).\n`);
  });

  it("rejects --remote with --once: nothing would be served there", async () => {
    const io = memoryIo();
    expect(await main(["demo", "--once", "--remote=ptcp:0:127.0.0.1"], io)).toBe(1);
    expect(io.stderr).toBe("ovn-ts demo: --remote has nothing to serve with --once (drop one of them)\n");
  });

  it("rejects unknown arguments with status 1", async () => {
    const io = memoryIo();
    expect(await main(["demo", "--frob"], io)).toBe(1);
    expect(io.stderr).toBe("ovn-ts demo: unknown argument '--frob' (use --help)\n");
  });

  describe.skipIf(!peers("ovn-nbctl", "ovsdb-client"))("serving real OVS tools", () => {
    it("ovn-nbctl sees the applied network; ovsdb-client dumps it; ovn-ts apply of the same file over a socket changes nothing", async () => {
      const ac = new AbortController();
      const io = memoryIo("", ac.signal);
      const done = main(["demo"], io);
      await expect.poll(() => io.stdout.includes("Serving until interrupted"), { timeout: 20_000 }).toBe(true);
      expect(io.stdout).toMatch(/^listening on punix:\S+db\.sock, ptcp:\d+:127\.0\.0\.1$/m);
      const unix = /ovn-nbctl --db=(\S+) show/.exec(io.stdout)![1]!;
      const tcp = /ovsdb-client dump (\S+) /.exec(io.stdout)![1]!;
      expect(io.stdout).toContain(`ovn-ts apply --db=${unix} -f ${demoManifestPath()}\n`);
      const show = (await run("ovn-nbctl", [`--db=${unix}`, "show"])).stdout;
      for (const name of ["ovn-default", "db", "join", "external", "tenant"]) expect(show).toMatch(new RegExp(`^switch [0-9a-f-]{36} \\(${name}\\)$`, "m"));
      expect(show).toMatch(/^router [0-9a-f-]{36} \(ovn-cluster\)$/m);
      expect(show).toContain('        addresses: ["00:00:00:4e:2a:02 10.16.0.10"]');
      expect((await run("ovn-nbctl", [`--db=${unix}`, "lrp-get-gateway-chassis", "vpc1-external"])).stdout).toMatch(/^vpc1-external-node1 +100\n$/);
      expect((await run("ovn-nbctl", [`--db=${unix}`, "lr-nat-list", "vpc1"])).stdout).toMatch(/^dnat_and_snat +172\.18\.0\.10 +10\.1\.0\.\d+ /m);
      const acl = (await run("ovn-nbctl", [`--db=${unix}`, "acl-list", "allow.client.web"])).stdout;
      expect(acl).toContain("drop");
      expect(acl).toContain("tcp.dst == 8080");
      const dump = await run("ovsdb-client", ["dump", tcp, "OVN_Northbound", "Port_Group", "name", "ports"]);
      expect(dump.stdout).toMatch(/allow\.client\.web/);
      // The CLI, in its own connection over TCP, finds nothing to change.
      const cli = memoryIo();
      expect(await main(["apply", `--db=${tcp}`, "-f", demoManifestPath()], cli), cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(new RegExp(`\\n0 created, 0 configured, ${expectedLines().objects.length} unchanged, 0 deleted\\n$`));
      ac.abort();
      expect(await done).toBe(0);
    });
  });
});
