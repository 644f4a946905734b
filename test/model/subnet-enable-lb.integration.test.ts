/**
 * A subnet's `enableLb: false`, as Kube-OVN's subnet controller handles it: the VPC's load
 * balancers stay off that subnet's switch (and are removed from it when it is turned off), while
 * the VPC's other switches keep them; on each backend: create, no-op, change with its exact
 * operations.
 */
import { describe, expect, it } from "vitest";
import { BACKENDS, nbctl, opsText } from "../ovn/controller/support.js";
import { BASE, SERVICE } from "./kinds/manifests.js";
import { applyOnce, issuesOf, manifestOf, subnetDoc, useBackend, yamlOf } from "./fixture.js";

/** BASE and its service, plus a second subnet `quiet` of the default VPC (`spec` extra). */
const WITH_QUIET = (extra: string) => yamlOf(BASE, SERVICE, subnetDoc("quiet", `cidrBlock: 10.17.0.0/16${extra}`));

const lbCount = async (db: string, ls: string) => (await nbctl(db, "--bare", "--columns=load_balancer", "list", "Logical_Switch", ls)).split(/\s+/).filter(Boolean).length;

describe("Subnet enableLb input", () => {
  it("is a boolean", () => {
    expect(issuesOf(WITH_QUIET(", enableLb: no"))).toEqual([expect.stringMatching(/subnet\/quiet: spec\.enableLb: invalid value "\\"no\\"": expected true or false$/)]);
  });
});

describe.each(BACKENDS)("Subnet enableLb on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("enableLb: false keeps the VPC's load balancers off the switch; turned on, exactly they are linked; off again, unlinked", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(WITH_QUIET(", enableLb: false")));
    expect(await lbCount(db, "ovn-default")).toBe(6);
    expect(await lbCount(db, "quiet")).toBe(0);
    expect((await applyOnce(db, manifestOf(WITH_QUIET(", enableLb: false")))).sent).toEqual([]);

    const on = await applyOnce(db, manifestOf(WITH_QUIET(", enableLb: true")));
    expect(on.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`)).toEqual(["subnet/quiet configured"]);
    expect(opsText(on.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["mutate Logical_Switch load_balancer insert [<uuid>,<uuid>,<uuid>,<uuid>,<uuid>,<uuid>]"]);
    expect(await lbCount(db, "quiet")).toBe(6);
    expect((await applyOnce(db, manifestOf(WITH_QUIET("")))).sent).toEqual([]);

    const off = await applyOnce(db, manifestOf(WITH_QUIET(", enableLb: false")));
    expect(opsText(off.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual(["mutate Logical_Switch load_balancer delete [<uuid>,<uuid>,<uuid>,<uuid>,<uuid>,<uuid>]"]);
    expect(await lbCount(db, "quiet")).toBe(0);
    expect(await lbCount(db, "ovn-default")).toBe(6);
  });
});
