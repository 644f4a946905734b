/**
 * testing: sandboxes of real and embedded OVS/OVN peers for integration tests (`ovn-ts/testing`).
 *
 * @module
 */
export * from "./process.js";
export * from "./ovsdb-server.js";
export * from "./misbehaving-peer.js";
