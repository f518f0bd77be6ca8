import { describe, expect, it } from 'vitest';
import { EngineError } from '../engine/integration-engine.js';
import { AppError } from '../errors.js';
import { ExportError } from '../exports/export-error.js';
import { isTransientPageError, pageRetryDelayMs } from './page-retry.js';

describe('isTransientPageError', () => {
  it('re-reads garbled pages, 5xx, 429, timeouts and lost connections', () => {
    expect(isTransientPageError(new ExportError('EXPORT_RESPONSE_INVALID', 'Page 3: the response is not JSON'))).toBe(true);
    expect(isTransientPageError(new ExportError('EXPORT_FAILED', 'Page 3: HTTP 503', { status: 503 }))).toBe(true);
    expect(isTransientPageError(new ExportError('EXPORT_FAILED', 'Page 3: HTTP 429', { status: 429 }))).toBe(true);
    expect(isTransientPageError(new AppError('UPSTREAM_TIMEOUT', 'no answer'))).toBe(true);
    expect(isTransientPageError(new AppError('UPSTREAM_UNREACHABLE', 'reset'))).toBe(true);
    expect(isTransientPageError(new EngineError('UPSTREAM_ERROR', 'HTTP 502', { status: 502 }))).toBe(true);
  });

  it('fails at once on what another read cannot fix', () => {
    expect(isTransientPageError(new ExportError('EXPORT_FAILED', 'Page 1: HTTP 401', { status: 401 }))).toBe(false);
    expect(isTransientPageError(new ExportError('EXPORT_FAILED', 'successPath is false', { field: 'ok' }))).toBe(false);
    expect(isTransientPageError(new ExportError('EXPORT_REPEATED_CURSOR', 'loops'))).toBe(false);
    expect(isTransientPageError(new ExportError('EXPORT_INVALID', 'bad template'))).toBe(false);
    expect(isTransientPageError(new AppError('OUTBOUND_BLOCKED', 'not allowed'))).toBe(false);
    expect(isTransientPageError(new EngineError('UPSTREAM_ERROR', 'HTTP 404', { status: 404 }))).toBe(false);
    expect(isTransientPageError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});

describe('pageRetryDelayMs', () => {
  it('doubles from 250 ms with jitter in the upper half, capped at 5 s', () => {
    expect(pageRetryDelayMs(1, () => 0)).toBe(125);
    expect(pageRetryDelayMs(1, () => 1)).toBe(250);
    expect(pageRetryDelayMs(3, () => 1)).toBe(1000);
    expect(pageRetryDelayMs(10, () => 1)).toBe(5000);
    expect(pageRetryDelayMs(10, () => 0)).toBe(2500);
  });
});
