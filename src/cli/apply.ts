/**
 * `ovn-ts apply` and `ovn-ts diff`: the Kube-OVN network model kept in files, applied to an OVN
 * Northbound database with kubectl's habits (`-f FILE_OR_DIR`, `--dry-run`, `--prune`, one line
 * per object and a summary; `diff` exits 0 when nothing would change, 1 when something would).
 *
 * @module
 */
import { serviceClusterIpRangeProblem } from "../model/kinds/service-cidr.js";
import { loadManifestsInWorker, manifestsWorthAWorker } from "../model/load-parallel.js";
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";

/** Usage of `ovn-ts apply`. */
export function applyUsage(): string {
  return `usage: ovn-ts apply [--db=REMOTE] [--sb=REMOTE] -f FILE_OR_DIR [-f ...] [--dry-run | --watch] [--prune] [--max-ops=N]
                    [--service-cluster-ip-range=CIDR[,CIDR]]

Applies Kube-OVN manifests (kubeovn.io/v1 Vpc, Subnet, Vlan, ProviderNetwork, IP, IPPool,
OvnEip, OvnFip, OvnSnatRule, OvnDnatRule; v1 Namespace, Pod, Node, Service; networking.k8s.io/v1
NetworkPolicy; multi-document YAML; a directory means its .yaml/.yml/.json files) to an OVN
Northbound database, naming the rows as Kube-OVN does (external_ids:vendor=kube-ovn). Prints one
line per object and a summary.

  --db=REMOTE     Northbound DB (default: $OVN_NB_DB or unix:/var/run/ovn/ovnnb_db.sock)
  --sb=REMOTE     also write the Southbound Chassis rows of the files' Nodes (as their
                  ovn-controllers would register them, tagged vendor=kube-ovn)
  -f, --filename  a manifest file or directory (repeatable)
  --dry-run       print what would change, send nothing
  --prune         delete owned routers, switches and ports the files no longer have
  --max-ops=N     most operations per transaction (default 2000)
  --service-cluster-ip-range=CIDR[,CIDR]
                  the Service CIDRs when the files have no ready ServiceCIDR (Kube-OVN's flag:
                  one CIDR, or an IPv4 and an IPv6 one; default 10.96.0.0/12); U2O subnets
                  with enableLb: false route them through their nodes
  --watch         keep reconciling until interrupted: apply again when the files change or
                  when the database drifts from them (same lines per pass); SIGINT/SIGTERM: exit 0

Exit status: 0 applied, 1 invalid input (nothing written) or a database error, 2 usage error.
`;
}

/** Usage of `ovn-ts diff`. */
export function diffUsage(): string {
  return `usage: ovn-ts diff [--db=REMOTE] -f FILE_OR_DIR [-f ...] [--prune] [-v] [--service-cluster-ip-range=CIDR[,CIDR]]

Prints what 'ovn-ts apply' would change, object by object (with -v, also the OVN rows:
'+' create, '~' update, '-' delete). Sends nothing.

Exit status (as kubectl diff): 0 nothing would change, 1 something would, 2 error.
`;
}

/** The parsed arguments of `ovn-ts apply` / `ovn-ts diff`. */
export interface Args {
  readonly db: string;
  readonly sb: string | undefined;
  readonly files: readonly string[];
  readonly dryRun: boolean;
  readonly prune: boolean;
  readonly verbose: boolean;
  readonly maxOps: number | undefined;
  readonly watch: boolean;
  /** `--service-cluster-ip-range` (checked), when given. */
  readonly serviceClusterIpRange: string | undefined;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[], diff: boolean): Args {
  let db = process.env["OVN_NB_DB"] ?? "unix:/var/run/ovn/ovnnb_db.sock";
  let sb: string | undefined;
  const files: string[] = [];
  let dryRun = false;
  let prune = false;
  let verbose = false;
  let maxOps: number | undefined;
  let watch = false;
  let serviceClusterIpRange: string | undefined;
  const known = [...(diff ? ["--help", "--db", "--filename", "--prune", "--verbose"] : ["--help", "--db", "--sb", "--filename", "--dry-run", "--prune", "--max-ops", "--watch"]), "--service-cluster-ip-range"];
  const range = (v: string): string => {
    const problem = serviceClusterIpRangeProblem(v);
    if (problem !== undefined) throw new UsageError(`--service-cluster-ip-range: ${v}: ${problem}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (name: string): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option '${name}' requires an argument`);
      return v;
    };
    if (a === "--help" || a === "-h") return { db, sb, files, dryRun, prune, verbose, maxOps, watch, serviceClusterIpRange, help: true };
    if (a.startsWith("--db=")) db = a.slice(5);
    else if (a === "--db") db = value(a);
    else if (!diff && a.startsWith("--sb=")) sb = a.slice(5);
    else if (!diff && a === "--sb") sb = value(a);
    else if (a === "-f" || a === "--filename") files.push(value(a));
    else if (a.startsWith("--filename=")) files.push(a.slice(11));
    else if (a.startsWith("-f") && a.length > 2) files.push(a.slice(a[2] === "=" ? 3 : 2));
    else if (a === "--prune") prune = true;
    else if (a.startsWith("--service-cluster-ip-range=")) serviceClusterIpRange = range(a.slice(27));
    else if (a === "--service-cluster-ip-range") serviceClusterIpRange = range(value(a));
    else if (!diff && (a === "--dry-run" || a === "--dry-run=client")) dryRun = true;
    else if (diff && (a === "-v" || a === "--verbose")) verbose = true;
    else if (!diff && (a === "--watch" || a === "-w")) watch = true;
    else if (!diff && a.startsWith("--max-ops=")) {
      const n = Number(a.slice(10));
      if (!Number.isInteger(n) || n < 20) throw new UsageError(`--max-ops: ${a.slice(10)}: expected an integer of at least 20`);
      maxOps = n;
    } else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'`, optionHint(a, known));
    else throw new UsageError(`unexpected argument '${a}' (manifests are given with -f)`);
  }
  if (files.length === 0) throw new UsageError("must specify -f FILE_OR_DIR");
  if (watch && dryRun) throw new UsageError("--watch and --dry-run cannot be combined");
  if (watch && sb !== undefined) throw new UsageError("--watch and --sb cannot be combined (a watch keeps the Northbound database only)");
  return { db, sb, files, dryRun, prune, verbose, maxOps, watch, serviceClusterIpRange, help: false };
}

async function run(argv: readonly string[], io: CliIo, diff: boolean): Promise<number> {
  const cmd = diff ? "diff" : "apply";
  let args: Args;
  try {
    args = parseArgs(argv, diff);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`ovn-ts ${cmd}: ${e.message}\n`);
    if (e.hint) io.err(`ovn-ts ${cmd}: ${e.hint}\n`);
    return 2;
  }
  if (args.help) {
    io.out(diff ? diffUsage() : applyUsage());
    return 0;
  }
  // Big manifests are read on a worker thread, started before the modules that talk to the
  // database load here (the worker loads its own meanwhile), while this thread then loads the replica.
  const reading = !args.watch && manifestsWorthAWorker(args.files) ? loadManifestsInWorker(args.files) : undefined;
  reading?.catch(() => undefined); // awaited once the connection is started
  const { runApply } = await import("./apply-run.js");
  return runApply(args, io, diff, reading);
}

/** `ovn-ts apply`. */
export const applyCommand: CliCommand = (argv, io) => run(argv, io, false);

/** `ovn-ts diff`. */
export const diffCommand: CliCommand = (argv, io) => run(argv, io, true);
