/**
 * The controller identity stamped on every row a controller creates (as Kube-OVN stamps
 * `external_ids:vendor=kube-ovn`), and the owner key that groups rows by the object they were
 * made for (a NetworkPolicy, a Service, a node): the rows GC and set-exactly calls may touch.
 *
 * @module
 */

/** Who a controller is, as written in `external_ids`. */
export interface ControllerIdentity {
  /** The identity value, e.g. `kube-ovn`. */
  readonly vendor: string;
  /**
   * The `external_ids` key holding {@link ControllerIdentity.vendor}.
   * @default "vendor"
   */
  readonly vendorKey?: string;
  /**
   * The `external_ids` key holding a row's owner (the object it was made for), used by the
   * set-exactly calls of ACLs, routes and policies and by GC.
   * @default "owner"
   */
  readonly ownerKey?: string;
}

/** A {@link ControllerIdentity} with its defaults filled in. */
export interface ResolvedIdentity {
  /** The identity value. */
  readonly vendor: string;
  /** The key holding it. */
  readonly vendorKey: string;
  /** The owner key. */
  readonly ownerKey: string;
}

/** Fills in the defaults of an identity and checks it (non-empty, distinct keys). */
export function resolveIdentity(id: ControllerIdentity): ResolvedIdentity {
  const r = { vendor: id.vendor, vendorKey: id.vendorKey ?? "vendor", ownerKey: id.ownerKey ?? "owner" };
  if (r.vendor === "" || r.vendorKey === "" || r.ownerKey === "") throw new TypeError("controller identity: vendor, vendorKey and ownerKey must be non-empty");
  if (r.vendorKey === r.ownerKey) throw new TypeError(`controller identity: vendorKey and ownerKey are both "${r.vendorKey}"`);
  return r;
}
