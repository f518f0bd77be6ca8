import type { FailureKind } from './http-client.js';

/** How hard the engine retries: bounded by attempts and by total time. */
export interface RetryPolicy {
  maxRetries: number;
  maxRetryTimeMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, maxRetryTimeMs: 120_000, baseDelayMs: 500, maxDelayMs: 30_000 };

/** What one attempt produced, as far as retrying cares. */
export interface AttemptOutcome {
  method: string;
  status?: number;
  failureKind?: FailureKind;
  /** The definition says this response means "slow down" (429 always does). */
  rateLimited: boolean;
  /** From Retry-After (or the definition's expression), in ms; undefined when absent. */
  retryAfterMs?: number;
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/**
 * Parses Retry-After: delta seconds (`120`) or an HTTP date. Returns ms from `now`, never negative.
 *
 * @example parseRetryAfter('2', 0) // 2000
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always has a day or month name; this keeps "-5" or "7x" from parsing as a year.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/**
 * Decides whether to retry after an attempt (`attempt` = retries done so far). 429s and
 * rate-limit signals are retried for every method (the request was not processed); 5xx,
 * resets and timeouts only for idempotent methods, so a POST is never applied twice; refused
 * connections for every method (nothing was sent).
 */
export function retryDecision(outcome: AttemptOutcome, attempt: number, elapsedMs: number, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
  const method = outcome.method.toUpperCase();
  let reason: string | undefined;
  if (outcome.rateLimited || outcome.status === 429) reason = 'rate limited';
  else if (outcome.status !== undefined && RETRYABLE_STATUS.has(outcome.status) && IDEMPOTENT.has(method)) reason = `status ${outcome.status}`;
  else if (outcome.failureKind === 'refused') reason = 'connection refused';
  else if ((outcome.failureKind === 'reset' || outcome.failureKind === 'timeout') && IDEMPOTENT.has(method)) reason = `connection ${outcome.failureKind}`;
  if (reason === undefined) return { retry: false, reason: 'not retryable' };
  if (attempt >= policy.maxRetries) return { retry: false, reason: `${reason}; gave up after ${attempt} retries` };
  const delayMs = outcome.retryAfterMs ?? backoffDelay(attempt, policy, random);
  if (elapsedMs + delayMs > policy.maxRetryTimeMs) {
    return { retry: false, reason: `${reason}; waiting ${delayMs} ms more would pass the retry time limit of ${policy.maxRetryTimeMs} ms` };
  }
  return { retry: true, delayMs, reason };
}

/**
 * When the remaining-calls header says 0, how long to wait before the next call: until the
 * reset time (epoch seconds, or seconds from now when small), or one second when unknown.
 */
export function budgetPauseMs(remaining: unknown, reset: unknown, now: number): number {
  if (remaining === undefined || remaining === null || remaining === '') return 0;
  const left = Number(remaining);
  if (!Number.isFinite(left) || left > 0) return 0;
  if (reset === undefined || reset === null || reset === '') return 1000;
  const value = Number(reset);
  if (!Number.isFinite(value)) return parseRetryAfter(reset, now) ?? 1000;
  // Epoch seconds are large; a small number is "seconds from now".
  return value > 1_000_000_000 ? Math.max(0, value * 1000 - now) : Math.max(0, value * 1000);
}
