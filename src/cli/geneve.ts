/**
 * `ovn-ts geneve`: build Geneve frames (RFC 8926) carrying OVN's metadata and write them as pcap, or decode
 * frames from a pcap/pcapng capture or hex and print every layer's fields by name (text or `--json`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { type CliCommand, type CliIo, UsageError } from "./io.js";
import { optionHint } from "./suggest.js";
import { DecodeError, EncodeError } from "../bytes/index.js";
import {
  type DecodedFragment,
  type DecodedGeneveFrame,
  type DecodedIp,
  type GeneveFrameSpec,
  decodeGeneveFrame,
  decodePacket,
  encodeGeneveFrame,
  isFragment,
} from "../geneve/frame.js";
import type { EthernetLayer, Ipv4Layer, Ipv6Layer, VlanTag } from "../net/index.js";
import { encodeGeneveFragments } from "../geneve/fragment.js";
import { Reassembler, type ReassemblyEvent } from "../geneve/reassembly.js";
import { type GeneveOption, GENEVE_OPTION_CLASS, OVN_OPTION, isCriticalOption, optionClassOf, optionTypeOf } from "../geneve/header.js";
import { ovnOption } from "../geneve/ovn.js";
import { LINKTYPE, looksLikeCapture, readCapture, writePcap } from "../geneve/pcap.js";

/** Usage text of `ovn-ts geneve`. */
export const GENEVE_USAGE = `usage: ovn-ts geneve encode --vni N [OPTIONS] (--inner HEX | --inner-pcap FILE) [-w FILE.pcap]
       ovn-ts geneve decode [--json] [--no-reassemble] (FILE.pcap | FILE.pcapng | HEX | -)

encode: build one Geneve frame (Ethernet / IPv4 or IPv6 / UDP 6081 / Geneve / inner frame) with correct
IPv4 header and UDP checksums; write it to a pcap with -w, else print it as hex.
  --vni N                 VNI, i.e. the OVN logical datapath tunnel key (0..16777215)
  --ovn-inport N          OVN logical ingress port key (0..32767)      } adds OVN's option
  --ovn-outport N         OVN logical egress port key (0..65535)       } (class 0x0102 type 0x80)
  --option CLASS,TYPE,HEX add another option, e.g. 0xffff,0x01,01020304 (repeatable)
  --oam                   set the O (control packet) bit
  --inner HEX             the inner Ethernet frame, as hex
  --inner-pcap FILE       the inner frame is the first packet of FILE (pcap or pcapng)
  --src IP, --dst IP      outer addresses, both IPv4 or both IPv6 (default 192.0.2.1, 192.0.2.2)
  --src-mac MAC, --dst-mac MAC   outer MACs (default 02:00:00:00:00:01, 02:00:00:00:00:02)
  --vlan VID[:PCP]        add an outer 802.1Q tag (repeatable, outermost first)
  --ttl N                 IPv4 TTL / IPv6 hop limit (default 64)
  --sport N, --dport N    UDP ports (default: hash of the inner frame, 6081)
  --no-udp-checksum       send a zero UDP checksum (IPv4 only)
  --mtu N                 fragment the IP packet to at most N bytes per fragment (IPv4: DF cleared)
  -w FILE                 write a pcap file (tcpdump/tshark can read it)

decode: print each frame's layers (ethernet, vlan, ipv4/ipv6 and IPv6 extension headers, udp, geneve, options,
ovn, inner) by field name. IPv4/IPv6 fragments are reassembled (timeouts from the capture timestamps) and
the whole packet is decoded at the frame that completes it.
  --json                  print JSON instead of text
  --no-reassemble         report each fragment on its own instead
  -                       read hex from standard input
Exit status 1 on bad usage, unreadable input, or any frame that does not decode.
`;

function parseUint(flag: string, text: string | undefined, max: number): number {
  if (text === undefined) throw new UsageError(`${flag} needs a value`);
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) throw new UsageError(`${flag}: '${text}' is not a number`);
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v > max) throw new UsageError(`${flag}: ${text} is out of range 0..${max}`);
  return v;
}

function parseHex(flag: string, text: string): Uint8Array {
  const clean = text.replace(/^0x/i, "").replace(/[\s:.-]/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new UsageError(`${flag}: '${text.slice(0, 40)}' is not hex bytes`);
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

/** Consumes `argv` into flags and positional arguments; flags listed in `withValue` take the next word. */
function parseArgs(argv: readonly string[], withValue: ReadonlySet<string>, bare: ReadonlySet<string>): { flags: Map<string, string[]>; positional: string[] } {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("-") && a !== "-") {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (withValue.has(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        flags.set(name, [...(flags.get(name) ?? []), v]);
      } else if (bare.has(name) && eq < 0) {
        flags.set(name, [...(flags.get(name) ?? []), ""]);
      } else {
        throw new UsageError(`unknown option '${a}'; use --help for help`, optionHint(a, [...withValue, ...bare]));
      }
    } else {
      positional.push(a);
    }
  }
  return { flags, positional };
}

function single(flags: Map<string, string[]>, name: string): string | undefined {
  const v = flags.get(name);
  if (v && v.length > 1) throw new UsageError(`${name} given more than once`);
  return v?.[0];
}

const ENCODE_VALUE = new Set(["--mtu", "--vni", "--ovn-inport", "--ovn-outport", "--option", "--inner", "--inner-pcap", "--src", "--dst", "--src-mac", "--dst-mac", "--vlan", "--ttl", "--sport", "--dport", "-w"]);
const ENCODE_BARE = new Set(["--oam", "--no-udp-checksum"]);

async function encodeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, ENCODE_VALUE, ENCODE_BARE);
  if (positional.length > 0) throw new UsageError(`encode takes no positional arguments (got '${positional[0]}')`);
  const vniText = single(flags, "--vni");
  if (vniText === undefined) throw new UsageError("encode needs --vni N");
  const vni = parseUint("--vni", vniText, 0xffffff);
  const options: GeneveOption[] = [];
  const inport = single(flags, "--ovn-inport");
  const outport = single(flags, "--ovn-outport");
  if ((inport === undefined) !== (outport === undefined)) throw new UsageError("--ovn-inport and --ovn-outport go together");
  if (inport !== undefined && outport !== undefined) {
    options.push(ovnOption(parseUint("--ovn-inport", inport, 0x7fff), parseUint("--ovn-outport", outport, 0xffff)));
  }
  for (const o of flags.get("--option") ?? []) {
    const parts = o.split(",");
    if (parts.length !== 3) throw new UsageError(`--option: '${o}' is not CLASS,TYPE,HEX`);
    const data = parts[2] === "" ? new Uint8Array(0) : parseHex("--option", parts[2]!);
    options.push({ type: "raw", optionClass: parseUint("--option class", parts[0], 0xffff), optionType: parseUint("--option type", parts[1], 0xff), data });
  }
  const innerHex = single(flags, "--inner");
  const innerPcap = single(flags, "--inner-pcap");
  if ((innerHex === undefined) === (innerPcap === undefined)) throw new UsageError("encode needs exactly one of --inner HEX or --inner-pcap FILE");
  let inner: Uint8Array;
  if (innerHex !== undefined) {
    inner = parseHex("--inner", innerHex);
  } else {
    const cap = readCapture(await readInput(innerPcap!));
    const first = cap.records[0];
    if (!first) throw new UsageError(`--inner-pcap: ${innerPcap} has no packets`);
    inner = first.data;
  }
  if (inner.length < 14) throw new UsageError(`--inner: an Ethernet frame needs at least 14 bytes, got ${inner.length}`);
  const src = single(flags, "--src") ?? (single(flags, "--dst")?.includes(":") ? "fd00::1" : "192.0.2.1");
  const dst = single(flags, "--dst") ?? (src.includes(":") ? "fd00::2" : "192.0.2.2");
  const v6 = src.includes(":");
  if (v6 !== dst.includes(":")) throw new UsageError("--src and --dst must both be IPv4 or both IPv6");
  const ttlText = single(flags, "--ttl");
  const ttl = ttlText === undefined ? undefined : parseUint("--ttl", ttlText, 255);
  const vlans: VlanTag[] = (flags.get("--vlan") ?? []).map((v) => {
    const [vid, pcp] = v.split(":");
    return { vid: parseUint("--vlan", vid, 4095), pcp: pcp === undefined ? 0 : parseUint("--vlan pcp", pcp, 7) };
  });
  const noChecksum = flags.has("--no-udp-checksum");
  if (noChecksum && v6) throw new UsageError("--no-udp-checksum: IPv6 requires a UDP checksum (RFC 8200 §8.1)");
  const sport = single(flags, "--sport");
  const dport = single(flags, "--dport");
  const srcMac = single(flags, "--src-mac");
  const dstMac = single(flags, "--dst-mac");
  const spec: GeneveFrameSpec = {
    ethernet: { ...(srcMac !== undefined ? { src: srcMac } : {}), ...(dstMac !== undefined ? { dst: dstMac } : {}), vlans },
    ip: v6 ? { version: 6, src, dst, ...(ttl !== undefined ? { hopLimit: ttl } : {}) } : { version: 4, src, dst, ...(ttl !== undefined ? { ttl } : {}) },
    udp: {
      checksum: noChecksum ? "zero" : "compute",
      ...(sport !== undefined ? { srcPort: parseUint("--sport", sport, 0xffff) } : {}),
      ...(dport !== undefined ? { dstPort: parseUint("--dport", dport, 0xffff) } : {}),
    },
    geneve: { vni, options, oam: flags.has("--oam") },
    inner,
  };
  const mtuText = single(flags, "--mtu");
  let frames: Uint8Array[];
  try {
    frames = mtuText === undefined ? [encodeGeneveFrame(spec)] : encodeGeneveFragments(spec, { mtu: parseUint("--mtu", mtuText, 0xffff) });
  } catch (e) {
    if (e instanceof EncodeError) throw new UsageError(e.message);
    throw e;
  }
  const out = single(flags, "-w");
  if (out !== undefined) {
    const now = Date.now();
    const timestamp = { seconds: Math.floor(now / 1000), nanoseconds: (now % 1000) * 1_000_000 };
    await writeFile(out, writePcap(frames.map((data) => ({ data, timestamp }))));
    const bytes = frames.reduce((n, f) => n + f.length, 0);
    io.out(frames.length === 1 ? `wrote 1 frame (${bytes} bytes) to ${out}\n` : `wrote ${frames.length} fragments (${bytes} bytes) to ${out}\n`);
  } else {
    for (const f of frames) io.out(`${Buffer.from(f).toString("hex")}\n`);
  }
  return 0;
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

const CLASS_NAMES: Record<number, string> = {
  [GENEVE_OPTION_CLASS.linux]: "Linux",
  [GENEVE_OPTION_CLASS.openVSwitch]: "Open vSwitch",
  [GENEVE_OPTION_CLASS.ovn]: "OVN",
  [GENEVE_OPTION_CLASS.experimental]: "Experimental",
};

const h = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, "0")}`;
const bit = (b: boolean): string => (b ? "1" : "0");

/** The Ethernet, VLAN and IP lines (with IPv6 extension headers) of a frame or fragment. */
function linkAndIpLines(ethernet: EthernetLayer | undefined, ip: Ipv4Layer | Ipv6Layer): string[] {
  const lines: string[] = [];
  if (ethernet) {
    const e = ethernet;
    lines.push(`  ethernet: dst=${e.dst} src=${e.src} type=${h(e.vlans[0]?.tpid ?? e.etherType, 4)}`);
    for (const v of e.vlans) lines.push(`  vlan: tpid=${h(v.tpid, 4)} pcp=${v.pcp} dei=${bit(v.dei)} vid=${v.vid}`);
    if (e.vlans.length > 0) lines.push(`  ethertype: ${h(e.etherType, 4)}`);
  }
  if (ip.type === "ipv4") {
    const frag = ip.moreFragments || ip.fragmentOffset !== 0 ? ` mf=${bit(ip.moreFragments)} frag_offset=${ip.fragmentOffset * 8}` : "";
    lines.push(
      `  ipv4: src=${ip.src} dst=${ip.dst} ttl=${ip.ttl} tos=${h(ip.tos, 2)} id=${ip.identification} df=${bit(ip.dontFragment)}${frag}` +
        ` total_length=${ip.totalLength} protocol=${ip.protocol} checksum=${h(ip.checksum, 4)} (${ip.checksumValid ? "correct" : "incorrect"})`,
    );
  } else {
    lines.push(
      `  ipv6: src=${ip.src} dst=${ip.dst} hop_limit=${ip.hopLimit} traffic_class=${h(ip.trafficClass, 2)}` +
        ` flow_label=${h(ip.flowLabel, 5)} payload_length=${ip.payloadLength} next_header=${ip.nextHeader}`,
    );
    for (const x of ip.extensionHeaders) {
      const extra =
        x.type === "routing"
          ? ` routing_type=${x.routingType} segments_left=${x.segmentsLeft}`
          : x.type === "fragment"
            ? ` id=${x.identification} offset=${x.fragmentOffset} more_fragments=${bit(x.moreFragments)}`
            : "";
      lines.push(`  ipv6_ext: ${x.type} length=${x.length} next_header=${x.nextHeader}${extra}`);
    }
  }
  return lines;
}

/** Renders one fragment's IP-level fields (`fragment:` line last). */
export function formatFragmentText(d: DecodedFragment | DecodedIp): string {
  const lines = linkAndIpLines(d.ethernet, d.ip);
  const f = d.fragment;
  if (f) lines.push(`  fragment: ${d.ip.type} id=${f.identification} offset=${f.offset} more_fragments=${bit(f.moreFragments)} length=${f.data.length} protocol=${f.protocol}`);
  return `${lines.join("\n")}\n`;
}

/** Renders one decoded frame as indented `layer: field=value ...` lines. */
export function formatFrameText(f: DecodedGeneveFrame): string {
  const lines = linkAndIpLines(f.ethernet, f.ip);
  const u = f.udp;
  const status = { absent: "none", valid: "correct", invalid: "incorrect", unverified: "unverified" }[u.checksumStatus];
  lines.push(`  udp: src_port=${u.srcPort} dst_port=${u.dstPort} length=${u.length} checksum=${h(u.checksum, 4)} (${status})`);
  const g = f.geneve;
  lines.push(
    `  geneve: version=${g.version} opt_len=${g.optionsLength} oam=${bit(g.oam)} critical=${bit(g.critical)}` +
      ` protocol=${h(g.protocolType, 4)} vni=${g.vni} (${h(g.vni, 6)})`,
  );
  for (const o of g.options) {
    const cls = optionClassOf(o);
    const name = CLASS_NAMES[cls];
    const head = `  option: class=${h(cls, 4)}${name ? ` (${name})` : ""} type=${h(optionTypeOf(o), 2)}${isCriticalOption(o) ? " (critical)" : ""}`;
    if (o.type === "ovn") {
      lines.push(`${head} length=${OVN_OPTION.dataBytes} ingress_port=${o.ingressPort} egress_port=${o.egressPort}`);
    } else {
      lines.push(`${head}${o.flags ? ` flags=${o.flags}` : ""} length=${o.data.length} data=${Buffer.from(o.data).toString("hex")}`);
    }
  }
  const ovn = g.ovn;
  lines.push(
    `  ovn: datapath=${ovn.datapathKey}` +
      (ovn.ingressPort !== undefined ? ` ingress_port=${ovn.ingressPort} egress_port=${ovn.egressPort}${ovn.multicast ? " (multicast group)" : ""}` : ""),
  );
  const inner = f.inner;
  if (inner.ethernet) {
    const e = inner.ethernet;
    const tags = e.vlans.map((v) => ` vlan=${v.vid}`).join("");
    lines.push(`  inner: dst=${e.dst} src=${e.src}${tags} type=${h(e.etherType, 4)} length=${inner.bytes.length}`);
  } else {
    lines.push(`  inner: length=${inner.bytes.length}`);
  }
  return `${lines.join("\n")}\n`;
}

/** JSON-friendly copy of a decoded frame or fragment (byte arrays as hex strings). */
export function frameToJson(f: DecodedGeneveFrame | DecodedFragment | DecodedIp): unknown {
  return JSON.parse(JSON.stringify(f, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)));
}

interface InputFrame {
  data: Uint8Array;
  link: "ethernet" | "raw" | number;
  timestamp?: { seconds: number; nanoseconds: number };
}

/** Collects what `decode` prints: text blocks or JSON entries, and how many frames or datagrams failed. */
class DecodeReport {
  failed = 0;
  readonly results: unknown[] = [];
  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
    private readonly frames: readonly InputFrame[],
  ) {}

  private head(i: number): string {
    const fr = this.frames[i]!;
    const ts = fr.timestamp ? ` time=${fr.timestamp.seconds}.${String(fr.timestamp.nanoseconds).padStart(9, "0")}` : "";
    return `frame ${i + 1}: ${fr.data.length} bytes${ts}\n`;
  }

  private base(i: number): Record<string, unknown> {
    const fr = this.frames[i]!;
    return { frame: i + 1, length: fr.data.length, ...(fr.timestamp ? { timestamp: fr.timestamp } : {}) };
  }

  /** Decodes a whole frame (as captured, or reassembled) and reports it under frame `i`. */
  whole(i: number, data: Uint8Array, link: "ethernet" | "raw", prefix = "", extra: Record<string, unknown> = {}): void {
    let f: DecodedGeneveFrame;
    try {
      f = decodeGeneveFrame(data, { link });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return this.error(i, e, prefix, extra);
    }
    this.frame(i, f, prefix, extra);
  }

  /** Reports an already decoded frame under frame `i`. */
  frame(i: number, f: DecodedGeneveFrame, prefix = "", extra: Record<string, unknown> = {}): void {
    if (this.json) this.results.push({ ...this.base(i), ...extra, ...(frameToJson(f) as object) });
    else this.io.out(`${this.head(i)}${prefix}${formatFrameText(f)}`);
  }

  /** Reports a frame that failed to decode. */
  error(i: number, e: DecodeError, prefix = "", extra: Record<string, unknown> = {}): void {
    this.failed++;
    if (this.json) this.results.push({ ...this.base(i), ...extra, error: { protocol: e.protocol, offset: e.offset, reason: e.reason } });
    else this.io.out(`${this.head(i)}${prefix}  error: ${e.message}\n`);
  }

  /** Reports a fragment (held, duplicate, or on its own with --no-reassemble). */
  fragment(i: number, d: DecodedFragment | DecodedIp, status: string): void {
    if (this.json) this.results.push({ ...this.base(i), status, ...(frameToJson(d) as object) });
    else this.io.out(`${this.head(i)}${formatFragmentText(d)}  ${status}\n`);
  }

  /** Reports one reassembly event produced while reading frame `i`. */
  event(i: number, e: ReassemblyEvent<number>, link: "ethernet" | "raw"): void {
    const frameList = (tags: readonly number[]) => tags.map((t) => t + 1).join(",");
    switch (e.type) {
      case "packet":
        return this.whole(i, e.data, link);
      case "held":
        return this.fragment(i, e.decoded, "(held for reassembly)");
      case "duplicate":
        return this.fragment(i, e.decoded, "(duplicate fragment, ignored)");
      case "datagram": {
        const note = `  reassembled: frames ${frameList(e.tags)} into ${e.data.length} bytes\n`;
        return this.whole(i, e.data, link, this.json ? "" : `${formatFragmentText(e.decoded)}${note}`, {
          reassembledFrom: e.tags.map((t) => t + 1),
          reassembledLength: e.data.length,
        });
      }
      case "dropped": {
        this.failed++;
        const what = e.scope === "fragment" ? "fragment dropped" : `datagram of frames ${frameList(e.tags)} dropped`;
        if (this.json) this.results.push({ ...(e.tags.includes(i) ? this.base(i) : {}), frames: e.tags.map((t) => t + 1), dropped: { reason: e.reason, detail: e.detail } });
        else if (e.tags.includes(i)) this.io.out(`${this.head(i)}  error: ${what} (${e.reason}): ${e.detail}\n`);
        else this.io.out(`${what} (${e.reason}): ${e.detail}\n`);
        return;
      }
    }
  }
}

async function decodeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, new Set(["-r"]), new Set(["--json", "--no-reassemble"]));
  const json = flags.has("--json");
  const reassemble = !flags.has("--no-reassemble");
  const r = single(flags, "-r");
  const inputs = r !== undefined ? [r, ...positional] : positional;
  if (inputs.length !== 1) throw new UsageError("decode needs exactly one FILE, HEX or -");
  const input = inputs[0]!;
  let frames: InputFrame[];
  if (input === "-") {
    const text = (await io.readStdin()).trim();
    frames = text.split(/\n\s*\n|\n/).filter((l) => l.trim()).map((l) => ({ data: parseHex("stdin", l.trim()), link: "ethernet" }));
  } else if (existsSync(input)) {
    const bytes = await readInput(input);
    if (looksLikeCapture(bytes)) {
      frames = readCapture(bytes).records.map((rec) => ({
        data: rec.data,
        link: rec.linkType === LINKTYPE.ethernet ? "ethernet" : rec.linkType === LINKTYPE.raw ? "raw" : rec.linkType,
        timestamp: rec.timestamp,
      }));
    } else {
      const text = Buffer.from(bytes).toString("utf8").trim();
      frames = text.split("\n").filter((l) => l.trim()).map((l) => ({ data: parseHex(input, l.trim()), link: "ethernet" }));
    }
  } else if (/^(0x)?[0-9a-fA-F\s:]+$/.test(input)) {
    frames = [{ data: parseHex("HEX", input), link: "ethernet" }];
  } else {
    throw new UsageError(`'${input}' is neither a readable file nor hex`);
  }
  if (frames.length === 0) throw new UsageError(`${input}: no frames`);
  const report = new DecodeReport(io, json, frames);
  // capture time drives the reassembly timeouts; frames without timestamps (hex) never time out
  const reassembler = reassemble ? new Reassembler<number>() : undefined;
  frames.forEach((fr, i) => {
    if (typeof fr.link === "number") return report.error(i, new DecodeError("pcap", 0, `link type ${fr.link} is not Ethernet or raw IP`));
    const link = fr.link;
    if (reassembler) {
      const time = fr.timestamp ? fr.timestamp.seconds * 1000 + fr.timestamp.nanoseconds / 1e6 : 0;
      for (const e of reassembler.push(fr.data, { time, link }, i)) report.event(i, e, link);
      return;
    }
    try {
      const p = decodePacket(fr.data, { link });
      if (isFragment(p)) report.fragment(i, p, "(fragment, not reassembled)");
      else report.frame(i, p);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      report.error(i, e);
    }
  });
  for (const e of reassembler?.flush() ?? []) report.event(frames.length, e, "ethernet");
  if (json) io.out(`${JSON.stringify(report.results, null, 2)}\n`);
  if (report.failed > 0) io.err(`ovn-ts geneve: ${report.failed} of ${frames.length} frame(s) did not decode\n`);
  return report.failed > 0 ? 1 : 0;
}

/** Entry point of `ovn-ts geneve`: `encode` and `decode` subcommands, `--help`. */
export const geneveCommand: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.err(GENEVE_USAGE);
    return 1;
  }
  if (sub === "--help" || sub === "-h" || sub === "help" || rest.includes("--help") || rest.includes("-h")) {
    io.out(GENEVE_USAGE);
    return 0;
  }
  try {
    if (sub === "encode") return await encodeCommand(rest, io);
    if (sub === "decode") return await decodeCommand(rest, io);
  } catch (e) {
    if (e instanceof DecodeError) throw new UsageError(e.message);
    if (e instanceof EncodeError) throw new UsageError(e.message);
    throw e;
  }
  throw new UsageError(`unknown subcommand '${sub}'; use --help for help`);
};
