/**
 * ovn-ts: TypeScript SDK for the Open vSwitch / OVN control protocols.
 * Areas are also importable on their own: `ovn-ts/ovsdb`, `ovn-ts/openflow`, `ovn-ts/geneve`, `ovn-ts/unixctl`, `ovn-ts/monitor`, `ovn-ts/model`, `ovn-ts/testing`.
 *
 * @module
 */
export * as ovsdb from "./ovsdb/index.js";
export * as openflow from "./openflow/index.js";
export * as geneve from "./geneve/index.js";
export * as ovn from "./ovn/index.js";
export * as unixctl from "./unixctl/index.js";
export * as monitor from "./monitor/index.js";
export * as model from "./model/index.js";
