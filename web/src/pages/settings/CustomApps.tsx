import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { Table } from '../../components/Table';
import { TextField } from '../../components/fields';
import { Empty, ErrorMessage, ResourceView } from '../../components/states';
import { useSession } from '../../session';

interface App {
  id: string;
  name: string;
  category: string;
  url: string | null;
  description: string | null;
  isCustom: boolean;
}

/** Custom applications of the team (the inventory's apps that are not in the shipped catalogue). */
async function listCustomApps(signal: AbortSignal): Promise<App[]> {
  const custom: App[] = [];
  let cursor: string | null = null;
  do {
    const page: { apps: App[]; nextCursor: string | null } = await api.get('/v1.0/apps', { limit: 1000, cursor }, signal);
    custom.push(...page.apps.filter((a) => a.isCustom));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return custom;
}

export function CustomApps() {
  const { session } = useSession();
  const apps = useResource(listCustomApps, []);
  const [form, setForm] = useState({ name: '', category: '', url: '', description: '' });
  const create = useAction(async () => {
    const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== ''));
    await api.post('/v1.0/apps/custom', body);
    setForm({ name: '', category: '', url: '', description: '' });
    apps.reload();
  });
  return (
    <section className="card" aria-labelledby="apps-title">
      <h2 id="apps-title">Custom apps</h2>
      <p className="small muted">Applications your team uses that the inventory does not know; app accounts and synced users can then refer to them.</p>
      {session.key.scope === 'admin' ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void create.run();
          }}
        >
          <div className="columns">
            <TextField label="App name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
            <TextField label="App category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })} />
            <TextField label="App URL" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
            <TextField label="App description" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
          </div>
          {create.error ? <ErrorMessage error={create.error} /> : null}
          <button type="submit" disabled={create.pending}>
            Add custom app
          </button>
        </form>
      ) : null}
      <ResourceView resource={apps} isEmpty={(rows) => rows.length === 0} empty={<Empty title="No custom apps yet." />}>
        {(rows) => (
          <Table
            rows={rows}
            rowKey={(a) => a.id}
            columns={[
              { key: 'name', header: 'Name', render: (a) => a.name },
              { key: 'category', header: 'Category', render: (a) => a.category },
              { key: 'url', header: 'URL', secondary: true, render: (a) => a.url ?? '—' },
              { key: 'description', header: 'Description', secondary: true, render: (a) => a.description ?? '' },
            ]}
          />
        )}
      </ResourceView>
    </section>
  );
}
