/**
 * OpenFlow 1.4/1.5 port structures with property lists (OpenFlow 1.4.1 §7.2.1 `ofp_port`, §7.3.5.7
 * `ofp_port_stats`, §7.3.4.3 `ofp_port_mod`): the Ethernet property carries what OpenFlow 1.3 has in
 * fixed fields, so these decode to the same {@link PortDesc} / {@link PortStats} shapes.
 *
 * @module
 */
import type { Reader } from "../../bytes/reader.js";
import type { Writer } from "../../bytes/writer.js";
import type { PortDesc, PortStats } from "../messages.js";

/** OFPPDPT_ETHERNET / OFPPSPT_ETHERNET / OFPPMPT_ETHERNET. */
const PROP_ETHERNET = 0;

/** Reads one `ofp14_port` (40 bytes, then properties up to `length`). */
export function readPort14(r: Reader): PortDesc {
  const start = r.pos;
  const portNo = r.u32();
  const length = r.u16();
  if (length < 40) r.fail(`port length ${length} < 40`, start + 4);
  r.pos = start;
  const e = r.sub(length, "port");
  e.skip(8);
  const hwAddr = e.take(6);
  e.skip(2);
  const name = e.str(16);
  const config = e.u32();
  const state = e.u32();
  let eth = { curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
  for (const { type, body } of e.properties("port property")) {
    if (type !== PROP_ETHERNET) continue;
    body.skip(4);
    eth = { curr: body.u32(), advertised: body.u32(), supported: body.u32(), peer: body.u32(), currSpeed: body.u32(), maxSpeed: body.u32() };
  }
  return { portNo, hwAddr, name, config, state, ...eth };
}

/** Writes one `ofp14_port` with its Ethernet property. */
export function writePort14(w: Writer, p: PortDesc): void {
  const start = w.pos;
  w.u32(p.portNo, "port.port_no");
  const lenAt = w.reserve16();
  w.zeros(2).bytes(p.hwAddr).zeros(2).str(p.name, 16).u32(p.config, "port.config").u32(p.state, "port.state");
  w.u16(PROP_ETHERNET).u16(32).zeros(4);
  w.u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
  w.patch16(lenAt, w.pos - start);
}

/** Reads one `ofp14_port_stats` entry; the Ethernet property fills frame/over/crc errors and collisions. */
export function readPortStats14(r: Reader): PortStats {
  const start = r.pos;
  const length = r.u16();
  if (length < 80) r.fail(`port stats length ${length} < 80`, start);
  r.pos = start;
  const e = r.sub(length, "port stats");
  e.skip(4);
  const portNo = e.u32();
  const durationSec = e.u32();
  const durationNsec = e.u32();
  const c: bigint[] = [];
  for (let i = 0; i < 8; i++) c.push(e.u64());
  let eth = [0n, 0n, 0n, 0n];
  let rfc2819: bigint[] | undefined;
  let custom: { name: string; value: bigint }[] | undefined;
  for (const { type, body } of e.properties("port stats property")) {
    if (type === PROP_ETHERNET) {
      body.skip(4);
      eth = [body.u64(), body.u64(), body.u64(), body.u64()];
    } else if (type === 0xffff && body.remaining >= 8) {
      const experimenter = body.u32();
      const expType = body.u32();
      if (experimenter !== INTEL_VENDOR_ID) continue;
      if (expType === INTEL_PORT_STATS_RFC2819) {
        body.skip(4);
        rfc2819 = [];
        for (let i = 0; i < 21; i++) rfc2819.push(body.u64());
      } else if (expType === INTEL_PORT_STATS_CUSTOM) {
        body.skip(2);
        const n = body.u16();
        custom = [];
        for (let i = 0; i < n; i++) {
          const nameLen = body.u8();
          const name = body.str(nameLen);
          custom.push({ name, value: body.u64() });
        }
      }
    }
  }
  return { portNo, counters: [...c, ...eth], durationSec, durationNsec, ...(rfc2819 ? { rfc2819 } : {}), ...(custom ? { custom } : {}) };
}

/** Open vSwitch's experimenter id for its port statistics properties (Intel). */
const INTEL_VENDOR_ID = 0x0000aa01;
const INTEL_PORT_STATS_RFC2819 = 1;
const INTEL_PORT_STATS_CUSTOM = 2;

/** Writes one `ofp14_port_stats` entry with its Ethernet property. */
export function writePortStats14(w: Writer, p: PortStats): void {
  const start = w.pos;
  const lenAt = w.reserve16();
  w.zeros(2).u32(p.portNo, "port_stats.port_no").u32(p.durationSec, "port_stats.duration_sec").u32(p.durationNsec, "port_stats.duration_nsec");
  for (let i = 0; i < 8; i++) w.u64(p.counters[i] ?? 0n);
  w.u16(PROP_ETHERNET).u16(40).zeros(4);
  for (let i = 8; i < 12; i++) w.u64(p.counters[i] ?? 0n);
  if (p.rfc2819) {
    w.u16(0xffff).u16(184).u32(INTEL_VENDOR_ID).u32(INTEL_PORT_STATS_RFC2819).zeros(4);
    for (let i = 0; i < 21; i++) w.u64(p.rfc2819[i] ?? 0n);
  }
  if (p.custom) {
    const ps = w.pos;
    w.u16(0xffff);
    const pl = w.reserve16();
    w.u32(INTEL_VENDOR_ID).u32(INTEL_PORT_STATS_CUSTOM).zeros(2).u16(p.custom.length, "port_stats.custom");
    for (const k of p.custom) {
      const name = new TextEncoder().encode(k.name);
      w.u8(name.length, "port_stats.custom.name").bytes(name).u64(k.value, "port_stats.custom.value");
    }
    w.patch16(pl, w.pos - ps);
    w.pad(ps, 8);
  }
  w.patch16(lenAt, w.pos - start);
}
