import { describe, expect, it } from 'vitest';
import { OAuthError, type TokenSet } from './client.js';
import { type KeyedLock, needsRefresh, TokenManager } from './token-manager.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function aToken(overrides: { access?: string; refresh?: string; expiresInS?: number } = {}): TokenSet {
  const expiresAt = overrides.expiresInS === undefined ? NOW + 3600_000 : NOW + overrides.expiresInS * 1000;
  return {
    access_token: overrides.access ?? 'access-1',
    refresh_token: overrides.refresh ?? 'refresh-1',
    token_type: 'Bearer',
    expires_at: new Date(expiresAt).toISOString(),
    raw: {},
  };
}

/** One stored token, shared like a store row; every write counts. */
function aStore(initial: TokenSet | undefined) {
  const store = { token: initial, saves: 0 };
  return {
    store,
    load: async () => {
      await Promise.resolve();
      return store.token;
    },
    save: async (token: TokenSet) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      store.token = token;
      store.saves += 1;
    },
  };
}

/** A refresh that rotates both tokens, takes a little while and counts its calls. */
function aRefresher() {
  const calls: string[] = [];
  const refresh = async (token: TokenSet) => {
    calls.push(token.refresh_token ?? '');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const n = calls.length + 1;
    return aToken({ access: `access-${n}`, refresh: `refresh-${n}` });
  };
  return { calls, refresh };
}

/** An in-memory mutex per key, standing in for a store row lock shared by processes. */
function aSharedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    tails.set(key, run.catch(() => undefined));
    return run;
  };
}

describe('needsRefresh', () => {
  it('is false for a token valid beyond the skew', () => {
    expect(needsRefresh(aToken({ expiresInS: 120 }), NOW, 60_000)).toBe(false);
  });

  it('is true within the skew, after expiry, for a missing token and for an unreadable expiry', () => {
    expect(needsRefresh(aToken({ expiresInS: 59 }), NOW, 60_000)).toBe(true);
    expect(needsRefresh(aToken({ expiresInS: -1 }), new Date(NOW), 0)).toBe(true);
    expect(needsRefresh(undefined, NOW, 0)).toBe(true);
    expect(needsRefresh({ ...aToken(), expires_at: 'soon' }, NOW, 0)).toBe(true);
  });

  it('trusts a token without expires_at until the API says 401', () => {
    const { expires_at: _ignored, ...token } = aToken();
    expect(needsRefresh(token, NOW, 60_000)).toBe(false);
  });
});

describe('TokenManager', () => {
  it('returns a valid token without refreshing', async () => {
    const { load, save, store } = aStore(aToken());
    const refresher = aRefresher();
    const manager = new TokenManager({ clock: () => NOW });
    const token = await manager.getToken('c1', load, save, { refresh: refresher.refresh });
    expect(token.access_token).toBe('access-1');
    expect(refresher.calls).toEqual([]);
    expect(store.saves).toBe(0);
  });

  it('shares one refresh among 10 concurrent callers holding an expired token', async () => {
    const { load, save, store } = aStore(aToken({ expiresInS: 10 }));
    const refresher = aRefresher();
    const manager = new TokenManager({ clock: () => NOW });
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => manager.getToken('c1', load, save, { refresh: refresher.refresh })),
    );
    expect(refresher.calls).toEqual(['refresh-1']);
    expect(store.saves).toBe(1);
    expect(new Set(tokens.map((t) => t.access_token))).toEqual(new Set(['access-2']));
    expect(store.token?.refresh_token).toBe('refresh-2');
  });

  it('refreshes when forced even though the token is valid', async () => {
    const { load, save, store } = aStore(aToken());
    const refresher = aRefresher();
    const manager = new TokenManager({ clock: () => NOW });
    const token = await manager.getToken('c1', load, save, { refresh: refresher.refresh }, { force: true });
    expect(refresher.calls).toEqual(['refresh-1']);
    expect(token.access_token).toBe('access-2');
    expect(store.token).toEqual(token);
  });

  it('refreshes once across two processes sharing a lock and a stored token', async () => {
    const { load, save, store } = aStore(aToken({ expiresInS: 10 }));
    const refresher = aRefresher();
    const lock = aSharedLock();
    const processA = new TokenManager({ clock: () => NOW, lock });
    const processB = new TokenManager({ clock: () => NOW, lock });
    const obtain = { refresh: refresher.refresh };
    const tokens = await Promise.all([
      ...Array.from({ length: 5 }, () => processA.getToken('c1', load, save, obtain)),
      ...Array.from({ length: 5 }, () => processB.getToken('c1', load, save, obtain)),
    ]);
    expect(refresher.calls).toEqual(['refresh-1']);
    expect(store.saves).toBe(1);
    expect(new Set(tokens.map((t) => t.access_token))).toEqual(new Set(['access-2']));
  });

  it('keeps the keys apart', async () => {
    const first = aStore(aToken({ expiresInS: 0 }));
    const second = aStore(aToken({ expiresInS: 0 }));
    const refresher = aRefresher();
    const manager = new TokenManager({ clock: () => NOW });
    await Promise.all([
      manager.getToken('c1', first.load, first.save, { refresh: refresher.refresh }),
      manager.getToken('c2', second.load, second.save, { refresh: refresher.refresh }),
    ]);
    expect(refresher.calls).toHaveLength(2);
  });

  it('uses fresh (client credentials) when no refresh token is stored', async () => {
    const { load, save, store } = aStore(undefined);
    let fresh = 0;
    const manager = new TokenManager({ clock: () => NOW });
    const obtain = {
      fresh: async () => {
        fresh += 1;
        return { access_token: 'cc-1', expires_at: new Date(NOW + 3600_000).toISOString(), raw: {} };
      },
    };
    const [a, b] = await Promise.all([manager.getToken('c1', load, save, obtain), manager.getToken('c1', load, save, obtain)]);
    expect(fresh).toBe(1);
    expect(a.access_token).toBe('cc-1');
    expect(b).toBe(a);
    expect(store.token?.access_token).toBe('cc-1');
  });

  it('falls back to fresh when the refresh token is rejected', async () => {
    const { load, save } = aStore(aToken({ expiresInS: 0 }));
    const manager = new TokenManager({ clock: () => NOW });
    const token = await manager.getToken('c1', load, save, {
      refresh: async () => {
        throw new OAuthError('OAUTH_INVALID_GRANT', 'The token endpoint answered 400: invalid_grant');
      },
      fresh: async () => aToken({ access: 'cc-2' }),
    });
    expect(token.access_token).toBe('cc-2');
  });

  it('rejects every waiting caller with the refresh error and tries again on the next call', async () => {
    const { load, save, store } = aStore(aToken({ expiresInS: 0 }));
    const manager = new TokenManager({ clock: () => NOW });
    let attempts = 0;
    const refresh = async () => {
      attempts += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new OAuthError('OAUTH_INVALID_GRANT', 'The token endpoint answered 400: invalid_grant');
    };
    const results = await Promise.allSettled([1, 2, 3].map(() => manager.getToken('c1', load, save, { refresh })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(attempts).toBe(1);
    await expect(manager.getToken('c1', load, save, { refresh })).rejects.toMatchObject({ code: 'OAUTH_INVALID_GRANT' });
    expect(attempts).toBe(2);
    expect(store.saves).toBe(0);
  });

  it('asks for a new authorization when there is neither a refresh token nor a fresh source', async () => {
    const { load, save } = aStore(undefined);
    const manager = new TokenManager({ clock: () => NOW });
    await expect(manager.getToken('c1', load, save, {})).rejects.toMatchObject({ code: 'OAUTH_INVALID_GRANT' });
  });
});
