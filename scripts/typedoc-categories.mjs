// A typedoc plugin: groups each entry point's exports by task (connect, transact, monitor/replica,
// models, server, errors, text notations, ...) from the source file that declares them, so the API
// reference is not one flat list and a new export lands in its folder's category without a tag.
// A `@category` tag on an export still wins. Loaded by typedoc.json ("plugin").
import { Converter, ReflectionCategory, ReflectionKind } from "typedoc";

/** [path under src/, category]: the first match wins. Ordered as the reference shows them. */
const RULES = [
  // OVSDB (ovn-ts/ovsdb)
  [/^ovsdb\/client\//, "Connect"],
  [/^ovsdb\/wire\/(remote|session)\./, "Connect"],
  [/^ovsdb\/wire\/operations\./, "Transact"],
  [/^ovsdb\/schema\/(condition|mutation)\./, "Transact"],
  [/^ovsdb\/cache\//, "Monitor & replica"],
  [/^ovsdb\/models?\//, "Models"],
  [/^ovsdb\/schema\//, "Schema"],
  [/^ovsdb\/server\//, "Server"],
  [/^ovsdb\/text\//, "Text notations"],
  [/^ovsdb\/wire\/notation\./, "Text notations"],
  [/^ovsdb\/wire\//, "Wire protocol (low level)"],
  // OVN (ovn-ts/ovn)
  // (the controller layer first: ovn/ is Northbound otherwise)
  [/^ovn\/controller\/(queue|reconcile)\./, "Reconcile runtime"],
  [/^ovn\/controller\//, "Controller"],
  [/^ovn\/(trace|trace-text)\./, "Tracing"],
  [/^ovn\/ipam[-.]/, "IPAM"],
  [/^ovn\/ic[-.]/, "Interconnection (OVN-IC)"],
  [/^ovn\/node\./, "Chassis (Open_vSwitch)"],
  [/^ovn\/net\./, "Addresses"],
  [/^ovn\//, "Northbound"],
  // Kube-OVN model (ovn-ts/model)
  [/^model\/(load|load-parallel|load-worker|load-plain|load-yaml|load-pod|files|types)\./, "Manifests"],
  [/^model\/(resolve|naming)\./, "Validation and naming"],
  [/^model\/planner\./, "Planner"],
  [/^model\/kinds\//, "Kinds (NetworkPolicy, Service, QoS)"],
  [/^model\//, "Errors"],
  // OpenFlow (ovn-ts/openflow)
  [/^openflow\/connection\./, "Connect"],
  [/^openflow\/(messages|message-types|flow-mod|flow-mod-checks|multipart|experimenter|group-mod|continuation|tablefeatures|protocols|ct-flush|stats-readers)\./, "Messages"],
  [/^openflow\/(actions|actions-decode|action-types|action-checks|actions-nx|actions-nsh|instructions|instruction-checks|action-versions|read-only|oxm|consistency|action-consistency|learn-check|match-checks|match-order)\./, "Flows, matches and actions"],
  [/^openflow\/(flowtext|print|print-[a-z]+)\./, "Text notations"],
  [/^openflow\/text\//, "Text notations"],
  [/^openflow\/constants\./, "Constants"],
  [/^openflow\//, "Wire protocol (low level)"],
  // Geneve (ovn-ts/geneve)
  [/^geneve\/(frame|header|ovn)\./, "Frames"],
  [/^geneve\/(fragment|reassembly)\./, "Fragments"],
  [/^geneve\/pcap\./, "Captures"],
  [/^geneve\//, "Wire protocol (low level)"],
  // unixctl and monitoring (ovn-ts/unixctl, ovn-ts/monitor)
  [/^unixctl\/(client|server|target)\./, "Control sockets"],
  [/^unixctl\//, "Daemon status"],
  [/^monitor\/client-metrics\./, "Client metrics"],
  [/^monitor\//, "Prometheus exporter"],
  // testing (ovn-ts/testing)
  [/^testing\/(ovn|chassis|ic|vswitchd|ovsdb-server|embedded|group)\./, "Sandboxes"],
  [/^testing\/wait\./, "Waiting"],
  [/^testing\/trace\./, "Tracing"],
  [/^testing\/misbehaving-peer\./, "Misbehaving peer"],
  [/^testing\//, "Peers and processes"],
  // shared layers
  [/^net\/(dissect|build|ethernet|ip|transport|checksum)\./, "Packets"],
  [/^net\//, "Addresses"],
  [/^bytes\//, "Wire protocol (low level)"],
  [/^rpc\/(emit|retry)\./, "Connect"],
  [/^rpc\//, "Wire protocol (low level)"],
];

const ERRORS = "Errors";
const OTHER = "Other";
const AREAS = "Areas";
/** Task categories first, then notations and the low-level pieces, then errors. */
const ORDER = [
  "Connect",
  "Transact",
  "Monitor & replica",
  "Models",
  "Schema",
  "Server",
  "Northbound",
  "IPAM",
  "Interconnection (OVN-IC)",
  "Chassis (Open_vSwitch)",
  "Controller",
  "Reconcile runtime",
  "Manifests",
  "Validation and naming",
  "Planner",
  "Messages",
  "Flows, matches and actions",
  "Frames",
  "Fragments",
  "Captures",
  "Control sockets",
  "Daemon status",
  "Prometheus exporter",
  "Client metrics",
  "Sandboxes",
  "Waiting",
  "Tracing",
  "Misbehaving peer",
  "Peers and processes",
  "Packets",
  "Addresses",
  "Text notations",
  "Constants",
  "Wire protocol (low level)",
  ERRORS,
  AREAS,
  OTHER,
];

/** What each category is for, and the guide that shows it in use (shown above its list). */
const DESCRIPTIONS = {
  Connect: "Opening a connection (unix:, tcp:, ssl:, cluster lists), its state, retries and leader handling. Guide: docs/ovsdb.md.",
  Transact: "Operations, conditions and mutations as RFC 7047 §5.2 defines them; builders return them, transact() sends them. Guide: docs/ovsdb.md.",
  "Monitor & replica": "Monitors (monitor, monitor_cond, monitor_cond_since) and the live replica with its indexes and events. Guide: docs/ovsdb.md.",
  Models: "Typed models generated from the schemas: row types, table builders, type-level column roles. Guide: docs/models.md.",
  Schema: "Parsing and checking .ovsschema files, column types, datums, the bundled schemas. Guide: docs/models.md.",
  Server: "The embedded OVSDB server and its standalone database files. Guide: docs/server.md.",
  Northbound: "Typed, idempotent OVN Northbound calls (switches, routers, ACLs, NAT, load balancers, ...) as Kube-OVN uses them. Guide: docs/ovn.md.",
  IPAM: "Address allocation per subnet. Guide: docs/ovn.md.",
  "Interconnection (OVN-IC)": "OVN-IC transit switches, routes and availability zones. Guide: docs/ovn.md.",
  "Chassis (Open_vSwitch)": "What a CNI does on a node: OVS ports for pods, QoS. Guide: docs/ovn.md.",
  Controller: "Declarative NB calls with minimal diffs over a replica, plans, ownership stamping and garbage collection. Guide: docs/ovn.md (Writing a controller).",
  "Reconcile runtime": "The keyed work queue and guarded reconcile with retries and a per-transaction hook. Guide: docs/ovn.md (Writing a controller).",
  "Control sockets": "The ovs-appctl protocol: a daemon's control socket found as ovs-appctl finds it, and raw commands. Guide: docs/monitoring.md.",
  "Daemon status": "Typed calls and parsers of cluster/status, memory/show, coverage/show, dpctl/dpif show, northd and controller status. Guide: docs/monitoring.md.",
  "Prometheus exporter": "The Prometheus exporter with Kube-OVN's metric families. Guide: docs/monitoring.md.",
  "Client metrics": "This SDK's own client, replica and work queue metrics, for any application's registry. Guide: docs/monitoring.md.",
  Manifests: "Kube-OVN Vpc/Subnet and core Namespace/Pod manifests, read from multi-document YAML with every field checked. Guide: docs/model.md.",
  "Validation and naming": "Cross-object checks, IPAM, and Kube-OVN's names for OVN rows. Guide: docs/model.md.",
  Planner: "The model turned into controller calls, in bounded transactions, with prune. Guide: docs/model.md.",
  Tracing: "ovn-trace from a port or pod, its parsed output and verdict. Guides: docs/ovn.md (Tracing), docs/testing.md.",
  Messages: "OpenFlow 1.3 and Nicira extension messages, encoded and decoded. Guide: docs/openflow.md.",
  "Flows, matches and actions": "OXM matches, instructions and actions. Guide: docs/openflow.md.",
  Frames: "Geneve frames with OVN's metadata option, built and parsed. Guide: docs/geneve.md.",
  Fragments: "IP fragmentation and reassembly of tunnel packets. Guide: docs/geneve.md.",
  Captures: "pcap and pcapng files. Guide: docs/geneve.md.",
  Sandboxes: "Real ovsdb-server / ovn-northd / ovs-vswitchd / ovn-controller in a temp dir, stopped by PID. Guide: docs/testing.md.",
  Waiting: "Waiting for northd, the chassis or any condition, with timeouts. Guide: docs/testing.md.",
  "Misbehaving peer": "A scriptable peer that hangs, drops or sends garbage. Guide: docs/testing.md.",
  "Peers and processes": "Finding the OVS/OVN programs and running them. Guide: docs/testing.md.",
  Packets: "One packet dissector and packet builders (Ethernet/VLAN, ARP, IPv4/IPv6, TCP/UDP/ICMP/ICMPv6/SCTP), Internet checksums. Guide: docs/net.md.",
  Addresses: "MAC and IP address helpers: validate, parse, format. Guide: docs/net.md.",
  "Text notations": "The OVS text forms: ovs-vsctl/ovn-nbctl values, ovsdb-client tables, JSON as OVS prints it, flow text.",
  Constants: "Numeric protocol constants under their specification names.",
  "Wire protocol (low level)": "Framing and byte-level codecs the higher layers use, exported from ovn-ts/ovsdb/wire, ovn-ts/openflow/wire and ovn-ts/geneve/wire; most programs never need them.",
  Errors: "One error class per kind of failure, each carrying its data.",
  [AREAS]: "Each area's whole API as a namespace; each is also its own entry point (ovn-ts/ovsdb, ovn-ts/ovn, ...).",
};

/** The category of a reflection declared in `file` (absolute path). */
function categoryOf(reflection, file) {
  if (reflection.kindOf(ReflectionKind.Class) && reflection.name.endsWith("Error")) return ERRORS;
  if (file === undefined) return OTHER;
  const at = file.lastIndexOf("/src/");
  const rel = at >= 0 ? file.slice(at + 5) : file;
  // the root entry point's `export * as ovsdb from "./ovsdb/index.js"` (declared by the area's index)
  if (/^[^/]+\/index\.ts$/.test(rel) && reflection.kindOf(ReflectionKind.SomeModule)) return AREAS;
  if (/(^|\/)errors\.ts$/.test(rel)) return ERRORS;
  for (const [re, cat] of RULES) if (re.test(rel)) return cat;
  return OTHER;
}

/** `@category` tags the export carries itself. */
function taggedCategories(reflection) {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)].filter(Boolean);
  return comments.flatMap((c) => c.blockTags.filter((t) => t.tag === "@category").map((t) => t.content.map((p) => p.text).join("").trim())).filter((t) => t !== "");
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  const files = new Map();
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    const decl = context.getSymbolFromReflection(reflection)?.declarations?.[0];
    if (decl) files.set(reflection.id, decl.getSourceFile().fileName);
  });
  // before typedoc's own categorization (priority -200), which leaves modules that have categories alone
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const project = context.project;
      for (const mod of project.getReflectionsByKind(ReflectionKind.SomeModule)) {
        const children = mod.children ?? [];
        // an entry point of namespaces only: nothing to group there
        if (children.length === 0 || children.every((c) => c.kindOf(ReflectionKind.SomeModule))) continue;
        const byTitle = new Map();
        for (const child of children) {
          const target = child.isReference?.() ? child.getTargetReflectionDeep() : child;
          const titles = taggedCategories(target);
          if (titles.length === 0) titles.push(categoryOf(target, files.get(target.id)));
          for (const title of titles) {
            let cat = byTitle.get(title);
            if (!cat) {
              byTitle.set(title, (cat = new ReflectionCategory(title)));
              if (DESCRIPTIONS[title]) cat.description = [{ kind: "text", text: DESCRIPTIONS[title] }];
            }
            cat.children.push(child);
          }
        }
        if (byTitle.size < 2) continue;
        const rank = (t) => (ORDER.includes(t) ? ORDER.indexOf(t) : ORDER.length);
        mod.categories = [...byTitle.values()].sort((a, b) => rank(a.title) - rank(b.title) || a.title.localeCompare(b.title));
        for (const cat of mod.categories) cat.children.sort((a, b) => a.name.localeCompare(b.name));
      }
    },
    100,
  );
}
