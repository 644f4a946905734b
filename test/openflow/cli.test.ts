/** `ovn-ts ofctl` offline commands compared with ovs-ofctl (one ovs-ofctl process per command form). */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peers } from "../support/peers.js";
import { memoryIo, UsageError } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { ofctlCommand } from "../../src/cli/ofctl.js";

const FLOW = "table=0,priority=100,ip,nw_dst=10.0.0.0/24,actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src=10.0.0.1)),resubmit(,1)";

async function run(...a: string[]) {
  const io = memoryIo();
  const code = await main(["ofctl", ...a], io);
  return { code, out: io.stdout, err: io.stderr };
}

function ovsHex(flow: string, ...opts: string[]): string {
  const out = execFileSync("ovs-ofctl", [...opts, "-mmmmm", "parse-flow", flow], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => /^[0-9a-f]{8}  /.test(l))
    .map((l) => l.slice(10, 58).replace(/[- ]/g, ""))
    .join("");
}

describe.skipIf(!peers("ovs-ofctl"))("ovn-ts ofctl (offline commands)", () => {
  it("parse-flow prints what ovs-ofctl parse-flow prints", async () => {
    // the whole output: usable/chosen protocol lines, then the flow_mod
    const theirs = execFileSync("ovs-ofctl", ["-O", "OpenFlow13", "parse-flow", FLOW], { encoding: "utf8" });
    const ours = await run("-O", "OpenFlow13", "parse-flow", FLOW);
    expect(ours.code).toBe(0);
    expect(ours.out).toBe(theirs);
  });

  it("parse-flow --hex gives the bytes ovs-ofctl sends (OpenFlow 1.3, and its default OpenFlow 1.0 / NXM)", async () => {
    const ours = await run("-O", "OpenFlow13", "parse-flow", "--hex", FLOW);
    expect(ours.out.trim()).toBe(ovsHex(FLOW, "-O", "OpenFlow13"));
    // no -O: the OpenFlow 1.0 or NXT_FLOW_MOD bytes ovs-ofctl sends by default
    const dflt = await run("parse-flow", "--hex", FLOW);
    expect(dflt.out.trim()).toBe(ovsHex(FLOW));
    for (const flow of ["in_port=1,dl_vlan=9,actions=mod_vlan_vid:3,strip_vlan,enqueue:2:5", "ip,nw_src=10.0.0.0/8,tcp,tp_dst=80,actions=mod_nw_tos:16,mod_tp_src:8080,output:3", "reg0=5,ipv6,actions=load:7->reg1,move:reg0->reg2,output:1"]) {
      const o = await run("parse-flow", "--hex", flow);
      expect(o.out.trim(), flow).toBe(ovsHex(flow));
    }
  });

  it("parse-flows FILE and ofp-print HEX match ovs-ofctl", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-ofcli-"));
    try {
      const file = join(dir, "f.txt");
      writeFileSync(file, `${FLOW}\nin_port=1,actions=output:2\n# comment\ntcp,tp_dst=80,actions=drop\n`);
      const theirs = execFileSync("ovs-ofctl", ["-O", "OpenFlow13", "parse-flows", file], { encoding: "utf8" });
      expect((await run("-O", "OpenFlow13", "parse-flows", file)).out).toBe(theirs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const hex of [ovsHex(FLOW), "0414000800000009", "0402000b00000005010203", "040600200000000100000000000000aa00000100fe0000000000004f00000000"]) {
      const theirs = execFileSync("ovs-ofctl", ["ofp-print", hex], { encoding: "utf8" });
      const ours = await run("ofp-print", hex);
      expect(ours.code).toBe(0);
      expect(ours.out).toBe(theirs);
    }
  });

  it("exit status 1 with a message for bad flows, usage errors and unreachable targets", async () => {
    const ovs = spawnSync("ovs-ofctl", ["-O", "OpenFlow13", "parse-flow", "foo=1,actions=drop"], { encoding: "utf8" });
    const ours = await run("parse-flow", "foo=1,actions=drop");
    expect(ours.code).toBe(ovs.status);
    expect(ours.err).toContain("unknown keyword foo");
    expect(ovs.stderr).toContain("unknown keyword foo");
    expect((await run("frobnicate")).code).toBe(1);
    expect((await run("-O", "OpenFlow10", "dump-flows", "tcp:127.0.0.1:1")).code).toBe(1);
    await expect(ofctlCommand(["--bogus"], memoryIo())).rejects.toBeInstanceOf(UsageError);
    const unreachable = await run("-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:1");
    expect(unreachable.code).toBe(spawnSync("ovs-ofctl", ["-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:1"]).status);
    expect(unreachable.err).toBe("ovn-ts ofctl: connecting to tcp:127.0.0.1:1 (Connection refused)\n");
    expect(spawnSync("ovs-ofctl", ["-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:1"], { encoding: "utf8" }).stderr).toBe("ovs-ofctl: connecting to tcp:127.0.0.1:1 (Connection refused)\n");
  });
});
