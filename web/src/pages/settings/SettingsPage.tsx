import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import type { ApiKeyInfo } from '../../api/types';
import { Table } from '../../components/Table';
import { SelectField, TextField } from '../../components/fields';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView, formatDate } from '../../components/states';
import { useSession } from '../../session';
import { CustomApps } from './CustomApps';

export function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" />
      <TeamSection />
      <KeysSection />
      <CustomApps />
    </>
  );
}

function TeamSection() {
  const { session, refresh } = useSession();
  const [name, setName] = useState(session.team.name);
  const [domain, setDomain] = useState(session.team.domain ?? '');
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    setSaved(false);
    await api.patch('/v1/team', { name, domain: domain.trim() === '' ? null : domain.trim() });
    setSaved(true);
    refresh();
  });
  const admin = session.key.scope === 'admin';
  return (
    <section className="card" aria-labelledby="team-title">
      <h2 id="team-title">Team</h2>
      <p className="small muted">
        Team id <code>{session.team.id}</code> · created {formatDate(session.team.createdAt)} · you are signed in with the key “{session.key.name}” ({session.key.scope})
      </p>
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <div className="columns">
          <TextField label="Team name" value={name} onChange={(e) => setName(e.target.value)} required disabled={!admin} />
          <TextField label="Domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="example.com" disabled={!admin} />
        </div>
        {save.error ? <ErrorMessage error={save.error} /> : null}
        {saved ? (
          <p className="state state-success" role="status">
            Saved.
          </p>
        ) : null}
        <button type="submit" disabled={!admin || save.pending}>
          Save team
        </button>
      </form>
    </section>
  );
}

function KeysSection() {
  const { session } = useSession();
  const keys = useResource((signal) => api.get<{ keys: ApiKeyInfo[] }>('/v1/keys', undefined, signal), []);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'admin' | 'read'>('admin');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const create = useAction(async () => {
    const result = await api.post<{ apiKey: ApiKeyInfo; key: string }>('/v1/keys', { name, scope });
    setCreated({ name: result.apiKey.name, key: result.key });
    setName('');
    keys.reload();
  });
  const revoke = useAction(async (key: ApiKeyInfo) => {
    await api.delete(`/v1/keys/${encodeURIComponent(key.id)}`);
    keys.reload();
  });
  const admin = session.key.scope === 'admin';
  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      {admin ? (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void create.run();
          }}
        >
          <TextField label="Key name" value={name} onChange={(e) => setName(e.target.value)} required placeholder="ci" />
          <SelectField label="Scope" value={scope} onChange={(e) => setScope(e.target.value as 'admin' | 'read')}>
            <option value="admin">admin (read and change)</option>
            <option value="read">read (GET only)</option>
          </SelectField>
          <button type="submit" className="primary" disabled={create.pending}>
            Create key
          </button>
        </form>
      ) : (
        <p className="muted">A read key cannot create or revoke keys.</p>
      )}
      {create.error ? <ErrorMessage error={create.error} /> : null}
      {created ? (
        <div className="key-once" role="status">
          <p>
            <strong>Copy the key “{created.name}” now: it is shown only once.</strong>
          </p>
          <code data-testid="new-key">{created.key}</code>
          <div className="row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              Copy
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              I have copied it
            </button>
          </div>
        </div>
      ) : null}
      {revoke.error ? <ErrorMessage error={revoke.error} /> : null}
      <ResourceView resource={keys} isEmpty={(d) => d.keys.length === 0} empty={<Empty title="No keys." />}>
        {(data) => (
          <Table
            rows={data.keys}
            rowKey={(k) => k.id}
            columns={[
              { key: 'name', header: 'Name', render: (k) => k.name },
              { key: 'prefix', header: 'Key', render: (k) => <code>{k.prefix}…</code> },
              { key: 'scope', header: 'Scope', render: (k) => <Badge tone={k.scope === 'admin' ? 'info' : 'neutral'}>{k.scope}</Badge> },
              { key: 'status', header: 'Status', render: (k) => (k.revokedAt ? <Badge tone="bad">revoked</Badge> : <Badge tone="good">active</Badge>) },
              { key: 'used', header: 'Last used', secondary: true, render: (k) => formatDate(k.lastUsedAt) },
              { key: 'created', header: 'Created', secondary: true, render: (k) => formatDate(k.createdAt) },
              {
                key: 'actions',
                header: <span className="visually-hidden">Actions</span>,
                render: (k) =>
                  k.revokedAt || !admin ? null : k.id === session.key.id ? (
                    <span className="small muted">this session</span>
                  ) : (
                    <button type="button" className="danger" onClick={() => window.confirm(`Revoke the key "${k.name}"? Requests with it will be refused.`) && void revoke.run(k)} disabled={revoke.pending} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  ),
              },
            ]}
          />
        )}
      </ResourceView>
    </section>
  );
}
