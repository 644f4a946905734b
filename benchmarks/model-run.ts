/**
 * The Kube-OVN model's apply at scale, alone (not yet part of `npm run bench`):
 * `npx vite-node benchmarks/model-run.ts [PODS]` (default 10,000) builds a manifest of 20 subnets
 * (one namespace each) and PODS pods on 200 nodes, then against a real `ovsdb-server` prints the
 * parse time, the first apply, and a no-op re-apply from a fresh process state (new controller,
 * addresses read back from the database). `GUARDS=0` applies without `wait` guards. `NODES=1` adds
 * the `join` subnet and the 200 `Node` objects (join ports, port groups, policies).
 *
 * @module
 */
import { OvsdbClient } from "../src/ovsdb/index.js";
import { NB_CONTROLLER_TABLES, NbController } from "../src/ovn/controller/index.js";
import { KUBE_OVN_IDENTITY, applyModel, existingAddresses, parseManifestText, resolveModel } from "../src/model/index.js";
import { startOvsdbServer } from "../src/testing/index.js";

const pods = Number(process.argv[2] ?? 10_000);
let text = "";
for (let s = 0; s < 20; s++) text += `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ns${s} }\n---\napiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s${s} }\nspec: { cidrBlock: 10.${100 + s}.0.0/16, namespaces: [ns${s}] }\n`;
if (process.env["NODES"] === "1") {
  text += "---\napiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: join }\nspec: { cidrBlock: 100.64.0.0/16 }\n";
  for (let n = 0; n < 200; n++) text += `---\napiVersion: v1\nkind: Node\nmetadata: { name: node${n} }\nstatus: { addresses: [{ type: InternalIP, address: 192.168.${n >> 8}.${n & 255} }] }\n`;
}
for (let i = 0; i < pods; i++) text += `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: ns${i % 20} }\nspec: { nodeName: node${i % 200} }\n`;
let t0 = performance.now();
const { objects, issues } = parseManifestText(text, "bench.yaml");
if (issues.length) throw new Error(`bench manifest invalid: ${issues.length} issues`);
process.stdout.write(`pods ${pods}: parse ${Math.round(performance.now() - t0)} ms\n`);
const server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
try {
  for (const pass of ["first apply", "re-apply (no-op)"]) {
    const client = await OvsdbClient.connect(server.unix);
    let transactions = 0;
    const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES, guards: process.env["GUARDS"] !== "0", onTransaction: () => transactions++ });
    t0 = performance.now();
    const model = resolveModel({ objects }, { existing: existingAddresses(ctl) });
    const t1 = performance.now();
    const r = await applyModel(ctl, model);
    const t2 = performance.now();
    process.stdout.write(
      `${pass}: validate+IPAM ${Math.round(t1 - t0)} ms, apply ${Math.round(t2 - t1)} ms, ${transactions} transactions, ${r.operations} operations, ` +
        `${r.counts.created} created ${r.counts.unchanged} unchanged, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`,
    );
    await ctl.close();
    client.close();
  }
} finally {
  await server.stop();
}
