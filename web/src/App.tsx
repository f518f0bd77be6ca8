import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, clearKey, getStoredKey, onUnauthorized, request, storeKey } from './api/client';
import { asApiError } from './api/hooks';
import { ErrorMessage, Loading } from './components/states';
import { Layout } from './layout/Layout';
import { PAGES } from './pages/registry';
import { SignInPage } from './pages/SignInPage';
import { matchPath, useLocation, useNavigate } from './router';
import { type Session, SessionContext } from './session';

/** Finds the page for a path; static segments beat `:params` (so /connections/new is not an id). */
export function resolvePage(pathname: string) {
  const ranked = [...PAGES].sort((a, b) => a.path.split(':').length - b.path.split(':').length);
  for (const page of ranked) {
    const params = matchPath(page.path, pathname);
    if (params) return { page, params };
  }
  return undefined;
}

type State = { kind: 'checking' } | { kind: 'signed-out'; error?: ApiError } | { kind: 'signed-in'; session: Session } | { kind: 'failed'; error: ApiError };

export function App() {
  const [state, setState] = useState<State>(() => (getStoredKey() ? { kind: 'checking' } : { kind: 'signed-out' }));
  const location = useLocation();
  const navigate = useNavigate();

  const check = useCallback(async (key: string) => {
    try {
      const session = await request<Session>('GET', '/v1/team', {}, key);
      storeKey(key);
      setState({ kind: 'signed-in', session });
    } catch (error) {
      const apiError = asApiError(error);
      if (apiError.status === 401) {
        clearKey();
        setState({ kind: 'signed-out', error: apiError });
      } else setState({ kind: 'failed', error: apiError });
    }
  }, []);

  useEffect(() => {
    const key = getStoredKey();
    if (key) void check(key);
  }, [check]);

  useEffect(
    () =>
      onUnauthorized((error) => {
        clearKey();
        setState({ kind: 'signed-out', error });
      }),
    [],
  );

  const signOut = useCallback(() => {
    clearKey();
    setState({ kind: 'signed-out' });
  }, []);

  const resolved = resolvePage(location.pathname);
  useEffect(() => {
    if (location.pathname === '/' || location.pathname === '') navigate('/integrations', { replace: true });
  }, [location.pathname, navigate]);
  useEffect(() => {
    document.title = resolved ? `${resolved.page.title} · Switchyard` : 'Switchyard';
  }, [resolved]);

  const context = useMemo(
    () => (state.kind === 'signed-in' ? { session: state.session, signOut, refresh: () => void check(getStoredKey() ?? '') } : null),
    [state, signOut, check],
  );

  if (state.kind === 'checking') return <Loading label="Signing in…" />;
  if (state.kind === 'signed-out') return <SignInPage error={state.error} onSubmit={check} />;
  if (state.kind === 'failed')
    return (
      <div className="centered">
        <ErrorMessage error={state.error} onRetry={() => void check(getStoredKey() ?? '')} />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    );
  const Page = resolved?.page.component;
  return (
    <SessionContext.Provider value={context}>
      <Layout section={resolved?.page.section}>
        {Page && resolved ? (
          <Page key={location.pathname} params={resolved.params} />
        ) : (
          <div className="state state-empty">
            <strong>No page at {location.pathname}.</strong>
          </div>
        )}
      </Layout>
    </SessionContext.Provider>
  );
}
