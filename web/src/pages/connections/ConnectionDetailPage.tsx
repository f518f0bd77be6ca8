import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import type { AuditEntry, Connection, DebugEntry, Dependencies } from '../../api/types';
import { Table } from '../../components/Table';
import { CheckboxField } from '../../components/fields';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView, formatDate } from '../../components/states';
import { Link, useLocation, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { LastPing, StatusBadge, debugActive } from './ConnectionsPage';

type Tab = 'settings' | 'debug' | 'audit' | 'dependencies';
const TABS: { id: Tab; label: string }[] = [
  { id: 'settings', label: 'Settings' },
  { id: 'debug', label: 'Debug log' },
  { id: 'audit', label: 'Audit history' },
  { id: 'dependencies', label: 'Dependencies' },
];

/** Flattens a document to `path: value` rows (secrets arrive as "******" from the server). */
export function flatten(value: unknown, prefix = ''): { path: string; value: string }[] {
  if (value !== null && typeof value === 'object' && !(Array.isArray(value) && value.length === 0)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => flatten(inner, prefix === '' ? key : `${prefix}.${key}`));
  }
  return [{ path: prefix, value: typeof value === 'string' ? value : JSON.stringify(value) }];
}

export function ConnectionDetailPage({ params }: PageProps) {
  const id = params.id ?? '';
  const path = `/v1/connections/${encodeURIComponent(id)}`;
  const navigate = useNavigate();
  const [tab, setTab] = useState<Tab>('settings');
  const connection = useResource((signal) => api.get<Connection>(path, undefined, signal), [path]);
  const [pingResult, setPingResult] = useState<{ ok: true } | null>(null);
  const ping = useAction(async () => {
    setPingResult(null);
    await api.get(`${path}/ping`);
    setPingResult({ ok: true });
  });
  // OAuth authorization code: the provider's sign-in page, then back here (?status=connected).
  const authorize = useAction(async () => {
    const { url } = await api.post<{ url: string }>(`${path}/oauth/authorize`, { redirectUrl: `${window.location.origin}/connections/${encodeURIComponent(id)}` });
    window.location.assign(url);
  });
  const returned = useLocation().search;
  const remove = useAction(async () => {
    await api.delete(path);
    navigate('/connections');
  });
  const runPing = async () => {
    await ping.run();
    connection.reload();
  };
  return (
    <ResourceView resource={connection}>
      {(data) => (
        <>
          <PageHeader title={data.name}>
            <button type="button" className="primary" onClick={() => void runPing()} disabled={ping.pending}>
              {ping.pending ? 'Pinging…' : 'Ping'}
            </button>
            {data.type === 'integration' && data.credentialsFormat === 'oauth2' ? (
              <button type="button" onClick={() => void authorize.run()} disabled={authorize.pending}>
                Authorize with the provider
              </button>
            ) : null}
            <Link to={`/explore?connection=${encodeURIComponent(data._id)}`} className="button">
              Explore
            </Link>
            <button type="button" className="danger" onClick={() => window.confirm(`Delete the connection "${data.name}"?`) && void remove.run()} disabled={remove.pending}>
              Delete
            </button>
          </PageHeader>
          <div className="row" aria-live="polite">
            <StatusBadge connection={data} />
            <span>
              Last ping: <LastPing connection={data} />
            </span>
            <span>Queue: {data.queues.reduce((sum, q) => sum + q.size, 0)}</span>
            <span>Type: {data.type}</span>
          </div>
          {pingResult ? (
            <div className="state state-success" role="status">
              Ping succeeded: the API answered.
            </div>
          ) : null}
          {ping.error ? <ErrorMessage error={ping.error} /> : null}
          {authorize.error ? <ErrorMessage error={authorize.error} /> : null}
          {returned.get('status') === 'connected' ? (
            <div className="state state-success" role="status">
              Authorized: the provider's token is stored (encrypted).
            </div>
          ) : null}
          {returned.get('status') === 'error' ? (
            <div className="state state-error" role="alert">
              The provider's sign-in failed: {returned.get('error') ?? 'unknown error'}
            </div>
          ) : null}
          {remove.error ? <ErrorMessage error={remove.error} /> : null}
          <div className="tabs" role="tablist" aria-label="Connection">
            {TABS.map((t) => (
              <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)}>
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.label}>
            {tab === 'settings' ? <SettingsTab connection={data} /> : null}
            {tab === 'debug' ? <DebugTab connection={data} path={path} onChange={connection.reload} /> : null}
            {tab === 'audit' ? <AuditTab path={path} /> : null}
            {tab === 'dependencies' ? <DependenciesTab path={path} /> : null}
          </div>
        </>
      )}
    </ResourceView>
  );
}

function SettingsTab({ connection }: { connection: Connection }) {
  const { _id, name, type, lastModified, createdAt, offline: _offline, queues: _queues, debugDate: _debug, ...rest } = connection as Connection & Record<string, unknown>;
  const rows = [
    { path: '_id', value: _id },
    { path: 'name', value: name },
    { path: 'type', value: type },
    ...flatten(Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'lastPing'))),
    { path: 'createdAt', value: formatDate(createdAt) },
    { path: 'lastModified', value: formatDate(lastModified) },
  ];
  return (
    <>
      <p className="small muted">Secrets are stored encrypted and always shown masked (******).</p>
      <Table rows={rows} rowKey={(row) => row.path} columns={[{ key: 'field', header: 'Field', render: (row) => <code>{row.path}</code> }, { key: 'value', header: 'Value', render: (row) => row.value }]} />
    </>
  );
}

function DebugTab({ connection, path, onChange }: { connection: Connection; path: string; onChange: () => void }) {
  const entries = useResource((signal) => api.get<DebugEntry[]>(`${path}/debug`, undefined, signal), [path]);
  const active = debugActive(connection);
  const toggle = useAction(async (on: boolean) => {
    const value = on ? new Date(Date.now() + 15 * 60_000).toISOString() : null;
    await api.patch(path, [{ op: 'add', path: '/debugDate', value }]);
    onChange();
  });
  return (
    <>
      <div className="row">
        <CheckboxField label="Debug for 15 minutes" checked={active} disabled={toggle.pending} onChange={(e) => void toggle.run(e.target.checked)} />
        <span className="small muted">{active ? `Recording outbound requests until ${formatDate(connection.debugDate)}.` : 'Not recording.'}</span>
        <button type="button" onClick={entries.reload}>
          Refresh
        </button>
      </div>
      {toggle.error ? <ErrorMessage error={toggle.error} /> : null}
      <ResourceView resource={entries} isEmpty={(rows) => rows.length === 0} empty={<Empty title="No recorded requests.">Turn debug on, then ping or run an export.</Empty>}>
        {(rows) => (
          <ul className="timeline" aria-label="Debug log">
            {rows.map((entry) => (
              <li key={entry._id}>
                <details>
                  <summary>
                    <code>
                      {entry.method} {entry.url}
                    </code>{' '}
                    {entry.status === null ? <Badge tone="bad">{entry.error ?? 'no answer'}</Badge> : <Badge tone={entry.status < 400 ? 'good' : 'bad'}>{entry.status}</Badge>}{' '}
                    <span className="small muted">
                      {formatDate(entry.time)} · {Math.round(entry.durationMs)} ms
                    </span>
                  </summary>
                  <h3>Request</h3>
                  <pre>{`${Object.entries(entry.request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${pretty(entry.request.body)}`}</pre>
                  <h3>Response</h3>
                  <pre>{entry.response ? `${Object.entries(entry.response.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${pretty(entry.response.body)}` : entry.error ?? '—'}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </ResourceView>
    </>
  );
}

/** A recorded body, pretty-printed when it is JSON. */
function pretty(body: string | null): string {
  if (body === null || body === '') return '';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function show(value: unknown): string {
  if (value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function AuditTab({ path }: { path: string }) {
  const entries = useResource((signal) => api.get<AuditEntry[]>(`${path}/audit`, undefined, signal), [path]);
  return (
    <ResourceView resource={entries} isEmpty={(rows) => rows.length === 0} empty={<Empty title="No changes recorded." />}>
      {(rows) => (
        <ol className="timeline" aria-label="Audit history">
          {rows.map((entry) => (
            <li key={entry._id}>
              <div>
                <strong>{entry.event}</strong> by {entry.byUser.name ?? 'unknown'} <Badge>{entry.source}</Badge> <span className="small muted">{formatDate(entry.time)}</span>
              </div>
              {entry.fieldChanges.length > 0 ? (
                <ul className="small">
                  {entry.fieldChanges.map((change) => (
                    <li key={change.fieldPath}>
                      <code>{change.fieldPath}</code>: <del>{show(change.oldValue)}</del> → <ins>{show(change.newValue)}</ins>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </ResourceView>
  );
}

function DependenciesTab({ path }: { path: string }) {
  const deps = useResource((signal) => api.get<Dependencies>(`${path}/dependencies`, undefined, signal), [path]);
  return (
    <ResourceView
      resource={deps}
      isEmpty={(d) => d.exports.length + d.imports.length + d.flows.length + d.integrations.length === 0}
      empty={<Empty title="Nothing uses this connection yet." />}
    >
      {(d) => (
        <>
          {(['exports', 'imports', 'flows', 'integrations'] as const).map((kind) =>
            d[kind].length === 0 ? null : (
              <section key={kind}>
                <h3>{kind}</h3>
                <ul>
                  {d[kind].map((item) => (
                    <li key={item.id}>
                      {kind === 'flows' ? <Link to={`/flows/${item.id}`}>{item.name}</Link> : item.name} <span className="small muted">({item.paths.join(', ')})</span>
                    </li>
                  ))}
                </ul>
              </section>
            ),
          )}
        </>
      )}
    </ResourceView>
  );
}
