/**
 * ovsdb: OVSDB (RFC 7047) client, schema, data and server (`ovn-ts/ovsdb`).
 *
 * @module
 */
export {};
