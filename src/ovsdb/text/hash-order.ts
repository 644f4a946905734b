/**
 * The iteration order of Open vSwitch's string hash tables (`shash` over `hmap`, hashed with
 * `hash_string(name, 0)`), which decides the order in which OVS tools print tables, columns and
 * rows (`ovsdb-client list-tables`, `list-columns`, `monitor`). Reproducing it lets the CLI print
 * the same lines in the same order as the tool it mirrors.
 *
 * The hash is OVS's portable 32-bit Murmur3-style `hash_bytes` (the build without SSE 4.2 CRC32,
 * as Debian ships); the table starts with one bucket, grows when it holds more than two nodes per
 * bucket, and each bucket is a list with the newest node first.
 *
 * @module
 */

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function mhashAdd(hash: number, data: number): number {
  if (data !== 0) {
    let d = Math.imul(data, 0xcc9e2d51) >>> 0;
    d = rot(d, 15);
    d = Math.imul(d, 0x1b873593) >>> 0;
    hash = (hash ^ d) >>> 0;
  }
  hash = rot(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

function mhashFinish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** OVS's `hash_bytes(p, n, basis)` over the UTF-8 bytes of `s`. */
export function ovsHashString(s: string, basis = 0): number {
  const b = Buffer.from(s, "utf8");
  let hash = basis >>> 0;
  let i = 0;
  for (; i + 4 <= b.length; i += 4) hash = mhashAdd(hash, b.readUInt32LE(i));
  if (i < b.length) {
    let tmp = 0;
    for (let k = 0; i + k < b.length; k++) tmp |= b[i + k]! << (8 * k);
    hash = mhashAdd(hash, tmp >>> 0);
  }
  return mhashFinish((hash ^ b.length) >>> 0);
}

function calcMask(capacity: number): number {
  let mask = Math.floor(capacity / 2);
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask |= (mask & 1) << 1;
  return mask >>> 0;
}

/**
 * A simulation of an OVS `hmap` (lib/hmap.c) holding keys with the hashes given: insert keys in
 * order, read them back in OVS's iteration order (buckets in index order, each newest first, as
 * left by the resizes that happened along the way).
 */
export class HmapOrder<K> {
  private mask = 0;
  private buckets: { key: K; hash: number }[][] = [[]];
  private n = 0;

  /** Inserts `key` with `hash` (as `hmap_insert`, which grows the table past two nodes a bucket). */
  add(key: K, hash: number): void {
    const node = { key, hash: hash >>> 0 };
    this.buckets[node.hash & this.mask]!.unshift(node);
    this.n++;
    if (this.n / 2 > this.mask) this.expand();
  }

  private expand(): void {
    const newMask = calcMask(this.n);
    if (newMask <= this.mask) return;
    const next: { key: K; hash: number }[][] = Array.from({ length: newMask + 1 }, () => []);
    for (const bucket of this.buckets) {
      for (const node of bucket) next[node.hash & newMask]!.unshift(node);
    }
    this.buckets = next;
    this.mask = newMask;
  }

  /** The keys in iteration order. */
  order(): K[] {
    return this.buckets.flatMap((b) => b.map((n) => n.key));
  }
}

/** A simulation of an OVS `shash`: insert names in order, read them back in OVS's iteration order. */
export class ShashOrder {
  private readonly map = new HmapOrder<string>();

  /** Inserts a name (as `shash_add`, which does not check for duplicates). */
  add(name: string): void {
    this.map.add(name, ovsHashString(name));
  }

  /** The names in iteration order. */
  order(): string[] {
    return this.map.order();
  }
}

/** The iteration order of an OVS shash into which `names` were inserted in this order. */
export function shashOrder(names: Iterable<string>): string[] {
  const s = new ShashOrder();
  for (const n of names) s.add(n);
  return s.order();
}

/**
 * The order in which an OVS IDL client (`ovn-nbctl`, `ovs-vsctl`, `ovsdb-client` tools built on
 * lib/ovsdb-idl.c) iterates the rows of a table (`NBREC_LOGICAL_SWITCH_FOR_EACH` and the like)
 * right after its initial monitor reply, given the row UUIDs in the order that reply carried
 * them on the wire. The reply's table object is parsed into a `shash` (keyed by the UUID string),
 * whose iteration order is the order the IDL creates rows in its table `hmap`, keyed by
 * `uuid_hash()` (the UUID's first 32 bits).
 */
export function idlRowOrder(wireOrder: Iterable<string>): string[] {
  const rows = new HmapOrder<string>();
  for (const uuid of shashOrder(wireOrder)) rows.add(uuid, Number.parseInt(uuid.slice(0, 8), 16));
  return rows.order();
}
