import { api } from '../../api/client';
import { useResource } from '../../api/hooks';
import type { Integration } from '../../api/types';
import { Table } from '../../components/Table';
import { Badge, Empty, PageHeader, ResourceView, formatDate } from '../../components/states';
import { Link } from '../../router';

export function IntegrationsPage() {
  const integrations = useResource((signal) => api.get<{ result: Integration[]; next_cursor: string | null }>('/integration', { limit: 500 }, signal), []);
  return (
    <>
      <PageHeader title="Integrations">
        <Link to="/integrations/new" className="button primary">
          New integration
        </Link>
      </PageHeader>
      <ResourceView
        resource={integrations}
        isEmpty={(data) => data.result.length === 0}
        empty={
          <Empty title="No integrations yet.">
            Start from the catalogue (two clicks) or write a definition in JSON: <Link to="/integrations/new">New integration</Link>.
          </Empty>
        }
      >
        {(data) => (
          <Table
            caption={`${data.result.length} integration${data.result.length === 1 ? '' : 's'}`}
            rows={data.result}
            rowKey={(row) => row.id}
            columns={[
              { key: 'name', header: 'Name', render: (row) => <Link to={`/integrations/${row.id}`}>{row.config.label ?? row.name}</Link> },
              { key: 'category', header: 'Category', render: (row) => row.category },
              { key: 'beta', header: 'Beta', render: (row) => (row.is_beta ? <Badge tone="warn">beta</Badge> : <span className="muted">no</span>) },
              { key: 'sharing', header: 'Sharing', render: (row) => <Badge tone={row.sharing === 'allow' ? 'good' : row.sharing === 'deny' ? 'bad' : 'neutral'}>{row.sharing}</Badge> },
              { key: 'resources', header: 'Resources', secondary: true, render: (row) => Object.keys(row.config.resources ?? {}).length },
              { key: 'source', header: 'From', secondary: true, render: (row) => row.from_catalog ?? 'JSON' },
              { key: 'updated', header: 'Updated', secondary: true, render: (row) => formatDate(row.updated_at) },
            ]}
          />
        )}
      </ResourceView>
    </>
  );
}
