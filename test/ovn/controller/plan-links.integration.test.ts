/**
 * References linked to rows a plan creates (a switch and its ports in one plan, as a dry run of a
 * whole manifest builds them): random sequences of port creations, repeated ensures and moves
 * between two new switches give each switch's `ports` exactly the ports it holds, each once, in
 * the order they were first linked, as the plan's inserts send them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OvsdbClient } from "../../../src/ovsdb/index.js";
import type { InsertOperation } from "../../../src/ovsdb/wire/operations.js";
import { NbController } from "../../../src/ovn/index.js";
import { type Backend, recordingClient, startBackend } from "./support.js";
import { xorshift as rng } from "../../support/prng.js";

describe("links to rows a plan creates", () => {
  let backend: Backend;
  let client: OvsdbClient;
  let ctl: NbController;
  beforeAll(async () => {
    backend = await startBackend("embedded");
    ({ client } = await recordingClient(backend.unix));
    ctl = await NbController.open(client, { identity: { vendor: "links-test" } });
  }, 60_000);
  afterAll(async () => {
    await ctl?.close();
    client?.close();
    await backend?.stop();
  });

  it("each new switch lists its ports once, in first-link order, through random ensures", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const p = ctl.plan(`links ${seed}`);
      p.ensureSwitch("a");
      p.ensureSwitch("b");
      // The model: which switch holds each port, and each switch's list in the order ports joined it.
      const holder = new Map<string, "a" | "b">();
      const refOf = new Map<string, string>();
      const order: Record<"a" | "b", string[]> = { a: [], b: [] };
      for (let step = 0; step < 150; step++) {
        const port = `p${Math.floor(r() * 60)}`;
        const sw = r() < 0.75 ? "a" : "b";
        const ref = p.ensureSwitchPort(sw, port, { addresses: ["dynamic"] });
        refOf.set(port, ref);
        if (holder.get(port) !== sw && !order[sw].includes(port)) order[sw].push(port);
        holder.set(port, sw);
      }
      const plan = p.build();
      const inserts = plan.operations.filter((o): o is InsertOperation => o.op === "insert");
      const portsOf = (name: string): unknown => {
        const row = inserts.find((o) => o.table === "Logical_Switch" && o.row?.["name"] === name)?.row;
        const v = row?.["ports"];
        return v === undefined ? [] : Array.isArray(v) && v[0] === "set" ? (v[1] as unknown[]).map((x) => (x as [string, string])[1]) : [(v as [string, string])[1]];
      };
      // A port that a new switch listed and then moved to the other keeps its place in the first one's list (the plan creates it there, then links it to the second): as before.
      for (const sw of ["a", "b"] as const) expect(portsOf(sw), `seed ${seed} switch ${sw}`).toEqual(order[sw].map((x) => refOf.get(x)));
      expect(new Set(inserts.filter((o) => o.table === "Logical_Switch_Port").map((o) => o["uuid-name"])).size).toBe(refOf.size);
    }
  }, 60_000);
});
