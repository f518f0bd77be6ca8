import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { type Column, Table } from '../../components/Table';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link, useLocation, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { type AccountsAndApps, appName, loadAccounts } from './accounts';
import { downloadCsv } from './csv-download';
import { formatLastUsed } from './dates';
import { filtersFromSearch, filtersToSearch, LAST_USED_LABELS, type LastUsed, type UserFilters, usersQuery } from './filters';
import { InventoryTabs } from './InventoryTabs';
import type { InventoryUser } from './types';
import './inventory.css';

const PAGE = 100;

/** /inventory/users: users across apps, filtered by app, account, status and last use; CSV download. */
export function UsersPage(_props: PageProps) {
  const accounts = useResource((signal) => loadAccounts(signal), []);
  return (
    <section>
      <PageHeader title="Users" />
      <InventoryTabs />
      <ResourceView resource={accounts}>{(data) => <UsersView data={data} />}</ResourceView>
    </section>
  );
}

function UsersView({ data }: { data: AccountsAndApps }) {
  const { search } = useLocation();
  const navigate = useNavigate();
  const filters = filtersFromSearch(search);
  const key = filtersToSearch(filters).toString();
  const setFilters = (next: UserFilters) => {
    const q = filtersToSearch(next).toString();
    navigate(`/inventory/users${q ? `?${q}` : ''}`, { replace: true });
  };

  const first = useResource(async (signal) => api.get<{ users: InventoryUser[]; nextCursor: string | null }>('/v1.0/users', { ...Object.fromEntries(usersQuery(filtersFromSearch(new URLSearchParams(key)))), limit: PAGE }, signal), [key]);
  const [more, setMore] = useState<{ users: InventoryUser[]; nextCursor: string | null } | null>(null);
  useEffect(() => setMore(null), [key]);
  const loadMore = useAction(async (cursor: string) => {
    const page = await api.get<{ users: InventoryUser[]; nextCursor: string | null }>('/v1.0/users', { ...Object.fromEntries(usersQuery(filters)), limit: PAGE, cursor });
    setMore((old) => ({ users: [...(old?.users ?? []), ...page.users], nextCursor: page.nextCursor }));
  });
  const download = useAction(async () => downloadCsv('/v1.0/users', { ...Object.fromEntries(usersQuery(filters)), limit: '10000' }, 'users.csv'));

  const appIds = [...new Set(data.accounts.map((a) => a.idApp))].sort((a, b) => appName(data.apps, a).localeCompare(appName(data.apps, b)));
  const accountsOfApp = data.accounts.filter((a) => !filters.idApp || a.idApp === filters.idApp);
  const accountName = new Map(data.accounts.map((a) => [a.id, a.name]));

  const columns: Column<InventoryUser>[] = [
    { key: 'email', header: 'Email', render: (u) => <span className="email">{u.email}</span> },
    { key: 'name', header: 'Name', secondary: true, render: (u) => [u.firstName, u.lastName].filter(Boolean).join(' ') || <span className="muted">—</span> },
    {
      key: 'app',
      header: 'App',
      render: (u) => (
        <>
          {appName(data.apps, u.idApp)}
          <div className="small">
            <Link to={`/inventory/accounts/${encodeURIComponent(u.idAppAccount)}`}>{accountName.get(u.idAppAccount) ?? u.idAppAccount}</Link>
          </div>
        </>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      render: (u) => (
        <>
          <Badge tone={u.removedAt ? 'neutral' : u.status === 'active' ? 'good' : 'warn'}>{u.removedAt ? 'removed' : u.status}</Badge>
          {u.externalStatus ? <div className="small muted">{u.externalStatus}</div> : null}
        </>
      ),
    },
    { key: 'roles', header: 'Roles', secondary: true, render: (u) => (u.roles.length ? u.roles.join(', ') : <span className="muted">—</span>) },
    { key: 'lastUsed', header: 'Last used', render: (u) => (u.lastUsedDate ? formatLastUsed(u.lastUsedDate) : <span className="muted">never reported</span>) },
  ];

  const users = first.state === 'ok' ? [...first.data.users, ...(more?.users ?? [])] : [];
  const nextCursor = more ? more.nextCursor : first.state === 'ok' ? first.data.nextCursor : null;
  const filtered = key !== '';

  return (
    <>
      <form className="card filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter users">
        <SelectField label="App" value={filters.idApp} onChange={(e) => setFilters({ ...filters, idApp: e.target.value, idAppAccount: '' })}>
          <option value="">All apps</option>
          {appIds.map((id) => (
            <option key={id} value={id}>
              {appName(data.apps, id)}
            </option>
          ))}
        </SelectField>
        <SelectField label="App account" value={filters.idAppAccount} onChange={(e) => setFilters({ ...filters, idAppAccount: e.target.value })}>
          <option value="">All accounts</option>
          {accountsOfApp.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as UserFilters['status'] })}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="deleted">Deleted in the app</option>
        </SelectField>
        <SelectField label="Last used" value={filters.lastUsed} onChange={(e) => setFilters({ ...filters, lastUsed: e.target.value as LastUsed })}>
          {(Object.keys(LAST_USED_LABELS) as LastUsed[]).map((k) => (
            <option key={k} value={k}>
              {LAST_USED_LABELS[k]}
            </option>
          ))}
        </SelectField>
        {filters.lastUsed === 'range' ? (
          <>
            <TextField label="Used from" type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
            <TextField label="Used until" type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
          </>
        ) : null}
        <CheckboxField label="Include removed users" checked={filters.includeRemoved} onChange={(e) => setFilters({ ...filters, includeRemoved: e.target.checked })} />
        <div className="filter-actions">
          {filtered ? (
            <button type="button" onClick={() => navigate('/inventory/users', { replace: true })}>
              Clear filters
            </button>
          ) : null}
          <button type="button" disabled={download.pending} onClick={() => void download.run()}>
            {download.pending ? 'Preparing…' : 'Download CSV'}
          </button>
        </div>
      </form>
      {download.error ? <ErrorMessage error={download.error} /> : null}
      <ResourceView
        resource={first}
        isEmpty={(d) => d.users.length === 0}
        empty={
          filtered ? (
            <Empty title="No user matches these filters." />
          ) : (
            <Empty title="No users yet.">
              <Link to="/inventory/upload">Upload a file</Link> to an app account to see its users here.
            </Empty>
          )
        }
      >
        {() => (
          <>
            <Table columns={columns} rows={users} rowKey={(u) => `${u.idAppAccount}/${u.email}`} caption={`${users.length}${nextCursor ? '+' : ''} user${users.length === 1 ? '' : 's'}`} />
            {loadMore.error ? <ErrorMessage error={loadMore.error} /> : null}
            {nextCursor ? (
              <p>
                <button type="button" disabled={loadMore.pending} onClick={() => void loadMore.run(nextCursor)}>
                  {loadMore.pending ? 'Loading…' : `Load ${PAGE} more`}
                </button>
              </p>
            ) : null}
          </>
        )}
      </ResourceView>
    </>
  );
}
