import { type FormEvent, useState } from 'react';
import type { ApiError } from '../api/client';
import { ErrorMessage } from '../components/states';

/** The key is typed once; it is kept in sessionStorage (this tab only) and sent as a bearer token. */
export function SignInPage({ error, onSubmit }: { error: ApiError | undefined; onSubmit: (key: string) => Promise<void> }) {
  const [key, setKey] = useState('');
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() === '') return;
    setPending(true);
    await onSubmit(key.trim());
    setPending(false);
  };
  return (
    <main className="sign-in">
      <form onSubmit={(event) => void submit(event)} className="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Switchyard</h1>
        <p>Sign in with an API key of your team. It stays in this browser tab only (session storage) and is never put in a URL.</p>
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input id="api-key" name="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder="sy_…" required />
          <small className="hint">
            First start prints an admin key; <code>switchyard keys create --team &lt;team&gt;</code> makes another.
          </small>
        </div>
        {error ? <ErrorMessage error={error} /> : null}
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
