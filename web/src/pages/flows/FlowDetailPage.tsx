import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { CheckboxField } from '../../components/fields';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { describeCron, formatTime, isActive } from './format';
import { RunChart } from './RunChart';
import { RunHistory } from './RunHistory';
import { type ScheduleDraft, ScheduleFields, browserTimeZone } from './ScheduleFields';
import { StepErrors } from './StepErrors';
import type { FlowDoc, Job, SavedModel } from './types';
import './flows.css';

interface Loaded {
  flow: FlowDoc;
  exports: SavedModel[];
  imports: SavedModel[];
}

async function named(path: string, id: string, signal: AbortSignal): Promise<SavedModel> {
  try {
    return await api.get<SavedModel>(`${path}/${encodeURIComponent(id)}`, undefined, signal);
  } catch {
    // Deleted since: show the id, the run will say what is wrong.
    return { _id: id, name: `${id} (missing)`, _connectionId: '' };
  }
}

/** /flows/:id: what the flow does, its schedule, run now, run history with a chart, per-record errors. */
export function FlowDetailPage({ params }: PageProps) {
  const id = params.id ?? '';
  const flow = useResource<Loaded>(
    async (signal) => {
      const doc = await api.get<FlowDoc>(`/v1/flows/${encodeURIComponent(id)}`, undefined, signal);
      const [exports, imports] = await Promise.all([
        Promise.all(doc.pageGenerators.map((g) => named('/v1/exports', g._exportId, signal))),
        Promise.all(doc.pageProcessors.map((p) => named('/v1/imports', p._importId, signal))),
      ]);
      return { flow: doc, exports, imports };
    },
    [id],
  );
  return (
    <section>
      <ResourceView resource={flow}>{(data) => <FlowDetail data={data} onSaved={flow.reload} />}</ResourceView>
    </section>
  );
}

function FlowDetail({ data, onSaved }: { data: Loaded; onSaved: () => void }) {
  const { flow } = data;
  const jobs = useResource(async (signal) => api.get<Job[]>('/v1/jobs', { _flowId: flow._id, limit: 50 }, signal), [flow._id]);
  // The run just started (or retried): followed until it shows up in the list.
  const [watchId, setWatchId] = useState<string | null>(null);
  const list = jobs.state === 'ok' ? jobs.data : [];
  const active = list.some((j) => isActive(j.status));
  const watching = watchId !== null && !list.some((j) => j._id === watchId);
  const reloadJobs = jobs.reload;

  // Poll while something runs, or until a run just started appears.
  useEffect(() => {
    if (!active && !watching) return;
    const timer = setInterval(reloadJobs, 800);
    return () => clearInterval(timer);
  }, [active, watching, reloadJobs]);

  // The errors reload whenever a run finishes: keyed on the finished runs.
  const version = list
    .filter((j) => !isActive(j.status))
    .map((j) => j._id)
    .join(',');

  const navigate = useNavigate();
  const remove = useAction(async () => {
    await api.delete(`/v1/flows/${encodeURIComponent(flow._id)}`);
    navigate('/flows');
  });

  const run = useAction(async () => {
    const started = await api.post<{ _jobId: string }>(`/v1/flows/${encodeURIComponent(flow._id)}/run`);
    setWatchId(started._jobId);
    reloadJobs();
  });

  return (
    <>
      <PageHeader title={flow.name}>
        <Link to="/flows" className="button">
          All flows
        </Link>
        <button type="button" className="primary" disabled={run.pending} onClick={() => void run.run()}>
          {run.pending ? 'Starting…' : 'Run now'}
        </button>
        <button
          type="button"
          className="danger"
          disabled={remove.pending}
          onClick={() => {
            if (window.confirm(`Delete the flow “${flow.name}”? Its runs stay readable; its export and import are kept.`)) void remove.run();
          }}
        >
          Delete
        </button>
      </PageHeader>
      {run.error ? <ErrorMessage error={run.error} /> : null}
      {remove.error ? <ErrorMessage error={remove.error} /> : null}
      <div className="columns flow-summary">
        <div className="card">
          <h2>What it does</h2>
          <p>
            Reads with{' '}
            {data.exports.map((e, n) => (
              <span key={`${e._id}-${n}`}>
                {n > 0 ? ', then ' : null}
                <strong>{e.name}</strong>
              </span>
            ))}{' '}
            and writes with{' '}
            {data.imports.map((i, n) => (
              <span key={`${i._id}-${n}`}>
                {n > 0 ? ', then ' : null}
                <strong>{i.name}</strong>
              </span>
            ))}
            .
          </p>
          <dl className="facts">
            <dt>Next run</dt>
            <dd>{flow.nextRunAt ? `${formatTime(flow.nextRunAt)} (${formatTime(flow.nextRunAt, flow.timezone ?? 'UTC')} ${flow.timezone ?? 'UTC'})` : 'Not scheduled'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(flow.createdAt)}</dd>
          </dl>
        </div>
        <ScheduleCard flow={flow} onSaved={onSaved} />
      </div>

      <h2>Runs</h2>
      <ResourceView
        resource={jobs}
        isEmpty={(list) => list.length === 0}
        empty={<Empty title="No runs yet.">Press “Run now”, or wait for the schedule.</Empty>}
      >
        {(list) => (
          <>
            <RunChart runs={list.filter((j) => j.type === 'flow')} />
            <RunHistory jobs={list} onChanged={reloadJobs} />
          </>
        )}
      </ResourceView>

      <h2>Per-record errors</h2>
      {data.imports.map((imp) => (
        <StepErrors
          key={imp._id}
          flowId={flow._id}
          stepId={imp._id}
          stepName={imp.name}
          version={version}
          onRetried={(jobId) => {
            setWatchId(jobId);
            reloadJobs();
          }}
        />
      ))}
    </>
  );
}

function ScheduleCard({ flow, onSaved }: { flow: FlowDoc; onSaved: () => void }) {
  const initial = useMemo<ScheduleDraft>(() => ({ enabled: Boolean(flow.schedule), cron: flow.schedule ?? '0 * * * *', timezone: flow.timezone ?? browserTimeZone() }), [flow]);
  const [draft, setDraft] = useState(initial);
  const [paused, setPaused] = useState(flow.disabled);
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    const schedule = draft.enabled && draft.cron.trim() ? draft.cron.trim() : null;
    await api.put(`/v1/flows/${encodeURIComponent(flow._id)}`, {
      name: flow.name,
      ...(flow._integrationId ? { _integrationId: flow._integrationId } : {}),
      pageGenerators: flow.pageGenerators,
      pageProcessors: flow.pageProcessors,
      schedule,
      timezone: schedule ? draft.timezone : null,
      disabled: paused,
    });
    setSaved(true);
    onSaved();
  });
  const problems: { schedule?: string; timezone?: string } = {};
  for (const d of save.error?.details ?? []) if (d.field === 'schedule' || d.field === 'timezone') problems[d.field] = d.message;
  const changed = draft.enabled !== initial.enabled || draft.cron !== initial.cron || draft.timezone !== initial.timezone || paused !== flow.disabled;
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h2>
        Schedule {flow.schedule ? <Badge tone={flow.disabled ? 'warn' : 'good'}>{flow.disabled ? 'paused' : 'on'}</Badge> : <Badge>off</Badge>}
      </h2>
      {flow.schedule ? (
        <p className="small muted">
          Now: <code>{flow.schedule}</code> in {flow.timezone ?? 'UTC'}
          {describeCron(flow.schedule) ? ` — ${describeCron(flow.schedule)}` : ''}
        </p>
      ) : null}
      <ScheduleFields
        value={draft}
        onChange={(next) => {
          setSaved(false);
          setDraft(next);
        }}
        problems={problems}
      />
      {draft.enabled ? <CheckboxField label="Paused (keep the schedule, do not run on it)" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> : null}
      {save.error && !problems.schedule && !problems.timezone ? <ErrorMessage error={save.error} /> : null}
      <div className="row">
        <button type="submit" disabled={!changed || save.pending}>
          {save.pending ? 'Saving…' : 'Save schedule'}
        </button>
        {saved && !changed ? (
          <span className="small" role="status">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}
