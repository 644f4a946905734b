/** Manifest checks for model tests: the issues `resolveModel` reports for a manifest that parses cleanly. */
import { expect } from "vitest";
import { InvalidManifestError, formatIssue, parseManifestText, resolveModel } from "../../src/model/index.js";

/** Parses `text` (as `m.yaml`, expecting no parse issue) and returns resolveModel's issues, formatted; [] when it resolves. */
export function resolveIssues(text: string): string[] {
  const r = parseManifestText(text, "m.yaml");
  expect(r.issues.map(formatIssue)).toEqual([]);
  try {
    resolveModel({ objects: r.objects });
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidManifestError);
    return (e as InvalidManifestError).issues.map(formatIssue);
  }
  return [];
}
