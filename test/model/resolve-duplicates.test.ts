/** resolveModel's duplicate check (src/model/resolve.ts): an object of the same kind and name (and namespace, for a namespaced kind) is an error naming where the first one is; the same name in another namespace, or of another kind, is not. */
import { describe, expect, it } from "vitest";
import { resolveIssues } from "../support/manifest-issues.js";

const issuesOf = resolveIssues;

const BASE = [
  "apiVersion: v1\nkind: Namespace\nmetadata: { name: a }",
  "apiVersion: v1\nkind: Namespace\nmetadata: { name: b }",
  "apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s }\nspec: { cidrBlock: 10.1.0.0/16, namespaces: [a, b] }",
];
const pod = (name: string, ns: string) => `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}, namespace: ${ns} }`;
const doc = (docs: string[]) => docs.join("\n---\n") + "\n";

describe("resolveModel: objects defined twice", () => {
  it("the same pod name in two namespaces, and a namespace and a subnet named alike, are no duplicates", () => {
    expect(issuesOf(doc([...BASE, pod("x", "a"), pod("x", "b"), "apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: a }\nspec: { cidrBlock: 10.2.0.0/16 }"]))).toEqual([]);
  });

  it("a pod defined twice in one namespace is named at its second place, with the first one's line", () => {
    // each issue names the line where its document starts (the base takes lines 1-13, each pod 3 lines and its marker)
    expect(issuesOf(doc([...BASE, pod("x", "a"), pod("y", "a"), pod("x", "a"), pod("x", "a")]))).toEqual([
      "m.yaml:22 (document 6): pod/a/x: metadata.name: defined twice (first at m.yaml:14)",
      "m.yaml:26 (document 7): pod/a/x: metadata.name: defined twice (first at m.yaml:14)",
    ]);
  });

  it("a subnet defined twice is named too", () => {
    expect(issuesOf(doc([...BASE, "apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: s }\nspec: { cidrBlock: 10.3.0.0/16 }"]))).toEqual([
      "m.yaml:14 (document 4): subnet/s: metadata.name: defined twice (first at m.yaml:9)",
    ]);
  });
});
