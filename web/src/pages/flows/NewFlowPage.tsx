import { type FormEvent, useEffect, useState } from 'react';
import { type ApiError, api } from '../../api/client';
import { asApiError, useResource } from '../../api/hooks';
import { TextField } from '../../components/fields';
import { ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link, useNavigate } from '../../router';
import type { PageProps } from '../registry';
import { exportBody, flowBody, type ExportDraft, type ImportDraft, importBody, missing, NEW_EXPORT, NEW_IMPORT } from './drafts';
import { ExportFields, ImportFields } from './EndpointFields';
import { MappingEditor, mappingFields, type MappingRow } from './MappingEditor';
import { MappingPreview } from './MappingPreview';
import { browserTimeZone, type ScheduleDraft, ScheduleFields } from './ScheduleFields';
import type { ConnectionSummary, FlowDoc, SavedModel } from './types';
import './flows.css';

interface Choices {
  connections: ConnectionSummary[];
  exports: SavedModel[];
  imports: SavedModel[];
}

/** /flows/new: export → mapping → import → schedule, saved as an export, an import and a flow. */
export function NewFlowPage(_props: PageProps) {
  const choices = useResource<Choices>(
    async (signal) => {
      const [connections, exports, imports] = await Promise.all([
        api.get<ConnectionSummary[]>('/v1/connections', { limit: 1000 }, signal),
        api.get<SavedModel[]>('/v1/exports', { limit: 1000 }, signal),
        api.get<SavedModel[]>('/v1/imports', { limit: 1000 }, signal),
      ]);
      return { connections, exports, imports };
    },
    [],
  );
  return (
    <section>
      <PageHeader title="New flow">
        <Link to="/flows" className="button">
          Cancel
        </Link>
      </PageHeader>
      <ResourceView resource={choices}>{(data) => <NewFlowForm choices={data} />}</ResourceView>
    </section>
  );
}

function NewFlowForm({ choices }: { choices: Choices }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [exp, setExp] = useState<ExportDraft>(NEW_EXPORT);
  const [imp, setImp] = useState<ImportDraft>(NEW_IMPORT);
  const [rows, setRows] = useState<MappingRow[]>([{ extract: '', generate: '' }]);
  const [schedule, setSchedule] = useState<ScheduleDraft>({ enabled: false, cron: '0 * * * *', timezone: browserTimeZone() });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<{ step: string; error: ApiError } | null>(null);
  const [saving, setSaving] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // After a refused submit, move focus to the first field that needs attention.
  useEffect(() => {
    if (attempt === 0) return;
    document.querySelector('.flow-form .field-problem')?.closest('.field')?.querySelector<HTMLElement>('input, select')?.focus();
  }, [attempt]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = missing({ name, exp, imp, schedule });
    setProblems(found);
    setFailure(null);
    if (Object.keys(found).length > 0) {
      setAttempt((a) => a + 1);
      return;
    }
    setSaving(true);
    const created: string[] = [];
    let step = 'Saving the export';
    try {
      const exportId = exp.mode === 'saved' ? exp.savedId : (await api.post<{ _id: string }>('/v1/exports', exportBody(exp, name)))._id;
      if (exp.mode === 'new') created.push(`/v1/exports/${exportId}`);
      step = 'Saving the import';
      const importId = imp.mode === 'saved' ? imp.savedId : (await api.post<{ _id: string }>('/v1/imports', importBody(imp, mappingFields(rows), name)))._id;
      if (imp.mode === 'new') created.push(`/v1/imports/${importId}`);
      step = 'Saving the flow';
      const flow = await api.post<FlowDoc>('/v1/flows', flowBody({ name, exportId, importId, schedule }));
      navigate(`/flows/${flow._id}`);
    } catch (error) {
      const apiError = asApiError(error);
      setFailure({ step, error: apiError });
      const fieldProblems: Record<string, string> = {};
      for (const d of apiError.details) if (d.field === 'schedule' || d.field === 'timezone') fieldProblems[d.field] = d.message;
      setProblems(fieldProblems);
      setAttempt((a) => a + 1);
      // Leave nothing half-made behind: the parts saved before the failure are removed again.
      for (const path of created.reverse()) await api.delete(path).catch(() => undefined);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="flow-form" onSubmit={(e) => void submit(e)} noValidate>
      <TextField label="Flow name" name="name" value={name} required autoFocus onChange={(e) => setName(e.target.value)} aria-invalid={problems.name ? true : undefined} hint={problems.name ? <span className="field-problem">{problems.name}</span> : undefined} />
      <fieldset className="card step">
        <legend>1. Export: where records come from</legend>
        <ExportFields draft={exp} onChange={setExp} connections={choices.connections} saved={choices.exports} problems={problems} />
      </fieldset>
      {imp.mode === 'new' ? (
        <fieldset className="card step">
          <legend>2. Mapping: how a record is reshaped</legend>
          <MappingEditor rows={rows} onChange={setRows} />
          <MappingPreview exp={exp} imp={imp} fields={mappingFields(rows)} />
        </fieldset>
      ) : null}
      <fieldset className="card step">
        <legend>{imp.mode === 'new' ? '3' : '2'}. Import: where records go</legend>
        <ImportFields draft={imp} onChange={setImp} connections={choices.connections} saved={choices.imports} problems={problems} />
      </fieldset>
      <fieldset className="card step">
        <legend>{imp.mode === 'new' ? '4' : '3'}. Schedule</legend>
        <ScheduleFields value={schedule} onChange={setSchedule} problems={problems} />
      </fieldset>
      {Object.keys(problems).length > 0 && !failure ? (
        <div className="state state-error" role="alert">
          <strong>Some fields need attention:</strong>
          <ul className="error-details">
            {Object.values(problems).map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {failure ? (
        <div>
          <p className="field-problem">{failure.step} failed; nothing was kept.</p>
          <ErrorMessage error={failure.error} />
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Creating…' : 'Create flow'}
        </button>
      </div>
    </form>
  );
}
