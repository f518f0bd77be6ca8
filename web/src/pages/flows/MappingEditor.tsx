import type { MappingField } from './types';

export interface MappingRow {
  extract: string;
  generate: string;
}

/** The rows worth saving: a target is required; an empty source means "copy nothing" and is dropped. */
export function mappingFields(rows: MappingRow[]): MappingField[] {
  return rows.filter((r) => r.generate.trim() !== '' && r.extract.trim() !== '').map((r) => ({ extract: r.extract.trim(), generate: r.generate.trim() }));
}

/** Source → target field pairs (docs/mapping.md); an empty list writes records as they are read. */
export function MappingEditor({ rows, onChange }: { rows: MappingRow[]; onChange: (rows: MappingRow[]) => void }) {
  const set = (index: number, patch: Partial<MappingRow>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <div className="mapping">
      {rows.length === 0 ? <p className="muted small">No mapping: each record is written as it was read.</p> : null}
      <ol className="mapping-rows">
        {rows.map((row, index) => (
          <li key={index} className="mapping-row">
            <input aria-label={`Source field ${index + 1}`} placeholder="source, e.g. email or {first} {last}" value={row.extract} onChange={(e) => set(index, { extract: e.target.value })} />
            <span aria-hidden="true" className="mapping-arrow">
              →
            </span>
            <input aria-label={`Target field ${index + 1}`} placeholder="target, e.g. contact.email" value={row.generate} onChange={(e) => set(index, { generate: e.target.value })} />
            <button type="button" aria-label={`Remove mapping row ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChange([...rows, { extract: '', generate: '' }])}>
        Add a field
      </button>
    </div>
  );
}
