import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

describe("npm run docs", () => {
  it("builds the API reference with no warnings (every export documented)", async () => {
    // typedoc.json sets treatWarningsAsErrors, so any warning fails this run.
    const r = await promisify(execFile)("npx", ["typedoc", "--emit", "none"], { cwd: new URL("../..", import.meta.url).pathname, maxBuffer: 1 << 24 }).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` }),
    );
    expect(r.out.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.code).toBe(0);
  }, 180_000);
});
