import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { Badge, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { formatTime } from '../flows/format';
import { InventoryTabs } from './InventoryTabs';
import { SyncList } from './SyncList';
import { type App, type AppAccount, syncTone } from './types';
import './inventory.css';

/** /inventory/accounts/:id: one app account, its last sync, and its syncs (newest first, from the API). */
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
            <SyncList accountId={account.id} />
          </>
        )}
      </ResourceView>
    </section>
  );
}
