/**
 * `ovn-ts trace [OPTIONS] SOURCE DESTINATION [PROTOCOL [PORT]]`: what `kubectl ko trace` does.
 * SOURCE is a logical switch port or a Kube-OVN pod `namespace/pod`; the microflow is built from
 * the port's addresses in the Northbound DB, `ovn-trace` runs against the Southbound DB, and the
 * parsed stages (datapath, pipeline, table, match, actions) and the final verdict are printed
 * (`--json`: as JSON; `--raw`: ovn-trace's own output as well).
 *
 * @module
 */
import { type OptionSpec, readOptions } from "./options.js";
import { OvsdbClient } from "../ovsdb/client/client.js";
import { selectReader } from "../ovn/reader.js";
import { type TraceRequest, type TraceResult, traceFromPort } from "../ovn/trace.js";
import { type CliCommand, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";

/** Usage text. */
export function traceUsage(): string {
  return `ovn-ts trace: trace a packet from a port or pod, as kubectl ko trace
usage: ovn-ts trace [OPTIONS] SOURCE DESTINATION [tcp|udp|sctp|icmp [PORT]]

  SOURCE         a logical switch port name, or namespace/pod
  DESTINATION    the destination IP address

Options:
  --db=REMOTE    Northbound DB (default: $OVN_NB_DB or unix:/var/run/ovn/ovnnb_db.sock)
  --sb=REMOTE    Southbound DB for ovn-trace (default: $OVN_SB_DB or unix:/var/run/ovn/ovnsb_db.sock)
  --ct=FLAGS     conntrack state for ovn-trace (repeatable, e.g. --ct=new)
  --json         print the result as JSON
  --raw          also print ovn-trace's own output
`;
}

/** Formats a trace result as text: the microflow, each pipeline's stages, and the verdict. */
export function formatTrace(r: TraceResult, raw = false): string {
  let out = `microflow (datapath ${r.microflow.datapath}): ${r.microflow.expression}\n`;
  if (raw) out += `\n${r.trace.raw.trimEnd()}\n\n`;
  for (const s of r.trace.sections) {
    out += `${s.title}\n`;
    for (const st of s.stages) {
      out += `  ${String(st.table).padStart(2)}. ${st.stage} (priority ${st.priority}): ${st.match}\n`;
      for (const a of st.actions) out += `        ${a}\n`;
    }
  }
  const v = r.verdict;
  if (v.kind === "dropped") out += "verdict: dropped\n";
  else if (v.kind === "output") out += `verdict: output to ${v.ports.join(", ")}\n`;
  else out += `verdict: no MAC binding for ${v.nextHop ?? "the next hop"}: ${v.request === "arp" ? "ARP request" : "neighbor solicitation"} sent out ${v.ports.join(", ")} instead of the packet (ovn-trace reads SB MAC_Binding only)\n`;
  return out;
}

/** The options of `ovn-ts trace`. */
const TRACE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h" },
  db: { type: "string" },
  sb: { type: "string" },
  ct: { type: "string" },
  json: { type: "boolean" },
  raw: { type: "boolean" },
};

/** The `ovn-ts trace` command. */
export const traceCommand: CliCommand = async (argv, io) => {
  let db = process.env["OVN_NB_DB"] ?? "unix:/var/run/ovn/ovnnb_db.sock";
  let sb = process.env["OVN_SB_DB"] ?? "unix:/var/run/ovn/ovnsb_db.sock";
  const ct: string[] = [];
  let json = false;
  let raw = false;
  const pos: string[] = [];
  const unknown = (a: string) => new UsageError(`unknown option '${a}'`, optionHint(a, ["--help", "--db", "--sb", "--ct", "--json", "--raw"]));
  for (const e of readOptions(argv, TRACE_OPTIONS, { unknown }, { operands: true, stopAt: ["help"] })) {
    if (e.kind === "operand") pos.push(e.value);
    else if (e.name === "help") {
      io.out(traceUsage());
      return 0;
    } else if (e.name === "db") db = e.value!;
    else if (e.name === "sb") sb = e.value!;
    else if (e.name === "ct") ct.push(e.value!);
    else if (e.name === "json") json = true;
    else if (e.name === "raw") raw = true;
  }
  const [source, destination, protocol, port] = pos;
  if (source === undefined || destination === undefined || pos.length > 4) throw new UsageError("expected SOURCE DESTINATION [PROTOCOL [PORT]] (use --help for help)");
  if (protocol !== undefined && !["tcp", "udp", "sctp", "icmp"].includes(protocol)) throw new UsageError(`${protocol}: protocol must be tcp, udp, sctp or icmp`);
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) throw new UsageError(`${port}: invalid port`);
  if (port !== undefined && protocol === "icmp") throw new UsageError("icmp takes no port");
  const req: TraceRequest = {
    source,
    destination,
    ...(protocol !== undefined ? { protocol: protocol as TraceRequest["protocol"] & string } : {}),
    ...(port !== undefined ? { dstPort: Number(port) } : {}),
  };
  const client = await OvsdbClient.connect(db);
  try {
    const r = await traceFromPort(selectReader(client), req, { sb, ct });
    io.out(json ? JSON.stringify({ microflow: r.microflow, sections: r.trace.sections, outputs: r.trace.outputs, verdict: r.verdict, ...(raw ? { raw: r.trace.raw } : {}) }, null, 2) + "\n" : formatTrace(r, raw));
    return 0;
  } finally {
    client.close();
  }
};
