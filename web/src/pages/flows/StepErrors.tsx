import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { Badge, Empty, ErrorMessage, ResourceView } from '../../components/states';
import { formatTime } from './format';
import type { StepError } from './types';

/**
 * The per-record errors of one step (an import of the flow): choose records and retry them as a
 * new run, or mark them resolved. `version` changes when a run finishes, to reload.
 */
export function StepErrors({ flowId, stepId, stepName, version, onRetried }: { flowId: string; stepId: string; stepName: string; version: string; onRetried: (jobId: string) => void }) {
  const [showResolved, setShowResolved] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const base = `/v1/flows/${encodeURIComponent(flowId)}/${encodeURIComponent(stepId)}`;
  const errors = useResource(async (signal) => (await api.get<{ errors: StepError[] }>(`${base}/errors`, showResolved ? { resolved: true } : undefined, signal)).errors, [base, showResolved, version]);
  const rows = errors.state === 'ok' ? errors.data : [];
  const chosenRows = rows.filter((e) => chosen.has(e.errorId));

  const retry = useAction(async () => {
    // One key per record: a record that failed twice has two errors with the same key.
    const keys = [...new Set(chosenRows.map((e) => e.retryDataKey))];
    const job = await api.post<{ _jobId: string }>(`${base}/retry`, { retryDataKeys: keys });
    setChosen(new Set());
    onRetried(job._jobId);
    errors.reload();
  });
  const resolve = useAction(async () => {
    await api.put(`${base}/resolved`, { errors: chosenRows.map((e) => e.errorId) });
    setChosen(new Set());
    errors.reload();
  });

  const toggle = (id: string) =>
    setChosen((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allChosen = rows.length > 0 && rows.every((e) => chosen.has(e.errorId));

  return (
    <section className="card step-errors" aria-labelledby={`errors-${stepId}`}>
      <div className="row spread">
        <h3 id={`errors-${stepId}`}>
          Errors of “{stepName}” {errors.state === 'ok' ? <Badge tone={rows.length > 0 && !showResolved ? 'bad' : 'neutral'}>{rows.length}</Badge> : null}
        </h3>
        <label className="small">
          <input
            type="checkbox"
            checked={showResolved}
            onChange={(e) => {
              setChosen(new Set());
              setShowResolved(e.target.checked);
            }}
          />{' '}
          Show resolved
        </label>
      </div>
      <ResourceView resource={errors} isEmpty={(list) => list.length === 0} empty={<Empty title={showResolved ? 'No resolved errors.' : 'No open errors: every record of this step went through.'} />}>
        {(list) => (
          <>
            {!showResolved ? (
              <div className="row toolbar">
                <button type="button" className="primary" disabled={chosenRows.length === 0 || retry.pending} onClick={() => void retry.run()}>
                  {retry.pending ? 'Retrying…' : `Retry ${chosenRows.length || ''} selected`.replace('  ', ' ')}
                </button>
                <button type="button" disabled={chosenRows.length === 0 || resolve.pending} onClick={() => void resolve.run()}>
                  Mark resolved
                </button>
                <span className="muted small">A retry sends the chosen records through the import's current definition.</span>
              </div>
            ) : null}
            {retry.error ? <ErrorMessage error={retry.error} /> : null}
            {resolve.error ? <ErrorMessage error={resolve.error} /> : null}
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    {!showResolved ? (
                      <th scope="col" className="check">
                        <input type="checkbox" aria-label="Select every error" checked={allChosen} onChange={() => setChosen(allChosen ? new Set() : new Set(list.map((e) => e.errorId)))} />
                      </th>
                    ) : null}
                    <th scope="col">When</th>
                    <th scope="col">Code</th>
                    <th scope="col">Message</th>
                    <th scope="col" className="secondary">
                      Kind
                    </th>
                    <th scope="col" className="secondary">
                      Record
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <tr key={e.errorId} className={chosen.has(e.errorId) ? 'chosen' : undefined}>
                      {!showResolved ? (
                        <td className="check">
                          <input type="checkbox" aria-label={`Select error ${e.code} of record ${e.retryDataKey}`} checked={chosen.has(e.errorId)} onChange={() => toggle(e.errorId)} />
                        </td>
                      ) : null}
                      <td className="nowrap">{formatTime(showResolved && e.resolvedAt ? e.resolvedAt : e.occurredAt)}</td>
                      <td>
                        <code>{e.code}</code>
                        <div className="muted small">{e.source}</div>
                      </td>
                      <td className="message">{e.message}</td>
                      <td className="secondary">{e.classification}</td>
                      <td className="secondary">
                        <code className="small">{e.retryDataKey}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </ResourceView>
    </section>
  );
}
