/**
 * Reconnect timing shared by every client that reconnects (the OVSDB client, the OpenFlow
 * connection): exponential backoff with jitter and a cap, as ioredis and OVS's `reconnect`
 * module do (OVS doubles from 1 s up to 8 s by default).
 *
 * @module
 */

/** How a client waits between reconnect attempts. */
export interface RetryStrategy {
  /**
   * Delay before the first reconnect attempt after a drop, in milliseconds; later attempts grow
   * by `multiplier`.
   * @default 250
   */
  readonly initialDelayMs: number;
  /**
   * Largest delay between attempts, in milliseconds.
   * @default 8000 (OVS's default maximum backoff)
   */
  readonly maxDelayMs: number;
  /**
   * Factor the delay grows by per attempt.
   * @default 2
   */
  readonly multiplier: number;
  /**
   * Fraction of each delay that is randomized (0 = none, 1 = full jitter: uniform in [0, delay]).
   * @default 0.5
   */
  readonly jitter: number;
  /**
   * Give up (state `closed`) after this many failed attempts (for the OVSDB client: rounds
   * through its remotes); unset = never.
   */
  readonly maxAttempts?: number;
  /**
   * The random source of the jitter, uniform in [0, 1); inject one to make delays reproducible.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** The default strategy: 250 ms doubling to 8 s, half of each delay randomized, never giving up. */
export const defaultRetry: RetryStrategy = { initialDelayMs: 250, maxDelayMs: 8000, multiplier: 2, jitter: 0.5 };

/** A full strategy from a partial one: each unset field takes its {@link defaultRetry} value. */
export function retryStrategy(partial: Partial<RetryStrategy> = {}): RetryStrategy {
  const s: { -readonly [K in keyof RetryStrategy]: RetryStrategy[K] } = { ...defaultRetry };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (s as Record<string, unknown>)[k] = v;
  return s;
}

/**
 * The delay before retry number `attempt` (0-based): `min(max, initial·multiplier^attempt)`,
 * of which the `jitter` fraction is scaled by `random()` (default: the strategy's own source,
 * else `Math.random`).
 */
export function backoffDelay(s: RetryStrategy, attempt: number, random: () => number = s.random ?? Math.random): number {
  const base = Math.min(s.maxDelayMs, s.initialDelayMs * Math.pow(s.multiplier, attempt));
  const j = Math.min(1, Math.max(0, s.jitter));
  return Math.round(base * (1 - j) + base * j * random());
}
