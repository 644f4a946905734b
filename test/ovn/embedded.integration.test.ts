import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { Ipam, OvnAlreadyExistsError, OvnConcurrentChangeError, OvnNb, addressesEntry, selectReader } from "../../src/ovn/index.js";
import { type EmbeddedServerSandbox, run, startEmbeddedServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

/** The same API and CLI against the embedded OVSDB server (ovn-nbctl reads the result back). */
describe.skipIf(!peers("ovn-nbctl"))("OVN API and nbctl against the embedded server", () => {
  let server: EmbeddedServerSandbox;
  let client: OvsdbClient;

  beforeAll(async () => {
    server = await startEmbeddedServer({ schemas: ["OVN_Northbound"] });
    client = await OvsdbClient.connect(server.unix);
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("builds a subnet with IPAM-allocated pods, idempotently, in one transaction", async () => {
    const nb = new OvnNb(client);
    const ipam = new Ipam();
    ipam.addSubnet("subnet-a", "10.16.0.0/24,fd00:10:16::/120", { excludeIps: ["10.16.0.1", "fd00:10:16::1"] });
    const build = async () => {
      const tx = nb.transaction();
      await tx.lrAdd("ovn-cluster", { mayExist: true });
      await tx.lsAdd("subnet-a", { mayExist: true, subnet: { cidr: "10.16.0.0/24", excludeIps: ["10.16.0.1"] } });
      await tx.connectSwitchToRouter("subnet-a", "ovn-cluster", { lrpName: "ovn-cluster-subnet-a", lspName: "subnet-a-ovn-cluster", mac: "00:00:00:aa:00:01", networks: ["10.16.0.1/24", "fd00:10:16::1/120"] }, { mayExist: true });
      await tx.pgAdd("pg.ns1", [], { mayExist: true });
      for (const pod of ["p1.ns1", "p2.ns1", "p3.ns1"]) {
        const e = addressesEntry(ipam.allocate("subnet-a", pod));
        const ref = await tx.lspAdd("subnet-a", pod, { addresses: [e], portSecurity: [e], mayExist: true });
        await tx.pgAddPorts("pg.ns1", [ref]);
      }
      await tx.commit();
    };
    await build();
    const show = (await run("ovn-nbctl", [`--db=${server.unix}`, "show"])).stdout;
    await build();
    expect((await run("ovn-nbctl", [`--db=${server.unix}`, "show"])).stdout).toBe(show);
    expect(show).toMatch(/addresses: \["0a:00:00:[0-9a-f:]{8} 10\.16\.0\.2 fd00:10:16::2"\]/);
    expect((await run("ovn-nbctl", [`--db=${server.unix}`, "--bare", "--columns=ports", "list", "Port_Group", "pg.ns1"])).stdout.trim().split(/\s+/)).toHaveLength(3);
    const tx = nb.transaction();
    await expect(tx.lspAdd("subnet-a", "p1.ns1")).rejects.toThrow(OvnAlreadyExistsError);
    // A restarted IPAM finds the same allocations.
    const again = new Ipam();
    again.addSubnet("subnet-a", "10.16.0.0/24,fd00:10:16::/120", { excludeIps: ["10.16.0.1", "fd00:10:16::1"] });
    expect((await again.rebuildFromNb(selectReader(client))).restored).toBe(3);
    expect(again.subnet("subnet-a").get("p2.ns1")).toEqual(ipam.subnet("subnet-a").get("p2.ns1"));
  });

  it("a name its unique index covers is guarded by the index (no wait): a concurrent creation is a typed concurrent change", async () => {
    const nb = new OvnNb(client);
    await nb.run(async (tx) => void (await tx.lsAdd("race-sw", { mayExist: true })));
    const tx = nb.transaction();
    await tx.lspAdd("race-sw", "race-port");
    expect(tx.operations().some((op) => op.op === "wait")).toBe(false);
    await run("ovn-nbctl", [`--db=${server.unix}`, "lsp-add", "race-sw", "race-port"]);
    const e = await tx.commit().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OvnConcurrentChangeError);
    expect(e).toMatchObject({ table: "Logical_Switch_Port", operationIndex: 0, key: { column: "name", value: "race-port" } });
    expect((await run("ovn-nbctl", [`--db=${server.unix}`, "lsp-list", "race-sw"])).stdout.trim().split("\n")).toHaveLength(1);
    await nb.close();
  });

  it("ovn-ts nbctl works against it too", async () => {
    const io = memoryIo();
    expect(await main(["nbctl", `--db=${server.unix}`, "ls-add", "sw9", "--", "lsp-add", "sw9", "x", "--", "lsp-set-addresses", "x", "00:00:00:00:09:01 10.9.0.1", "--", "lsp-get-addresses", "x"], io)).toBe(0);
    // Later commands of a run see its pending rows and column writes (as ovn-nbctl's IDL does).
    expect(io.stdout).toBe("00:00:00:00:09:01 10.9.0.1\n");
    const ports = memoryIo();
    expect(await main(["nbctl", `--db=${server.unix}`, "lsp-list", "sw9"], ports)).toBe(0);
    expect(ports.stdout).toMatch(/^[0-9a-f-]{36} \(x\)\n$/);
    const list = memoryIo();
    await main(["nbctl", `--db=${server.unix}`, "lsp-get-addresses", "x"], list);
    expect(list.stdout).toBe("00:00:00:00:09:01 10.9.0.1\n");
  });
});
