import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from './failure-limiter.js';

describe('AuthFailureLimiter', () => {
  it('blocks an address at the limit until its window ends, then starts afresh', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.blockedFor('a')).toBe(0);
    now += 10_000;
    limiter.recordFailure('a');
    expect(limiter.blockedFor('a')).toBe(50_000);
    expect(limiter.blockedFor('b')).toBe(0);
    now += 50_000;
    expect(limiter.blockedFor('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.blockedFor('a')).toBe(0);
  });

  it('does nothing with a limit of 0', () => {
    const limiter = new AuthFailureLimiter({ limit: 0, windowMs: 60_000 });
    for (let i = 0; i < 100; i++) limiter.recordFailure('a');
    expect(limiter.blockedFor('a')).toBe(0);
  });

  it('keeps at most maxAddresses windows, forgetting the oldest', () => {
    const limiter = new AuthFailureLimiter({ limit: 1, windowMs: 60_000, maxAddresses: 2 });
    for (const address of ['a', 'b', 'c']) limiter.recordFailure(address);
    expect(limiter.blockedFor('a')).toBe(0);
    expect(limiter.blockedFor('b')).toBeGreaterThan(0);
    expect(limiter.blockedFor('c')).toBeGreaterThan(0);
  });
});
