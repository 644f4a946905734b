/**
 * `--help` of the CLIs: `ovn-ts --help` names the OVS tool each subcommand mirrors, and
 * `ovn-ts nbctl --help` documents every command with ovn-nbctl's syntax (compared with the real
 * `ovn-nbctl --help` when it is installed) and the options the command table accepts.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { helpCommandNames, helpSyntaxLines } from "../../src/cli/nbctl/help.js";
import { NBCTL_COMMANDS } from "../../src/cli/nbctl.js";
import { peers } from "../support/peers.js";

async function help(...argv: string[]): Promise<string> {
  const io = memoryIo();
  expect(await main(argv, io)).toBe(0);
  expect(io.stderr).toBe("");
  return io.stdout;
}

/** Known differences from `ovn-nbctl --help`, each with its reason. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "dhcp-options-get-options DHCP_OPTIONS_UUID": "ovn-nbctl's help misspells the argument as DHCO_OPTIONS_UUID",
};

describe("ovn-ts --help", () => {
  it("says for each subcommand which OVS/OVN tool it mirrors, or that it has none", async () => {
    const text = await help("--help");
    const lines = text.split("\n").filter((l) => /^ {2}\S+\s{2,}/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const l of lines) expect(l, l).toMatch(/mirrors (ovsdb-client|ovn-nbctl|ovs-ofctl|ovsdb-server|ovs-appctl|ovn-sbctl|ovs-vsctl)\b|ovn-trace|ovsdb-idlc|no OVS counterpart/);
    expect(text).toMatch(/^ {2}nbctl\s+.*mirrors ovn-nbctl$/m);
    expect(text).toMatch(/^ {2}ovsdb\s+.*mirrors ovsdb-client$/m);
  });
});

describe("ovn-ts nbctl --help", () => {
  it("documents every command of the command table, and no other", () => {
    expect(new Set(helpCommandNames())).toEqual(new Set(NBCTL_COMMANDS));
  });

  it("gives each command's syntax and its options", async () => {
    const text = await help("nbctl", "--help");
    expect(text).toMatch(/^ {2}lsp-add SWITCH PORT\s+\S/m);
    expect(text).toMatch(/^ {2}\[--may-exist\]\n {2}lsp-add SWITCH PORT /m);
    expect(text).toMatch(/^ {2}\[--if-exists\]\n {2}lrp-del PORT /m);
    expect(text).toContain("[--policy=POLICY]");
    expect(text).toMatch(/^ {2}lr-nat-add ROUTER TYPE EXTERNAL_IP LOGICAL_IP \[LOGICAL_PORT EXTERNAL_MAC\] \[EXTERNAL_PORT_RANGE\]$/m);
    expect(text).toContain("--db=DATABASE");
    expect(text).toMatch(/reference a row in each table by its UUID, in these tables by its "name" too:\n {2}Address_Set [\s\S]*Logical_Router /);
    expect(text.split("\n").length).toBeGreaterThan(200);
  });

  it.skipIf(!peers("ovn-nbctl"))("every syntax line is ovn-nbctl's own (ovn-nbctl --help)", () => {
    const real = execFileSync("ovn-nbctl", ["--help"], { encoding: "utf8" }).replace(/\s+/g, " ");
    const differing = helpSyntaxLines().filter((s) => !real.includes(` ${s} `) && !(s in KNOWN_DIFFERENCES));
    expect(differing).toEqual([]);
    for (const s of Object.keys(KNOWN_DIFFERENCES)) expect(real.includes(` ${s} `), s).toBe(false);
  });
});
