/**
 * The Geneve wire layer (`ovn-ts/geneve/wire`): the bounds-checked byte `Reader`/`Writer` and the
 * functions that read or write one layer at a `Reader`/`Writer`'s position: a Geneve header and one
 * option TLV (RFC 8926 §3.4, §3.5), an Ethernet header with VLAN tags (IEEE 802.1Q), and the
 * one's-complement sum under the Internet checksum (RFC 1071 §4.1). For building other framings
 * around Geneve; `ovn-ts/geneve` encodes and decodes whole headers, frames and captures.
 *
 * @module
 */
export { DecodeError, EncodeError, Reader, Writer } from "../bytes/index.js";
export { readGeneveHeader, readGeneveOption, writeGeneveHeader, writeGeneveOption } from "./header.js";
export { finishChecksum, onesComplementSum, readEthernet, writeEthernet } from "../net/index.js";
