import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { SelectField, TextField } from '../../components/fields';
import { Badge, Empty, ErrorMessage, Loading, ResourceView } from '../../components/states';
import { Link } from '../../router';
import { formatTime } from '../flows/format';
import { formatCount } from './money';
import { SyncResult } from './SyncResult';
import { type Sync, type SyncPage, type SyncSummary, syncTone } from './types';

const PAGE = 20;
const STATUSES: Array<Sync['status']> = ['running', 'success', 'partial', 'failed'];

/**
 * An app account's syncs from the API (GET /v1.0/services/sync/custom?idAppAccount=), newest first,
 * PAGE at a time, whoever started them (this console, a script). Each row opens the full sync
 * (its refused rows); a sync can also be looked up by id.
 */
export function SyncList({ accountId }: { accountId: string }) {
  const [status, setStatus] = useState<'' | Sync['status']>('');
  const first = useResource((signal) => api.get<SyncPage>('/v1.0/services/sync/custom', { idAppAccount: accountId, status, limit: PAGE }, signal), [accountId, status]);
  // Pages after the first, fetched with "Show older"; dropped when the first page is fetched again.
  const [older, setOlder] = useState<SyncPage | null>(null);
  useEffect(() => setOlder(null), [first.data]);
  const more = useAction(async (cursor: string) => {
    const page = await api.get<SyncPage>('/v1.0/services/sync/custom', { idAppAccount: accountId, status, limit: PAGE, cursor });
    setOlder((o) => ({ syncs: [...(o?.syncs ?? []), ...page.syncs], nextCursor: page.nextCursor }));
  });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="syncs-title">
      <h2 id="syncs-title">Syncs</h2>
      <p className="small muted">Every sync of this account, newest first, whether started here or by a script. Open one to see its refused rows.</p>
      <div className="row">
        <SelectField label="Sync status" value={status} onChange={(e) => setStatus(e.target.value as '' | Sync['status'])}>
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
        <button type="button" onClick={first.reload}>
          Refresh
        </button>
      </div>
      <ResourceView
        resource={first}
        isEmpty={(page) => page.syncs.length === 0}
        empty={
          <Empty title={status ? `No ${status} syncs.` : 'No syncs yet.'}>
            <Link to={`/inventory/upload?account=${encodeURIComponent(accountId)}`}>Upload a file</Link> to sync this account.
          </Empty>
        }
      >
        {(page) => {
          const syncs = [...page.syncs, ...(older?.syncs ?? [])];
          const cursor = older ? older.nextCursor : page.nextCursor;
          return (
            <>
              <div className="table-wrap">
                <table className="syncs" aria-label="Syncs">
                  <thead>
                    <tr>
                      <th>Started</th>
                      <th>Status</th>
                      <th>Users</th>
                      <th>Licenses</th>
                      <th>Rows refused</th>
                      <th>File</th>
                      <th>
                        <span className="visually-hidden">Details</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {syncs.map((sync) => (
                      <SyncRow key={sync.id} sync={sync} open={open === sync.id} onToggle={() => setOpen(open === sync.id ? null : sync.id)} />
                    ))}
                  </tbody>
                </table>
              </div>
              {more.error ? <ErrorMessage error={more.error} /> : null}
              {cursor ? (
                <button type="button" disabled={more.pending} onClick={() => void more.run(cursor)}>
                  Show older syncs
                </button>
              ) : null}
            </>
          );
        }}
      </ResourceView>
      <SyncLookup accountId={accountId} />
    </section>
  );
}

function SyncRow({ sync, open, onToggle }: { sync: SyncSummary; open: boolean; onToggle: () => void }) {
  const finished = sync.status !== 'running' && sync.status !== 'failed';
  return (
    <>
      <tr data-sync={sync.id}>
        <td>{formatTime(sync.createdAt)}</td>
        <td>
          <Badge tone={syncTone(sync.status)}>{sync.status}</Badge>
        </td>
        <td>{finished ? formatCount(sync.counts.users ?? 0) : '—'}</td>
        <td>{finished ? formatCount(sync.counts.licenses ?? 0) : '—'}</td>
        <td className={sync.rowErrorCount > 0 ? 'bad' : undefined}>{formatCount(sync.rowErrorCount)}</td>
        <td>{sync.idFile}</td>
        <td>
          <button type="button" className="link-button" aria-expanded={open} onClick={onToggle}>
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="sync-details">
          <td colSpan={7}>
            <SyncCard id={sync.id} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Finds one sync of this account by the id a script got from PUT /v1.0/services/sync/custom. */
function SyncLookup({ accountId }: { accountId: string }) {
  const [lookup, setLookup] = useState('');
  const [found, setFound] = useState<string | null>(null);
  const find = useAction(async (syncId: string) => {
    setFound(null);
    const { sync } = await api.get<{ sync: Sync }>(`/v1.0/services/sync/custom/${encodeURIComponent(syncId)}`);
    if (sync.idAppAccount !== accountId) throw new Error(`Sync ${syncId} belongs to another app account.`);
    setFound(sync.id);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (lookup.trim()) void find.run(lookup.trim());
  };
  return (
    <>
      <form className="row" aria-label="Find a sync" onSubmit={submit}>
        <TextField label="Sync id" value={lookup} placeholder="from PUT /v1.0/services/sync/custom" onChange={(e) => setLookup(e.target.value)} />
        <button type="submit" disabled={!lookup.trim() || find.pending}>
          Show
        </button>
      </form>
      {find.error ? <ErrorMessage error={find.error} /> : null}
      {found ? <SyncCard id={found} /> : null}
    </>
  );
}

function SyncCard({ id }: { id: string }) {
  const sync = useResource((signal) => api.get<{ sync: Sync }>(`/v1.0/services/sync/custom/${encodeURIComponent(id)}`, undefined, signal), [id]);
  return (
    <div className="card">
      {sync.state === 'loading' ? <Loading /> : sync.state === 'error' ? <ErrorMessage error={sync.error} onRetry={sync.reload} /> : <SyncResult sync={sync.data.sync} />}
      {sync.state === 'ok' && sync.data.sync.status === 'running' ? (
        <button type="button" onClick={sync.reload}>
          Refresh
        </button>
      ) : null}
    </div>
  );
}
