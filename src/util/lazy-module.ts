import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded at its first use instead of at start, for packages most deployments
 * never call (JSONata, simple-oauth2 with Joi): each costs 10–15 MiB of idle RSS. Synchronous, so
 * callers keep their signatures; pass `typeof` an `import type` of the package as `T`.
 *
 * const load = lazyModule<typeof jsonata>('jsonata');
 * load()('$.a');
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
