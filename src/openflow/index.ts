/**
 * openflow: public API of the `ovn-ts/openflow` subpath.
 *
 * @module
 */
export {};
