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
