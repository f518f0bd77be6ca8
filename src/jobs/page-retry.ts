import { AppError } from '../errors.js';
import { EngineError } from '../engine/integration-engine.js';
import { ExportError } from '../exports/export-error.js';

/**
 * How often a flow run re-reads a page whose read failed in a way that may pass (a garbled or
 * truncated body, a 5xx, 429, timeout or reset the engine's own retries did not get past), before
 * the run fails. Reading a page writes nothing, so reading it again is always safe.
 */
export const PAGE_READ_ATTEMPTS = 5;

/** Whether a page read failed transiently (worth reading the page again), from the error it threw. */
export function isTransientPageError(error: unknown): boolean {
  if (error instanceof ExportError) {
    if (error.code === 'EXPORT_RESPONSE_INVALID') return true;
    const status = Number(error.details.status);
    return error.code === 'EXPORT_FAILED' && (status === 429 || status === 408 || status >= 500);
  }
  if (error instanceof AppError || error instanceof EngineError) {
    if (TRANSIENT_CODES.has(error.code)) return true;
    const status = error instanceof EngineError ? error.details.status : undefined;
    return status !== undefined && (status === 429 || status >= 500);
  }
  return false;
}

const TRANSIENT_CODES = new Set<string>(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNREACHABLE', 'UPSTREAM_RATE_LIMITED']);

/** Wait before the `retry`-th re-read (1-based): 250 ms, 500 ms, 1 s, 2 s … capped at 5 s, with jitter. */
export function pageRetryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5_000, 250 * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
