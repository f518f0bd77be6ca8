/**
 * Per-connection admission: at most `concurrency` requests in flight and, when set, at most
 * `perSecond` request starts in any one-second window. `waiting()` is what the connection's
 * `queues[].size` reports. The state is per process; the cross-process limits of the scale-out
 * setup live in the store (see docs/architecture.md).
 */
export interface GateLimits {
  concurrency: number;
  perSecond?: number;
}

interface GateState {
  active: number;
  queue: Array<() => void>;
  starts: number[];
}

export type Release = () => void;

export class ConnectionGates {
  readonly #gates = new Map<string, GateState>();
  /** Until when (epoch ms) a connection must not start requests: its API said its budget is spent. */
  readonly #pausedUntil = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits for a slot; call the returned function exactly once when the request is done. */
  async acquire(key: string, limits: GateLimits): Promise<Release> {
    const gate = this.#gates.get(key) ?? { active: 0, queue: [], starts: [] };
    this.#gates.set(key, gate);
    if (gate.active >= limits.concurrency || gate.queue.length > 0) {
      await new Promise<void>((resolve) => gate.queue.push(resolve));
    } else {
      gate.active += 1;
    }
    if (this.pausedFor(key) > 0) await this.#respectPause(key);
    await this.#respectRate(gate, limits.perSecond);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = gate.queue.shift();
      if (next) {
        next(); // the slot passes to the next waiter: `active` stays the same
      } else {
        gate.active -= 1;
        // Keep the gate while its last starts are inside the window: they are what holds
        // one-after-another calls to perSecond.
        const now = this.now();
        if (gate.active === 0 && gate.starts.every((t) => now - t >= 1000)) this.#gates.delete(key);
      }
    };
  }

  /**
   * Holds every request of a connection until `ms` from now (a 429's Retry-After, or a
   * remaining-calls header at 0): one slow-down applies to all callers, not just the one that saw it.
   */
  pause(key: string, ms: number): void {
    if (ms <= 0) return;
    const until = this.now() + ms;
    if ((this.#pausedUntil.get(key) ?? 0) < until) this.#pausedUntil.set(key, until);
  }

  /** Milliseconds the connection is still paused for (0 when it is not). */
  pausedFor(key: string): number {
    const until = this.#pausedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) this.#pausedUntil.delete(key);
    return Math.max(0, left);
  }

  async #respectPause(key: string): Promise<void> {
    for (let left = this.pausedFor(key); left > 0; left = this.pausedFor(key)) {
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  async #respectRate(gate: GateState, perSecond: number | undefined): Promise<void> {
    if (perSecond === undefined) return;
    for (;;) {
      const now = this.now();
      gate.starts = gate.starts.filter((t) => now - t < 1000);
      if (gate.starts.length < perSecond) {
        gate.starts.push(now);
        return;
      }
      const wait = 1000 - (now - (gate.starts[0] ?? now));
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }

  /** Requests waiting for a slot on this connection. */
  waiting(key: string): number {
    return this.#gates.get(key)?.queue.length ?? 0;
  }

  /** Requests in flight on this connection. */
  active(key: string): number {
    return this.#gates.get(key)?.active ?? 0;
  }
}
