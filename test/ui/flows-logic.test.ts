import { describe, expect, it } from 'vitest';
import { exportBody, flowBody, importBody, missing, NEW_EXPORT, NEW_IMPORT } from '../../web/src/pages/flows/drafts.js';
import { describeCron, formatDuration, isActive } from '../../web/src/pages/flows/format.js';
import { layoutRunChart, niceMax } from '../../web/src/pages/flows/run-chart.js';

// Pure logic of the Flows pages (no browser needed).

describe('run chart layout', () => {
  const run = (id: string, at: string, counts: Record<string, number>, status = 'success') => ({ _id: id, status, createdAt: at, counts });

  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 17, 20, 21, 230, 999].map(niceMax)).toEqual([1, 1, 5, 20, 20, 50, 500, 1000]);
  });

  it('draws runs oldest first, stacking written, failed and ignored, scaled to the largest run', () => {
    const chart = layoutRunChart(
      [run('b', '2026-11-23T10:00:00Z', { exported: 10, imported: 6, failed: 2, ignored: 2 }, 'partial'), run('a', '2026-11-23T09:00:00Z', { exported: 20, imported: 20, failed: 0, ignored: 0 })],
      { width: 400, height: 200 },
    );
    expect(chart.max).toBe(20);
    expect(chart.bars.map((b) => b.id)).toEqual(['a', 'b']);
    expect(chart.bars[0]?.x).toBeLessThan(chart.bars[1]?.x ?? 0);
    const [full, partial] = chart.bars;
    const height = chart.plot.bottom - chart.plot.top;
    expect(full?.segments).toEqual([{ kind: 'imported', value: 20, y: chart.plot.top, height }]);
    expect(partial?.segments.map((s) => s.kind)).toEqual(['imported', 'failed', 'ignored']);
    const [a, b, c] = partial?.segments ?? [];
    expect(a?.height).toBeCloseTo(height * 0.3);
    expect(b?.height).toBeCloseTo(height * 0.1);
    expect(c?.height).toBeCloseTo(height * 0.1);
    // Stacked: the first sits on the axis and each next one on top of the previous.
    expect((a?.y ?? 0) + (a?.height ?? 0)).toBeCloseTo(chart.plot.bottom);
    expect((b?.y ?? 0) + (b?.height ?? 0)).toBeCloseTo(a?.y ?? 0);
    expect((c?.y ?? 0) + (c?.height ?? 0)).toBeCloseTo(b?.y ?? 0);
    expect(partial?.exportedY).toBeCloseTo(chart.plot.bottom - height * 0.5);
  });

  it('keeps only the newest runs and survives runs without counts', () => {
    const runs = Array.from({ length: 40 }, (_, i) => run(`r${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), { exported: i }));
    const chart = layoutRunChart(runs, { limit: 30 });
    expect(chart.bars).toHaveLength(30);
    expect(chart.bars[0]?.id).toBe('r10');
    const empty = layoutRunChart([{ _id: 'x', status: 'failed', createdAt: '2026-01-01T00:00:00Z', counts: null }]);
    expect(empty.max).toBe(1);
    expect(empty.bars[0]?.segments).toEqual([]);
  });
});

describe('run formatting', () => {
  it('reads durations for people', () => {
    expect([null, 27, 1530, 12_400, 185_000, 3_720_000].map(formatDuration)).toEqual(['—', '27 ms', '1.5 s', '12 s', '3 min 5 s', '1 h 2 min']);
  });

  it('tells running runs from finished ones', () => {
    expect(['queued', 'running', 'success', 'partial', 'failed', 'cancelled'].map(isActive)).toEqual([true, true, false, false, false, false]);
  });

  it('describes common cron expressions and says nothing of others', () => {
    expect(describeCron('0 */4 * * *')).toBe('every 4 hours, at minute 0');
    expect(describeCron('*/15 * * * *')).toBe('every 15 minutes');
    expect(describeCron('30 6 * * *')).toBe('every day at 06:30');
    expect(describeCron('0 9 * * 1-5')).toBe('Monday to Friday, at 09:00');
    expect(describeCron('0 0 1 * *')).toBeNull();
    expect(describeCron('not cron')).toBeNull();
  });
});

describe('new flow bodies', () => {
  const exp = { ...NEW_EXPORT, connectionId: 'c1', relativeURI: ' /users?page={{export.http.paging.page}} ', paging: 'page' as const, resourcePath: 'users' };
  const imp = { ...NEW_IMPORT, connectionId: 'c2', relativeURI: '/contacts' };

  it('builds the export, import and flow the API expects', () => {
    expect(exportBody(exp, 'Sync')).toEqual({ name: 'Sync (export)', _connectionId: 'c1', type: 'all', http: { relativeURI: '/users?page={{export.http.paging.page}}', method: 'GET', paging: { method: 'page' }, response: { resourcePath: 'users' } } });
    expect(exportBody({ ...exp, type: 'delta', dateField: 'updated' }, 'Sync')).toMatchObject({ type: 'delta', delta: { dateField: 'updated' } });
    expect(importBody(imp, [{ extract: 'id', generate: 'externalId' }], 'Sync')).toEqual({ name: 'Sync (import)', _connectionId: 'c2', mapping: { fields: [{ extract: 'id', generate: 'externalId' }] }, http: { relativeURI: '/contacts', method: 'POST' } });
    expect(importBody(imp, [], 'Sync')).not.toHaveProperty('mapping');
    expect(flowBody({ name: ' Sync ', exportId: 'e', importId: 'i', schedule: { enabled: true, cron: '0 * * * *', timezone: 'Europe/Paris' } })).toEqual({
      name: 'Sync',
      pageGenerators: [{ _exportId: 'e' }],
      pageProcessors: [{ type: 'import', _importId: 'i' }],
      schedule: '0 * * * *',
      timezone: 'Europe/Paris',
    });
    expect(flowBody({ name: 'Sync', exportId: 'e', importId: 'i', schedule: { enabled: false, cron: '0 * * * *', timezone: 'Europe/Paris' } })).toMatchObject({ schedule: null, timezone: null });
  });

  it('names what is missing before anything is sent', () => {
    expect(missing({ name: 'x', exp, imp, schedule: { enabled: false, cron: '' } })).toEqual({});
    expect(Object.keys(missing({ name: ' ', exp: NEW_EXPORT, imp: { ...NEW_IMPORT, mode: 'saved' }, schedule: { enabled: true, cron: ' ' } }))).toEqual(['name', 'export', 'import', 'schedule']);
    expect(missing({ name: 'x', exp: { ...exp, relativeURI: '' }, imp: { ...imp, relativeURI: '' }, schedule: { enabled: false, cron: '' } })).toEqual({ exportURI: expect.any(String), importURI: expect.any(String) });
  });
});
