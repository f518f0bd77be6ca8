import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import { Badge, ErrorMessage } from '../../components/states';
import { formatDuration, formatTime, isActive } from './format';
import { type Job, statusTone } from './types';

/** Runs newest first, with counts, duration and why a run failed; queued or running runs can be cancelled. */
export function RunHistory({ jobs, onChanged }: { jobs: Job[]; onChanged: () => void }) {
  const cancel = useAction(async (id: string) => {
    await api.post(`/v1/jobs/${encodeURIComponent(id)}/cancel`);
    onChanged();
  });
  return (
    <>
      {cancel.error ? <ErrorMessage error={cancel.error} /> : null}
      <div className="table-wrap">
        <table className="runs">
          <caption>
            Run history <span className="muted small">(newest first, last {jobs.length})</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col" className="secondary">
                Trigger
              </th>
              <th scope="col" className="num secondary">
                Pages
              </th>
              <th scope="col" className="num">
                Read
              </th>
              <th scope="col" className="num">
                Written
              </th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col" className="num secondary">
                Ignored
              </th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col" className="secondary">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job._id} data-job={job._id}>
                <td className="nowrap">{formatTime(job.startedAt ?? job.createdAt)}</td>
                <td>
                  <Badge tone={statusTone(job.status)}>{job.status}</Badge>
                  {job.error ? <div className="small run-error">{job.error}</div> : null}
                  {job.attempt > 1 ? <div className="small muted">attempt {job.attempt}</div> : null}
                </td>
                <td className="secondary">{job.type === 'retry' ? 'retry' : job.trigger}</td>
                <td className="num secondary">{job.counts.pages}</td>
                <td className="num">{job.counts.exported}</td>
                <td className="num">{job.counts.imported}</td>
                <td className={job.counts.failed > 0 ? 'num bad' : 'num'}>{job.counts.failed}</td>
                <td className="num secondary">{job.counts.ignored}</td>
                <td className="num nowrap">{isActive(job.status) ? <span className="muted">{job.status}…</span> : formatDuration(job.durationMs)}</td>
                <td className="secondary">
                  {isActive(job.status) ? (
                    <button type="button" className="link-button" disabled={cancel.pending} onClick={() => void cancel.run(job._id)}>
                      Cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
