/**
 * The embedded server's `pssl:` listener with real TLS clients: `ovsdb-client` and `ovn-nbctl`
 * with `-p/-c/-C`, our OvsdbClient, and the CLI (`ovn-ts server --remote pssl:...`); a client whose
 * certificate another CA signed is refused, as ovsdb-server refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../../src/cli/io.js";
import { parseServerArgs, startServerFromArgs } from "../../../src/cli/server.js";
import { ConnectionClosedError, OvsdbClient, bundledSchema } from "../../../src/ovsdb/index.js";
import { OvsdbServer } from "../../../src/ovsdb/server/index.js";
import { startOvsdbServer } from "../../../src/testing/ovsdb-server.js";
import { makeTempDir, removeDir, run } from "../../../src/testing/process.js";
import { type TestPki, makePki } from "../../support/certs.js";
import { peers } from "../../support/peers.js";

describe("pssl: listener argument checks", () => {
  it("needs a key, a certificate and a CA certificate", async () => {
    const server = new OvsdbServer();
    await expect(server.listen("pssl:0:127.0.0.1")).rejects.toThrow("pssl:0:127.0.0.1: pssl: needs TLS options (private key, certificate, CA certificate missing)");
    const missing = new OvsdbServer({ tls: { privateKey: "/nonexistent/key.pem", certificate: "c.pem", caCert: "ca.pem" } });
    await expect(missing.listen("pssl:0:127.0.0.1")).rejects.toThrow(/^pssl:0:127\.0\.0\.1: cannot read the private key \/nonexistent\/key\.pem: ENOENT/);
    await missing.close();
    await server.close();
    expect(() => parseServerArgs(["--schema", "OVN_Northbound", "--remote", "pssl:0", "-p", "k.pem"])).toThrow("pssl: remotes need --certificate, --ca-cert");
    expect(parseServerArgs(["--schema=A", "--remote=pssl:0", "-p", "k", "--certificate=c", "-C", "ca"])).toMatchObject({ tls: { privateKey: "k", certificate: "c", caCert: "ca" } });
  });
});

describe.skipIf(!peers("openssl", "ovsdb-server", "ovsdb-client", "ovn-nbctl"))("pssl: listener with real TLS clients", () => {
  let dir: string;
  let good: TestPki;
  let other: TestPki;
  let server: OvsdbServer;
  let remote: string;

  beforeAll(async () => {
    dir = makeTempDir("ovn-ts-pssl-");
    good = makePki(dir, "good");
    other = makePki(dir, "other");
    server = new OvsdbServer({ tls: { privateKey: good.serverKey, certificate: good.serverCert, caCert: good.caCert } });
    server.addDatabase(bundledSchema("OVN_Northbound"));
    const l = await server.listen("pssl:0:127.0.0.1");
    expect(l.bound).toMatch(/^pssl:\d+:127\.0\.0\.1$/);
    remote = l.connect;
  });
  afterAll(async () => {
    await server?.close();
    if (dir) removeDir(dir);
  });

  it("serves ovsdb-client -p/-c/-C", async () => {
    const r = await run("ovsdb-client", ["-p", good.clientKey, "-c", good.clientCert, "-C", good.caCert, "list-dbs", remote]);
    expect(r).toMatchObject({ code: 0, stdout: "OVN_Northbound\n_Server\n" });
  });

  it("serves ovn-nbctl over ssl:", async () => {
    const db = ["--db", remote, "-p", good.clientKey, "-c", good.clientCert, "-C", good.caCert];
    await run("ovn-nbctl", [...db, "ls-add", "sw0", "--", "lsp-add", "sw0", "p1"]);
    const r = await run("ovn-nbctl", [...db, "show"]);
    expect(r.stdout).toMatch(/^switch [0-9a-f-]{36} \(sw0\)\n {4}port p1\n$/);
  });

  it("serves our OvsdbClient over ssl:", async () => {
    const c = await OvsdbClient.connect(remote, { reconnect: false, tls: { privateKey: good.clientKey, certificate: good.clientCert, caCert: good.caCert } });
    expect(await c.listDbs()).toEqual(["OVN_Northbound", "_Server"]);
    c.close();
  });

  it("refuses a client whose certificate another CA signed, as ovsdb-server does (ovsdb-client and OvsdbClient)", async () => {
    // The client trusts the server's CA, so only the server's check of the client's certificate can refuse it.
    const refused = async (at: string) => {
      const r = await run("ovsdb-client", ["-p", other.clientKey, "-c", other.clientCert, "-C", good.caCert, "list-dbs", at], { allowFailure: true });
      // The errno after the server's alert varies from run to run on both servers (EPIPE, EIO, ECONNRESET).
      return { code: r.code, stdout: r.stdout, last: r.stderr.trim().split("\n").at(-1)?.replace(/\(.*\)$/, "(<errno>)") };
    };
    const real = await startOvsdbServer({ schemas: ["OVN_Northbound"], ssl: { privateKey: good.serverKey, certificate: good.serverCert, caCert: good.caCert } });
    try {
      expect(await refused(remote)).toEqual(await refused(real.ssl!));
    } finally {
      await real.stop();
    }
    expect(await refused(remote)).toEqual({ code: 1, stdout: "", last: "ovsdb-client: transaction failed (<errno>)" });
    const e = await OvsdbClient.connect(remote, { reconnect: false, tls: { privateKey: other.clientKey, certificate: other.clientCert, caCert: good.caCert } })
      .then(async (c) => {
        // TLS 1.3: the server's refusal arrives after the client's handshake completes.
        try {
          await c.listDbs();
        } finally {
          c.close();
        }
      })
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e).toBeInstanceOf(ConnectionClosedError);
  });

  it("refuses a client without a certificate", async () => {
    const c = await OvsdbClient.connect(remote, { reconnect: false, tls: { caCert: good.caCert } });
    await expect(c.listDbs()).rejects.toBeInstanceOf(ConnectionClosedError);
    c.close();
  });

  it("ovn-ts server --remote pssl:... with -p/-c/-C", async () => {
    const io = memoryIo();
    const args = parseServerArgs(["--schema", "OVN_Northbound", "--remote", "pssl:0:127.0.0.1", "-p", good.serverKey, "-c", good.serverCert, "-C", good.caCert]);
    if (args === "help") throw new Error("unexpected help");
    const running = await startServerFromArgs(args, io);
    try {
      expect(io.stdout).toMatch(/^listening on pssl:\d+:127\.0\.0\.1 \(connect with ssl:127\.0\.0\.1:\d+\)\n/);
      const r = await run("ovsdb-client", ["-p", good.clientKey, "-c", good.clientCert, "-C", good.caCert, "list-dbs", running.remotes[0]!]);
      expect(r.stdout).toBe("OVN_Northbound\n_Server\n");
    } finally {
      await running.stop();
    }
  });
});
