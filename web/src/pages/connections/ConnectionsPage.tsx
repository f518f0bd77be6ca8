import { api } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { Connection } from '../../api/types';
import { Table } from '../../components/Table';
import { Badge, Empty, PageHeader, ResourceView, formatDate } from '../../components/states';
import { Link } from '../../router';

export function debugActive(connection: Connection): boolean {
  return connection.debugDate !== undefined && new Date(connection.debugDate).getTime() > Date.now();
}

export function StatusBadge({ connection }: { connection: Connection }) {
  return connection.offline ? <Badge tone="bad">offline</Badge> : <Badge tone="good">online</Badge>;
}

export function ConnectionsPage() {
  const connections = useResource((signal) => api.get<Connection[]>('/v1/connections', { limit: 1000 }, signal), []);
  return (
    <>
      <PageHeader title="Connections">
        <Link to="/connections/new" className="button primary">
          New connection
        </Link>
      </PageHeader>
      <ResourceView
        resource={connections}
        isEmpty={(rows) => rows.length === 0}
        empty={
          <Empty title="No connections yet.">
            A connection holds one account's credentials for an integration or an HTTP API: <Link to="/connections/new">New connection</Link>.
          </Empty>
        }
      >
        {(rows) => (
          <Table
            caption={`${rows.length} connection${rows.length === 1 ? '' : 's'}`}
            rows={rows}
            rowKey={(row) => row._id}
            columns={[
              { key: 'name', header: 'Name', render: (row) => <Link to={`/connections/${row._id}`}>{row.name}</Link> },
              { key: 'type', header: 'Type', render: (row) => row.type },
              { key: 'status', header: 'Status', render: (row) => <StatusBadge connection={row} /> },
              { key: 'lastPing', header: 'Last ping', render: (row) => <LastPing connection={row} /> },
              { key: 'queue', header: 'Queue', render: (row) => row.queues.reduce((sum, q) => sum + q.size, 0) },
              { key: 'debug', header: 'Debug', secondary: true, render: (row) => (debugActive(row) ? <Badge tone="info">until {new Date(row.debugDate ?? '').toLocaleTimeString()}</Badge> : 'off') },
              { key: 'updated', header: 'Updated', secondary: true, render: (row) => formatDate(row.lastModified) },
            ]}
          />
        )}
      </ResourceView>
    </>
  );
}

export function LastPing({ connection }: { connection: Connection }) {
  const ping = connection.lastPing;
  if (!ping) return <span className="muted">never</span>;
  return (
    <span title={ping.code ?? 'ok'}>
      {formatDate(ping.at)} {ping.ok ? <Badge tone="good">ok</Badge> : <Badge tone="bad">{ping.code ?? 'failed'}</Badge>}
    </span>
  );
}
