import type jsonata from 'jsonata';
import { lazyModule } from '../util/lazy-module.js';

const loadJsonata = lazyModule<typeof jsonata>('jsonata');

/** An expression the user wrote that JSONata cannot compile or evaluate. */
export class ExpressionError extends Error {
  constructor(
    readonly code: 'EXPRESSION_INVALID' | 'EXPRESSION_FAILED',
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExpressionError';
  }
}

type Compiled = ReturnType<typeof jsonata>;
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 2000;

/** Compiles once per distinct source (definitions are data read on every request). */
export function compileExpression(source: string): Compiled {
  let compiled = cache.get(source);
  if (compiled) return compiled;
  try {
    compiled = loadJsonata()(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ExpressionError('EXPRESSION_INVALID', source, `The expression ${JSON.stringify(source)} is not valid JSONata: ${detail}`, { cause: error });
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

/**
 * Evaluates a JSONata expression over `input`.
 *
 * @example await evaluate('status = 429 or body.error = "ratelimited"', { status: 429, body: {} }) // true
 */
export async function evaluate(source: string, input: unknown, bindings?: Record<string, unknown>): Promise<unknown> {
  const compiled = compileExpression(source);
  try {
    return await compiled.evaluate(input, bindings);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ExpressionError('EXPRESSION_FAILED', source, `Evaluating ${JSON.stringify(source)} failed: ${detail}`, { cause: error });
  }
}

/** A header name (`Retry-After`) rather than an expression: read the header directly. */
export function isHeaderName(source: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(source);
}

/**
 * Reads a value that a definition names either as a response header or as a JSONata
 * expression over `{status, headers, body}` (the `rate_limit` fields of seed 002).
 */
export async function readHeaderOrExpression(source: string, response: { status: number; headers: Record<string, string>; body: unknown }): Promise<unknown> {
  if (isHeaderName(source)) return response.headers[source.toLowerCase()];
  return evaluate(source, response);
}
