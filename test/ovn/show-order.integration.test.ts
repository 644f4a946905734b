/**
 * `ovn-ts nbctl show` prints switches and routers in the order `ovn-nbctl show` does: its IDL's
 * hash order, which depends on the UUIDs and on the order the server sent them. Checked on real
 * ovsdb-server and on the embedded server, after churn (adds in batches, deletes, late adds), so
 * that buckets with several rows and table resizes are exercised.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { idlRowOrder, shashOrder } from "../../src/ovsdb/text/hash-order.js";
import { run, startEmbeddedServer, startOvsdbServer } from "../../src/testing/index.js";
import { prng } from "../support/prng.js";
import { peers } from "../support/peers.js";

async function nbctl(db: string, args: readonly string[]): Promise<string> {
  const r = await run("ovn-nbctl", [`--db=${db}`, ...args]);
  return r.stdout;
}

async function ours(db: string, args: readonly string[]): Promise<{ out: string; err: string; code: number }> {
  const io = memoryIo();
  const code = await main(["nbctl", `--db=${db}`, ...args], io);
  return { out: io.stdout, err: io.stderr, code };
}

/** Builds a churned topology with ovn-nbctl: 3 batches of switches, random deletes, routers, late single adds. */
async function churn(db: string, seed: number): Promise<void> {
  const rnd = prng(seed);
  for (let b = 0; b < 3; b++) {
    const args: string[] = [];
    for (let i = 0; i < 60; i++) args.push("--", "ls-add", `b${b}s${i}`);
    for (let i = 0; i < 15; i++) args.push("--", "lr-add", `b${b}r${i}`);
    await nbctl(db, args);
  }
  const del: string[] = [];
  for (let i = 0; i < 60; i++) if (rnd() < 0.4) del.push("--", "ls-del", `b1s${i}`);
  for (let i = 0; i < 15; i++) if (rnd() < 0.4) del.push("--", "lr-del", `b2r${i}`);
  await nbctl(db, del);
  for (let i = 0; i < 5; i++) await nbctl(db, ["ls-add", `late${i}`, "--", "lr-add", `lr-late${i}`]);
  await nbctl(db, ["lsp-add", "b0s1", "p1", "--", "lsp-add", "b0s1", "p0", "--", "lrp-add", "b0r1", "rp1", "00:00:00:00:00:01", "10.0.0.1/24"]);
  await nbctl(db, ["lrp-set-gateway-chassis", "rp1", "chA", "10", "--", "lrp-set-gateway-chassis", "rp1", "chB", "20", "--", "lrp-set-gateway-chassis", "rp1", "chC", "10", "--", "lrp-set-options", "rp1", "route_table=rtb1"]);
}

describe("idlRowOrder", () => {
  it("puts rows in uuid_hash bucket order once the table has grown", () => {
    // Eight rows whose first 32 bits are 0..7: the hmap has grown to 8 buckets (mask 7) at the
    // eighth insert, so each row sits alone in the bucket of its hash, whatever the wire order.
    const uuids = [5, 3, 7, 0, 6, 1, 4, 2].map((n) => `0000000${n}-0000-0000-0000-000000000000`);
    expect(idlRowOrder(uuids)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => `0000000${n}-0000-0000-0000-000000000000`));
  });
  it("reverses a shared bucket when the second insert grows the table", () => {
    // Hashes 4 and 8 share bucket 0 both before (mask 0) and after (mask 3) the growth that the
    // second insert triggers; the resize walks the old bucket newest first and pushes each node
    // to the front, so the row the IDL created first (first in shash order) ends up first.
    const a = "00000004-0000-0000-0000-000000000000";
    const b = "00000008-0000-0000-0000-000000000000";
    expect(idlRowOrder([a, b])).toEqual(shashOrder([a, b]));
    expect(idlRowOrder([b, a])).toEqual(shashOrder([b, a]));
  });
});

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("nbctl show order", () => {
  const stops: (() => Promise<void> | void)[] = [];
  let real = "";
  let embedded = "";
  beforeAll(async () => {
    const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    stops.push(() => server.stop());
    const emb = await startEmbeddedServer({ schema: "OVN_Northbound" });
    stops.push(() => emb.stop());
    real = server.unix;
    embedded = emb.unix;
    await churn(real, 7);
    await churn(embedded, 11);
  }, 120_000);
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
  });

  for (const which of ["real ovsdb-server", "embedded server"]) {
    it(`show of ${which}: the same text, in the same order, as ovn-nbctl`, async () => {
      const db = which === "embedded server" ? embedded : real;
      const theirs = await nbctl(db, ["show"]);
      expect(theirs.split("\n").filter((l) => l.startsWith("switch ")).length).toBeGreaterThan(150);
      const mine = await ours(db, ["show"]);
      expect(mine.err).toBe("");
      expect(mine.out).toBe(theirs);
    });
  }

  for (const table of ["Logical_Switch", "Logical_Router", "Logical_Switch_Port", "Gateway_Chassis"]) {
    it(`list ${table} and find: the rows in ovn-nbctl's order`, async () => {
      for (const db of [real, embedded]) {
        const theirs = await nbctl(db, ["list", table]);
        expect((await ours(db, ["list", table])).out).toBe(theirs);
        const findArgs = ["--columns=_uuid", "find", table, table === "Gateway_Chassis" ? "priority>5" : "name!=late1"];
        expect((await ours(db, findArgs)).out).toBe(await nbctl(db, findArgs));
      }
    });
  }

  it("show NAME: a router port's route table and gateway chassis by priority, then name descending", async () => {
    const theirs = await nbctl(real, ["show", "b0r1"]);
    expect(theirs).toContain("route-table: rtb1");
    expect((await ours(real, ["show", "b0r1"])).out).toBe(theirs);
  });

  it("show of a name that is neither a switch nor a router prints nothing, as ovn-nbctl", async () => {
    const theirs = await run("ovn-nbctl", [`--db=${real}`, "show", "nosuch"], { allowFailure: true });
    const mine = await ours(real, ["show", "nosuch"]);
    expect(mine).toEqual({ out: theirs.stdout, err: theirs.stderr, code: theirs.code });
  });

  it("show of a name two switches share fails as ovn-nbctl", async () => {
    await nbctl(real, ["--", "--add-duplicate", "ls-add", "twin", "--", "--add-duplicate", "ls-add", "twin"]);
    const theirs = await run("ovn-nbctl", [`--db=${real}`, "show", "twin"], { allowFailure: true });
    const mine = await ours(real, ["show", "twin"]);
    expect(theirs.code).not.toBe(0);
    expect({ err: mine.err.replace(/^ovn-ts nbctl:/gm, "ovn-nbctl:"), code: mine.code }).toEqual({ err: theirs.stderr, code: theirs.code });
    await nbctl(real, ["--", "ls-del", "twin"]).catch(() => undefined);
  });
});
