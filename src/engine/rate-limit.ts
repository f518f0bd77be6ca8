import type { RateLimit } from '../integrations/definition.js';
import { evaluate, readHeaderOrExpression } from './expressions.js';
import { budgetPauseMs, parseRetryAfter } from './retry.js';

/** A response as rate-limit rules see it. */
export interface ResponseView {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
}

/** What a response says about the connection's request budget. */
export interface RateSignal {
  rateLimited: boolean;
  /** How long the API asks to wait before retrying, in ms. */
  retryAfterMs?: number;
  /** How long every request of the connection should wait before the next start, in ms. */
  pauseMs: number;
}

export type ResponseClassifier = (response: ResponseView) => Promise<RateSignal>;

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 'false' && value !== 0;
}

/**
 * The rules of a definition's `rate_limit` (seed 002): 429 always means "slow down";
 * `is_rate_limited` may be a JSONata expression over {status, headers, body} for APIs that signal
 * it otherwise; `retry_after_header_expression` (default Retry-After) gives the wait;
 * `rate_limit_header_expression` (calls left) at 0 pauses the connection until
 * `rate_limit_reset_header_expression` (or one second).
 *
 * @example await rateLimitClassifier({ is_rate_limited: 'body.error = "ratelimited"' })({ status: 200, headers: {}, body: { error: 'ratelimited' } })
 */
export function rateLimitClassifier(rateLimit: RateLimit | undefined, now: () => number = Date.now): ResponseClassifier {
  return async (response) => {
    let rateLimited = response.status === 429;
    if (!rateLimited && typeof rateLimit?.is_rate_limited === 'string') {
      rateLimited = truthy(await evaluate(rateLimit.is_rate_limited, response));
    }
    const retryAfterSource = rateLimit?.retry_after_header_expression ?? 'Retry-After';
    const retryAfterMs = rateLimited ? parseRetryAfter(await readHeaderOrExpression(retryAfterSource, response), now()) : undefined;
    let pauseMs = 0;
    if (rateLimit?.rate_limit_header_expression) {
      const remaining = await readHeaderOrExpression(rateLimit.rate_limit_header_expression, response);
      const reset = rateLimit.rate_limit_reset_header_expression ? await readHeaderOrExpression(rateLimit.rate_limit_reset_header_expression, response) : undefined;
      pauseMs = budgetPauseMs(remaining, reset, now());
    }
    if (retryAfterMs !== undefined) pauseMs = Math.max(pauseMs, retryAfterMs);
    return { rateLimited, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), pauseMs };
  };
}

/** Parses a body for the rules above: JSON when it looks like JSON, else text. */
export function viewOf(status: number, headers: Record<string, string>, body: Buffer): ResponseView {
  const text = body.toString('utf8');
  let parsed: unknown = text;
  const type = headers['content-type'] ?? '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status, headers, body: parsed };
}
