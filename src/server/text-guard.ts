import type { FastifyRequest } from 'fastify';
import { fail } from '../errors.js';

const NUL = '\u0000';

/**
 * PostgreSQL text cannot hold NUL (U+0000) while SQLite can, so a `%00` in an id was a 500 on one
 * store and a 404 on the other. This `preValidation` hook refuses NUL in path parameters and the
 * query string on both stores alike; NUL inside JSON bodies is caught by the error handler
 * (`isNulCharacterError`), since scanning every body would cost every request.
 */
export async function refuseNulInUrl(request: FastifyRequest): Promise<void> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [where, values] of [['path', params], ['query', query]] as const) {
    for (const [name, value] of Object.entries(values)) {
      const texts = Array.isArray(value) ? value : [value];
      if (texts.some((text) => typeof text === 'string' && text.includes(NUL))) {
        throw fail('VALIDATION_FAILED', `Invalid request ${where}: ${name} contains a NUL character (%00).`, [{ field: name, message: 'must not contain NUL (%00)', in: where }]);
      }
    }
  }
}

/** PostgreSQL's refusal of NUL (22021) or of an untranslatable character (22P05) in text. */
export function isNulCharacterError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === '22021' || code === '22P05') return true;
  }
  return false;
}
