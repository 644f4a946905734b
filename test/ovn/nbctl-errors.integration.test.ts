/** ovn-ts nbctl fails with ovn-nbctl's own messages and exit status for the common errors. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("nbctl error messages", () => {
  let server: OvsdbServerSandbox;
  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    await run("ovn-nbctl", [`--db=${server.unix}`, "ls-add", "sw1", "--", "lr-add", "lr1", "--", "lsp-add", "sw1", "p1"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const cases = [
    ["ls-add", "sw1"],
    ["lr-add", "lr1"],
    ["lsp-add", "sw1", "p1"],
    ["lsp-add", "nosuch", "p2"],
    ["lsp-del", "nosuch"],
    ["ls-del", "nosuch"],
    ["lr-del", "nosuch"],
    ["lrp-del", "nosuch"],
    ["lsp-set-addresses", "nosuch", "00:00:00:00:00:01"],
    ["lsp-add", "sw1", "p3", "--", "lsp-add", "sw1", "p3"],
    ["acl-add", "sw1", "to-lport", "5000000", "ip", "drop"],
    ["frob"],
  ];
  for (const args of cases) {
    it(`${args.join(" ")}: same message and status as ovn-nbctl`, async () => {
      const theirs = await run("ovn-nbctl", [`--db=${server.unix}`, ...args], { allowFailure: true });
      const io = memoryIo();
      const code = await main(["nbctl", `--db=${server.unix}`, ...args], io);
      expect({ err: io.stderr.replace(/^ovn-ts nbctl:/gm, "ovn-nbctl:"), code }).toEqual({ err: theirs.stderr, code: theirs.code });
    });
  }
});
