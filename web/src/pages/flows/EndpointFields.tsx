import { SelectField, TextField } from '../../components/fields';
import { type ExportDraft, type ImportDraft, PAGING_PLACEHOLDER, type PagingMethod } from './drafts';
import type { ConnectionSummary, SavedModel } from './types';

function ModeSwitch({ name, mode, onChange, savedCount }: { name: string; mode: 'new' | 'saved'; onChange: (mode: 'new' | 'saved') => void; savedCount: number }) {
  return (
    <div className="mode-switch" role="radiogroup" aria-label={`${name}: new or saved`}>
      <label>
        <input type="radio" name={`${name}-mode`} checked={mode === 'new'} onChange={() => onChange('new')} /> Describe a new one
      </label>
      <label>
        <input type="radio" name={`${name}-mode`} checked={mode === 'saved'} disabled={savedCount === 0} onChange={() => onChange('saved')} /> Use a saved one ({savedCount})
      </label>
    </div>
  );
}

function ConnectionSelect({ label, value, connections, onChange, problem }: { label: string; value: string; connections: ConnectionSummary[]; onChange: (id: string) => void; problem: string | undefined }) {
  const usable = connections.filter((c) => c.type === 'http' || c.type === 'rest');
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)} hint={problem ? <span className="field-problem">{problem}</span> : usable.length === 0 ? 'No HTTP or REST connection yet: create one under Connections.' : undefined}>
      <option value="">Choose…</option>
      {usable.map((c) => (
        <option key={c._id} value={c._id}>
          {c.name} ({c.type}){c.offline ? ' — offline' : ''}
        </option>
      ))}
    </SelectField>
  );
}

function SavedSelect({ label, value, saved, onChange, problem }: { label: string; value: string; saved: SavedModel[]; onChange: (id: string) => void; problem: string | undefined }) {
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)} hint={problem ? <span className="field-problem">{problem}</span> : undefined}>
      <option value="">Choose…</option>
      {saved.map((m) => (
        <option key={m._id} value={m._id}>
          {m.name}
        </option>
      ))}
    </SelectField>
  );
}

/** Step 1: where records come from. */
export function ExportFields({ draft, onChange, connections, saved, problems }: { draft: ExportDraft; onChange: (d: ExportDraft) => void; connections: ConnectionSummary[]; saved: SavedModel[]; problems: Record<string, string> }) {
  const set = (patch: Partial<ExportDraft>) => onChange({ ...draft, ...patch });
  const placeholder = PAGING_PLACEHOLDER[draft.paging];
  const pagingHint = placeholder && !draft.relativeURI.includes(placeholder) ? `Put ${placeholder} in the path, e.g. /users?page=${placeholder}.` : 'How the next page is asked for; without paging, one request is made.';
  return (
    <>
      <ModeSwitch name="export" mode={draft.mode} savedCount={saved.length} onChange={(mode) => set({ mode })} />
      {draft.mode === 'saved' ? (
        <SavedSelect label="Saved export" value={draft.savedId} saved={saved} onChange={(savedId) => set({ savedId })} problem={problems.export} />
      ) : (
        <div className="form-grid">
          <ConnectionSelect label="Read from connection" value={draft.connectionId} connections={connections} onChange={(connectionId) => set({ connectionId })} problem={problems.export} />
          <TextField label="Export name" value={draft.name} placeholder="defaults to the flow name" onChange={(e) => set({ name: e.target.value })} />
          <TextField
            label="Path to read"
            value={draft.relativeURI}
            placeholder="/users?page={{export.http.paging.page}}"
            spellCheck={false}
            onChange={(e) => set({ relativeURI: e.target.value })}
            hint={problems.exportURI ? <span className="field-problem">{problems.exportURI}</span> : "Appended to the connection's base URI."}
          />
          <SelectField label="Method" value={draft.method} onChange={(e) => set({ method: e.target.value as ExportDraft['method'] })}>
            <option value="GET">GET</option>
            <option value="POST">POST</option>
          </SelectField>
          <SelectField label="Paging" value={draft.paging} onChange={(e) => set({ paging: e.target.value as PagingMethod })} hint={pagingHint}>
            <option value="none">None (one page)</option>
            <option value="page">Page number</option>
            <option value="skip">Offset (skip)</option>
            <option value="linkheader">Link header (rel=next)</option>
          </SelectField>
          <TextField label="Records at" value={draft.resourcePath} placeholder="e.g. users (blank: the whole body)" spellCheck={false} onChange={(e) => set({ resourcePath: e.target.value })} />
          <SelectField label="Records to read" value={draft.type} onChange={(e) => set({ type: e.target.value as ExportDraft['type'] })}>
            <option value="all">All records, every run</option>
            <option value="delta">Changed since the last run (delta)</option>
            <option value="once">Each record once</option>
          </SelectField>
          {draft.type === 'delta' ? (
            <TextField label="Date field" value={draft.dateField} placeholder="e.g. updatedAt" spellCheck={false} onChange={(e) => set({ dateField: e.target.value })} hint="Records not changed since the last run are dropped. Use {{lastExportDateTime}} in the path if the API can filter." />
          ) : null}
        </div>
      )}
    </>
  );
}

/** Step 3: where records go. */
export function ImportFields({ draft, onChange, connections, saved, problems }: { draft: ImportDraft; onChange: (d: ImportDraft) => void; connections: ConnectionSummary[]; saved: SavedModel[]; problems: Record<string, string> }) {
  const set = (patch: Partial<ImportDraft>) => onChange({ ...draft, ...patch });
  return (
    <>
      <ModeSwitch name="import" mode={draft.mode} savedCount={saved.length} onChange={(mode) => set({ mode })} />
      {draft.mode === 'saved' ? (
        <SavedSelect label="Saved import" value={draft.savedId} saved={saved} onChange={(savedId) => set({ savedId })} problem={problems.import} />
      ) : (
        <div className="form-grid">
          <ConnectionSelect label="Write to connection" value={draft.connectionId} connections={connections} onChange={(connectionId) => set({ connectionId })} problem={problems.import} />
          <TextField label="Import name" value={draft.name} placeholder="defaults to the flow name" onChange={(e) => set({ name: e.target.value })} />
          <TextField
            label="Path to write"
            value={draft.relativeURI}
            placeholder="/contacts"
            spellCheck={false}
            onChange={(e) => set({ relativeURI: e.target.value })}
            hint={problems.importURI ? <span className="field-problem">{problems.importURI}</span> : 'One request per record; {{data.id}} puts a mapped value in the path.'}
          />
          <SelectField label="Method" value={draft.method} onChange={(e) => set({ method: e.target.value as ImportDraft['method'] })}>
            <option value="POST">POST</option>
            <option value="PUT">PUT</option>
            <option value="PATCH">PATCH</option>
          </SelectField>
        </div>
      )}
    </>
  );
}
