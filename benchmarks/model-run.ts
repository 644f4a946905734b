/**
 * The Kube-OVN model's apply at scale, alone (not yet part of `npm run bench`):
 * `npx vite-node benchmarks/model-run.ts [PODS]` (default 10,000) builds a manifest of 20 subnets
 * (one namespace each) and PODS pods on 200 nodes, then against a real `ovsdb-server` prints the
 * parse time, the first apply, and a no-op re-apply from a fresh process state (new controller,
 * addresses read back from the database). `GUARDS=0` applies without `wait` guards. `KINDS=1` adds
 * issue 15's 50 NetworkPolicies and 100 ClusterIP Services (pods labelled `app: aN`, N = pod % 100).
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
const kinds = process.env["KINDS"] === "1";
for (let i = 0; i < pods; i++) text += `---\napiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: ns${i % 20}${kinds ? `, labels: { app: a${i % 100} }` : ""} }\nspec: { nodeName: node${i % 200}${kinds ? ", containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }]" : ""} }\n`;
if (kinds) {
  // App aN lives in namespace ns(N % 20). Policy k: app a(2k) accepts app a(2k+1) (any namespace) and 10.0.0.0/8 on http.
  for (let k = 0; k < 50; k++)
    text += `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: np${k}, namespace: ns${(2 * k) % 20} }\nspec:\n  podSelector: { matchLabels: { app: a${2 * k} } }\n  ingress:\n    - from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: a${2 * k + 1} } } }, { ipBlock: { cidr: 10.0.0.0/8, except: [10.100.0.0/16] } }]\n      ports: [{ port: http }]\n`;
  for (let k = 0; k < 100; k++)
    text += `---\napiVersion: v1\nkind: Service\nmetadata: { name: svc${k}, namespace: ns${k % 20} }\nspec:\n  clusterIP: 10.96.${Math.floor(k / 250)}.${(k % 250) + 1}\n  selector: { app: a${k} }\n  ports: [{ name: http, port: 80, targetPort: http }, { name: dns, protocol: UDP, port: 53 }]\n`;
}
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
