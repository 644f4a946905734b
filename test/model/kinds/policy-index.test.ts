/**
 * A NetworkPolicy resolved with the pods indexed by label (as `resolveModel` resolves it) equals
 * the same policy resolved by scanning its namespace's pods, on random pods and policies: the
 * index only narrows where the resolver looks.
 */
import { describe, expect, it } from "vitest";
import { type NetworkPolicyObject, type ResolvedPod, parseManifestText, podsByLabel, podsByNamespace, resolveModel, resolveNetworkPolicy } from "../../../src/model/index.js";
import { xorshiftBelow as rng } from "../../support/prng.js";

describe("NetworkPolicy pods by label", () => {
  it("the label index gives what the namespace scan gives (selected pods, peers, named ports, issues)", () => {
    const r = rng(5);
    for (let round = 0; round < 30; round++) {
      const docs: string[] = [];
      for (const ns of ["n0", "n1"]) {
        docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: { name: ${ns}, labels: { team: t${ns === "n0" ? 0 : r(2)} } }`);
        docs.push(`apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s-${ns} }\nspec: { cidrBlock: 10.${ns === "n0" ? 1 : 2}.0.0/24, namespaces: [${ns}] }`);
      }
      for (let i = 0; i < 40; i++) {
        const port = r(3) ? `, containers: [{ name: c, ports: [{ name: p${r(2)}, containerPort: ${8000 + r(3)} }] }]` : "";
        docs.push(`apiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: n${r(2)}, labels: { app: a${r(4)}, tier: t${r(2)} } }\nspec: { nodeName: node1${port} }`);
      }
      for (let k = 0; k < 8; k++) {
        const sel = r(3) === 0 ? "{}" : r(2) ? `{ matchLabels: { app: a${r(5)} } }` : `{ matchLabels: { tier: t${r(2)}, app: a${r(4)} } }`;
        const peer = [`{ podSelector: { matchLabels: { app: a${r(5)} } } }`, `{ namespaceSelector: { matchLabels: { team: t${r(2)} } }, podSelector: { matchLabels: { tier: t${r(2)} } } }`, `{ namespaceSelector: {} }`][r(3)];
        docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: np${k}, namespace: n${r(2)} }\nspec:\n  podSelector: ${sel}\n  ingress:\n    - from: [${peer}]\n      ports: [{ port: p${r(3)} }]`);
      }
      const parsed = parseManifestText(docs.map((d) => `---\n${d}\n`).join(""), "m.yaml");
      expect(parsed.issues).toEqual([]);
      // the policies apart: resolveModel would stop at their issues
      const model = resolveModel({ objects: parsed.objects.filter((o) => o.kind !== "NetworkPolicy") });
      const pods: readonly ResolvedPod[] = model.pods;
      const subnets = new Map(model.subnets.map((s) => [s.object.name, s]));
      const byNamespace = podsByNamespace(pods);
      const byLabel = podsByLabel(pods);
      for (const np of parsed.objects.filter((o): o is NetworkPolicyObject => o.kind === "NetworkPolicy")) {
        const indexedIssues: unknown[] = [];
        const scannedIssues: unknown[] = [];
        const indexed = resolveNetworkPolicy(np, { pods, namespaces: model.namespaces, subnets, byNamespace, byLabel }, indexedIssues as never[]);
        const scanned = resolveNetworkPolicy(np, { pods, namespaces: model.namespaces, subnets }, scannedIssues as never[]);
        expect(indexed, `${np.namespace}/${np.name}`).toEqual(scanned);
        expect(indexedIssues).toEqual(scannedIssues);
      }
    }
  });
});
