import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../../src/cli/io.js";

describe("ovn-ts main", () => {
  it("prints usage with --help and exits 0", async () => {
    const io = memoryIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout).toContain("usage: ovn-ts COMMAND");
  });
  it("rejects an unknown command with status 1", async () => {
    const io = memoryIo();
    expect(await main(["frobnicate"], io)).toBe(1);
    expect(io.stderr).toBe("ovn-ts: unknown command 'frobnicate'; use --help for help\n");
  });
});

describe("progress on long work", () => {
  it("shows elapsed seconds on a terminal and erases them; prints nothing otherwise", async () => {
    const { withProgress } = await import("../../src/cli/io.js");
    const slow = () => new Promise<string>((r) => setTimeout(() => r("done"), 1150));
    const io = memoryIo();
    Object.assign(io, { progress: true });
    expect(await withProgress(io, "dumping", slow())).toBe("done");
    expect(io.stderr).toBe("\rdumping... 1s\r\x1b[K");
    const quiet = memoryIo();
    expect(await withProgress(quiet, "dumping", slow())).toBe("done");
    expect(quiet.stderr).toBe("");
  });
});
