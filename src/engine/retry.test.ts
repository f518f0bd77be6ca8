import { describe, expect, it } from 'vitest';
import { type AttemptOutcome, backoffDelay, budgetPauseMs, DEFAULT_RETRY, parseRetryAfter, retryDecision } from './retry.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const get = (o: Partial<AttemptOutcome>): AttemptOutcome => ({ method: 'GET', rateLimited: false, ...o });

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    ['Mon, 23 Nov 2026 12:00:30 GMT', 30_000],
    ['Mon, 23 Nov 2026 11:59:00 GMT', 0],
  ])('%s → %i ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([undefined, null, '', 'soon', '-5'])('%s → undefined', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelay(0, DEFAULT_RETRY, () => 1)).toBe(500);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 1)).toBe(4000);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(30_000);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});

describe('retryDecision', () => {
  const half = () => 0.5;

  it('retries 429 for every method, honouring Retry-After', () => {
    expect(retryDecision({ method: 'POST', status: 429, rateLimited: true, retryAfterMs: 2000 }, 0, 0, DEFAULT_RETRY, half)).toEqual({ retry: true, delayMs: 2000, reason: 'rate limited' });
    expect(retryDecision(get({ status: 200, rateLimited: true }), 1, 0, DEFAULT_RETRY, half)).toEqual({ retry: true, delayMs: 500, reason: 'rate limited' });
  });

  it('retries 5xx, resets and timeouts only for idempotent methods', () => {
    expect(retryDecision(get({ status: 503 }), 0, 0, DEFAULT_RETRY, half)).toMatchObject({ retry: true, reason: 'status 503' });
    expect(retryDecision({ method: 'POST', status: 503, rateLimited: false }, 0, 0, DEFAULT_RETRY, half)).toEqual({ retry: false, reason: 'not retryable' });
    expect(retryDecision(get({ failureKind: 'reset' }), 0, 0, DEFAULT_RETRY, half)).toMatchObject({ retry: true, reason: 'connection reset' });
    expect(retryDecision({ method: 'PATCH', failureKind: 'timeout', rateLimited: false }, 0, 0, DEFAULT_RETRY, half)).toMatchObject({ retry: false });
    expect(retryDecision({ method: 'POST', failureKind: 'refused', rateLimited: false }, 0, 0, DEFAULT_RETRY, half)).toMatchObject({ retry: true, reason: 'connection refused' });
  });

  it('never retries client errors, DNS failures or blocked addresses', () => {
    for (const outcome of [get({ status: 400 }), get({ status: 401 }), get({ status: 404 }), get({ status: 501 }), get({ failureKind: 'dns' }), get({ failureKind: 'blocked' })]) {
      expect(retryDecision(outcome, 0, 0, DEFAULT_RETRY, half).retry).toBe(false);
    }
  });

  it('stops after maxRetries and before passing the time budget', () => {
    expect(retryDecision(get({ status: 500 }), 5, 0, DEFAULT_RETRY, half)).toEqual({ retry: false, reason: 'status 500; gave up after 5 retries' });
    const late = retryDecision(get({ status: 429, rateLimited: true, retryAfterMs: 60_000 }), 1, 100_000, DEFAULT_RETRY, half);
    expect(late.retry).toBe(false);
    expect(late.reason).toMatch(/retry time limit of 120000 ms/);
  });
});

describe('budgetPauseMs', () => {
  it('waits only when no calls are left', () => {
    expect(budgetPauseMs('10', String(NOW / 1000 + 30), NOW)).toBe(0);
    expect(budgetPauseMs(undefined, undefined, NOW)).toBe(0);
    expect(budgetPauseMs('0', String(NOW / 1000 + 30), NOW)).toBe(30_000);
    expect(budgetPauseMs('0', '7', NOW)).toBe(7000);
    expect(budgetPauseMs(0, undefined, NOW)).toBe(1000);
    expect(budgetPauseMs('0', 'Mon, 23 Nov 2026 12:00:05 GMT', NOW)).toBe(5000);
  });
});
