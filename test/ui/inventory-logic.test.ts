import { describe, expect, it } from 'vitest';
import { formatLastUsed } from '../../web/src/pages/inventory/dates.js';
import { nextLink } from '../../web/src/pages/inventory/link-header.js';
import { EMPTY_FILTERS, filtersFromSearch, filtersToSearch, usersQuery } from '../../web/src/pages/inventory/filters.js';
import { formatBytes, formatCents, utilization, utilizationLevel } from '../../web/src/pages/inventory/money.js';
import { initialSteps, markStep, percent, pollDelay, uploadContentType } from '../../web/src/pages/inventory/upload-steps.js';

// Pure logic of the Inventory pages (no browser needed).

const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('users filters', () => {
  it('turns "last used" choices into lastUsedAfter / lastUsedBefore', () => {
    expect(usersQuery(EMPTY_FILTERS, NOW).toString()).toBe('');
    expect(Object.fromEntries(usersQuery({ ...EMPTY_FILTERS, idApp: 'slack', status: 'active', lastUsed: 'in30' }, NOW))).toEqual({ idApp: 'slack', status: 'active', lastUsedAfter: '2026-10-24T12:00:00.000Z' });
    expect(Object.fromEntries(usersQuery({ ...EMPTY_FILTERS, lastUsed: 'not90', includeRemoved: true }, NOW))).toEqual({ includeRemoved: 'true', lastUsedBefore: '2026-08-25T12:00:00.000Z' });
  });

  it('reads a date range with an inclusive end and ignores bad dates', () => {
    expect(Object.fromEntries(usersQuery({ ...EMPTY_FILTERS, lastUsed: 'range', from: '2026-11-01', to: '2026-11-10' }, NOW))).toEqual({ lastUsedAfter: '2026-11-01T00:00:00.000Z', lastUsedBefore: '2026-11-11T00:00:00.000Z' });
    expect(usersQuery({ ...EMPTY_FILTERS, lastUsed: 'range', from: '11/01/2026', to: '' }, NOW).toString()).toBe('');
  });

  it('round-trips through the page URL and drops defaults and unknown values', () => {
    const filters = { ...EMPTY_FILTERS, idApp: 'a', idAppAccount: 'acc', status: 'deleted' as const, lastUsed: 'range' as const, from: '2026-01-01', to: '', includeRemoved: true };
    expect(filtersFromSearch(filtersToSearch(filters))).toEqual(filters);
    expect(filtersToSearch(EMPTY_FILTERS).toString()).toBe('');
    expect(filtersFromSearch(new URLSearchParams('status=gone&lastUsed=yesterday'))).toEqual(EMPTY_FILTERS);
  });
});

describe('licenses', () => {
  it('formats cents as amounts and computes utilization levels', () => {
    expect(formatCents(129900, 'en-US')).toBe('1,299.00');
    expect(formatCents(0, 'en-US')).toBe('0.00');
    expect(formatCents(null)).toBe('—');
    expect(utilization({ seats: 8, usedLast30Days: 2 })).toBe(25);
    expect(utilization({ seats: 0, usedLast30Days: 0 })).toBeNull();
    expect(utilization({ seats: 2, usedLast30Days: 5 })).toBe(100);
    expect([null, 10, 60, 95].map(utilizationLevel)).toEqual(['none', 'low', 'mid', 'high']);
  });
});

describe('upload steps', () => {
  it('marks the steps before an active one done and keeps the rest pending', () => {
    let steps = initialSteps();
    expect(steps.map((s) => s.id)).toEqual(['url', 'upload', 'register', 'sync', 'poll']);
    steps = markStep(steps, 'register', 'active');
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'active', 'pending', 'pending']);
    steps = markStep(steps, 'register', 'failed', 'File not found');
    expect(steps[2]).toMatchObject({ state: 'failed', detail: 'File not found' });
  });

  it('reports progress, content types and poll delays', () => {
    expect([percent(0, 200), percent(50, 200), percent(300, 200), percent(5, null)]).toEqual([0, 25, 100, null]);
    expect(uploadContentType({ type: '', name: 'users.JSON' })).toBe('application/json');
    expect(uploadContentType({ type: 'text/plain', name: 'users.json' })).toBe('text/plain');
    expect([0, 1, 2, 3, 4, 10].map(pollDelay)).toEqual([200, 400, 800, 1600, 2000, 2000]);
  });

  it('formats sizes', () => {
    expect([12, 1536, 5 * 1024 * 1024].map(formatBytes)).toEqual(['12 B', '1.5 KB', '5.0 MB']);
  });
});

describe('last-use dates', () => {
  it('shows a bare date as that day whatever the reader\'s zone, and a time in the given zone', () => {
    expect(formatLastUsed('2024-05-31T00:00:00.000Z', 'en-US')).toBe('May 31, 2024');
    expect(formatLastUsed('2024-05-31T07:30:00.000Z', 'en-US', 'UTC').replace(/\s/g, ' ')).toBe('May 31, 2024, 7:30 AM');
    expect(formatLastUsed(null)).toBe('—');
  });
});

describe('CSV pages', () => {
  it('follows the Link header to the next page', () => {
    expect(nextLink('</v1.0/users?format=csv&cursor=abc>; rel="next"')).toBe('/v1.0/users?format=csv&cursor=abc');
    expect(nextLink('<https://x/prev>; rel="prev", <https://x/next>; rel=next')).toBe('https://x/next');
    expect(nextLink(null)).toBeNull();
  });
});
