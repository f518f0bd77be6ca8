import { api } from '../../api/client';
import { useResource } from '../../api/hooks';
import { Badge, Empty, PageHeader, ResourceView } from '../../components/states';
import { Link, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { formatTime } from '../flows/format';
import { loadAccounts } from './accounts';
import { AddAccountForm } from './AddAccountForm';
import { InventoryTabs } from './InventoryTabs';
import { formatCents } from './money';
import { type LicenseAppSummary, syncTone } from './types';
import './inventory.css';

/** /inventory: the apps the team syncs, their app accounts and how their last sync went. */
export function InventoryPage(_props: PageProps) {
  const navigate = useNavigate();
  const data = useResource(async (signal) => {
    const [accounts, licenses] = await Promise.all([loadAccounts(signal), api.get<{ apps: LicenseAppSummary[] }>('/v1.0/licenses', undefined, signal)]);
    return { ...accounts, cost: new Map(licenses.apps.map((s) => [s.idApp, s])) };
  }, []);
  return (
    <section>
      <PageHeader title="Inventory">
        <Link to="/inventory/upload" className="button primary">
          Upload a file
        </Link>
      </PageHeader>
      <InventoryTabs />
      <ResourceView
        resource={data}
        isEmpty={(d) => d.accounts.length === 0}
        empty={
          <Empty title="No apps in the inventory yet.">
            Add an app account below, then upload its users and licenses.
          </Empty>
        }
      >
        {(d) => {
          const byApp = new Map<string, typeof d.accounts>();
          for (const account of d.accounts) byApp.set(account.idApp, [...(byApp.get(account.idApp) ?? []), account]);
          const appIds = [...byApp.keys()].sort((a, b) => (d.apps.get(a)?.name ?? a).localeCompare(d.apps.get(b)?.name ?? b));
          return (
            <ul className="app-list">
              {appIds.map((id) => {
                const app = d.apps.get(id);
                const summary = d.cost.get(id);
                return (
                  <li key={id} className="card app-card">
                    <div className="row spread">
                      <h2>
                        {app?.name ?? id} {app?.isCustom ? <Badge tone="info">custom</Badge> : null}
                      </h2>
                      <span className="small muted">{app?.category}</span>
                    </div>
                    {summary ? (
                      <p className="small">
                        {summary.seats} seats, {summary.usedLast30Days} used in 30 days · unused {formatCents(summary.unusedMonthlyCost)} / month
                      </p>
                    ) : null}
                    <ul className="accounts">
                      {(byApp.get(id) ?? []).map((account) => (
                        <li key={account.id}>
                          <Link to={`/inventory/accounts/${encodeURIComponent(account.id)}`}>{account.name}</Link>{' '}
                          {account.lastSyncStatus ? <Badge tone={syncTone(account.lastSyncStatus)}>{account.lastSyncStatus}</Badge> : <Badge>never synced</Badge>}{' '}
                          <span className="small muted">{account.lastSyncTime ? `last sync ${formatTime(account.lastSyncTime)}` : ''}</span>{' '}
                          <Link className="small" to={`/inventory/upload?account=${encodeURIComponent(account.id)}`}>
                            Upload
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </ResourceView>
      <AddAccountForm onAdded={(account) => navigate(`/inventory/accounts/${encodeURIComponent(account.id)}`)} />
    </section>
  );
}
