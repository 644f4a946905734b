/**
 * Kubernetes label selectors (`metav1.LabelSelector`: `matchLabels` and `matchExpressions` with
 * `In`, `NotIn`, `Exists`, `DoesNotExist`), read from a manifest and matched against labels as
 * `metav1.LabelSelectorAsSelector` does (an empty selector matches everything).
 *
 * @module
 */
import type { Fields } from "./fields.js";

/** One `matchExpressions` entry. */
export interface SelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** The operator. */
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  /** The values (`In`/`NotIn` only). */
  readonly values: readonly string[];
}

/** A label selector. */
export interface LabelSelector {
  /** `matchLabels`. */
  readonly matchLabels: Readonly<Record<string, string>>;
  /** `matchExpressions`. */
  readonly matchExpressions: readonly SelectorRequirement[];
}

/** Reads the selector at `path` (an absent one reads as undefined). */
export function readSelector(f: Fields, path: readonly string[]): LabelSelector | undefined {
  if (!f.has(path) || !f.map(path)) return undefined;
  f.only(path, ["matchLabels", "matchExpressions"]);
  const matchLabels = f.stringMap([...path, "matchLabels"]);
  const matchExpressions: SelectorRequirement[] = [];
  (f.list([...path, "matchExpressions"]) ?? []).forEach((_, i) => {
    const p = [...path, "matchExpressions", String(i)];
    f.only(p, ["key", "operator", "values"]);
    const key = f.str([...p, "key"], true);
    const operator = f.oneOf([...p, "operator"], ["In", "NotIn", "Exists", "DoesNotExist"] as const);
    if (!f.has([...p, "operator"])) f.issue([...p, "operator"], { kind: "missing-field" });
    const values = f.strings([...p, "values"]);
    if (operator === "In" || operator === "NotIn") {
      if (values.length === 0) f.issue([...p, "values"], { kind: "bad-value", value: "[]", reason: `${operator} needs at least one value` });
    } else if (operator && values.length) f.issue([...p, "values"], { kind: "bad-value", value: JSON.stringify(values), reason: `${operator} takes no values` });
    if (key !== undefined && operator !== undefined) matchExpressions.push({ key, operator, values });
  });
  return { matchLabels, matchExpressions };
}

/** Whether `labels` satisfy `selector`. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const m = selector.matchLabels;
  for (const k in m) if (labels[k] !== m[k]) return false;
  const exprs = selector.matchExpressions;
  for (let i = 0; i < exprs.length; i++) {
    const r = exprs[i]!;
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case "In":
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case "NotIn":
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The selector as text for messages: `app=web,tier in (a,b)`; `{}` for the empty selector. */
export function selectorText(s: LabelSelector): string {
  const parts = [
    ...Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...s.matchExpressions.map((r) => (r.operator === "Exists" ? r.key : r.operator === "DoesNotExist" ? `!${r.key}` : `${r.key} ${r.operator === "In" ? "in" : "notin"} (${r.values.join(",")})`)),
  ];
  return parts.length ? parts.join(",") : "{}";
}
