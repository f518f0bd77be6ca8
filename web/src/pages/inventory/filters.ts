/** Users filters ⇄ query strings of GET /v1.0/users. Pure. */

export type LastUsed = 'any' | 'in7' | 'in30' | 'in90' | 'not30' | 'not90' | 'range';

export interface UserFilters {
  idApp: string;
  idAppAccount: string;
  status: '' | 'active' | 'deleted';
  lastUsed: LastUsed;
  /** yyyy-mm-dd, for lastUsed = 'range' */
  from: string;
  to: string;
  includeRemoved: boolean;
}

export const EMPTY_FILTERS: UserFilters = { idApp: '', idAppAccount: '', status: '', lastUsed: 'any', from: '', to: '', includeRemoved: false };

export const LAST_USED_LABELS: Record<LastUsed, string> = {
  any: 'Any time',
  in7: 'Used in the last 7 days',
  in30: 'Used in the last 30 days',
  in90: 'Used in the last 90 days',
  not30: 'Not used for 30 days',
  not90: 'Not used for 90 days',
  range: 'Between dates…',
};

const DAY = 24 * 3600 * 1000;

/**
 * The API query for these filters. "Not used for N days" means a last use before now − N days
 * (users the app never reported a use for have no date and are not matched by the API's filter).
 *
 * @example usersQuery({ ...EMPTY_FILTERS, status: 'active', lastUsed: 'in30' }, new Date('2026-11-23T00:00:00Z'))
 *   // URLSearchParams "status=active&lastUsedAfter=2026-10-24T00%3A00%3A00.000Z"
 */
export function usersQuery(filters: UserFilters, now: Date = new Date()): URLSearchParams {
  const q = new URLSearchParams();
  if (filters.idApp) q.set('idApp', filters.idApp);
  if (filters.idAppAccount) q.set('idAppAccount', filters.idAppAccount);
  if (filters.status) q.set('status', filters.status);
  if (filters.includeRemoved) q.set('includeRemoved', 'true');
  const ago = (days: number): string => new Date(now.getTime() - days * DAY).toISOString();
  switch (filters.lastUsed) {
    case 'in7':
      q.set('lastUsedAfter', ago(7));
      break;
    case 'in30':
      q.set('lastUsedAfter', ago(30));
      break;
    case 'in90':
      q.set('lastUsedAfter', ago(90));
      break;
    case 'not30':
      q.set('lastUsedBefore', ago(30));
      break;
    case 'not90':
      q.set('lastUsedBefore', ago(90));
      break;
    case 'range': {
      const from = dayStart(filters.from);
      const to = dayStart(filters.to);
      if (from) q.set('lastUsedAfter', from);
      // "to" is inclusive: before the start of the next day.
      if (to) q.set('lastUsedBefore', new Date(Date.parse(to) + DAY).toISOString());
      break;
    }
    default:
      break;
  }
  return q;
}

function dayStart(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const time = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Filters read back from the page's URL (so a filtered view can be bookmarked). */
export function filtersFromSearch(search: URLSearchParams): UserFilters {
  const status = search.get('status');
  const lastUsed = search.get('lastUsed');
  return {
    idApp: search.get('idApp') ?? '',
    idAppAccount: search.get('idAppAccount') ?? '',
    status: status === 'active' || status === 'deleted' ? status : '',
    lastUsed: lastUsed && lastUsed in LAST_USED_LABELS ? (lastUsed as LastUsed) : 'any',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
    includeRemoved: search.get('includeRemoved') === 'true',
  };
}

/** The page URL's search for these filters (defaults left out). */
export function filtersToSearch(filters: UserFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (filters.idApp) q.set('idApp', filters.idApp);
  if (filters.idAppAccount) q.set('idAppAccount', filters.idAppAccount);
  if (filters.status) q.set('status', filters.status);
  if (filters.lastUsed !== 'any') q.set('lastUsed', filters.lastUsed);
  if (filters.lastUsed === 'range' && filters.from) q.set('from', filters.from);
  if (filters.lastUsed === 'range' && filters.to) q.set('to', filters.to);
  if (filters.includeRemoved) q.set('includeRemoved', 'true');
  return q;
}
