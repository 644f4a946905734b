/**
 * The guard of a router policy created by `syncPolicies`: the owned policies with the caller's
 * marker are pinned (by priority and match), not the router's whole `policies` set, so the guard
 * stays small however many policies the router has; another writer adding a policy with the marker
 * meanwhile fails the transaction, and a same-key policy of another owner or router does not.
 */
import { describe, expect, it } from "vitest";
import { NB_CONTROLLER_TABLES, NbController, isGuardFailure } from "../../../src/ovn/controller/index.js";
import { KUBE_OVN_IDENTITY, type PolicySpec } from "../../../src/model/index.js";
import { syncPolicies } from "../../../src/model/kinds/common.js";
import { OvsdbClient } from "../../../src/ovsdb/index.js";
import { nbctl } from "../../ovn/controller/support.js";
import { applyOnce, manifestOf, useBackend } from "../fixture.js";

const BASE = `apiVersion: kubeovn.io/v1
kind: Subnet
metadata: { name: join }
spec: { cidrBlock: 100.64.0.0/16 }
`;

const WANT: readonly PolicySpec[] = [{ priority: 30000, match: "ip4.dst == 192.168.9.9", action: "allow", external_ids: { node: "node9" } }];

describe("router policy guard", () => {
  const fx = useBackend("ovsdb-server", ["ovsdb-server", "ovn-nbctl"]);

  it.skipIf(fx.skip)("pins the marker's policies, not the router's set: a marked policy added meanwhile fails the plan, a same-key one of another router does not", { timeout: 60_000 }, async () => {
    const db = await fx.start(["OVN_Northbound"]);
    await applyOnce(db, manifestOf(BASE));
    // A same-key policy on another router, and one on ovn-cluster with another marker: not pinned.
    await nbctl(db, "lr-add", "other");
    await nbctl(db, "--", "--id=@p", "create", "Logical_Router_Policy", "priority=30000", 'match="ip4.dst == 192.168.9.9"', "action=allow", "external_ids:vendor=kube-ovn", "external_ids:node=node8", "--", "add", "Logical_Router", "other", "policies", "@p");
    const client = await OvsdbClient.connect(db);
    const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
    try {
      const planOf = () => {
        const p = ctl.plan("policies");
        syncPolicies(p, "ovn-cluster", ["node", "node9"], () => true, WANT);
        return p.build();
      };
      const plan = planOf();
      const waits = plan.operations.filter((o) => o.op === "wait");
      expect(waits).toEqual([
        {
          op: "wait",
          table: "Logical_Router_Policy",
          where: [["external_ids", "includes", ["map", [["vendor", "kube-ovn"], ["node", "node9"]]]]],
          columns: ["priority", "match"],
          until: "==",
          rows: [],
          timeout: 0,
        },
      ]);
      // Another writer adds a node9 policy meanwhile: the guard fails the transaction.
      await nbctl(db, "--", "--id=@p", "create", "Logical_Router_Policy", "priority=30000", 'match="ip4.dst == 192.168.9.9"', "action=allow", "external_ids:vendor=kube-ovn", "external_ids:node=node9", "--", "add", "Logical_Router", "ovn-cluster", "policies", "@p");
      const failed = await ctl.db.apply(plan).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGuardFailure(failed, plan.operations)).toBe(true);
      // Rebuilt from the replica that now holds it: nothing to create, nothing sent.
      await ctl.db.replica.waitUntil(() => planOf().operations.length === 0, 5000);
      expect(planOf().operations).toEqual([]);
    } finally {
      await ctl.close();
      client.close();
    }
  });
});
