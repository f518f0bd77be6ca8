import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { SelectField, TextField } from '../../components/fields';
import { ErrorMessage } from '../../components/states';
import type { App, AppAccount } from './types';

/** Adds an app account (the custom integration a file syncs into), for a known or a new custom app. */
export function AddAccountForm({ onAdded }: { onAdded: (account: AppAccount) => void }) {
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  const [idApp, setIdApp] = useState('');
  const [name, setName] = useState('');
  const [custom, setCustom] = useState(false);
  const [customCategory, setCustomCategory] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  const apps = useResource((signal) => api.get<{ apps: App[] }>('/v1.0/apps', { q: debounced, limit: 50 }, signal), [debounced]);
  useEffect(() => {
    if (apps.state === 'ok' && !apps.data.apps.some((a) => a.id === idApp)) setIdApp(apps.data.apps[0]?.id ?? '');
  }, [apps, idApp]);

  const add = useAction(async () => {
    let appId = idApp;
    if (custom) appId = (await api.post<{ app: App }>('/v1.0/apps/custom', { name: q.trim(), ...(customCategory.trim() ? { category: customCategory.trim() } : {}) })).app.id;
    const chosen = apps.state === 'ok' ? apps.data.apps.find((a) => a.id === appId) : undefined;
    const { appAccount } = await api.post<{ appAccount: AppAccount }>('/v1.0/app-accounts', { idApp: appId, name: name.trim() || (custom ? q.trim() : (chosen?.name ?? 'App account')) });
    setName('');
    onAdded(appAccount);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const ready = custom ? q.trim() !== '' : idApp !== '';
  return (
    <form className="card add-account" onSubmit={submit} aria-labelledby="add-account-title">
      <h2 id="add-account-title">Add an app account</h2>
      <p className="small muted">An app account receives the files of one app (or one instance of it). Choose a known app, or add your own.</p>
      <div className="mode-switch" role="radiogroup" aria-label="Known or custom app">
        <label>
          <input type="radio" name="app-kind" checked={!custom} onChange={() => setCustom(false)} /> Known app
        </label>
        <label>
          <input type="radio" name="app-kind" checked={custom} onChange={() => setCustom(true)} /> Custom app
        </label>
      </div>
      <div className="form-grid">
        <TextField label={custom ? 'Custom app name' : 'Find an app'} value={q} placeholder={custom ? 'e.g. Timesheets' : 'type to search 600+ apps'} onChange={(e) => setQ(e.target.value)} />
        {custom ? (
          <TextField label="Category" value={customCategory} placeholder="e.g. HR & People" onChange={(e) => setCustomCategory(e.target.value)} />
        ) : (
          <SelectField label="App" value={idApp} onChange={(e) => setIdApp(e.target.value)} hint={apps.state === 'loading' ? 'Searching…' : apps.state === 'ok' && apps.data.apps.length === 0 ? 'No app matches: add it as a custom app.' : undefined}>
            {apps.state === 'ok'
              ? apps.data.apps.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                    {a.isCustom ? ' (custom)' : ''} — {a.category}
                  </option>
                ))
              : null}
          </SelectField>
        )}
        <TextField label="Account name" value={name} placeholder="e.g. Production" onChange={(e) => setName(e.target.value)} />
      </div>
      {apps.state === 'error' ? <ErrorMessage error={apps.error} onRetry={apps.reload} /> : null}
      {add.error ? <ErrorMessage error={add.error} /> : null}
      <button type="submit" className="primary" disabled={!ready || add.pending}>
        {add.pending ? 'Adding…' : 'Add app account'}
      </button>
    </form>
  );
}
