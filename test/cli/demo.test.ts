import { describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { run } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe("ovn-ts demo (npm start)", () => {
  it("builds the topology on the embedded server and prints it with --once", async () => {
    const io = memoryIo();
    expect(await main(["demo", "--once"], io)).toBe(0);
    expect(io.stderr).toBe("");
    // the server is gone when --once returns: no address is advertised
    expect(io.stdout).not.toMatch(/listening on|db\.sock|ptcp:|Try it/);
    expect(io.stdout).toMatch(/^switch [0-9a-f-]{36} \(ovn-default\)$/m);
    expect(io.stdout).toContain('        addresses: ["00:00:00:4e:2a:02 10.16.0.3"]');
    expect(io.stdout).toMatch(/^router [0-9a-f-]{36} \(ovn-cluster\)$/m);
    expect(io.stdout).toContain("        gateway chassis: [node1]");
    expect(io.stdout).toContain('        type: "dnat_and_snat"');
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
    it("prints exactly what ovn-nbctl show prints against it, and serves ovsdb-client", async () => {
      const ac = new AbortController();
      const io = memoryIo("", ac.signal);
      const done = main(["demo"], io);
      await expect.poll(() => io.stdout.includes("Serving until interrupted"), { timeout: 20_000 }).toBe(true);
      expect(io.stdout).toMatch(/^listening on punix:\S+db\.sock, ptcp:\d+:127\.0\.0\.1$/m);
      const unix = /ovn-nbctl --db=(\S+) show/.exec(io.stdout)![1]!;
      const tcp = /ovsdb-client dump (\S+) /.exec(io.stdout)![1]!;
      const shown = io.stdout.slice(io.stdout.indexOf("switch "), io.stdout.indexOf("\nTry it with"));
      const nbctl = await run("ovn-nbctl", [`--db=${unix}`, "show"]);
      expect(nbctl.stdout).toBe(shown);
      const dump = await run("ovsdb-client", ["dump", tcp, "OVN_Northbound", "Port_Group", "name", "ports"]);
      expect(dump.stdout).toMatch(/default\.np\.deny/);
      const acl = await run("ovn-nbctl", [`--db=${unix}`, "acl-list", "default.np.deny"]);
      expect(acl.stdout).toBe('  to-lport  2000 (outport == @default.np.deny && ip) drop log(name=default-deny,severity=warning)\n');
      ac.abort();
      expect(await done).toBe(0);
    });
  });
});
