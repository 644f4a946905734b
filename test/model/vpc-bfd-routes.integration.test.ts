/**
 * A VPC's static routes watched by BFD (`ecmpMode: ecmp_symmetric_reply`, `bfdId`) and dual-stack
 * `enableBfd`, as Kube-OVN's VPC controller writes them: the input checks; the planner (create,
 * no-op, change with its exact operations, removal, `--prune`) on each backend, the rows as
 * `ovn-nbctl` shows them; an NB schema without BFD refused before anything is sent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidManifestError, KUBE_OVN_IDENTITY, applyModel, existingAddresses, formatIssue, resolveModel } from "../../src/model/index.js";
import { NB_CONTROLLER_TABLES, NbController } from "../../src/ovn/controller/index.js";
import { OvnFeatureUnavailableError } from "../../src/ovn/index.js";
import { startOvsdbServer } from "../../src/testing/index.js";
import { BACKENDS, nbctl, opsText, recordingClient } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import { BFD_ROUTES, BFD_ROUTE_LIST, BFD_VPC, DUAL_BFD_VPC, EXTERNAL_BASE, KUBE_OVN_BFD_ID } from "./vpc-features-manifests.js";
import { applyOnce, changed as changedRefs, issuesOf, lines, manifestOf, useBackend } from "./fixture.js";

function resolveIssues(text: string): string[] {
  try {
    resolveModel(manifestOf(text));
    return [];
  } catch (e) {
    if (!(e instanceof InvalidManifestError)) throw e;
    return e.issues.map(formatIssue);
  }
}


/** `BFD` rows as `dst_ip logical_port`, sorted. */
async function sessions(db: string): Promise<string[]> {
  const out = await lines(db, "--bare", "--columns=dst_ip,logical_port", "list", "BFD");
  return out.reduce<string[]>((acc, l, i) => (i % 2 ? acc : [...acc, `${l} ${out[i + 1]}`]), []).sort();
}

/** Static routes as `prefix nexthop -> BFD dst_ip options`, the linked BFD row looked up by UUID, sorted. */
async function routeLinks(db: string): Promise<string[]> {
  const bfd = new Map<string, string>();
  const b = await lines(db, "--bare", "--columns=_uuid,dst_ip", "list", "BFD");
  for (let i = 0; i < b.length; i += 2) bfd.set(b[i]!, b[i + 1]!);
  const out: string[] = [];
  // --bare prints an empty column as an empty line (which lines() would drop): records are split on blank lines.
  const raw = (await nbctl(db, "--bare", "--columns=ip_prefix,nexthop,bfd,options", "list", "Logical_Router_Static_Route")).split("\n\n").map((rec) => rec.split("\n"));
  for (const [prefix, hop, link, options] of raw) {
    if (!prefix) continue;
    out.push(`${prefix} ${hop} -> ${link ? (bfd.get(link.trim()) ?? `dangling ${link}`) : "none"} ${options?.trim() || "{}"}`);
  }
  return out.sort();
}

describe("Vpc static routes with BFD: input", () => {
  it("reads the examples without issues", () => {
    for (const t of [BFD_ROUTES(), DUAL_BFD_VPC(", enableBfd: true"), DUAL_BFD_VPC(', enableBfd: true, staticRoutes: [{ cidr: "::/0", nextHopIP: "fd18::1", ecmpMode: ecmp_symmetric_reply }]')]) {
      expect(issuesOf(t)).toEqual([]);
      expect(resolveIssues(t)).toEqual([]);
    }
  });

  it("names every bad ecmpMode and bfdId as it is read", () => {
    const text = `apiVersion: kubeovn.io/v1
kind: Vpc
metadata: { name: vpc1 }
spec:
  staticRoutes:
    - { cidr: 10.4.0.0/16, nextHopIP: 10.1.0.1, ecmpMode: ecmp-symmetric }
    - { cidr: 10.5.0.0/16, nextHopIP: 10.1.0.1, bfdId: not-a-uuid, ecmpMode: ecmp_symmetric_reply }
    - { cidr: 10.6.0.0/16, nextHopIP: 10.1.0.1, bfdId: ${KUBE_OVN_BFD_ID} }
    - { cidr: 10.7.0.0/16, nextHopIP: 10.1.0.1, bfdId: ${KUBE_OVN_BFD_ID}, ecmpMode: ecmp }
    - { cidr: 10.8.0.0/16, nextHopIP: 10.1.0.1, ecmpMode: "" }
`;
    expect(issuesOf(text)).toEqual([
      'm.yaml:6 (document 1): vpc/vpc1: spec.staticRoutes.0.ecmpMode: invalid value "ecmp-symmetric": expected one of ecmp, ecmp_symmetric_reply',
      'm.yaml:7 (document 1): vpc/vpc1: spec.staticRoutes.1.bfdId: invalid value "not-a-uuid": not a UUID (the BFD row Kube-OVN links the route to)',
      `m.yaml:8 (document 1): vpc/vpc1: spec.staticRoutes.2.bfdId: invalid value "${KUBE_OVN_BFD_ID}": a BFD session is linked only from a route with ecmpMode ecmp_symmetric_reply`,
      `m.yaml:9 (document 1): vpc/vpc1: spec.staticRoutes.3.bfdId: invalid value "${KUBE_OVN_BFD_ID}": a BFD session is linked only from a route with ecmpMode ecmp_symmetric_reply`,
    ]);
  });

  it("checks a BFD route against the VPC: enableBfd, and a next hop in the external subnet", () => {
    const route = (hop: string, n = 3) => `, staticRoutes: [${[...BFD_ROUTE_LIST.slice(0, n), `{ cidr: 10.9.0.0/24, nextHopIP: ${hop}, ecmpMode: ecmp_symmetric_reply }`].join(", ")}]`;
    expect(resolveIssues(BFD_VPC(route("172.18.0.20")))).toEqual([
      'm.yaml:44 (document 10): vpc/vpc1: spec.staticRoutes.0.ecmpMode: invalid value "ecmp_symmetric_reply": a route watched by BFD needs spec.enableBfd (Kube-OVN makes these routes with it and removes them without it)',
      'm.yaml:44 (document 10): vpc/vpc1: spec.staticRoutes.1.ecmpMode: invalid value "ecmp_symmetric_reply": a route watched by BFD needs spec.enableBfd (Kube-OVN makes these routes with it and removes them without it)',
      'm.yaml:44 (document 10): vpc/vpc1: spec.staticRoutes.2.ecmpMode: invalid value "ecmp_symmetric_reply": a route watched by BFD needs spec.enableBfd (Kube-OVN makes these routes with it and removes them without it)',
      'm.yaml:44 (document 10): vpc/vpc1: spec.staticRoutes.3.ecmpMode: invalid value "ecmp_symmetric_reply": a route watched by BFD needs spec.enableBfd (Kube-OVN makes these routes with it and removes them without it)',
    ]);
    expect(resolveIssues(BFD_VPC(`, enableBfd: true${route("10.1.0.20", 0)}`))).toEqual([
      "m.yaml:44 (document 10): vpc/vpc1: spec.staticRoutes.0.nextHopIP: IP 10.1.0.20 is outside subnet external (172.18.0.0/24)",
    ]);
    // An IPv6 next hop needs a dual-stack external subnet.
    expect(resolveIssues(BFD_VPC(', enableBfd: true, staticRoutes: [{ cidr: "::/0", nextHopIP: "fd18::1", ecmpMode: ecmp_symmetric_reply }]'))).toEqual([
      "m.yaml:44 (document 10): vpc/vpc1: spec.staticRoutes.0.nextHopIP: IP fd18::1 is outside subnet external (172.18.0.0/24)",
    ]);
  });
});

describe.each(BACKENDS)("Vpc static routes with BFD on %s", (kind) => {
  const fx = useBackend(kind);

  it.skipIf(fx.skip)("BFD routes linked to their sessions; a re-apply sends nothing; a change sends exactly its operations; removal and --prune delete routes and sessions", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    const first = await applyOnce(db, manifestOf(BFD_ROUTES()));
    expect(changedRefs(first)).toContain("vpc/vpc1 created");
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual([
      "IPv4 Routes",
      "Route Table <main>:",
      "10.1.0.0/24 172.18.0.11 src-ip ecmp ecmp-symmetric-reply bfd",
      "10.1.0.0/24 172.18.0.12 src-ip ecmp ecmp-symmetric-reply bfd",
      "192.168.0.0/16 172.18.0.1 dst-ip",
      "0.0.0.0/0 172.18.0.1 dst-ip ecmp-symmetric-reply bfd",
    ]);
    // One session per next hop, the gateway's shared by enableBfd and the default route.
    expect(await sessions(db)).toEqual(['172.18.0.1 vpc1-external', '172.18.0.11 vpc1-external', '172.18.0.12 vpc1-external']);
    expect(await lines(db, "--columns=min_rx,min_tx,detect_mult,external_ids", "find", "BFD", "dst_ip=172.18.0.11")).toEqual(["min_rx : 100", "min_tx : 100", "detect_mult : 3", "external_ids : {vendor=kube-ovn, vpc=vpc1}"]);
    expect(await routeLinks(db)).toEqual([
      '0.0.0.0/0 100.64.0.1 -> none {}',
      '0.0.0.0/0 172.18.0.1 -> 172.18.0.1 ecmp_symmetric_reply=true',
      '10.1.0.0/24 172.18.0.11 -> 172.18.0.11 ecmp_symmetric_reply=true',
      '10.1.0.0/24 172.18.0.12 -> 172.18.0.12 ecmp_symmetric_reply=true',
      "192.168.0.0/16 172.18.0.1 -> none {}",
    ]);
    expect((await nbctl(db, "--bare", "--columns=external_ids", "find", "Logical_Router_Static_Route", "nexthop=172.18.0.11")).trim()).toBe("vendor=kube-ovn vpc=vpc1");

    expect((await applyOnce(db, manifestOf(BFD_ROUTES()))).sent).toEqual([]);

    // The second ECMP member goes (its session with it); the plain route becomes a BFD route on the gateway's session.
    const changed = await applyOnce(db, manifestOf(BFD_ROUTES([BFD_ROUTE_LIST[0]!, BFD_ROUTE_LIST[2]!, "{ cidr: 192.168.0.0/16, nextHopIP: 172.18.0.1, ecmpMode: ecmp_symmetric_reply }"])));
    expect(changedRefs(changed)).toEqual(["vpc/vpc1 configured"]);
    expect(changed.sent.length).toBe(1);
    expect(opsText(changed.sent[0]!)).toEqual([
      "wait Logical_Router_Static_Route _version",
      "mutate Logical_Router static_routes delete [<uuid>]",
      "update Logical_Router_Static_Route bfd=<uuid>",
      "mutate Logical_Router_Static_Route options insert {ecmp_symmetric_reply=true}",
      "delete BFD",
    ]);
    expect(await sessions(db)).toEqual(['172.18.0.1 vpc1-external', '172.18.0.11 vpc1-external']);
    expect(await routeLinks(db)).toEqual([
      '0.0.0.0/0 100.64.0.1 -> none {}',
      '0.0.0.0/0 172.18.0.1 -> 172.18.0.1 ecmp_symmetric_reply=true',
      '10.1.0.0/24 172.18.0.11 -> 172.18.0.11 ecmp_symmetric_reply=true',
      '192.168.0.0/16 172.18.0.1 -> 172.18.0.1 ecmp_symmetric_reply=true',
    ]);
    expect((await applyOnce(db, manifestOf(BFD_ROUTES([BFD_ROUTE_LIST[0]!, BFD_ROUTE_LIST[2]!, "{ cidr: 192.168.0.0/16, nextHopIP: 172.18.0.1, ecmpMode: ecmp_symmetric_reply }"])))).sent).toEqual([]);

    // Back to a plain route: the link and the option go, the gateway's session stays.
    const plain = await applyOnce(db, manifestOf(BFD_ROUTES([BFD_ROUTE_LIST[2]!, BFD_ROUTE_LIST[3]!])));
    expect(opsText(plain.sent[0]!).filter((o) => !o.startsWith("wait"))).toEqual([
      "mutate Logical_Router static_routes delete [<uuid>]",
      "update Logical_Router_Static_Route bfd=[]",
      "mutate Logical_Router_Static_Route options delete [ecmp_symmetric_reply]",
      "delete BFD",
    ]);
    expect(await sessions(db)).toEqual(['172.18.0.1 vpc1-external']);

    // enableBfd off and the routes gone: every session and route of the spec goes.
    const off = await applyOnce(db, manifestOf(BFD_VPC("")));
    expect(changedRefs(off)).toEqual(["vpc/vpc1 configured"]);
    expect(await sessions(db)).toEqual([]);
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual([]);
    expect((await applyOnce(db, manifestOf(BFD_VPC("")))).sent).toEqual([]);

    // --prune of the VPC: its routes and sessions go with it.
    await applyOnce(db, manifestOf(BFD_ROUTES()));
    const gone = await applyOnce(db, manifestOf(EXTERNAL_BASE.replace(/---\napiVersion: kubeovn.io\/v1\nkind: Subnet\nmetadata: \{ name: s1 \}\n[^\n]*\n/, "")), { prune: true });
    expect(changedRefs(gone)).toEqual(expect.arrayContaining(["vpc/vpc1 deleted"]));
    expect(await sessions(db)).toEqual([]);
    expect((await nbctl(db, "--bare", "--columns=nexthop", "list", "Logical_Router_Static_Route")).split(/\s+/).filter(Boolean)).toEqual(["100.64.0.1"]);
  });

  it.skipIf(fx.skip)("dual-stack enableBfd: one session per IP family of the external gateway; an IPv6 BFD route", { timeout: 90_000 }, async () => {
    const db = await fx.start();
    await applyOnce(db, manifestOf(DUAL_BFD_VPC(", enableBfd: true")));
    expect(await sessions(db)).toEqual(['172.18.0.1 vpc1-external', 'fd18::1 vpc1-external']);
    expect((await nbctl(db, "get", "Logical_Router_Port", "vpc1-external", "networks")).trim()).toMatch(/^\["172\.18\.0\.\d+\/24", "fd18::[0-9a-f]+\/64"\]$/);
    expect((await applyOnce(db, manifestOf(DUAL_BFD_VPC(", enableBfd: true")))).sent).toEqual([]);

    const v6 = DUAL_BFD_VPC(', enableBfd: true, staticRoutes: [{ cidr: "::/0", nextHopIP: "fd18::1", ecmpMode: ecmp_symmetric_reply }, { cidr: "::/0", nextHopIP: "fd18::2", ecmpMode: ecmp_symmetric_reply }]');
    const r = await applyOnce(db, manifestOf(v6));
    expect(changedRefs(r)).toEqual(["vpc/vpc1 configured"]);
    expect(await sessions(db)).toEqual(['172.18.0.1 vpc1-external', 'fd18::1 vpc1-external', 'fd18::2 vpc1-external']);
    expect(await lines(db, "lr-route-list", "vpc1")).toEqual(["IPv6 Routes", "Route Table <main>:", "::/0 fd18::1 dst-ip ecmp ecmp-symmetric-reply bfd", "::/0 fd18::2 dst-ip ecmp ecmp-symmetric-reply bfd"]);
    expect((await applyOnce(db, manifestOf(v6))).sent).toEqual([]);

    // Back to IPv4 only: the IPv6 sessions and routes go.
    const v4 = await applyOnce(db, manifestOf(BFD_VPC(", enableBfd: true")));
    expect(changedRefs(v4)).toEqual(["vpc/vpc1 configured"]);
    expect(await sessions(db)).toEqual(['172.18.0.1 vpc1-external']);
  });
});

describe.skipIf(!peers("ovsdb-server", "ovn-nbctl"))("BFD routes on an NB schema without BFD", () => {
  it("refuses with OvnFeatureUnavailableError, sending nothing; plain routes apply", { timeout: 60_000 }, async () => {
    // OVN 20.12 (NB 5.28.0): no BFD table, no static route `bfd` column (both came in 21.03); the route's `options` was there.
    const schema = JSON.parse(readFileSync("/usr/share/ovn/ovn-nb.ovsschema", "utf8")) as { version: string; cksum?: string; tables: Record<string, { columns: Record<string, unknown> }> };
    delete schema.tables["BFD"];
    delete schema.tables["Logical_Router_Static_Route"]!.columns["bfd"];
    schema.version = "5.28.0";
    delete schema.cksum;
    const dir = mkdtempSync(join(tmpdir(), "ovn-ts-nobfd-routes-"));
    const path = join(dir, "ovn-nb.ovsschema");
    writeFileSync(path, JSON.stringify(schema));
    const server = await startOvsdbServer({ schemas: [path] });
    try {
      const { client, sent } = await recordingClient(server.unix);
      const ctl = await NbController.open(client, { identity: KUBE_OVN_IDENTITY, tables: NB_CONTROLLER_TABLES });
      try {
        const model = resolveModel(manifestOf(BFD_ROUTES()), { existing: existingAddresses(ctl) });
        const e = await applyModel(ctl, model).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(OvnFeatureUnavailableError);
        expect((e as OvnFeatureUnavailableError).feature).toBe("BFD");
        expect((e as OvnFeatureUnavailableError).schemaVersion).toBe("5.28.0");
        expect(sent).toEqual([]);
      } finally {
        await ctl.close();
        client.close();
      }
      expect((await nbctl(server.unix, "--bare", "--columns=name", "list", "Logical_Router")).trim()).toBe("");
      const plain = await applyOnce(server.unix, manifestOf(BFD_VPC(", staticRoutes: [{ cidr: 0.0.0.0/0, nextHopIP: 172.18.0.1, ecmpMode: ecmp }]")));
      expect(changedRefs(plain)).toContain("vpc/vpc1 created");
      expect(await lines(server.unix, "lr-route-list", "vpc1")).toEqual(["IPv4 Routes", "Route Table <main>:", "0.0.0.0/0 172.18.0.1 dst-ip"]);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
