/**
 * Typed reading of one manifest document's fields for the kinds defined under `src/model/kinds`:
 * each read checks the value's type and reports a {@link ManifestProblem} at the field's path (the
 * loader turns it into an issue naming file, line, object and field), never throws.
 *
 * @module
 */
import type { ManifestProblem } from "../errors.js";
import type { Source } from "../types.js";

/** A JSON value of a parsed document. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** The value at `path` in `root`, through mappings and lists (list indexes as decimal strings). */
export function valueAt(root: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let v = root;
  // (an indexed loop: a reader asks for thousands of paths, mostly before this is optimized)
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    if (Array.isArray(v)) {
      if (!isIndex(k)) return undefined;
      v = v[Number(k)];
    } else v = Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
  }
  return v;
}

/** A list index as a path writes it: `0`, or decimal digits not starting with `0`. */
function isIndex(k: string): boolean {
  const n = k.length;
  if (n === 0 || (n > 1 && k.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** What the loader gives a kind's reader: the document's values, and where to report problems. */
export interface DocumentAccess {
  /** The value at `path` (keys and list indexes as strings), or undefined. */
  get(path: readonly string[]): JsonValue | undefined;
  /** Reports a problem at `path`. */
  issue(path: readonly string[], problem: ManifestProblem): void;
  /** Where `path` is (file, document, line). */
  source(path?: readonly string[]): Source;
}

/** Typed field reads over a {@link DocumentAccess}; every wrong type is reported at its path. */
export class Fields {
  constructor(
    /** The document. */
    readonly doc: DocumentAccess,
  ) {}

  /** Reports a problem at `path`. */
  issue(path: readonly string[], problem: ManifestProblem): void {
    this.doc.issue(path, problem);
  }

  /** Whether `path` holds a value (null counts as absent). */
  has(path: readonly string[]): boolean {
    const v = this.doc.get(path);
    return v !== undefined && v !== null;
  }

  /** Reports every key of the mapping at `path` not in `allowed` as an unsupported field. */
  only(path: readonly string[], allowed: readonly string[]): void {
    const v = this.doc.get(path);
    if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v)) return;
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.issue([...path, k], { kind: "unsupported-field" });
  }

  /** The mapping at `path` (undefined when absent or not a mapping, the latter reported). */
  map(path: readonly string[]): { [k: string]: JsonValue } | undefined {
    const v = this.doc.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a mapping" });
      return undefined;
    }
    return v;
  }

  /** The list at `path` (undefined when absent; a non-list is reported). */
  list(path: readonly string[]): JsonValue[] | undefined {
    const v = this.doc.get(path);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a list" });
      return undefined;
    }
    return v;
  }

  /** The string at `path`; with `required`, absence is reported. */
  str(path: readonly string[], required = false): string | undefined {
    const v = this.doc.get(path);
    if (v === undefined || v === null || v === "") {
      if (required) this.issue(path, { kind: "missing-field" });
      return undefined;
    }
    if (typeof v !== "string") {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a string" });
      return undefined;
    }
    return v;
  }

  /** The string at `path` if it is one of `values` (reported otherwise). */
  oneOf<V extends string>(path: readonly string[], values: readonly V[]): V | undefined {
    const s = this.str(path);
    if (s === undefined) return undefined;
    if (!(values as readonly string[]).includes(s)) {
      this.issue(path, { kind: "bad-value", value: s, reason: `expected one of ${values.join(", ")}` });
      return undefined;
    }
    return s as V;
  }

  /**
   * The integer at `path`, within [min, max] when bounds are given; with `required`, absence is
   * reported.
   */
  int(path: readonly string[], min?: number, max?: number, required = false): number | undefined {
    const v = this.doc.get(path);
    if (v === undefined || v === null) {
      if (required) this.issue(path, { kind: "missing-field" });
      return undefined;
    }
    const bounded = min !== undefined && max !== undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || (bounded && (v < min || v > max))) {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: bounded ? `expected an integer from ${min} to ${max}` : "expected an integer" });
      return undefined;
    }
    return v;
  }

  /** The boolean at `path` (false when absent). */
  bool(path: readonly string[]): boolean {
    const v = this.doc.get(path);
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected true or false" });
      return false;
    }
    return v;
  }

  /** The list of strings at `path` (empty when absent). */
  strings(path: readonly string[]): string[] {
    const v = this.doc.get(path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      this.issue(path, { kind: "bad-value", value: JSON.stringify(v), reason: "expected a list of strings" });
      return [];
    }
    return v as string[];
  }

  /** The string-to-string mapping at `path` (empty when absent). */
  stringMap(path: readonly string[]): Record<string, string> {
    const m = this.map(path) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== "string") this.issue([...path, k], { kind: "bad-value", value: JSON.stringify(v), reason: "expected a string" });
      else out[k] = v;
    }
    return out;
  }
}
