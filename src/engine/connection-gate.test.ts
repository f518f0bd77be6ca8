import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionGates, type Release } from './connection-gate.js';

/** Lets every promise that can settle now settle (setImmediate runs after the microtask queue drains). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An acquire whose state can be inspected without awaiting it. */
function track(promise: Promise<Release>) {
  const state: { release?: Release } = {};
  void promise.then((release) => {
    state.release = release;
  });
  return {
    get acquired() {
      return state.release !== undefined;
    },
    release() {
      if (!state.release) throw new Error('not acquired yet');
      state.release();
    },
  };
}

describe('ConnectionGates concurrency', () => {
  it('lets `concurrency` requests in and queues the rest', async () => {
    const gates = new ConnectionGates();
    const a = track(gates.acquire('c1', { concurrency: 2 }));
    const b = track(gates.acquire('c1', { concurrency: 2 }));
    const c = track(gates.acquire('c1', { concurrency: 2 }));
    await settle();

    expect([a.acquired, b.acquired, c.acquired]).toEqual([true, true, false]);
    expect(gates.active('c1')).toBe(2);
    expect(gates.waiting('c1')).toBe(1);

    a.release();
    await settle();
    expect(c.acquired).toBe(true);
    expect(gates.active('c1')).toBe(2);
    expect(gates.waiting('c1')).toBe(0);

    b.release();
    c.release();
    expect(gates.active('c1')).toBe(0);
    expect(gates.waiting('c1')).toBe(0);
  });

  it('keeps connections apart', async () => {
    const gates = new ConnectionGates();
    const a = track(gates.acquire('c1', { concurrency: 1 }));
    const b = track(gates.acquire('c2', { concurrency: 1 }));
    const queued = track(gates.acquire('c1', { concurrency: 1 }));
    await settle();

    expect([a.acquired, b.acquired, queued.acquired]).toEqual([true, true, false]);
    expect(gates.waiting('c1')).toBe(1);
    expect(gates.waiting('c2')).toBe(0);
    expect(gates.waiting('unknown')).toBe(0);
    expect(gates.active('unknown')).toBe(0);
  });

  it('admits waiters in arrival order', async () => {
    const gates = new ConnectionGates();
    const order: number[] = [];
    const first = await gates.acquire('c1', { concurrency: 1 });
    const done = [1, 2, 3, 4].map((n) =>
      gates.acquire('c1', { concurrency: 1 }).then((release) => {
        order.push(n);
        release();
      }),
    );
    await settle();
    expect(gates.waiting('c1')).toBe(4);
    expect(order).toEqual([]);

    first();
    await Promise.all(done);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(gates.active('c1')).toBe(0);
  });

  it('queues a newcomer behind waiters even when a slot is free', async () => {
    const gates = new ConnectionGates();
    const a = track(gates.acquire('c1', { concurrency: 1 }));
    const b = track(gates.acquire('c1', { concurrency: 1 }));
    await settle();
    a.release();
    // b now holds the slot; a newcomer must wait for b, not pass it.
    const c = track(gates.acquire('c1', { concurrency: 1 }));
    await settle();
    expect([b.acquired, c.acquired]).toEqual([true, false]);
  });

  it('ignores a second release of the same slot', async () => {
    const gates = new ConnectionGates();
    const a = track(gates.acquire('c1', { concurrency: 1 }));
    const b = track(gates.acquire('c1', { concurrency: 1 }));
    const c = track(gates.acquire('c1', { concurrency: 1 }));
    await settle();

    a.release();
    a.release();
    await settle();
    expect([b.acquired, c.acquired]).toEqual([true, false]);
    expect(gates.active('c1')).toBe(1);
    expect(gates.waiting('c1')).toBe(1);
  });

  it('does not free an extra slot when released twice with nobody waiting', async () => {
    const gates = new ConnectionGates();
    const a = await gates.acquire('c1', { concurrency: 2 });
    await gates.acquire('c1', { concurrency: 2 });
    a();
    a();
    expect(gates.active('c1')).toBe(1);

    const c = track(gates.acquire('c1', { concurrency: 2 }));
    const d = track(gates.acquire('c1', { concurrency: 2 }));
    await settle();
    expect([c.acquired, d.acquired]).toEqual([true, false]);
  });
});

describe('ConnectionGates perSecond', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds the start past `perSecond` until the oldest start leaves the one-second window', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = 10_000;
    const gates = new ConnectionGates(() => clock);
    const limits = { concurrency: 10, perSecond: 2 };

    const a = track(gates.acquire('c1', limits));
    const b = track(gates.acquire('c1', limits));
    clock = 10_400;
    const c = track(gates.acquire('c1', limits));
    await settle();
    expect([a.acquired, b.acquired, c.acquired]).toEqual([true, true, false]);
    // Waiting on the rate counts as in flight, not as queued for a slot.
    expect(gates.active('c1')).toBe(3);
    expect(gates.waiting('c1')).toBe(0);

    clock = 10_999;
    await vi.advanceTimersByTimeAsync(600);
    expect(c.acquired).toBe(false);

    clock = 11_000;
    await vi.advanceTimersByTimeAsync(1);
    expect(c.acquired).toBe(true);
  });

  it('holds one-after-another requests to the limit too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = 0;
    const gates = new ConnectionGates(() => clock);
    const limits = { concurrency: 1, perSecond: 1 };

    (await gates.acquire('c1', limits))();
    clock = 500;
    const second = track(gates.acquire('c1', limits));
    await settle();
    expect(second.acquired).toBe(false);

    clock = 1000;
    await vi.advanceTimersByTimeAsync(500);
    expect(second.acquired).toBe(true);
  });

  it('starts at once again after a quiet second', async () => {
    let clock = 0;
    const gates = new ConnectionGates(() => clock);
    const limits = { concurrency: 1, perSecond: 1 };

    (await gates.acquire('c1', limits))();
    clock = 1000;
    const next = track(gates.acquire('c1', limits));
    await settle();
    expect(next.acquired).toBe(true);
  });

  it('never waits without a perSecond limit', async () => {
    const gates = new ConnectionGates(() => 0);
    const releases = await Promise.all(Array.from({ length: 50 }, () => gates.acquire('c1', { concurrency: 50 })));
    expect(releases).toHaveLength(50);
    expect(gates.active('c1')).toBe(50);
  });
});

describe('ConnectionGates.pause', () => {
  it('holds new requests of that connection until the pause ends, and only that connection', async () => {
    const gates = new ConnectionGates();
    gates.pause('slow', 120);
    expect(gates.pausedFor('slow')).toBeGreaterThan(100);
    expect(gates.pausedFor('other')).toBe(0);
    const started = Date.now();
    const other = await gates.acquire('other', { concurrency: 1 });
    expect(Date.now() - started).toBeLessThan(50);
    other();
    const release = await gates.acquire('slow', { concurrency: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    release();
    expect(gates.pausedFor('slow')).toBe(0);
  });

  it('keeps the longest pause', () => {
    let now = 1000;
    const gates = new ConnectionGates(() => now);
    gates.pause('k', 500);
    gates.pause('k', 100);
    expect(gates.pausedFor('k')).toBe(500);
    now = 1600;
    expect(gates.pausedFor('k')).toBe(0);
  });
});
