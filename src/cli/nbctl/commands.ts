/**
 * The `ovn-ts nbctl` command table: the generic db-ctl commands and one module per OVN object family.
 * Each command's spec says its argument counts, its options and whether it only reads.
 *
 * @module
 */
import { DB_CTL_COMMANDS } from "../dbctl/commands.js";
import { ACL_COMMANDS } from "./acl.js";
import type { NbSpec } from "./context.js";
import { DHCP_COMMANDS } from "./dhcp.js";
import { FWD_COPP_COMMANDS } from "./fwd-copp.js";
import { GLOBAL_COMMANDS } from "./global.js";
import { GROUP_COMMANDS } from "./group.js";
import { LB_COMMANDS } from "./lb.js";
import { METER_MIRROR_COMMANDS } from "./meter-mirror.js";
import { NAT_COMMANDS } from "./nat.js";
import { ROUTE_COMMANDS } from "./route.js";
import { ROUTER_COMMANDS } from "./router.js";
import { SWITCH_COMMANDS } from "./switch.js";

/** Every command, by name, in `ovn-nbctl --help` order of families. */
export const COMMANDS: Readonly<Record<string, NbSpec>> = {
  ...DB_CTL_COMMANDS,
  ...GLOBAL_COMMANDS,
  ...SWITCH_COMMANDS,
  ...DHCP_COMMANDS,
  ...ROUTER_COMMANDS,
  ...ROUTE_COMMANDS,
  ...NAT_COMMANDS,
  ...ACL_COMMANDS,
  ...LB_COMMANDS,
  ...GROUP_COMMANDS,
  ...METER_MIRROR_COMMANDS,
  ...FWD_COPP_COMMANDS,
};

/** Every option some command takes: ovn-nbctl accepts these before the first command, and only these. */
export const COMMAND_OPTIONS: ReadonlySet<string> = new Set(["--columns", "--id", ...Object.values(COMMANDS).flatMap((c) => c.options ?? [])]);
