import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import type { Connection, Integration } from '../../api/types';
import { RecordsTable } from '../../components/RecordsTable';
import { SelectField, TextField } from '../../components/fields';
import { Empty, ErrorMessage, Loading, PageHeader, ResourceView } from '../../components/states';
import { queryPlaceholders } from '../../lib/records';
import { Link, useLocation } from '../../router';
import { MappingPanel } from './MappingPanel';

export interface PagedState {
  pageIndex: number;
  pageSize: number;
  done: boolean;
  totalPages?: number;
  totalRecords?: number;
  [key: string]: unknown;
}

interface PageResult {
  data: unknown[];
  pagedExportState: PagedState;
}

export function ExplorePage() {
  const location = useLocation();
  const [connectionId, setConnectionId] = useState(location.search.get('connection') ?? '');
  const connections = useResource((signal) => api.get<Connection[]>('/v1/connections', { limit: 1000 }, signal), []);
  return (
    <>
      <PageHeader title="Explore" />
      <p className="muted">Read records through a connection page by page, then try a mapping on them. Nothing is written.</p>
      <ResourceView
        resource={connections}
        isEmpty={(rows) => rows.length === 0}
        empty={
          <Empty title="No connections to explore.">
            <Link to="/connections/new">Create a connection</Link> first.
          </Empty>
        }
      >
        {(rows) => {
          const connection = rows.find((c) => c._id === connectionId);
          return (
            <>
              <SelectField label="Connection" value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
                <option value="">Choose…</option>
                {rows.map((c) => (
                  <option key={c._id} value={c._id}>
                    {c.name} ({c.type})
                  </option>
                ))}
              </SelectField>
              {connection ? <Explorer key={connection._id} connection={connection} /> : null}
            </>
          );
        }}
      </ResourceView>
    </>
  );
}

function Explorer({ connection }: { connection: Connection }) {
  if (connection.type === 'integration') return <IntegrationExplorer connection={connection} />;
  return <HttpExplorer connection={connection} />;
}

function IntegrationExplorer({ connection }: { connection: Connection }) {
  const integration = useResource((signal) => api.get<Integration>(`/integration/${encodeURIComponent(connection._integrationId ?? '')}`, undefined, signal), [connection._integrationId]);
  const [resource, setResource] = useState('');
  const [method, setMethod] = useState('list');
  const [params, setParams] = useState<Record<string, string>>({});
  return (
    <ResourceView resource={integration}>
      {(data) => {
        const resources = data.config.resources ?? {};
        const names = Object.keys(resources);
        const chosen = resource || names[0] || '';
        const methods = Object.keys(resources[chosen] ?? {});
        const chosenMethod = methods.includes(method) ? method : methods[0] ?? '';
        const spec = resources[chosen]?.[chosenMethod];
        const placeholders = queryPlaceholders(spec);
        if (names.length === 0) return <Empty title="This integration has no resources to read." />;
        const query = Object.fromEntries(Object.entries(params).filter(([key, value]) => value !== '' && placeholders.includes(key)));
        const exportBody = { resource: chosen, method: chosenMethod, ...(Object.keys(query).length > 0 ? { query } : {}) };
        const writeMethod = resources[chosen]?.create ? 'create' : chosenMethod;
        return (
          <>
            <div className="columns">
              <SelectField label="Resource" value={chosen} onChange={(e) => setResource(e.target.value)}>
                {names.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </SelectField>
              <SelectField label="Method" value={chosenMethod} onChange={(e) => setMethod(e.target.value)}>
                {methods.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </SelectField>
            </div>
            {spec ? (
              <p className="small muted">
                <code>
                  {spec.method.toUpperCase()} {spec.path}
                </code>{' '}
                {spec.description ?? ''}
              </p>
            ) : null}
            {placeholders.length > 0 ? (
              <fieldset>
                <legend>Parameters</legend>
                {placeholders.map((p) => (
                  <TextField key={p} label={p} value={params[p] ?? ''} onChange={(e) => setParams((old) => ({ ...old, [p]: e.target.value }))} />
                ))}
              </fieldset>
            ) : null}
            <PagedRunner key={`${chosen}.${chosenMethod}`} connection={connection} exportBody={exportBody} importForm={{ resource: chosen, method: writeMethod }} />
          </>
        );
      }}
    </ResourceView>
  );
}

function HttpExplorer({ connection }: { connection: Connection }) {
  const [relativeURI, setRelativeURI] = useState('/');
  const [paging, setPaging] = useState('none');
  const [resourcePath, setResourcePath] = useState('');
  const [linkPath, setLinkPath] = useState('');
  const exportBody = {
    http: {
      relativeURI,
      method: 'GET',
      ...(paging === 'none' ? {} : { paging: { method: paging, ...(paging === 'token' || paging === 'url' ? { path: linkPath } : {}) } }),
      ...(resourcePath ? { response: { resourcePath } } : {}),
    },
  };
  return (
    <>
      <div className="columns">
        <TextField label="Relative URI" value={relativeURI} onChange={(e) => setRelativeURI(e.target.value)} hint="e.g. /items?page={{export.http.paging.page}}" />
        <TextField label="Records at (resource path)" value={resourcePath} onChange={(e) => setResourcePath(e.target.value)} hint="Dot path to the records; empty: the whole body." />
        <SelectField label="Paging" value={paging} onChange={(e) => setPaging(e.target.value)}>
          {['none', 'page', 'skip', 'token', 'url', 'linkheader'].map((m) => (
            <option key={m}>{m}</option>
          ))}
        </SelectField>
        {paging === 'token' || paging === 'url' ? <TextField label="Next page at (path)" value={linkPath} onChange={(e) => setLinkPath(e.target.value)} /> : null}
      </div>
      <PagedRunner connection={connection} exportBody={exportBody} importForm={{ http: { relativeURI: '/', method: 'POST' } }} />
    </>
  );
}

/** Runs `POST …/export/pages` page after page (same export + the returned state) and shows each page. */
function PagedRunner({ connection, exportBody, importForm }: { connection: Connection; exportBody: Record<string, unknown>; importForm: Record<string, unknown> }) {
  const [pageSize, setPageSize] = useState(10);
  const [result, setResult] = useState<PageResult | null>(null);
  const [sent, setSent] = useState<Record<string, unknown> | null>(null);
  const path = `/v1/connections/${encodeURIComponent(connection._id)}/export/pages`;
  const run = useAction(async (state: PagedState | null) => {
    const body = state && sent ? sent : { ...exportBody, pageSize };
    const page = await api.post<PageResult>(path, { export: body, ...(state ? { pagedExportState: state } : {}) });
    setSent(body);
    setResult(page);
  });
  const state = result?.pagedExportState;
  return (
    <section aria-label="Export">
      <div className="row">
        <TextField label="Page size" type="number" min={1} max={10000} value={pageSize} onChange={(e) => setPageSize(Number(e.target.value) || 1)} />
        <button type="button" className="primary" onClick={() => void run.run(null)} disabled={run.pending}>
          Run export
        </button>
        <button type="button" onClick={() => state && void run.run(state)} disabled={run.pending || !state || state.done}>
          Next page
        </button>
      </div>
      {run.pending ? <Loading label="Reading…" /> : null}
      {run.error ? <ErrorMessage error={run.error} /> : null}
      {result && state ? (
        <>
          <p aria-live="polite">
            Page {state.pageIndex}
            {state.totalPages ? ` of ${state.totalPages}` : ''} · {result.data.length} record{result.data.length === 1 ? '' : 's'}
            {state.totalRecords !== undefined ? ` · ${state.totalRecords} in all` : ''}
            {state.done ? ' · last page' : ''}
          </p>
          <RecordsTable records={result.data} label={`Records, page ${state.pageIndex}`} />
          <MappingPanel connection={connection} records={result.data} importForm={importForm} />
        </>
      ) : null}
    </section>
  );
}
