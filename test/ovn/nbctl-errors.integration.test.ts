/**
 * ovn-ts nbctl fails (and, where ovn-nbctl quietly accepts odd input, succeeds) exactly as
 * ovn-nbctl does: for each invocation, the same stderr, exit status and stdout (UUIDs masked). Two
 * servers get the same setup; every invocation runs through ovn-nbctl on one and ovn-ts nbctl on
 * the other, in order, so the ones that succeed change both alike.
 *
 * Known differences, left out of the cases:
 * - `lrp-add R P MAC 10.0.0.1` (a network without a prefix length): ovn-nbctl stores it as given,
 *   the OVN API refuses it.
 * - `pg-add` / `ha-chassis-group-add` of an existing name: ovn-nbctl does not check and prints the
 *   server's constraint violation, whose text orders the two rows by hash.
 * - OVS log lines (`...|socket_util|ERR|...`) that ovn-nbctl prints before some messages are not
 *   printed; they are dropped from its stderr before comparing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** An OVS log line: `2026-12-01T23:56:43Z|00002|module|LEVEL|text`. */
const VLOG = /^\d{4}-\d\d-\d\dT[\d:.]+Z\|\d+\|[^|]+\|[A-Z]+\|.*\n/gm;

const SETUP = ["ls-add", "sw1", "--", "lr-add", "lr1", "--", "lsp-add", "sw1", "p1", "--", "lsp-add", "sw1", "p2", "--", "lrp-add", "lr1", "lrp1", "00:00:00:00:00:01", "10.0.0.1/24"]
  .concat(["--", "pg-add", "pg1", "--", "lb-add", "lb1", "10.0.0.10:80", "10.0.0.2:80", "--", "ls-add", "dup", "--", "pg-add", "dup"])
  .concat(["--", "ha-chassis-group-add", "hg1", "--", "mirror-add", "mir0", "gre", "1", "to-lport", "10.1.1.1"]);

/** Invocations by command family, bad ones mostly; each is compared with ovn-nbctl's own result. */
const CASES: string[][] = [
  ["ls-add", "sw1"],
  ["lr-add", "lr1"],
  ["lsp-add", "nosuch", "p3"],
  ["lsp-del", "nosuch"],
  ["ls-del", "nosuch"],
  ["lr-del", "nosuch"],
  ["lrp-del", "nosuch"],
  ["lsp-set-addresses", "nosuch", "00:00:00:00:00:01"],
  ["lsp-add", "sw1", "p3", "--", "lsp-add", "sw1", "p3"],
  ["acl-add", "sw1", "to-lport", "5000000", "ip", "drop"],
  ["frob"],
  ["lsp-set-addresses", "p1", "zz:00:00:00:00:01"],
  ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.256"],
  ["lsp-set-addresses", "p1", "00:00:00:00:00:01 foo"],
  ["lsp-set-addresses", "p1", "dynamic 10.0.0.300"],
  ["lsp-set-addresses", "p1", ""],
  ["lrp-add", "lr1", "lrp2", "zz", "10.0.0.1/24"],
  ["lrp-add", "lr1", "lrp2", "00:00:00:00:00:02", "bad"],
  ["lrp-add", "nosuch", "lrp2", "00:00:00:00:00:02", "10.0.1.1/24"],
  ["lrp-add", "lr1", "lrp1", "00:00:00:00:00:02", "10.0.1.1/24"],
  ["lr-route-add", "lr1", "bad", "10.0.0.2"],
  ["lr-route-add", "lr1", "10.0.0.0/24", "bad"],
  ["lr-route-add", "lr1", "10.0.0.0/24", "fd00::1"],
  ["lr-route-add", "nosuch", "10.0.0.0/24", "10.0.0.2"],
  ["--policy=foo", "lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.2"],
  ["lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.2", "nosuchport"],
  ["lr-route-del", "nosuch"],
  ["lr-route-del", "lr1", "bad"],
  ["lr-route-del", "lr1", "10.9.0.0/24"],
  ["lr-nat-add", "lr1", "foo", "10.0.0.1", "10.0.0.2"],
  ["lr-nat-add", "lr1", "snat", "bad", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "snat", "10.0.0.1", "bad"],
  ["lr-nat-add", "lr1", "dnat", "10.0.0.1", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "dnat_and_snat", "10.0.0.1", "10.0.0.2", "p1"],
  ["lr-nat-add", "lr1", "dnat_and_snat", "10.0.0.1", "10.0.0.2", "nosuch", "00:00:00:00:00:05"],
  ["lr-nat-add", "lr1", "dnat_and_snat", "10.0.0.1", "10.0.0.2", "p1", "zz"],
  ["lr-nat-add", "nosuch", "snat", "10.0.0.1", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "snat", "10.0.0.1", "fd00::/64"],
  ["lr-nat-del", "lr1", "foo"],
  ["lr-nat-del", "nosuch"],
  ["lr-nat-del", "lr1", "snat", "10.9.9.9"],
  ["lr-nat-del", "lr1", "snat", "bad"],
  ["acl-add", "sw1", "bad", "100", "ip", "drop"],
  ["acl-add", "sw1", "to-lport", "-1", "ip", "drop"],
  ["acl-add", "sw1", "to-lport", "abc", "ip", "drop"],
  ["acl-add", "sw1", "to-lport", "100", "ip", "foo"],
  ["acl-add", "nosuch", "to-lport", "100", "ip", "drop"],
  ["acl-add", "dup", "to-lport", "100", "ip", "drop"],
  ["--type=foo", "acl-add", "sw1", "to-lport", "100", "ip", "drop"],
  ["--severity=foo", "acl-add", "sw1", "to-lport", "100", "ip", "drop"],
  ["acl-del", "sw1", "bad"],
  ["acl-del", "sw1", "to-lport", "100"],
  ["acl-del", "nosuch"],
  ["acl-list", "nosuch"],
  ["acl-add", "sw1", "to-lport", "100", "ip"],
  ["acl-add", "sw1", "to-lport", "100", "ip", "drop", "extra"],
  ["ls-add"],
  ["ls-del"],
  ["ls-del", "a", "b"],
  ["ls-list", "x"],
  ["lsp-add", "sw1"],
  ["lsp-add", "sw1", "p9", "parent"],
  ["lsp-add", "sw1", "p9", "p1", "abc"],
  ["lsp-add", "sw1", "p9", "p1", "5000"],
  ["lsp-list", "nosuch"],
  ["lsp-get-addresses", "nosuch"],
  ["lsp-set-enabled", "p1", "foo"],
  ["lsp-set-enabled", "nosuch", "enabled"],
  ["lsp-get-enabled", "nosuch"],
  ["lsp-set-type", "nosuch", "router"],
  ["lsp-set-options", "p1", "foo"],
  ["lsp-set-options", "nosuch", "a=b"],
  ["lsp-get-tag", "nosuch"],
  ["lsp-get-ls", "nosuch"],
  ["lsp-set-dhcpv4-options", "p1", "bad"],
  ["lsp-set-dhcpv4-options", "nosuch"],
  ["lsp-get-dhcpv4-options", "nosuch"],
  ["lsp-set-port-security", "nosuch", "a"],
  ["lr-add", "a", "b"],
  ["lr-list", "nosuch"],
  ["lrp-list", "nosuch"],
  ["lrp-set-enabled", "lrp1", "foo"],
  ["lrp-set-enabled", "nosuch", "enabled"],
  ["lrp-get-enabled", "nosuch"],
  ["lrp-set-gateway-chassis", "nosuch", "ch1"],
  ["lrp-set-gateway-chassis", "lrp1", "ch1", "abc"],
  ["lrp-set-gateway-chassis", "lrp1", "ch1", "40000"],
  ["lrp-del-gateway-chassis", "lrp1", "nosuch"],
  ["lrp-del-gateway-chassis", "nosuch", "ch1"],
  ["lrp-get-gateway-chassis", "nosuch"],
  ["lr-policy-add", "lr1", "abc", "ip4", "drop"],
  ["lr-policy-add", "lr1", "40000", "ip4", "drop"],
  ["lr-policy-add", "lr1", "100", "ip4", "foo"],
  ["lr-policy-add", "lr1", "100", "ip4", "reroute"],
  ["lr-policy-add", "lr1", "100", "ip4", "reroute", "bad"],
  ["lr-policy-add", "nosuch", "100", "ip4", "drop"],
  ["lr-policy-add", "lr1", "100", "ip4", "drop", "foo"],
  ["lr-policy-del", "lr1", "abc"],
  ["lr-policy-del", "lr1", "100"],
  ["lr-policy-del", "nosuch"],
  ["lr-policy-list", "nosuch"],
  ["qos-add", "sw1", "bad", "100", "ip", "rate=100"],
  ["qos-add", "sw1", "to-lport", "abc", "ip", "rate=100"],
  ["qos-add", "sw1", "to-lport", "100", "ip"],
  ["qos-add", "sw1", "to-lport", "100", "ip", "rate=abc"],
  ["qos-add", "sw1", "to-lport", "100", "ip", "foo=1"],
  ["qos-add", "nosuch", "to-lport", "100", "ip", "rate=100"],
  ["qos-del", "nosuch"],
  ["qos-list", "nosuch"],
  ["lb-add", "lb2", "bad", "10.0.0.2"],
  ["lb-add", "lb2", "10.0.0.10:80", "10.0.0.2"],
  ["lb-add", "lb2", "10.0.0.10", "10.0.0.2:80"],
  ["lb-add", "lb2", "10.0.0.10:80", "10.0.0.2:80", "foo"],
  ["lb-add", "lb1", "10.0.0.10:80", "10.0.0.3:80"],
  ["lb-add", "lb2", "10.0.0.10:99999", "10.0.0.2:80"],
  ["lb-del", "nosuch"],
  ["lb-del", "lb1", "10.9.9.9:80"],
  ["ls-lb-add", "nosuch", "lb1"],
  ["ls-lb-add", "sw1", "nosuch"],
  ["ls-lb-del", "nosuch"],
  ["ls-lb-del", "sw1", "nosuch"],
  ["ls-lb-list", "nosuch"],
  ["lr-lb-add", "nosuch", "lb1"],
  ["lr-lb-add", "lr1", "nosuch"],
  ["lr-lb-del", "lr1", "nosuch"],
  ["lr-lb-list", "nosuch"],
  ["pg-add", "pg2", "nosuch"],
  ["pg-del", "nosuch"],
  ["pg-set-ports", "nosuch", "p1"],
  ["pg-set-ports", "pg1", "nosuch"],
  ["ha-chassis-group-del", "nosuch"],
  ["ha-chassis-group-add-chassis", "nosuch", "ch1", "10"],
  ["ha-chassis-group-add-chassis", "hg1", "ch1", "abc"],
  ["ha-chassis-group-remove-chassis", "hg1", "nosuch"],
  ["ha-chassis-group-remove-chassis", "nosuch", "ch1"],
  ["meter-add", "m1", "foo", "100", "kbps"],
  ["meter-add", "m1", "drop", "abc", "kbps"],
  ["meter-add", "m1", "drop", "100", "foo"],
  ["meter-add", "m1", "drop", "100", "kbps", "abc"],
  ["meter-del", "nosuch"],
  ["mirror-add", "mir1", "foo", "1", "to-lport", "10.0.0.1"],
  ["mirror-add", "mir1", "gre", "abc", "to-lport", "10.0.0.1"],
  ["mirror-add", "mir1", "gre", "1", "foo", "10.0.0.1"],
  ["mirror-add", "mir1", "gre", "1", "to-lport", "bad"],
  ["mirror-del", "nosuch"],
  ["lsp-attach-mirror", "p1", "nosuch"],
  ["lsp-attach-mirror", "nosuch", "mir1"],
  ["dhcp-options-create", "bad"],
  ["dhcp-options-del", "bad"],
  ["dhcp-options-set-options", "bad", "a=b"],
  ["dhcp-options-get-options", "bad"],
  ["show", "nosuch"],
  ["list", "NoSuchTable"],
  ["list", "Logical_Switch", "nosuch"],
  ["get", "Logical_Switch", "sw1", "nosuchcol"],
  ["set", "Logical_Switch", "nosuch", "name=x"],
  ["set", "Logical_Switch", "sw1", "name"],
  ["destroy", "Logical_Switch", "nosuch"],
  ["create", "Logical_Switch", "nosuchcol=1"],
  ["find", "Logical_Switch", "name"],
  ["--foo", "ls-list"],
  ["ls-list", "--", "--"],
  ["--may-exist", "ls-list"],
  ["--if-exists", "ls-add", "x"],
  ["--wait=foo", "ls-list"],
  [],
  ["lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.2"],
  ["lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.3"],
  ["--policy=src-ip", "lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.3"],
  ["--policy=src-ip", "lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.4"],
  ["lr-route-add", "lr1", "10.0.0.0/24", "10.0.0.2", "lrp1", "extra"],
  ["lr-route-add", "lr1", "fd00::/64", "bad"],
  ["lr-route-add", "lr1", "10.0.0.0/33", "10.0.0.2"],
  ["lr-route-del", "lr1", "10.0.0.0/24", "10.9.9.9"],
  ["lr-route-del", "lr1", "10.0.0.0/24", "bad"],
  ["lr-route-del", "lr1", "10.0.0.0/24", "10.0.0.2", "nosuch"],
  ["--policy=foo", "lr-route-del", "lr1"],
  ["--bfd", "lr-route-add", "lr1", "10.3.0.0/16", "10.0.0.7"],
  ["--bfd=nosuch", "lr-route-add", "lr1", "10.3.0.0/16", "10.0.0.7", "lrp1"],
  ["lr-nat-add", "lr1", "snat", "10.0.0.1", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "snat", "10.0.0.1", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "snat", "10.0.0.5", "10.0.0.0/24"],
  ["lr-nat-add", "lr1", "dnat", "10.0.0.6", "10.0.0.3"],
  ["lr-nat-add", "lr1", "dnat", "10.0.0.6", "10.0.0.4"],
  ["lr-nat-add", "lr1", "dnat_and_snat", "10.0.0.7", "10.0.0.2", "p1", "00:00:00:00:00:07", "extra"],
  ["lr-nat-add", "lr1", "dnat_and_snat", "fd00::7", "10.0.0.2"],
  ["lr-nat-del", "lr1", "snat", "10.9.9.9"],
  ["lr-nat-del", "lr1", "dnat", "10.9.9.9"],
  ["acl-add", "sw1", "to-lport", "100", "ip", "drop"],
  ["acl-add", "sw1", "to-lport", "100", "ip", "drop"],
  ["acl-add", "pg1", "to-lport", "100", "ip", "drop"],
  ["acl-add", "pg1", "to-lport", "100", "ip", "drop"],
  ["qos-add", "sw1", "to-lport", "100", "ip", "rate=5"],
  ["qos-add", "sw1", "to-lport", "100", "ip", "rate=6"],
  ["qos-add", "sw1", "to-lport", "100", "ip", "dscp=64"],
  ["qos-add", "sw1", "to-lport", "100", "ip", "burst=0"],
  ["lr-policy-add", "lr1", "10", "ip4", "drop"],
  ["lr-policy-add", "lr1", "10", "ip4", "drop"],
  ["lr-policy-add", "lr1", "10", "ip4", "allow"],
  ["lb-add", "lb2", "10.0.0.10", "fd00::1"],
  ["lb-add", "lb2", "[fd00::1]:80", "10.0.0.1:80"],
  ["lsp-add", "sw1", "p1", "--", "lsp-add", "sw1", "p1"],
  ["ls-list", "--", "--may-exist", "ls-list"],
  ["ls-list", "--", "--foo", "ls-list"],
  ["ls-list", "extra", "-x"],
  ["--timeout=5x", "ls-list"],
  ["--timeout=0", "ls-list"],
  ["--db"],
  ["--"],
  ["ls-add", "sw9", "--", "lsp-add", "sw9", "p9", "--", "lsp-add", "sw9", "p9"],
  ["lsp-add", "sw1", "p1"],
  ["lrp-add", "lr1", "lrp1", "00:00:00:00:00:01", "10.0.0.1/24"],
  ["lrp-add", "lr1", "lrp1", "00:00:00:00:00:02", "10.0.0.1/24"],
  ["--may-exist", "lrp-add", "lr1", "lrp1", "00:00:00:00:00:02", "10.0.0.1/24"],
  ["lsp-add", "lr1", "x"],
  ["ls-lb-add", "sw1", "lb1", "--", "ls-lb-add", "sw1", "lb1"],
  ["lr-lb-add", "lr1", "lb1"],
  ["lsp-set-type", "p1"],
  ["pg-set-ports", "pg1"],
  ["mirror-add", "mir9", "gre", "1", "to-lport"],
  ["meter-add", "m1", "drop", "100", "kbps"],
  ["meter-add", "m1", "drop", "100", "kbps"],
  ["meter-add", "m2", "drop", "0", "kbps"],
  ["get", "Logical_Switch", "sw1", "other_config:nokey"],
  ["remove", "Logical_Switch", "sw1", "nocol", "x"],
  ["clear", "Logical_Switch", "sw1", "nocol"],
  ["list", "Logical_Switch_Port", "nosuch"],
  ["--if-exists", "get", "Logical_Switch", "nosuch", "name"],
  ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2", "--", "lsp-set-addresses", "p2", "00:00:00:00:00:02 10.0.0.2"],
  ["lsp-set-addresses", "p1", "00:00:00:00:00:01 10.0.0.2"],
  ["lsp-set-addresses", "p2", "00:00:00:00:00:02 10.0.0.2"],
];

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("nbctl error messages and statuses against ovn-nbctl", () => {
  let a: OvsdbServerSandbox;
  let b: OvsdbServerSandbox;
  beforeAll(async () => {
    [a, b] = await Promise.all([startOvsdbServer({ schemas: ["OVN_Northbound"] }), startOvsdbServer({ schemas: ["OVN_Northbound"] })]);
    for (const s of [a, b]) await run("ovn-nbctl", [`--db=${s.unix}`, ...SETUP]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it(`${CASES.length} invocations: same stderr, status and output as ovn-nbctl`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    // ovn-nbctl's side runs as one shell script (a process per invocation, as scripts do), each result in files.
    const dir = mkdtempSync(join(tmpdir(), "nbctl-errors-"));
    try {
      const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
      const script = CASES.map((args, i) => `ovn-nbctl ${q(`--db=${a.unix}`)} ${args.map(q).join(" ")} >${dir}/${i}.out 2>${dir}/${i}.err; echo $? >${dir}/${i}.rc`).join("\n");
      await run("sh", ["-c", script]);
      const mismatches: string[] = [];
      for (const [i, args] of CASES.entries()) {
        const io = memoryIo();
        const code = await main(["nbctl", `--db=${b.unix}`, ...args], io);
        const mine = { err: io.stderr.replace(/^ovn-ts nbctl:/gm, "ovn-nbctl:"), code, out: io.stdout.replace(UUID, "<uuid>") };
        const read = (ext: string) => readFileSync(join(dir, `${i}.${ext}`), "utf8");
        const want = { err: read("err").replace(VLOG, ""), code: Number(read("rc")), out: read("out").replace(UUID, "<uuid>") };
        if (JSON.stringify(mine) !== JSON.stringify(want)) mismatches.push(`ovn-nbctl ${args.join(" ")}\n  ovn-ts:    ${JSON.stringify(mine)}\n  ovn-nbctl: ${JSON.stringify(want)}`);
      }
      expect(mismatches).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
