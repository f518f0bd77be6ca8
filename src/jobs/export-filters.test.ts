import { describe, expect, it } from 'vitest';
import { deltaFilter } from './export-filters.js';

describe('deltaFilter', () => {
  const records = [{ id: 1, updated: '2026-01-01T10:00:00Z' }, { id: 2, updated: '2026-01-01T12:00:00Z' }, { id: 3, updated: 1767268800000 }, { id: 4 }];

  it('keeps records changed after the last run, and records without a readable date', () => {
    const keep = deltaFilter({ type: 'delta', delta: { dateField: 'updated' } }, '2026-01-01T11:00:00Z');
    expect(keep(records).map((r) => (r as { id: number }).id)).toEqual([2, 3, 4]);
  });

  it('widens the window by lagOffset', () => {
    const keep = deltaFilter({ type: 'delta', delta: { dateField: 'updated', lagOffset: 2 * 3600_000 } }, '2026-01-01T11:00:00Z');
    expect(keep(records).map((r) => (r as { id: number }).id)).toEqual([1, 2, 3, 4]);
  });

  it('passes everything through for other types, without a dateField, or before the first run', () => {
    expect(deltaFilter({ type: 'all' }, '2026-01-01T11:00:00Z')(records)).toHaveLength(4);
    expect(deltaFilter({ type: 'delta' }, '2026-01-01T11:00:00Z')(records)).toHaveLength(4);
    expect(deltaFilter({ type: 'delta', delta: { dateField: 'updated' } }, undefined)(records)).toHaveLength(4);
  });
});
