import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OvsdbServerSandbox, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";
import * as ex from "./ovsdb-examples.js";

function regions(file: string): Map<string, string> {
  const text = readFileSync(new URL(file, import.meta.url), "utf8");
  const out = new Map<string, string>();
  for (const m of text.matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\/\/ #endregion \1/g)) out.set(m[1]!, m[2]!.trimEnd());
  return out;
}

describe("docs/ovsdb.md", () => {
  it("shows exactly the compiled samples", () => {
    const guide = readFileSync(new URL("../../docs/ovsdb.md", import.meta.url), "utf8");
    const rs = regions("./ovsdb-examples.ts");
    expect(rs.size).toBeGreaterThanOrEqual(8);
    for (const [name, code] of rs) expect(guide, `region ${name}`).toContain("```ts\n" + code + "\n```");
  });

  describe.skipIf(!peers("ovsdb-server"))("samples run against ovsdb-server", () => {
    let server: OvsdbServerSandbox;
    beforeAll(async () => {
      server = await startOvsdbServer({ schemas: ["OVN_Northbound"] });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("run", async () => {
      const client = await ex.connect(server.unix);
      const seen: string[] = [];
      await ex.watchSwitches(client, seen);
      expect(await ex.addSwitchRaw(client)).toMatch(/^[0-9a-f-]{36}$/);
      expect(await ex.showErrors(client)).toBe(
        "constraint violation in operation 0 (insert ACL): allow-everything is not one of the allowed values ([allow, allow-related, allow-stateless, drop, reject])",
      );
      await ex.addSwitchTyped(client);
      const replica = await ex.replicate(client);
      expect(await ex.usePods(replica)).toBe(1);
      expect([...replica.rows("Logical_Switch_Port")][0]!.external_ids.get("restarts")).toBe("1");
      await expect.poll(() => seen.length).toBeGreaterThanOrEqual(3);
      const { reader, writer } = await ex.clusterClients(server.unix);
      reader.close();
      writer.close();
      await replica.close();
      client.close();
    });
  });
});
