import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OvsdbClient } from "../../src/ovsdb/client/index.js";
import { OvnAlreadyExistsError, OvsNode } from "../../src/ovn/index.js";
import { type OvsdbServerSandbox, run, startOvsdbServer } from "../../src/testing/index.js";
import { peers } from "../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "ovsdb-tool", "ovs-vsctl"))("node side on the Open_vSwitch model (real ovsdb-server, read back with ovs-vsctl)", () => {
  let server: OvsdbServerSandbox;
  let client: OvsdbClient;
  const vsctl = async (...args: string[]) => (await run("ovs-vsctl", [`--db=${server.unix}`, "--no-wait", ...args])).stdout.trim();

  beforeAll(async () => {
    server = await startOvsdbServer({ schemas: ["Open_vSwitch"] });
    client = await OvsdbClient.connect(server.unix);
    await vsctl("init", "--", "add-br", "br-int", "--", "add-port", "br-int", "mirror0");
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it("attaches a pod interface with iface-id, polices it, adds QoS and a mirror, in one transaction", async () => {
    const node = new OvsNode(client);
    const tx = node.transaction();
    await tx.attachPodInterface("br-int", "abcd1234_h", { ifaceId: "pod1.ns1", mac: "0A:58:0A:10:00:05", pod: { name: "pod1", namespace: "ns1" } });
    await tx.setIngressPolicing("abcd1234_h", 1000, 100);
    await tx.setPortQos("abcd1234_h", 2_000_000);
    await tx.addPortMirror("br-int", "m0", { selectSrc: ["abcd1234_h"], selectDst: ["abcd1234_h"], output: "mirror0" });
    await tx.commit();
    expect(await vsctl("list-ports", "br-int")).toBe("abcd1234_h\nmirror0");
    expect(await vsctl("get", "Interface", "abcd1234_h", "external_ids:iface-id", "external_ids:attached-mac", "external_ids:pod_name", "ingress_policing_rate", "ingress_policing_burst")).toBe(
      'pod1.ns1\n"0a:58:0a:10:00:05"\npod1\n1000\n100',
    );
    expect(await vsctl("get", "QoS", (await vsctl("get", "Port", "abcd1234_h", "qos")), "type", "other_config:max-rate")).toBe('linux-htb\n"2000000"');
    expect(await vsctl("get", "Mirror", "m0", "output_port")).toBe(await vsctl("get", "Port", "mirror0", "_uuid"));
  });

  it("is idempotent with mayExist and detaches", async () => {
    const node = new OvsNode(client);
    const again = node.transaction();
    await expect(again.attachPodInterface("br-int", "abcd1234_h", { ifaceId: "pod1.ns1" })).rejects.toThrow(OvnAlreadyExistsError);
    await again.attachPodInterface("br-int", "abcd1234_h", { ifaceId: "pod1.ns1", mayExist: true, externalIds: { extra: "x" } });
    await again.commit();
    expect(await vsctl("get", "Interface", "abcd1234_h", "external_ids:iface-id", "external_ids:extra")).toBe("pod1.ns1\nx");
    const del = node.transaction();
    await del.detachInterface("br-int", "abcd1234_h");
    await del.detachInterface("br-int", "nope", { ifExists: true });
    await del.commit();
    expect(await vsctl("list-ports", "br-int")).toBe("mirror0");
  });
});
