/**
 * Counts failed API-key attempts per client address in fixed windows. Once an address reaches
 * `limit` failures in a window, every authenticated request from it is refused (429) until the
 * window ends, without looking at the key: a guess made while blocked teaches nothing. Requests
 * that authenticate never count, so a client with a valid key is only ever slowed by failures
 * from its own address. Pure apart from the clock it is given.
 *
 * @example
 * const limiter = new AuthFailureLimiter({ limit: 20, windowMs: 60_000 });
 * limiter.blockedFor('203.0.113.9');     // 0: not blocked
 * limiter.recordFailure('203.0.113.9');  // after 20 of these in a minute: blockedFor(...) > 0 (ms)
 */
export class AuthFailureLimiter {
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly options: {
      /** Failures per window that block an address; 0 turns the limiter off. */
      limit: number;
      windowMs: number;
      /** Addresses tracked at most; the oldest windows are forgotten first (bounded memory). */
      maxAddresses?: number;
      now?: () => number;
    },
  ) {}

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  #current(address: string): { start: number; failures: number } | undefined {
    const window = this.#windows.get(address);
    if (window && this.#now() - window.start >= this.options.windowMs) {
      this.#windows.delete(address);
      return undefined;
    }
    return window;
  }

  /** Milliseconds until the address may try again; 0 when it is not blocked. */
  blockedFor(address: string): number {
    if (this.options.limit <= 0) return 0;
    const window = this.#current(address);
    if (!window || window.failures < this.options.limit) return 0;
    return window.start + this.options.windowMs - this.#now();
  }

  recordFailure(address: string): void {
    if (this.options.limit <= 0) return;
    const window = this.#current(address);
    if (window) {
      window.failures++;
      return;
    }
    const max = this.options.maxAddresses ?? 100_000;
    // Maps iterate in insertion order: the first entry is the oldest window.
    if (this.#windows.size >= max) this.#windows.delete(this.#windows.keys().next().value as string);
    this.#windows.set(address, { start: this.#now(), failures: 1 });
  }
}
