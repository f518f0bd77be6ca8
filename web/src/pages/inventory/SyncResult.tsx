import { useState } from 'react';
import { Badge } from '../../components/states';
import { formatTime } from '../flows/format';
import { formatCount } from './money';
import { type Sync, syncTone } from './types';

const SHOWN = 50;

/** A sync's outcome: status, what it applied, the file error, and each bad row by row and field. */
export function SyncResult({ sync }: { sync: Sync }) {
  const [all, setAll] = useState(false);
  const c = sync.counts;
  const errors = all ? sync.rowErrors : sync.rowErrors.slice(0, SHOWN);
  const kept = sync.rowErrors.length;
  const counted = c.rowErrors ?? kept;
  return (
    <div className="sync-result" data-sync={sync.id}>
      <p>
        <Badge tone={syncTone(sync.status)}>{sync.status}</Badge> <span className="muted small">started {formatTime(sync.createdAt)}{sync.finishedAt ? `, finished ${formatTime(sync.finishedAt)}` : ''} · file {sync.idFile}</span>
      </p>
      {sync.error ? (
        <div className="state state-error" role="alert">
          <strong>{sync.error}</strong>
          <span className="small">The app account keeps its previous users and licenses.</span>
        </div>
      ) : null}
      {sync.status !== 'failed' && sync.status !== 'running' ? (
        <dl className="counts">
          <div>
            <dt>Users</dt>
            <dd>{formatCount(c.users ?? 0)}</dd>
          </div>
          <div>
            <dt>Licenses</dt>
            <dd>{formatCount(c.licenses ?? 0)}</dd>
          </div>
          <div>
            <dt>License holders</dt>
            <dd>{formatCount(c.licenseUsers ?? 0)}</dd>
          </div>
          <div>
            <dt>Users removed</dt>
            <dd>{formatCount(c.removedUsers ?? 0)}</dd>
          </div>
          <div>
            <dt>Rows refused</dt>
            <dd className={counted > 0 ? 'bad' : undefined}>{formatCount(counted)}</dd>
          </div>
        </dl>
      ) : null}
      {kept > 0 ? (
        <>
          <h3>Refused rows {counted > kept ? <span className="muted small">(first {kept} of {formatCount(counted)} kept)</span> : null}</h3>
          <p className="small muted">Each bad row was skipped; the good rows were applied. Fix them in the file and upload it again.</p>
          <ul className="row-errors">
            {errors.map((e, i) => (
              <li key={i}>
                <code>{e.text}</code>
              </li>
            ))}
          </ul>
          {kept > SHOWN ? (
            <button type="button" className="link-button" onClick={() => setAll((a) => !a)}>
              {all ? 'Show fewer' : `Show all ${kept}`}
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
