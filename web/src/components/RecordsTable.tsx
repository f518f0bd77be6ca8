import { useState } from 'react';
import { cellText, inferColumns } from '../lib/records';
import { CheckboxField } from './fields';
import { Empty } from './states';

/** Records in a table with columns inferred from their keys, or as raw JSON. */
export function RecordsTable({ records, label }: { records: unknown[]; label: string }) {
  const [raw, setRaw] = useState(false);
  if (records.length === 0) return <Empty title="No records." />;
  const columns = inferColumns(records);
  return (
    <>
      <CheckboxField label={`Raw JSON (${label})`} checked={raw} onChange={(e) => setRaw(e.target.checked)} />
      {raw ? (
        <pre aria-label={`${label} as JSON`}>{JSON.stringify(records, null, 2)}</pre>
      ) : (
        <div className="table-wrap">
          <table aria-label={label}>
            <thead>
              <tr>
                <th scope="col">#</th>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column === '' ? 'value' : column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {records.map((record, index) => (
                <tr key={index}>
                  <td className="muted">{index + 1}</td>
                  {columns.map((column) => (
                    <td key={column}>{cellText(record, column)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
