/**
 * The ovs-ofctl flow syntax: parse a flow into an OpenFlow 1.3 flow_mod and print matches, actions and
 * messages the way `ovs-ofctl` does. The implementation lives in `./text/`; this module keeps the original
 * import path.
 *
 * @module
 */
export * from "./text/index.js";
