/**
 * Differential test of the IC northbound transit switch API against `ovn-ic-nbctl`: the same script
 * (adds, `--may-exist` adds, deletes, `--if-exists` deletes, and the failing ones) runs through
 * `IcTransaction` on one fresh OVN_IC_Northbound server and through `ovn-ic-nbctl` on another;
 * after every step both succeed or both fail, and `ovn-ic-nbctl ts-list` / `show` / `list
 * Transit_Switch` print the same (UUIDs normalized). Our `ts-list` renderer must print what
 * `ovn-ic-nbctl ts-list` prints on the API's server, UUIDs included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { IcTransaction, OvnAlreadyExistsError, OvnNotFoundError, renderTransitSwitchList, transitSwitches } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, installedSchemaFile, requirePeers, run, startOvsdbServer } from "../../src/testing/index.js";

interface Step {
  /** The `ovn-ic-nbctl` arguments. */
  readonly cmd: readonly string[];
  /** The same through the API. */
  readonly api: (tx: IcTransaction) => Promise<unknown>;
  /** The API's error class when the step must fail. */
  readonly fails?: typeof OvnAlreadyExistsError | typeof OvnNotFoundError;
}

const STEPS: readonly Step[] = [
  { cmd: ["ts-add", "ts1"], api: (tx) => tx.transitSwitchAdd("ts1") },
  { cmd: ["ts-add", "ts2"], api: (tx) => tx.transitSwitchAdd("ts2") },
  { cmd: ["--may-exist", "ts-add", "ts1"], api: (tx) => tx.transitSwitchAdd("ts1", { mayExist: true }) },
  { cmd: ["ts-add", "ts1"], api: (tx) => tx.transitSwitchAdd("ts1"), fails: OvnAlreadyExistsError },
  { cmd: ["ts-add", "ts-b"], api: (tx) => tx.transitSwitchAdd("ts-b") },
  { cmd: ["ts-add", "TS-a"], api: (tx) => tx.transitSwitchAdd("TS-a") },
  { cmd: ["ts-del", "ts2"], api: (tx) => tx.transitSwitchDel("ts2") },
  { cmd: ["ts-del", "ts2"], api: (tx) => tx.transitSwitchDel("ts2"), fails: OvnNotFoundError },
  { cmd: ["--if-exists", "ts-del", "ts2"], api: (tx) => tx.transitSwitchDel("ts2", { ifExists: true }) },
  { cmd: ["ts-add", "ts2"], api: (tx) => tx.transitSwitchAdd("ts2") },
  { cmd: ["ts-del", "ts1"], api: (tx) => tx.transitSwitchDel("ts1") },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const normalize = (s: string) => s.replace(UUID, "<uuid>");
/** `list` output with its records sorted (ovn-ic-nbctl prints them in hash order). */
const records = (s: string) => normalize(s).split("\n\n").map((r) => r.trim()).filter((r) => r !== "").sort();

describe.skipIf(!requirePeers(["ovsdb-tool", "ovsdb-server", "ovn-ic-nbctl"]))("IC northbound transit switches: IcTransaction vs ovn-ic-nbctl, step by step", () => {
  let apiServer: OvsdbServerSandbox;
  let toolServer: OvsdbServerSandbox;
  let client: OvsdbClient;
  const ctl = async (server: OvsdbServerSandbox, ...args: string[]) => run("ovn-ic-nbctl", [`--db=${server.unix}`, "--timeout=10", ...args], { allowFailure: true });

  beforeAll(async () => {
    const schema = installedSchemaFile("OVN_IC_Northbound");
    [apiServer, toolServer] = await Promise.all([startOvsdbServer({ schema }), startOvsdbServer({ schema })]);
    client = await OvsdbClient.connect(apiServer.unix);
  });
  afterAll(async () => {
    client?.close();
    await apiServer?.stop();
    await toolServer?.stop();
  });

  it("leaves both databases alike after every step, and prints ts-list as ovn-ic-nbctl does", async () => {
    for (const [i, step] of STEPS.entries()) {
      const label = `step ${i} (${step.cmd.join(" ")})`;
      const tool = await ctl(toolServer, ...step.cmd);
      const tx = new IcTransaction(client);
      let apiError: unknown;
      try {
        await step.api(tx);
        await tx.commit();
      } catch (e) {
        apiError = e;
      }
      if (step.fails) {
        expect(tool.code, label).not.toBe(0);
        expect(apiError, label).toBeInstanceOf(step.fails);
        // Both name the switch.
        const name = step.cmd.at(-1)!;
        expect(tool.stderr, label).toContain(name);
        expect((apiError as Error).message, label).toContain(`transit switch ${name}`);
      } else {
        expect(tool.code, `${label}: ${tool.stderr}`).toBe(0);
        expect(apiError, label).toBeUndefined();
      }
      const [apiList, toolList] = await Promise.all([ctl(apiServer, "ts-list"), ctl(toolServer, "ts-list")]);
      expect(normalize(apiList.stdout), label).toBe(normalize(toolList.stdout));
      expect(renderTransitSwitchList(await transitSwitches(client)), label).toBe(apiList.stdout);
    }
    // The script ends with three switches: the comparisons compared something.
    expect((await transitSwitches(client)).map((t) => t.name)).toEqual(["TS-a", "ts-b", "ts2"]);
    const [apiShow, toolShow] = await Promise.all([ctl(apiServer, "show"), ctl(toolServer, "show")]);
    expect(toolShow.stdout).toContain("ts-b");
    expect(apiShow.stdout.split("\n").sort()).toEqual(toolShow.stdout.split("\n").sort());
    const [apiRows, toolRows] = await Promise.all([ctl(apiServer, "list", "Transit_Switch"), ctl(toolServer, "list", "Transit_Switch")]);
    expect(records(apiRows.stdout)).toHaveLength(3);
    expect(records(apiRows.stdout)).toEqual(records(toolRows.stdout));
  });
});
