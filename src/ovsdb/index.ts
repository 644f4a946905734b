/**
 * ovsdb: OVSDB (RFC 7047 and OVS 3.x extensions) — wire notation and JSON-RPC, schemas and native
 * data, the client, typed models, the live replica, the embedded server and the text notation of
 * OVS tools (`ovn-ts/ovsdb`). The bundled models are namespaces: `OVN_Northbound`, `OVN_Southbound`,
 * `Open_vSwitch`, `OVN_IC_Northbound`, `OVN_IC_Southbound`, `_Server` (OVN 23.03), and the OVN
 * databases of later releases (`OVN_Northbound_24_03`, ..., or by release: `ovnModels["25.09"].nb`).
 *
 * @module
 */
export * from "./wire/index.js";
export * from "./schema/index.js";
export * from "./client/index.js";
export * from "./model/index.js";
export * from "./cache/index.js";
export * from "./server/index.js";
export * from "./models/index.js";
export * from "./text/index.js";
