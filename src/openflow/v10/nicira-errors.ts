/**
 * Names of the Nicira vendor errors Open vSwitch sends over OpenFlow 1.0 (and 1.1): an OFPT_ERROR of type
 * NXET_VENDOR (0xb0c2) whose data starts with `nx_vendor_error` (vendor 0x2320, type, code), keyed
 * `"TYPE,CODE"` as Open vSwitch's `ofp-errors.h` numbers them (`NX1.0(TYPE,CODE)`).
 *
 * @module
 */

/** The error type of a vendor error in OpenFlow 1.0 (NXET_VENDOR). */
export const NXET_VENDOR = 0xb0c2;

const NAMES: Readonly<Record<string, string>> = {
  "0,263": "OFPBMC_BAD_FIELD",
  "1,256": "NXBRC_NXM_INVALID",
  "1,257": "NXBRC_NXM_BAD_TYPE",
  "1,258": "OFPBMC_BAD_VALUE",
  "1,259": "OFPBMC_BAD_MASK",
  "1,260": "OFPBMC_BAD_PREREQ",
  "1,261": "OFPBMC_DUP_FIELD",
  "1,262": "OFPBMC_BAD_WILDCARDS",
  "1,264": "NXBMC_CT_DATAPATH_SUPPORT",
  "1,265": "NXBAC_CT_DATAPATH_SUPPORT",
  "1,512": "OFPBRC_BAD_TABLE_ID",
  "1,513": "OFPRRFC_BAD_ROLE",
  "1,514": "OFPBRC_BAD_PORT",
  "1,515": "NXBRC_MUST_BE_ZERO",
  "1,516": "NXBRC_BAD_REASON",
  "1,517": "OFPMOFC_MONITOR_EXISTS",
  "1,518": "OFPMOFC_BAD_FLAGS",
  "1,519": "OFPMOFC_UNKNOWN_MONITOR",
  "1,520": "NXBRC_FM_BAD_EVENT",
  "1,521": "NXBRC_UNENCODABLE_ERROR",
  "1,522": "OFPBAC_MATCH_INCONSISTENT",
  "1,523": "OFPBAC_BAD_SET_TYPE",
  "1,524": "OFPBAC_BAD_SET_LEN",
  "1,525": "OFPBAC_BAD_SET_ARGUMENT",
  "1,527": "NXTTMFC_BAD_COMMAND",
  "1,528": "NXTTMFC_BAD_OPT_LEN",
  "1,529": "NXTTMFC_BAD_FIELD_IDX",
  "1,530": "NXTTMFC_TABLE_FULL",
  "1,531": "NXTTMFC_ALREADY_MAPPED",
  "1,532": "NXTTMFC_DUP_ENTRY",
  "1,533": "NXR_NOT_SUPPORTED",
  "1,534": "NXR_STALE",
  "1,535": "NXST_NOT_CONFIGURED",
  "1,536": "NXFMFC_INVALID_TLV_FIELD",
  "1,537": "NXTTMFC_INVALID_TLV_DEL",
  "2,9": "OFPBAC_BAD_OUT_GROUP",
  "2,256": "NXBAC_MUST_BE_ZERO",
  "2,257": "OFPBIC_UNSUP_INST",
  "2,526": "NXBAC_BAD_CONJUNCTION",
  "3,258": "OFPFMFC_BAD_FLAGS",
  "5,256": "NXFMFC_HARDWARE",
  "5,257": "NXFMFC_BAD_TABLE_ID",
  "6,0": "OFPGMFC_GROUP_EXISTS",
  "6,1": "OFPGMFC_INVALID_GROUP",
  "6,2": "OFPGMFC_WEIGHT_UNSUPPORTED",
  "6,3": "OFPGMFC_OUT_OF_GROUPS",
  "6,4": "OFPGMFC_OUT_OF_BUCKETS",
  "6,5": "OFPGMFC_CHAINING_UNSUPPORTED",
  "6,6": "OFPGMFC_WATCH_UNSUPPORTED",
  "6,7": "OFPGMFC_LOOP",
  "6,8": "OFPGMFC_UNKNOWN_GROUP",
  "6,9": "OFPGMFC_CHAINED_GROUP",
  "6,10": "OFPGMFC_BAD_TYPE",
  "6,11": "OFPGMFC_BAD_COMMAND",
  "6,12": "OFPGMFC_BAD_BUCKET",
  "6,13": "OFPGMFC_BAD_WATCH",
  "6,14": "OFPGMFC_EPERM",
  "6,15": "OFPGMFC_UNKNOWN_BUCKET",
  "6,16": "OFPGMFC_BUCKET_EXISTS",
  "13,2": "OFPBPC_BAD_TYPE",
  "13,3": "OFPBPC_BAD_LEN",
  "13,4": "OFPBPC_BAD_VALUE",
  "14,3": "OFPBPC_TOO_MANY",
  "14,4": "OFPBPC_DUP_TYPE",
  "14,5": "OFPBPC_BAD_EXPERIMENTER",
  "14,6": "OFPBPC_BAD_EXP_TYPE",
  "14,7": "OFPBPC_BAD_EXP_VALUE",
  "14,8": "OFPBPC_EPERM",
};

/** The name of the OpenFlow 1.0 Nicira vendor error (`type`, `code`), or undefined when unknown. */
export function nx10ErrorName(type: number, code: number): string | undefined {
  return NAMES[`${type},${code}`];
}
