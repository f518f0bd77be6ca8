import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import { ErrorMessage } from '../../components/states';
import { type ExportDraft, exportHttp, type ImportDraft, importModel } from './drafts';
import type { MappingField } from './types';

/**
 * Reads the first few live records through the export and runs only the mapping on them
 * (`/export/pages` then `/import/map`): nothing is written.
 */
export function MappingPreview({ exp, imp, fields }: { exp: ExportDraft; imp: ImportDraft; fields: MappingField[] }) {
  const [result, setResult] = useState<{ records: unknown[]; mapped: unknown[] } | null>(null);
  const ready = exp.mode === 'new' && exp.connectionId && exp.relativeURI.trim() && imp.mode === 'new' && imp.connectionId && imp.relativeURI.trim();
  const preview = useAction(async () => {
    const page = await api.post<{ data: unknown[] }>(`/v1/connections/${encodeURIComponent(exp.connectionId)}/export/pages`, { export: { pageSize: 3, http: exportHttp(exp) } });
    const records = page.data.slice(0, 3);
    const mapped = records.length === 0 ? [] : await api.post<unknown[]>(`/v1/connections/${encodeURIComponent(imp.connectionId)}/import/map`, { import: importModel(imp, fields), data: records });
    setResult({ records, mapped });
  });
  return (
    <div className="preview">
      <button type="button" disabled={!ready || preview.pending} onClick={() => void preview.run()}>
        {preview.pending ? 'Reading…' : 'Preview with live records'}
      </button>{' '}
      {!ready ? <span className="muted small">Describe a new export and import first; nothing is written by a preview.</span> : null}
      {preview.error ? <ErrorMessage error={preview.error} /> : null}
      {result ? (
        result.records.length === 0 ? (
          <p className="muted">The export returned no records.</p>
        ) : (
          <div className="columns preview-columns" aria-live="polite">
            <div>
              <h3>Read ({result.records.length})</h3>
              <pre>{JSON.stringify(result.records, null, 2)}</pre>
            </div>
            <div>
              <h3>Would be written</h3>
              <pre>{JSON.stringify(result.mapped, null, 2)}</pre>
            </div>
          </div>
        )
      ) : null}
    </div>
  );
}
