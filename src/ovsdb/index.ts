/**
 * ovsdb: OVSDB (RFC 7047 and OVS 3.x extensions) — wire notation, schemas, native data, the
 * client (`ovn-ts/ovsdb`).
 *
 * @module
 */
export * from "./wire/index.js";
export * from "./schema/index.js";
export * from "./client/index.js";
