import type { ConnectionGates, GateLimits } from './connection-gate.js';
import type { OutboundClient, OutboundRequest, OutboundResult } from './http-client.js';
import { type ResponseClassifier, type ResponseView, type RateSignal, viewOf } from './rate-limit.js';
import { DEFAULT_RETRY, retryDecision, type RetryPolicy } from './retry.js';

export interface ExecuteOptions {
  /** Gate key (the connection id); none for unsaved connections. */
  gateKey?: string;
  limits: GateLimits;
  /** false: one attempt only (ping). */
  retry?: RetryPolicy | false;
  classify?: ResponseClassifier;
  signal?: AbortSignal;
  /** Called after every attempt (the debug log records each). */
  onAttempt?: (request: OutboundRequest, result: OutboundResult, startedAt: Date) => Promise<void>;
}

export interface ExecuteResult {
  result: OutboundResult;
  /** The response parsed for the classifier, when it was: callers reuse it instead of parsing twice. */
  view?: ResponseView;
  attempts: number;
  /** Why the last attempt was not retried, when it failed. */
  gaveUp?: string;
}

export interface ExecutorDeps {
  client: OutboundClient;
  gates: ConnectionGates;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

/**
 * The retry loop of the one request path: gate → HTTP → classify → retry or return. Each
 * attempt takes its own gate slot, so a request waiting out a Retry-After does not hold a slot
 * other requests could use, and a pause one response asks for applies to the whole connection.
 */
export class Executor {
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;

  constructor(private readonly deps: ExecutorDeps) {
    this.#sleep = deps.sleep ?? defaultSleep;
    this.#now = deps.now ?? Date.now;
  }

  async execute(request: OutboundRequest, options: ExecuteOptions): Promise<ExecuteResult> {
    const policy = options.retry === false ? { ...DEFAULT_RETRY, maxRetries: 0 } : (options.retry ?? DEFAULT_RETRY);
    const started = this.#now();
    for (let attempt = 0; ; attempt++) {
      const release = options.gateKey ? await this.deps.gates.acquire(options.gateKey, options.limits) : undefined;
      const startedAt = new Date(this.#now());
      let result: OutboundResult;
      try {
        result = await this.deps.client.request({ ...request, ...(options.signal ? { signal: options.signal } : {}) });
      } finally {
        release?.();
      }
      await options.onAttempt?.(request, result, startedAt);

      let signal: RateSignal = { rateLimited: false, pauseMs: 0 };
      let view: ResponseView | undefined;
      if (result.ok && options.classify) {
        view = viewOf(result.response.status, result.response.headers, result.response.body);
        signal = await options.classify(view);
      } else if (result.ok && result.response.status === 429) {
        signal = { rateLimited: true, pauseMs: 0 };
      }
      if (options.gateKey && signal.pauseMs > 0) this.deps.gates.pause(options.gateKey, signal.pauseMs);

      const retryable = !result.ok || signal.rateLimited || result.response.status >= 500;
      if (!retryable) return { result, ...(view ? { view } : {}), attempts: attempt + 1 };
      const decision = retryDecision(
        {
          method: request.method,
          ...(result.ok ? { status: result.response.status } : { failureKind: result.failure.kind }),
          rateLimited: signal.rateLimited,
          ...(signal.retryAfterMs === undefined ? {} : { retryAfterMs: signal.retryAfterMs }),
        },
        attempt,
        this.#now() - started,
        policy,
        this.deps.random,
      );
      if (!decision.retry) return { result, ...(view ? { view } : {}), attempts: attempt + 1, gaveUp: decision.reason };
      // A rate-limit wait is already enforced by the gate's pause; other retries sleep here.
      if (!(options.gateKey && signal.pauseMs > 0)) await this.#sleep(decision.delayMs, options.signal);
    }
  }
}
