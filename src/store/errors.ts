/**
 * Whether an error means "the store's connection is gone" (PostgreSQL restarted, failed over, a
 * backend terminated, the network cut) rather than a bad query. Such a failure is not the
 * request's or the run's fault: the API answers 503 STORE_UNAVAILABLE, and a flow run is left for
 * a takeover at its last checkpoint instead of being marked failed.
 *
 * @example isStoreUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })) // true
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    // 08xxx connection exceptions; 57P01-57P03 admin shutdown, crash shutdown, cannot connect now.
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (NETWORK_CODES.has(code)) return true;
    if (MESSAGES.some((pattern) => pattern.test(e instanceof Error ? e.message : ''))) return true;
  }
  return false;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What node-postgres says when a socket dies under a client (these errors carry no code). */
const MESSAGES = [/^Connection terminated/, /^Client has encountered a connection error and is not queryable/, /^timeout exceeded when trying to connect/, /^Client was closed and is not queryable/];
