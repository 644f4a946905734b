import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectError, NoRemoteError, OvsdbClient } from "../../../src/ovsdb/index.js";
import { memoryIo } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/main.js";
import { type OvsdbServerSandbox, makeTempDir, removeDir, startOvsdbServer } from "../../../src/testing/index.js";
import { type TestPki, makePki } from "../../support/certs.js";
import { peers } from "../../support/peers.js";

describe.skipIf(!peers("ovsdb-server", "openssl"))("TLS (ssl:) against ovsdb-server --remote=pssl", () => {
  let dir: string;
  let good: TestPki;
  let other: TestPki;
  let server: OvsdbServerSandbox;

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-pki-");
    good = makePki(dir, "good");
    other = makePki(dir, "other");
    server = await startOvsdbServer({
      schemas: ["OVN_Northbound"],
      ssl: { privateKey: good.serverKey, certificate: good.serverCert, caCert: good.caCert },
    });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it("connects with the right CA and a client certificate", async () => {
    const c = await OvsdbClient.connect(server.ssl!, {
      reconnect: false,
      tls: { privateKey: good.clientKey, certificate: good.clientCert, caCert: good.caCert },
    });
    expect(await c.listDbs()).toContain("OVN_Northbound");
    c.close();
  });

  it("refuses a server whose certificate another CA signed, with a clear error", async () => {
    const e = await OvsdbClient.connect(server.ssl!, {
      reconnect: false,
      tls: { privateKey: other.clientKey, certificate: other.clientCert, caCert: other.caCert },
    }).then(
      () => undefined,
      (x: NoRemoteError) => x,
    );
    expect(e).toBeInstanceOf(NoRemoteError);
    const cause = e!.attempts[0]!.error;
    expect(cause).toBeInstanceOf(ConnectError);
    expect(cause.message).toMatch(/^ssl:127\.0\.0\.1:\d+: TLS certificate verification failed \(/);
  });

  it("requires a CA certificate for ssl: remotes", async () => {
    const e = await OvsdbClient.connect(server.ssl!, { reconnect: false }).then(
      () => undefined,
      (x: NoRemoteError) => x,
    );
    expect(e!.attempts[0]!.error.message).toMatch(/need a CA certificate/);
  });

  it("works from the CLI with ovsdb-client's -p/-c/-C options", async () => {
    const io = memoryIo();
    const code = await main(["ovsdb", "-p", good.clientKey, "-c", good.clientCert, "-C", good.caCert, "list-dbs", server.ssl!], io);
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    expect(io.stdout).toBe("OVN_Northbound\n_Server\n");
  });
});
