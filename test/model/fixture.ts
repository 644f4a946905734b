/**
 * The shared setup of the model's integration tests: the YAML documents their manifests are made
 * of, a backend per test (started by the test, stopped after it), and the helpers that read input
 * issues and what an apply changed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { formatIssue, parseManifestText } from "../../src/model/index.js";
import { type BACKENDS, type Backend, startBackend } from "../ovn/controller/support.js";
import { peers } from "../support/peers.js";
import type { applyOnce } from "./support.js";

export { applyOnce, lines, manifestOf, names } from "./support.js";

/** A backend kind of test/ovn/controller/support.ts. */
export type BackendKind = (typeof BACKENDS)[number];

/** Documents of a manifest joined into one multi-document YAML text. */
export function yamlOf(...documents: readonly string[]): string {
  return documents.map((d) => (d.endsWith("\n") ? d : `${d}\n`)).join("---\n");
}

/** `{ KEY: VALUE, ... }` of a flow mapping, empty when `m` is. */
function flow(m: Readonly<Record<string, string>> | undefined): string {
  const e = Object.entries(m ?? {});
  return e.length ? `{ ${e.map(([k, v]) => `${k}: ${v}`).join(", ")} }` : "{}";
}

/** A core `Namespace` (with `labels`, a flow mapping's entries, when given). */
export function namespaceDoc(name: string, labels?: Readonly<Record<string, string>>): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name}${labels ? `, labels: ${flow(labels)}` : ""} }\n`;
}

/** A `Subnet` whose `spec` is the flow mapping `{ SPEC }` (`spec` is its entries, e.g. `cidrBlock: 10.1.0.0/24, vpc: vpc1`). */
export function subnetDoc(name: string, spec: string): string {
  return `apiVersion: kubeovn.io/v1\nkind: Subnet\nmetadata: { name: ${name} }\nspec: { ${spec} }\n`;
}

/** A `Vpc`, with `spec` as a block (its lines, indented by two) when given. */
export function vpcDoc(name: string, spec?: string): string {
  return `apiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata: { name: ${name} }\n${spec ? `spec:\n${spec.endsWith("\n") ? spec : `${spec}\n`}` : ""}`;
}

/** A `Node` with its join IP annotation and, when given, its internal IP. */
export function nodeDoc(name: string, joinIp: string, internalIp?: string): string {
  return `apiVersion: v1\nkind: Node\nmetadata: { name: ${name}, annotations: { ovn.kubernetes.io/ip_address: ${joinIp} } }\n${internalIp ? `status: { addresses: [{ type: InternalIP, address: ${internalIp} }] }\n` : ""}`;
}

/** A `Pod` (namespace `default` unless given) with annotations and optionally `spec.nodeName`. */
export function podDoc(name: string, annotations: Readonly<Record<string, string>> = {}, options: { readonly namespace?: string; readonly nodeName?: string } = {}): string {
  const ns = options.namespace ? `, namespace: ${options.namespace}` : "";
  const ann = Object.keys(annotations).length ? `, annotations: ${flow(annotations)}` : "";
  return `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name}${ns}${ann} }\n${options.nodeName ? `spec: { nodeName: ${options.nodeName} }\n` : ""}`;
}

/** A `ProviderNetwork` and a `Vlan` on it (an underlay subnet's `vlan`). */
export function underlayDocs(provider: string, vlan: string, id: number): string[] {
  return [
    `apiVersion: kubeovn.io/v1\nkind: ProviderNetwork\nmetadata: { name: ${provider} }\nspec: { defaultInterface: eth1 }\n`,
    `apiVersion: kubeovn.io/v1\nkind: Vlan\nmetadata: { name: ${vlan} }\nspec: { id: ${id}, provider: ${provider} }\n`,
  ];
}

/** The default VPC's `join` subnet (`100.64.0.0/16`, Kube-OVN's default). */
export const JOIN_SUBNET = subnetDoc("join", "cidrBlock: 100.64.0.0/16");

/** The input issues of a manifest text, formatted (`m.yaml:LINE (document N): kind/name: field: what`). */
export function issuesOf(text: string, file = "m.yaml"): string[] {
  return parseManifestText(text, file).issues.map(formatIssue);
}

/** The objects an apply did not leave unchanged, as `REF ACTION` lines in outcome order. */
export function changed(result: Awaited<ReturnType<typeof applyOnce>>): string[] {
  return result.r.objects.filter((o) => o.action !== "unchanged").map((o) => `${o.ref} ${o.action}`);
}

/** A backend for each test of a `describe.each(BACKENDS)` block. */
export interface BackendFixture {
  /** Whether the block's tests skip (a real `ovsdb-server` backend without the peers installed). */
  readonly skip: boolean;
  /** Starts the backend for the current test (stopped after it); returns its unix socket. */
  start(schemas?: Parameters<typeof startBackend>[1]): Promise<string>;
  /** The backend the current test started. */
  readonly backend: Backend | undefined;
}

/**
 * The per-test backend of `kind`, stopped after each test (registers the `afterEach`): call in
 * the body of a `describe`, then `await fx.start()` in each test. A real `ovsdb-server` backend
 * skips unless `needs` (the programs its tests run) are installed.
 */
export function useBackend(kind: BackendKind, needs: readonly string[] = ["ovsdb-server", "ovn-nbctl"]): BackendFixture {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });
  return {
    skip: kind === "ovsdb-server" && !peers(...needs),
    async start(schemas) {
      backend = await startBackend(kind, schemas);
      return backend.unix;
    },
    get backend() {
      return backend;
    },
  };
}

/** A temporary directory of manifest files for `ovn-ts apply -f DIR`, removed on dispose (`using`). */
export interface ManifestDir extends Disposable {
  /** The directory. */
  readonly path: string;
  /** Writes (or replaces) file `name` in it; returns its path. */
  write(name: string, text: string): string;
}

/** A new {@link ManifestDir} (`ovn-ts-PREFIX-XXXXXX` under the system's temporary directory) holding `files`. */
export function manifestDir(prefix: string, files: Readonly<Record<string, string>> = {}): ManifestDir {
  const path = mkdtempSync(join(tmpdir(), `ovn-ts-${prefix}-`));
  const dir: ManifestDir = {
    path,
    write(name, text) {
      writeFileSync(join(path, name), text);
      return join(path, name);
    },
    [Symbol.dispose]() {
      rmSync(path, { recursive: true, force: true });
    },
  };
  for (const [name, text] of Object.entries(files)) dir.write(name, text);
  return dir;
}

/** `ovn-ts apply --db=DB -f DIR ARGS...` run in-process: its exit status and output. */
export async function cliApply(db: string, dir: string, ...args: readonly string[]): Promise<{ readonly status: number; readonly stdout: string; readonly stderr: string }> {
  const io = memoryIo();
  const status = await main(["apply", `--db=${db}`, "-f", dir, ...args], io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}
