import { OAuthError, type TokenSet } from './client.js';

/** Runs `fn` while holding a lock on `key` that every process sharing the store respects. */
export type KeyedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** How a new token is obtained: `refresh` when a refresh token is stored, else `fresh` (client credentials). */
export interface TokenSources {
  refresh?: (token: TokenSet) => Promise<TokenSet>;
  fresh?: () => Promise<TokenSet>;
}

export interface TokenManagerOptions {
  /** Refresh this long before `expires_at`; default 60 s, so a token never expires mid-request. */
  skewMs?: number;
  /** Cross-process lock per connection (a row or advisory lock); default: this process only. */
  lock?: KeyedLock;
  clock?: () => number;
}

/**
 * True when the token is missing, expires within `skewMs` of `now`, or has an unreadable expiry.
 * A token without `expires_at` is trusted until the API answers 401.
 *
 * @example
 * needsRefresh({ access_token: 'a', expires_at: '2030-01-01T00:00:00Z', raw: {} }, Date.now(), 60_000); // false
 */
export function needsRefresh(token: TokenSet | undefined, now: number | Date, skewMs: number): boolean {
  if (!token || token.access_token === '') return true;
  if (token.expires_at === undefined) return false;
  const expiresAt = Date.parse(token.expires_at);
  if (Number.isNaN(expiresAt)) return true;
  return expiresAt - (typeof now === 'number' ? now : now.getTime()) <= skewMs;
}

const inProcessOnly: KeyedLock = (_key, fn) => fn();

/**
 * Hands out a valid access token per connection. Refreshes are single-flight: callers in this
 * process share one in-flight refresh per key, and the optional `lock` extends that across
 * processes; inside the lock the token is loaded again, so a process that waited uses the token
 * another one just saved instead of spending a (possibly rotating) refresh token a second time.
 *
 * @example
 * const tokens = new TokenManager({ lock: (key, fn) => store.withConnectionLock(key, fn) });
 * const token = await tokens.getToken(connectionId, load, save, { refresh: (t) => oauth.refresh(t) });
 * // after a 401:
 * const again = await tokens.getToken(connectionId, load, save, sources, { force: true });
 */
export class TokenManager {
  readonly #inFlight = new Map<string, Promise<TokenSet>>();
  readonly #skewMs: number;
  readonly #lock: KeyedLock;
  readonly #clock: () => number;

  constructor(options: TokenManagerOptions = {}) {
    this.#skewMs = options.skewMs ?? 60_000;
    this.#lock = options.lock ?? inProcessOnly;
    this.#clock = options.clock ?? Date.now;
  }

  /** A token valid for at least the skew, refreshed (and saved) first when needed or when `force` is set. */
  async getToken(
    key: string,
    load: () => Promise<TokenSet | undefined>,
    save: (token: TokenSet) => Promise<void>,
    obtain: TokenSources,
    options: { force?: boolean } = {},
  ): Promise<TokenSet> {
    const force = options.force === true;
    const seen = await load();
    if (!force && seen && !needsRefresh(seen, this.#clock(), this.#skewMs)) return seen;
    // Anyone already refreshing this key produces a token newer than the one we saw, forced or not.
    const running = this.#inFlight.get(key);
    if (running) return running;
    const run = this.#lock(key, () => this.#renew(seen, load, save, obtain, force));
    const shared = run.finally(() => {
      if (this.#inFlight.get(key) === shared) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, shared);
    return shared;
  }

  async #renew(
    seen: TokenSet | undefined,
    load: () => Promise<TokenSet | undefined>,
    save: (token: TokenSet) => Promise<void>,
    obtain: TokenSources,
    force: boolean,
  ): Promise<TokenSet> {
    // Loaded again under the lock: another process may have refreshed while we waited for it.
    const current = await load();
    const valid = current !== undefined && !needsRefresh(current, this.#clock(), this.#skewMs);
    if (valid && (!force || changed(seen, current))) return current;
    const next = await this.#obtain(current ?? seen, obtain);
    await save(next);
    return next;
  }

  async #obtain(token: TokenSet | undefined, obtain: TokenSources): Promise<TokenSet> {
    if (token?.refresh_token && obtain.refresh) {
      try {
        return await obtain.refresh(token);
      } catch (error) {
        // A dead refresh token is no loss when the connection can get a new token by itself.
        if (!(error instanceof OAuthError && error.code === 'OAUTH_INVALID_GRANT' && obtain.fresh)) throw error;
      }
    }
    if (obtain.fresh) return obtain.fresh();
    throw new OAuthError('OAUTH_INVALID_GRANT', 'No refresh token is stored for this connection; authorize it again.');
  }
}

function changed(before: TokenSet | undefined, after: TokenSet): boolean {
  return before === undefined || before.access_token !== after.access_token || before.refresh_token !== after.refresh_token;
}
