/**
 * The OVS Python IDL (python3-openvswitch, written by the OVS project) against the embedded
 * server: it monitors with monitor_cond_since, commits a transaction with its own `wait`/verify
 * machinery, and sees its own and another client's changes.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bundledSchema, bundledSchemaPath } from "../../../src/ovsdb/schema/bundled.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { makeTempDir, removeDir, run } from "../../../src/testing/process.js";
import { DEBIAN_PYTHON, havePeer, peers } from "../../support/peers.js";

const SCRIPT = `
import sys, time
import ovs.db.idl, ovs.poller
remote, schema = sys.argv[1], sys.argv[2]
helper = ovs.db.idl.SchemaHelper(location=schema)
helper.register_all()
idl = ovs.db.idl.Idl(remote, helper)
def run_until(cond, what):
    deadline = time.time() + 20
    while not cond():
        if time.time() > deadline:
            raise SystemExit("timed out waiting for " + what)
        idl.run()
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(100)
        poller.block()
run_until(lambda: idl.has_ever_connected() and idl.change_seqno > 0, "initial contents")
txn = ovs.db.idl.Transaction(idl)
ls = txn.insert(idl.tables["Logical_Switch"])
ls.name = "from-python"
ls.external_ids = {"who": "idl"}
status = txn.commit_block()
print("commit", ovs.db.idl.Transaction.status_to_string(status))
names = lambda: sorted(r.name for r in idl.tables["Logical_Switch"].rows.values())
run_until(lambda: "from-python" in names(), "own insert")
run_until(lambda: "from-nbctl" in names(), "other client's insert")
print("switches", ",".join(names()))
row = [r for r in idl.tables["Logical_Switch"].rows.values() if r.name == "from-python"][0]
txn = ovs.db.idl.Transaction(idl)
row.verify("external_ids")
row.external_ids = {"who": "idl", "step": "2"}
print("update", ovs.db.idl.Transaction.status_to_string(txn.commit_block()))
idl.close()
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

describe.skipIf(!(havePeer(DEBIAN_PYTHON) && peers("ovn-nbctl")))("OVS Python IDL against the embedded server", () => {
  it("connects, monitors, commits and sees updates", async () => {
    const dir = makeTempDir("ovn-ts-pyidl-");
    dirs.push(dir);
    const server = new OvsdbServer();
    server.addDatabase(bundledSchema("OVN_Northbound"));
    const { connect } = await server.listen(`punix:${join(dir, "nb.sock")}`);
    try {
      const py = run(DEBIAN_PYTHON, ["-c", SCRIPT, connect, bundledSchemaPath("OVN_Northbound")], { timeoutMs: 40_000, allowFailure: true });
      // Another client's change while the IDL is running.
      await new Promise((r) => setTimeout(r, 1000));
      await run("ovn-nbctl", [`--db=${connect}`, "ls-add", "from-nbctl"]);
      const r = await py;
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("commit success");
      expect(r.stdout).toContain("switches from-nbctl,from-python");
      expect(r.stdout).toContain("update success");
      const ext = await run("ovn-nbctl", [`--db=${connect}`, "get", "Logical_Switch", "from-python", "external_ids"]);
      expect(ext.stdout.trim()).toBe('{step="2", who=idl}');
    } finally {
      await server.close();
    }
  });
});
