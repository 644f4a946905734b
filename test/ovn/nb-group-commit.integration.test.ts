/**
 * Group commit of `OvnNb`: commits made while one is on the wire go out together as one OVSDB
 * transaction; each commit still gets its own results, and when the batch fails (one of its
 * transactions lost a race) every transaction is resent alone, so only the loser fails. Run on
 * the embedded server and a real ovsdb-server; the result is read back with ovn-nbctl.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OvnConcurrentChangeError, OvnNb } from "../../src/ovn/index.js";
import { OvsdbClient } from "../../src/ovsdb/index.js";
import { type EmbeddedServerSandbox, type OvsdbServerSandbox, run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

type Server = EmbeddedServerSandbox | OvsdbServerSandbox;
const KINDS: readonly { kind: string; available: () => boolean; start: () => Promise<Server> }[] = [
  { kind: "the embedded server", available: () => peers("ovn-nbctl"), start: () => startEmbeddedServer({ schemas: ["OVN_Northbound"] }) },
  { kind: "a real ovsdb-server", available: () => peers("ovsdb-server", "ovsdb-tool", "ovn-nbctl"), start: () => startOvsdbServer({ schemas: ["OVN_Northbound"] }) },
];

for (const { kind, available, start } of KINDS) {
  describe.skipIf(!available())(`group commit, on ${kind}`, () => {
    let server: Server;
    let client: OvsdbClient;
    const nbctl = async (...args: string[]) => (await run("ovn-nbctl", [`--db=${server.unix}`, ...args])).stdout;

    beforeAll(async () => {
      server = await start();
      client = await OvsdbClient.connect(server.unix, { probeIntervalMs: 0 });
      await nbctl("ls-add", "sw", "--", "pg-add", "pg");
    }, 60_000);
    afterAll(async () => {
      client?.close();
      await server?.stop();
    });

    /** Creates `names` as pods (port + port-group membership), all commits concurrent; the commit outcomes in order. */
    const pods = async (nb: OvnNb, names: readonly string[]) =>
      Promise.allSettled(
        names.map(async (name, i) => {
          const tx = nb.transaction();
          const entry = `0a:00:00:00:${(i >> 8).toString(16).padStart(2, "0")}:${(i & 255).toString(16).padStart(2, "0")} 10.0.${i >> 8}.${i & 255}`;
          const ref = await tx.lspAdd("sw", name, { addresses: [entry] });
          await tx.pgAddPorts("pg", [ref]);
          const commit = await tx.commit();
          return commit.uuid(ref);
        }),
      );

    it("sends concurrent commits together, and each gets its own results", async () => {
      const nb = new OvnNb(client);
      await nb.replica();
      const spy = vi.spyOn(client, "transact");
      try {
        const names = Array.from({ length: 20 }, (_, i) => `gc-a-${i}`);
        const outcomes = await pods(nb, names);
        expect(outcomes.every((o) => o.status === "fulfilled")).toBe(true);
        // The first commit goes alone; the others waited for it and went out in fewer transactions.
        expect(spy.mock.calls.length).toBeGreaterThan(1);
        expect(spy.mock.calls.length).toBeLessThan(names.length);
        // Each commit's uuid() names its own port.
        for (const [i, o] of outcomes.entries()) {
          const uuid = (o as PromiseFulfilledResult<string>).value;
          expect((await nbctl("get", "Logical_Switch_Port", uuid, "name")).trim()).toBe(`gc-a-${i}`);
        }
        expect((await nbctl("lsp-list", "sw")).trim().split("\n")).toHaveLength(20);
        expect((await nbctl("--bare", "--columns=ports", "list", "Port_Group", "pg")).trim().split(/\s+/)).toHaveLength(20);
      } finally {
        spy.mockRestore();
        await nb.close();
      }
    });

    it("a batch that fails is resent one transaction at a time: only the one that lost a race fails", async () => {
      const nb = new OvnNb(client);
      await nb.replica();
      // Eight pods built (their lookups done) before gc-b-3 appears behind the API's back.
      const txs = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const tx = nb.transaction();
          await tx.pgAddPorts("pg", [await tx.lspAdd("sw", `gc-b-${i}`)]);
          return tx;
        }),
      );
      await nbctl("lsp-add", "sw", "gc-b-3");
      const spy = vi.spyOn(client, "transact");
      try {
        // One commit on the wire; the eight arrive meanwhile and go out as one batch, which the
        // server's unique index on the port name refuses; then each alone.
        const first = nb.transaction();
        await first.lspAdd("sw", "gc-b-first");
        const outcomes = await Promise.allSettled([first.commit(), ...txs.map((tx) => tx.commit())]);
        expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
        const lost = (outcomes[4] as PromiseRejectedResult).reason as unknown;
        expect(lost).toBeInstanceOf(OvnConcurrentChangeError);
        expect(lost).toMatchObject({ table: "Logical_Switch_Port", key: { column: "name", value: "gc-b-3" } });
        // first alone, the batch of eight, then the eight alone.
        expect(spy.mock.calls.map((c) => c[1].length)).toEqual([2, 8 * 3, 3, 3, 3, 3, 3, 3, 3, 3]);
        const names = (await nbctl("--bare", "--columns=name", "find", "Logical_Switch_Port", "name>=gc-b")).trim().split(/\s+/).sort();
        expect(names.filter((n) => n.startsWith("gc-b-"))).toEqual(["gc-b-0", "gc-b-1", "gc-b-2", "gc-b-3", "gc-b-4", "gc-b-5", "gc-b-6", "gc-b-7", "gc-b-first"]);
        // The port created behind the API's back is not in the port group.
        const uuid3 = (await nbctl("--bare", "--columns=_uuid", "find", "Logical_Switch_Port", "name=gc-b-3")).trim();
        expect(await nbctl("--bare", "--columns=ports", "list", "Port_Group", "pg")).not.toContain(uuid3);
      } finally {
        spy.mockRestore();
        await nb.close();
      }
    });

    it("with groupCommit: false, every commit is its own transaction", async () => {
      const nb = new OvnNb(client, { groupCommit: false });
      await nb.replica();
      const spy = vi.spyOn(client, "transact");
      try {
        const outcomes = await pods(nb, Array.from({ length: 6 }, (_, i) => `gc-c-${i}`));
        expect(outcomes.every((o) => o.status === "fulfilled")).toBe(true);
        expect(spy.mock.calls.length).toBe(6);
      } finally {
        spy.mockRestore();
        await nb.close();
      }
    });
  });
}
