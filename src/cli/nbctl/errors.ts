/**
 * The API's errors in ovn-nbctl's words.
 *
 * @module
 */
import type { NoRemoteError } from "../../ovsdb/client/client.js";
import { isUuid } from "../../ovsdb/wire/notation.js";
import { OvnAlreadyExistsError, OvnConflictError, OvnNotFoundError } from "../../ovn/errors.js";

/** How ovn-nbctl names object kinds in its "already exists" and "not found" messages. */
export const NBCTL_NOUN: Partial<Record<string, string>> = {
  "logical switch": "switch",
  "logical switch port": "port",
  "logical router": "router",
  "logical router port": "port",
  "load balancer": "load balancer",
  "port group": "port group",
  "address set": "address set",
};

/**
 * The message ovn-nbctl prints for the same failure, so scripts that match its stderr keep
 * working: `NAME: a switch with this name already exists`, `NAME: switch name not found`. Other
 * errors keep the API's own (more detailed) message.
 */
export function nbctlMessage(e: Error): string {
  if (e instanceof OvnAlreadyExistsError) {
    const noun = NBCTL_NOUN[e.kind];
    if (noun) return `${e.object}: a ${noun} with this name already exists`;
    // (ovn-nbctl says "ls" for port groups too.)
    if (e.kind === "ACL" && e.container) return `Same ACL already existed on the ls ${e.container.name}.`;
    if (e.kind === "routing policy" && e.container) return `Same routing policy already existed on the logical router ${e.container.name}.`;
    if (e.kind === "meter") return `meter with name "${e.object}" already exists`;
    if (e.kind === "QoS rule" && e.container) return `Same qos already existed on the ls ${e.container.name}.`;
    if (e.kind === "load balancer VIP" && e.container) return `${e.container.name}: a load balancer with this vip (${e.object}) already exists`;
  }
  if (e instanceof OvnConflictError && (e.kind === "logical router port" || e.kind === "logical switch port")) {
    const c = e.conflict;
    if (c.kind === "container") return `${c.name}: port already exists but in ${c.field} ${c.existing ?? "(none)"}`;
    if (c.kind === "setting" && c.field === "mac") return `${c.name}: port already exists with mac ${c.existing ?? ""}`;
    if (c.kind === "setting" && c.field === "peer") return `${c.name}: port already exists with mismatching peer`;
    if (c.kind === "setting" && c.field === "tag_request") return `${c.name}: port already exists with different tag_request ${c.existing ?? "(none)"}`;
  }
  if (e instanceof OvnNotFoundError) {
    if (e.kind === "HA chassis group") return `${e.object}: ha_chassi_group name not found`;
    if (e.kind === "mirror") return `${e.object}: mirror name not found`;
    const noun = NBCTL_NOUN[e.kind];
    if (noun) return `${e.object}: ${noun} ${isUuid(e.object) ? "UUID" : "name"} not found`;
  }
  return e.message;
}

/** ovn-nbctl's `REMOTE: database connection failed (REASON)`, REASON as strerror words it. */
export function connectFailure(db: string, e: NoRemoteError): string {
  const cause = e.attempts[0]?.error.cause as NodeJS.ErrnoException | undefined;
  const reason: Partial<Record<string, string>> = { ENOENT: "No such file or directory", ECONNREFUSED: "Connection refused", EACCES: "Permission denied", ETIMEDOUT: "Connection timed out" };
  return `${db}: database connection failed (${(cause?.code !== undefined ? reason[cause.code] : undefined) ?? e.attempts[0]?.error.message ?? e.message})`;
}
