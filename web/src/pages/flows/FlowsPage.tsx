import { api } from '../../api/client';
import { useResource } from '../../api/hooks';
import { type Column, Table } from '../../components/Table';
import { Badge, Empty, PageHeader, ResourceView } from '../../components/states';
import { Link } from '../../router';
import type { PageProps } from '../registry';
import { describeCron, formatDuration, formatTime } from './format';
import { type FlowDoc, type Job, statusTone } from './types';
import './flows.css';

interface Row {
  flow: FlowDoc;
  last: Job | undefined;
}

/** /flows: every flow with its schedule, next run and last run. */
export function FlowsPage(_props: PageProps) {
  const resource = useResource(async (signal) => {
    const [flows, jobs] = await Promise.all([api.get<FlowDoc[]>('/v1/flows', { limit: 1000 }, signal), api.get<Job[]>('/v1/jobs', { limit: 1000 }, signal)]);
    const last = new Map<string, Job>();
    // Jobs come newest first: the first seen per flow is its last run.
    for (const job of jobs) if (!last.has(job._flowId)) last.set(job._flowId, job);
    return flows.map((flow): Row => ({ flow, last: last.get(flow._id) }));
  }, []);

  const columns: Column<Row>[] = [
    { key: 'name', header: 'Flow', render: (r) => <Link to={`/flows/${r.flow._id}`}>{r.flow.name}</Link> },
    {
      key: 'schedule',
      header: 'Schedule',
      render: (r) =>
        r.flow.schedule ? (
          <span title={describeCron(r.flow.schedule) ?? undefined}>
            <code>{r.flow.schedule}</code> <span className="muted small">{r.flow.timezone ?? 'UTC'}</span>
            {r.flow.disabled ? <> <Badge tone="warn">paused</Badge></> : null}
          </span>
        ) : (
          <span className="muted">by hand</span>
        ),
    },
    { key: 'next', header: 'Next run', secondary: true, render: (r) => formatTime(r.flow.nextRunAt) },
    {
      key: 'last',
      header: 'Last run',
      render: (r) =>
        r.last ? (
          <span>
            <Badge tone={statusTone(r.last.status)}>{r.last.status}</Badge> <span className="muted small">{formatTime(r.last.createdAt)}</span>
          </span>
        ) : (
          <span className="muted">never</span>
        ),
    },
    {
      key: 'records',
      header: 'Records (last run)',
      secondary: true,
      render: (r) => (r.last ? `${r.last.counts.imported} written, ${r.last.counts.failed} failed · ${formatDuration(r.last.durationMs)}` : '—'),
    },
  ];

  return (
    <section>
      <PageHeader title="Flows">
        <Link to="/flows/new" className="button primary">
          New flow
        </Link>
      </PageHeader>
      <p className="muted">A flow reads records with an export and writes them with an import, now or on a schedule.</p>
      <ResourceView
        resource={resource}
        isEmpty={(rows) => rows.length === 0}
        empty={
          <Empty title="No flows yet.">
            <Link to="/flows/new">Create a flow</Link> from a connection you read and a connection you write.
          </Empty>
        }
      >
        {(rows) => <Table columns={columns} rows={rows} rowKey={(r) => r.flow._id} caption={`${rows.length} flow${rows.length === 1 ? '' : 's'}`} />}
      </ResourceView>
    </section>
  );
}
