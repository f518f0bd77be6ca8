import { type FormEvent, useEffect, useRef, useState } from 'react';
import { asApiError, useResource } from '../../api/hooks';
import type { ApiError } from '../../api/client';
import { SelectField } from '../../components/fields';
import { Empty, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link, useLocation } from '../../router';
import type { PageProps } from '../registry';
import { type AccountsAndApps, appName, loadAccounts } from './accounts';
import { runFileSync } from './file-sync';
import { InventoryTabs } from './InventoryTabs';
import { formatBytes } from './money';
import { SyncResult } from './SyncResult';
import type { Sync } from './types';
import { initialSteps, markStep, percent, type Step } from './upload-steps';
import './inventory.css';

const EXAMPLE = `{
  "users": [
    { "email": "ada@example.com", "firstName": "Ada", "status": "active", "lastUsedDate": "2026-11-20" }
  ],
  "licenses": [
    { "name": "Pro", "pricePerUser": 1200, "unassignedAmount": 2, "users": [ { "email": "ada@example.com" } ] }
  ]
}`;

/** /inventory/upload: the five-step file sync, step by step, with upload progress and the result. */
export function UploadPage(_props: PageProps) {
  const accounts = useResource((signal) => loadAccounts(signal), []);
  return (
    <section>
      <PageHeader title="Upload users and licenses" />
      <InventoryTabs />
      <ResourceView
        resource={accounts}
        isEmpty={(data) => data.accounts.length === 0}
        empty={
          <Empty title="No app account to sync into yet.">
            <Link to="/inventory">Add an app account</Link> first: a file replaces the users and licenses of one app account.
          </Empty>
        }
      >
        {(data) => <UploadForm data={data} />}
      </ResourceView>
    </section>
  );
}

function UploadForm({ data }: { data: AccountsAndApps }) {
  const { search } = useLocation();
  const wanted = search.get('account');
  const [accountId, setAccountId] = useState(wanted && data.accounts.some((a) => a.id === wanted) ? wanted : (data.accounts[0]?.id ?? ''));
  const [file, setFile] = useState<File | null>(null);
  const [steps, setSteps] = useState<Step[]>(initialSteps);
  const [progress, setProgress] = useState<{ loaded: number; total: number | null } | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Sync | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const abort = useRef<AbortController | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (result || error) resultHeading.current?.focus();
  }, [result, error]);

  async function start(event: FormEvent) {
    event.preventDefault();
    if (!file || !accountId) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setResult(null);
    setError(null);
    setProgress(null);
    setSteps(initialSteps());
    try {
      const sync = await runFileSync(
        file,
        accountId,
        {
          step: (id, state, detail) => setSteps((old) => markStep(old, id, state, detail ?? null)),
          progress: (loaded, total) => setProgress({ loaded, total }),
        },
        controller.signal,
      );
      setResult(sync);
    } catch (caught) {
      if (!(caught instanceof DOMException && caught.name === 'AbortError')) setError(asApiError(caught));
    } finally {
      setRunning(false);
    }
  }

  const account = data.accounts.find((a) => a.id === accountId);
  const pct = progress ? percent(progress.loaded, progress.total ?? file?.size ?? null) : null;
  return (
    <div className="upload">
      <form className="card" onSubmit={(e) => void start(e)}>
        <SelectField label="App account" value={accountId} disabled={running} onChange={(e) => setAccountId(e.target.value)} hint="The file replaces this account's users and licenses; users missing from it are marked removed.">
          {data.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} — {appName(data.apps, a.idApp)}
            </option>
          ))}
        </SelectField>
        <div className="field">
          <label htmlFor="sync-file">JSON file</label>
          <input id="sync-file" type="file" accept=".json,application/json" disabled={running} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <small className="hint">{file ? `${file.name} · ${formatBytes(file.size)}` : 'Users, and optionally licenses, in the sync payload format.'}</small>
        </div>
        <details className="small">
          <summary>What the file looks like</summary>
          <pre>{EXAMPLE}</pre>
          <p>
            Emails identify users; <code>pricePerUser</code> is in cents; dates are ISO 8601. Bad rows are reported and skipped. The full contract is in docs/inventory-payload.md.
          </p>
        </details>
        <div className="row">
          <button type="submit" className="primary" disabled={!file || !accountId || running}>
            {running ? 'Syncing…' : 'Upload and sync'}
          </button>
          {running ? (
            <button type="button" onClick={() => abort.current?.abort()}>
              Stop following
            </button>
          ) : null}
        </div>
      </form>

      <section className="card" aria-labelledby="steps-title">
        <h2 id="steps-title">The five steps</h2>
        <ol className="steps">
          {steps.map((s) => (
            <li key={s.id} className={`step-${s.state}`} aria-current={s.state === 'active' ? 'step' : undefined}>
              <span className="step-mark" aria-hidden="true">
                {s.state === 'done' ? '✓' : s.state === 'failed' ? '✕' : s.state === 'active' ? '…' : ''}
              </span>
              <div>
                <strong>{s.title}</strong> <span className="visually-hidden">({s.state})</span>
                <div className="small muted">
                  <code>{s.call}</code>
                  {s.detail ? ` — ${s.detail}` : ''}
                </div>
                {s.id === 'upload' && progress ? (
                  <div className="upload-progress">
                    <progress max={100} value={pct ?? undefined} aria-label="Upload progress" />
                    <span className="small">{pct === null ? formatBytes(progress.loaded) : `${pct}%`}</span>
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      </section>

      {error || result ? (
        <section className="card" aria-labelledby="result-title">
          <h2 id="result-title" ref={resultHeading} tabIndex={-1}>
            Result
          </h2>
          {error ? <ErrorMessage error={error} /> : null}
          {result ? (
            <>
              <SyncResult sync={result} />
              <p className="row">
                <Link to={`/inventory/users?idAppAccount=${encodeURIComponent(result.idAppAccount)}`}>Users of {account?.name ?? 'this account'}</Link>
                <Link to="/inventory/licenses">Licenses</Link>
                <Link to={`/inventory/accounts/${encodeURIComponent(result.idAppAccount)}`}>App account</Link>
              </p>
            </>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
