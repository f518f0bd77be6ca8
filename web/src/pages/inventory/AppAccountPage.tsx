import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { TextField } from '../../components/fields';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, ResourceView } from '../../components/states';
import { Link, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { formatTime } from '../flows/format';
import { InventoryTabs } from './InventoryTabs';
import { knownSyncs, rememberSync } from './sync-history';
import { SyncResult } from './SyncResult';
import { type App, type AppAccount, type Sync, syncTone } from './types';
import './inventory.css';

/** /inventory/accounts/:id: one app account, its last sync, and the syncs started from this browser. */
export function AppAccountPage({ params }: PageProps) {
  const id = params.id ?? '';
  const navigate = useNavigate();
  const data = useResource(async (signal) => {
    const { appAccount } = await api.get<{ appAccount: AppAccount }>(`/v1.0/app-accounts/${encodeURIComponent(id)}`, undefined, signal);
    const { app } = await api.get<{ app: App }>(`/v1.0/apps/${encodeURIComponent(appAccount.idApp)}`, undefined, signal);
    return { account: appAccount, app };
  }, [id]);
  const remove = useAction(async () => {
    await api.delete(`/v1.0/app-accounts/${encodeURIComponent(id)}`);
    navigate('/inventory');
  });
  return (
    <section>
      <ResourceView resource={data}>
        {({ account, app }) => (
          <>
            <PageHeader title={account.name}>
              <Link to={`/inventory/upload?account=${encodeURIComponent(account.id)}`} className="button primary">
                Upload a file
              </Link>
              <button
                type="button"
                className="danger"
                disabled={remove.pending}
                onClick={() => {
                  if (window.confirm(`Delete the app account “${account.name}” and its synced users and licenses?`)) void remove.run();
                }}
              >
                Delete
              </button>
            </PageHeader>
            <InventoryTabs />
            {remove.error ? <ErrorMessage error={remove.error} /> : null}
            <div className="card">
              <dl className="facts">
                <dt>App</dt>
                <dd>
                  {app.name} {app.isCustom ? <Badge tone="info">custom</Badge> : null} <span className="muted small">{app.category}</span>
                </dd>
                <dt>Last sync</dt>
                <dd>{account.lastSyncStatus ? <><Badge tone={syncTone(account.lastSyncStatus)}>{account.lastSyncStatus}</Badge> {formatTime(account.lastSyncTime)}</> : 'never'}</dd>
                <dt>Created</dt>
                <dd>{formatTime(account.createdAt)}</dd>
                <dt>Id</dt>
                <dd>
                  <code>{account.id}</code>
                </dd>
              </dl>
              <p className="row">
                <Link to={`/inventory/users?idAppAccount=${encodeURIComponent(account.id)}`}>Its users</Link>
                <Link to="/inventory/licenses">Licenses</Link>
              </p>
            </div>
            <Syncs accountId={account.id} />
          </>
        )}
      </ResourceView>
    </section>
  );
}

function Syncs({ accountId }: { accountId: string }) {
  const [ids, setIds] = useState(() => knownSyncs(accountId));
  const [lookup, setLookup] = useState('');
  const find = useAction(async (syncId: string) => {
    const { sync } = await api.get<{ sync: Sync }>(`/v1.0/services/sync/custom/${encodeURIComponent(syncId)}`);
    if (sync.idAppAccount !== accountId) throw new Error(`Sync ${syncId} belongs to another app account.`);
    rememberSync(accountId, sync.id, sync.createdAt);
    setIds(knownSyncs(accountId));
    setLookup('');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (lookup.trim()) void find.run(lookup.trim());
  };
  return (
    <section aria-labelledby="syncs-title">
      <h2 id="syncs-title">Syncs</h2>
      <p className="small muted">The syncs started from this browser, newest first. A sync started elsewhere (a script) can be added by its id.</p>
      <form className="row" onSubmit={submit}>
        <TextField label="Sync id" value={lookup} placeholder="from PUT /v1.0/services/sync/custom" onChange={(e) => setLookup(e.target.value)} />
        <button type="submit" disabled={!lookup.trim() || find.pending}>
          Show
        </button>
      </form>
      {find.error ? <ErrorMessage error={find.error} /> : null}
      {ids.length === 0 ? (
        <Empty title="No syncs seen from this browser.">
          <Link to={`/inventory/upload?account=${encodeURIComponent(accountId)}`}>Upload a file</Link> to sync this account.
        </Empty>
      ) : (
        ids.map((syncId) => <SyncCard key={syncId} id={syncId} />)
      )}
    </section>
  );
}

function SyncCard({ id }: { id: string }) {
  const sync = useResource((signal) => api.get<{ sync: Sync }>(`/v1.0/services/sync/custom/${encodeURIComponent(id)}`, undefined, signal), [id]);
  return (
    <div className="card">
      {sync.state === 'loading' ? <Loading /> : sync.state === 'error' ? <ErrorMessage error={sync.error} onRetry={sync.reload} /> : <SyncResult sync={sync.data.sync} />}
      {sync.state === 'ok' && sync.data.sync.status === 'running' ? (
        <button type="button" onClick={sync.reload}>
          Refresh
        </button>
      ) : null}
    </div>
  );
}
