import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { CheckboxField, SelectField } from '../../components/fields';
import { type Column, Table } from '../../components/Table';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link } from '../../router';
import type { PageProps } from '../registry';
import { type AccountsAndApps, appName, loadAccounts } from './accounts';
import { downloadCsv } from './csv-download';
import { InventoryTabs } from './InventoryTabs';
import { formatCents, formatCount } from './money';
import type { License, LicenseAppSummary } from './types';
import { UtilizationBar } from './UtilizationBar';
import './inventory.css';

/** /inventory/licenses: seats, their use in the last 30/90 days, unused seats and what they cost. */
export function LicensesPage(_props: PageProps) {
  const accounts = useResource((signal) => loadAccounts(signal), []);
  return (
    <section>
      <PageHeader title="Licenses" />
      <InventoryTabs />
      <ResourceView resource={accounts}>{(data) => <LicensesView data={data} />}</ResourceView>
    </section>
  );
}

function LicensesView({ data }: { data: AccountsAndApps }) {
  const [idApp, setIdApp] = useState('');
  const [includeRemoved, setIncludeRemoved] = useState(false);
  const query = { ...(idApp ? { idApp } : {}), ...(includeRemoved ? { includeRemoved: 'true' } : {}) };
  const licenses = useResource((signal) => api.get<{ licenses: License[]; apps: LicenseAppSummary[] }>('/v1.0/licenses', query, signal), [idApp, includeRemoved]);
  const download = useAction(async () => downloadCsv('/v1.0/licenses', query, 'licenses.csv'));
  const accountName = new Map(data.accounts.map((a) => [a.id, a.name]));
  const appIds = [...new Set(data.accounts.map((a) => a.idApp))].sort((a, b) => appName(data.apps, a).localeCompare(appName(data.apps, b)));

  const summaryColumns: Column<LicenseAppSummary>[] = [
    { key: 'app', header: 'App', render: (s) => appName(data.apps, s.idApp) },
    { key: 'licenses', header: 'Licenses', secondary: true, render: (s) => <span className="num">{formatCount(s.licenses)}</span> },
    { key: 'seats', header: 'Seats', render: (s) => formatCount(s.seats) },
    { key: 'use', header: 'Used (30 days)', render: (s) => <UtilizationBar seats={s.seats} used={s.usedLast30Days} /> },
    { key: 'unused', header: 'Unused seats', render: (s) => formatCount(s.unusedSeats) },
    { key: 'cost', header: 'Unused cost / month', render: (s) => <strong>{formatCents(s.unusedMonthlyCost)}</strong> },
  ];
  const columns: Column<License>[] = [
    {
      key: 'name',
      header: 'License',
      render: (l) => (
        <>
          <strong>{l.name}</strong> {l.removedAt ? <Badge>removed</Badge> : null}
          <div className="small muted">
            {appName(data.apps, l.idApp)} · <Link to={`/inventory/accounts/${encodeURIComponent(l.idAppAccount)}`}>{accountName.get(l.idAppAccount) ?? l.idAppAccount}</Link>
          </div>
        </>
      ),
    },
    { key: 'price', header: 'Price / seat', secondary: true, render: (l) => formatCents(l.pricePerUser) },
    {
      key: 'seats',
      header: 'Seats',
      render: (l) => (
        <>
          {formatCount(l.seats)}
          <div className="small muted">
            {formatCount(l.assigned)} assigned, {formatCount(l.unassignedAmount)} free
          </div>
        </>
      ),
    },
    { key: 'use', header: 'Used (30 days)', render: (l) => <UtilizationBar seats={l.seats} used={l.usedLast30Days} /> },
    { key: 'use90', header: 'Used (90 days)', secondary: true, render: (l) => formatCount(l.usedLast90Days) },
    { key: 'unused', header: 'Unused seats', render: (l) => formatCount(l.unusedSeats) },
    { key: 'cost', header: 'Unused cost / month', render: (l) => (l.unusedMonthlyCost === null ? <span className="muted">no price</span> : <strong>{formatCents(l.unusedMonthlyCost)}</strong>) },
  ];

  return (
    <>
      <form className="card filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter licenses">
        <SelectField label="App" value={idApp} onChange={(e) => setIdApp(e.target.value)}>
          <option value="">All apps</option>
          {appIds.map((id) => (
            <option key={id} value={id}>
              {appName(data.apps, id)}
            </option>
          ))}
        </SelectField>
        <CheckboxField label="Include removed licenses" checked={includeRemoved} onChange={(e) => setIncludeRemoved(e.target.checked)} />
        <div className="filter-actions">
          <button type="button" disabled={download.pending} onClick={() => void download.run()}>
            {download.pending ? 'Preparing…' : 'Download CSV'}
          </button>
        </div>
      </form>
      {download.error ? <ErrorMessage error={download.error} /> : null}
      <ResourceView
        resource={licenses}
        isEmpty={(d) => d.licenses.length === 0}
        empty={
          <Empty title={idApp ? 'This app has no licenses.' : 'No licenses yet.'}>
            Licenses come from the <code>licenses</code> of a synced file: <Link to="/inventory/upload">upload one</Link>.
          </Empty>
        }
      >
        {(d) => {
          const total = d.apps.reduce((t, s) => ({ seats: t.seats + s.seats, used: t.used + s.usedLast30Days, unused: t.unused + s.unusedSeats, cost: t.cost + s.unusedMonthlyCost }), { seats: 0, used: 0, unused: 0, cost: 0 });
          return (
            <>
              <dl className="counts totals" aria-label="Totals">
                <div>
                  <dt>Seats</dt>
                  <dd>{formatCount(total.seats)}</dd>
                </div>
                <div>
                  <dt>Used in 30 days</dt>
                  <dd>{formatCount(total.used)}</dd>
                </div>
                <div>
                  <dt>Unused seats</dt>
                  <dd>{formatCount(total.unused)}</dd>
                </div>
                <div>
                  <dt>Unused cost / month</dt>
                  <dd className="cost">{formatCents(total.cost)}</dd>
                </div>
              </dl>
              <p className="small muted">
                A seat counts as used when an active holder used the app in the last 30 days; free seats count as unused. Prices are per seat per month in cents of the app's currency, shown as amounts.
              </p>
              <h2>By app</h2>
              <Table columns={summaryColumns} rows={d.apps} rowKey={(s) => s.idApp} />
              <h2>Licenses</h2>
              <Table columns={columns} rows={d.licenses} rowKey={(l) => `${l.idAppAccount}/${l.name}`} caption={`${d.licenses.length} license${d.licenses.length === 1 ? '' : 's'}`} />
            </>
          );
        }}
      </ResourceView>
    </>
  );
}
