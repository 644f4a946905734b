/**
 * The typed failures of the IPAM: one class per kind, each carrying its data.
 *
 * @module
 */
import { OvnError } from "./errors.js";
import type { IpFamily } from "./net.js";

/** Base class of IPAM failures. */
export class IpamError extends OvnError {
  override readonly name: string = "IpamError";
}

/** No free address is left in a subnet (or pool). */
export class IpamExhaustedError extends IpamError {
  override readonly name = "IpamExhaustedError";
  constructor(
    /** The subnet. */
    readonly subnet: string,
    /** The family that ran out. */
    readonly family: IpFamily,
    /** The pool, when allocating from one. */
    readonly pool?: readonly string[],
  ) {
    super(pool ? `IP pool ${pool.join(",")} of subnet ${subnet} has no free IPv${family} address` : `subnet ${subnet} has no free IPv${family} address`);
  }
}

/** An address (or MAC) is already held by another owner. */
export class IpamConflictError extends IpamError {
  override readonly name = "IpamConflictError";
  constructor(
    /** The contested address or MAC. */
    readonly address: string,
    /** Its current owner. */
    readonly owner: string,
    /** Who asked for it. */
    readonly requester: string,
    /** The subnet. */
    readonly subnet: string,
  ) {
    super(`${address} in subnet ${subnet} is already allocated to ${owner}, cannot give it to ${requester}`);
  }
}

/** An address is outside the subnet's CIDRs. */
export class IpamOutOfRangeError extends IpamError {
  override readonly name = "IpamOutOfRangeError";
  constructor(
    /** The address. */
    readonly address: string,
    /** The subnet. */
    readonly subnet: string,
    /** The subnet's CIDRs. */
    readonly cidrs: readonly string[],
  ) {
    super(`${address} is not in subnet ${subnet} (${cidrs.join(",")})`);
  }
}

/** An address is excluded (`exclude_ips`, gateway, network or broadcast address). */
export class IpamExcludedError extends IpamError {
  override readonly name = "IpamExcludedError";
  constructor(
    /** The address. */
    readonly address: string,
    /** The subnet. */
    readonly subnet: string,
  ) {
    super(`${address} is excluded from allocation in subnet ${subnet}`);
  }
}

/** A subnet name the IPAM does not know. */
export class IpamUnknownSubnetError extends IpamError {
  override readonly name = "IpamUnknownSubnetError";
  constructor(
    /** The subnet. */
    readonly subnet: string,
  ) {
    super(`subnet ${subnet} is not managed by this IPAM`);
  }
}

