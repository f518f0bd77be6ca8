import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { credentialFormats, type Integration } from '../../api/types';
import { Table } from '../../components/Table';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView, formatDate } from '../../components/states';
import { Link, useNavigate } from '../../router';
import type { PageProps } from '../registry';

export function IntegrationDetailPage({ params }: PageProps) {
  const id = params.id ?? '';
  const navigate = useNavigate();
  const integration = useResource((signal) => api.get<Integration>(`/integration/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const remove = useAction(async () => {
    await api.delete(`/integration/${encodeURIComponent(id)}`);
    navigate('/integrations');
  });
  return (
    <ResourceView resource={integration}>
      {(data) => {
        const methods = Object.entries(data.config.resources ?? {}).flatMap(([resource, byMethod]) =>
          Object.entries(byMethod).map(([method, spec]) => ({ resource, method, spec })),
        );
        return (
          <>
            <PageHeader title={data.config.label ?? data.name}>
              <Link to={`/connections/new?integration=${encodeURIComponent(data.id)}`} className="button primary">
                Connect
              </Link>
              <button type="button" className="danger" disabled={remove.pending} onClick={() => window.confirm(`Delete the integration "${data.name}"?`) && void remove.run()}>
                Delete
              </button>
            </PageHeader>
            {remove.error ? <ErrorMessage error={remove.error} /> : null}
            <div className="card">
              <dl className="facts">
                <dt>Name</dt>
                <dd>
                  <code>{data.name}</code>
                </dd>
                <dt>Category</dt>
                <dd>{data.category}</dd>
                <dt>Sharing</dt>
                <dd>
                  <Badge>{data.sharing}</Badge>
                </dd>
                <dt>Beta</dt>
                <dd>{data.is_beta ? <Badge tone="warn">beta</Badge> : 'no'}</dd>
                <dt>Base URL</dt>
                <dd>
                  <code>{data.config.base_url}</code>
                </dd>
                <dt>Credentials</dt>
                <dd>{credentialFormats(data.config).map((c) => c.format).join(', ') || 'none'}</dd>
                <dt>From</dt>
                <dd>{data.from_catalog ? `catalogue: ${data.from_catalog}` : 'JSON'}</dd>
                <dt>Updated</dt>
                <dd>{formatDate(data.updated_at)}</dd>
              </dl>
            </div>
            <h2>Resources and methods</h2>
            {methods.length === 0 ? (
              <Empty title="This definition has no resources." />
            ) : (
              <Table
                rows={methods}
                rowKey={(row) => `${row.resource}.${row.method}`}
                columns={[
                  { key: 'resource', header: 'Resource', render: (row) => <strong>{row.resource}</strong> },
                  { key: 'method', header: 'Method', render: (row) => <code>{row.method}</code> },
                  { key: 'http', header: 'Request', render: (row) => <code>{`${row.spec.method.toUpperCase()} ${row.spec.path}`}</code> },
                  { key: 'records', header: 'Records at', secondary: true, render: (row) => (row.spec.response_path ? <code>{row.spec.response_path}</code> : '—') },
                  { key: 'description', header: 'Description', secondary: true, render: (row) => row.spec.description ?? '' },
                ]}
              />
            )}
            <details>
              <summary>Definition (JSON)</summary>
              <pre>{JSON.stringify(data.config, null, 2)}</pre>
            </details>
          </>
        );
      }}
    </ResourceView>
  );
}
