import { useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import type { Connection } from '../../api/types';
import { RecordsTable } from '../../components/RecordsTable';
import { inferColumns } from '../../lib/records';
import { ErrorMessage } from '../../components/states';

interface FieldRule {
  extract: string;
  generate: string;
}

/**
 * Builds a classic mapping (`mapping.fields`: extract → generate) and previews it on the page's
 * records with `POST …/import/map`: the server maps, nothing is written.
 */
export function MappingPanel({ connection, records, importForm }: { connection: Connection; records: unknown[]; importForm: Record<string, unknown> }) {
  const [rules, setRules] = useState<FieldRule[]>(() => inferColumns(records, 5).filter((c) => c !== '').map((c) => ({ extract: c, generate: c })));
  const [mapped, setMapped] = useState<unknown[] | null>(null);
  const preview = useAction(async () => {
    const fields = rules.filter((r) => r.extract.trim() !== '' && r.generate.trim() !== '');
    const result = await api.post<unknown[]>(`/v1/connections/${encodeURIComponent(connection._id)}/import/map`, { import: { mapping: { fields }, ...importForm }, data: records });
    setMapped(result);
  });
  const update = (index: number, key: keyof FieldRule, value: string) => setRules((old) => old.map((r, i) => (i === index ? { ...r, [key]: value } : r)));
  return (
    <section className="card" aria-labelledby="mapping-title">
      <h2 id="mapping-title">Mapping</h2>
      <p className="small muted">Each rule reads a path of the source record (extract) and writes it to a path of the output (generate).</p>
      <table aria-label="Mapping rules">
        <thead>
          <tr>
            <th scope="col">Extract</th>
            <th scope="col">Generate</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, index) => (
            <tr key={index}>
              <td>
                <input aria-label={`Extract ${index + 1}`} value={rule.extract} onChange={(e) => update(index, 'extract', e.target.value)} />
              </td>
              <td>
                <input aria-label={`Generate ${index + 1}`} value={rule.generate} onChange={(e) => update(index, 'generate', e.target.value)} />
              </td>
              <td>
                <button type="button" onClick={() => setRules((old) => old.filter((_, i) => i !== index))} aria-label={`Remove rule ${index + 1}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" onClick={() => setRules((old) => [...old, { extract: '', generate: '' }])}>
          Add rule
        </button>
        <button type="button" className="primary" onClick={() => void preview.run()} disabled={preview.pending}>
          Preview mapping
        </button>
      </div>
      {preview.error ? <ErrorMessage error={preview.error} /> : null}
      {mapped ? <RecordsTable records={mapped} label="Mapped records" /> : null}
    </section>
  );
}
