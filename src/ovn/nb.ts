/**
 * The OVN Northbound logical-network API (see `./nb/index.ts`); this module re-exports it, so
 * that `ovn/nb.js` keeps working.
 *
 * @module
 */
export * from "./nb/index.js";
