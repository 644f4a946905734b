/**
 * Small types shared by the modules of the OVN Northbound API.
 *
 * @module
 */

/** A plain string map (`external_ids`, `options`, `other_config`). */
export type StringMap = Readonly<Record<string, string>>;
