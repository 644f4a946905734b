/**
 * geneve: public API of the `ovn-ts/geneve` subpath.
 *
 * @module
 */
export {};
