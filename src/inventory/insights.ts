import { type Kysely, sql } from 'kysely';
import { fail } from '../errors.js';
import type { Database } from '../store/schema.js';

export interface InventoryUser {
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: string;
  externalStatus: string | null;
  roles: string[];
  lastUsedDate: string | null;
  removedAt: string | null;
  idApp: string;
  idAppAccount: string;
}

export interface LicenseUtilization {
  idApp: string;
  idAppAccount: string;
  name: string;
  /** cents per user per month */
  pricePerUser: number | null;
  unassignedAmount: number;
  assigned: number;
  active: number;
  usedLast30Days: number;
  usedLast90Days: number;
  /** assigned + unassignedAmount */
  seats: number;
  /** seats not used in the last 30 days (unassigned ones included) */
  unusedSeats: number;
  /** unusedSeats × pricePerUser, in cents */
  unusedMonthlyCost: number | null;
  removedAt: string | null;
}

export interface UserFilter {
  idApp?: string;
  idAppAccount?: string;
  status?: string;
  includeRemoved?: boolean;
  lastUsedBefore?: string;
  lastUsedAfter?: string;
  limit: number;
  cursor?: string;
}

function encode(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decode(cursor: string): [string, string] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string')) return parts as [string, string];
  } catch {
    // fall through
  }
  throw fail('INVALID_CURSOR');
}

const DAY = 24 * 3600 * 1000;

/** What the inventory knows: users across apps and the use of every license. */
export class InventoryQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async users(teamId: string, filter: UserFilter): Promise<{ users: InventoryUser[]; nextCursor: string | null }> {
    let query = this.db
      .selectFrom('inv_users as u')
      .innerJoin('app_accounts as a', 'a.id', 'u.app_account_id')
      .select(['u.email', 'u.first_name', 'u.last_name', 'u.status', 'u.external_status', 'u.roles', 'u.last_used_date', 'u.removed_at', 'u.app_account_id', 'a.app_id'])
      .where('u.team_id', '=', teamId);
    if (filter.idApp) query = query.where('a.app_id', '=', filter.idApp);
    if (filter.idAppAccount) query = query.where('u.app_account_id', '=', filter.idAppAccount);
    if (filter.status) query = query.where('u.status', '=', filter.status);
    if (!filter.includeRemoved) query = query.where('u.removed_at', 'is', null);
    if (filter.lastUsedBefore) query = query.where('u.last_used_date', '<', filter.lastUsedBefore);
    if (filter.lastUsedAfter) query = query.where('u.last_used_date', '>=', filter.lastUsedAfter);
    if (filter.cursor) {
      const [account, email] = decode(filter.cursor);
      query = query.where((eb) => eb.or([eb('u.app_account_id', '>', account), eb.and([eb('u.app_account_id', '=', account), eb('u.email', '>', email)])]));
    }
    const rows = await query.orderBy('u.app_account_id').orderBy('u.email').limit(filter.limit + 1).execute();
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      users: page.map((r) => ({
        email: r.email,
        firstName: r.first_name,
        lastName: r.last_name,
        status: r.status,
        externalStatus: r.external_status,
        roles: JSON.parse(r.roles) as string[],
        lastUsedDate: r.last_used_date,
        removedAt: r.removed_at,
        idApp: r.app_id,
        idAppAccount: r.app_account_id,
      })),
      nextCursor: rows.length > filter.limit && last ? encode([last.app_account_id, last.email]) : null,
    };
  }

  /** Licenses with utilization: assigned, active, used in the last 30/90 days, unused seats and their cost. */
  async licenses(teamId: string, filter: { idApp?: string; includeRemoved?: boolean; now?: Date } = {}): Promise<LicenseUtilization[]> {
    const now = filter.now ?? new Date();
    const since30 = new Date(now.getTime() - 30 * DAY).toISOString();
    const since90 = new Date(now.getTime() - 90 * DAY).toISOString();
    let query = this.db
      .selectFrom('inv_licenses as l')
      .innerJoin('app_accounts as a', 'a.id', 'l.app_account_id')
      .leftJoin('inv_license_users as lu', (join) => join.onRef('lu.app_account_id', '=', 'l.app_account_id').onRef('lu.license_name', '=', 'l.name'))
      .leftJoin('inv_users as u', (join) => join.onRef('u.app_account_id', '=', 'lu.app_account_id').onRef('u.email', '=', 'lu.email'))
      .select([
        'l.name',
        'l.app_account_id',
        'a.app_id',
        'l.price_per_user',
        'l.unassigned_amount',
        'l.removed_at',
        sql<number>`count(lu.email)`.as('assigned'),
        sql<number>`sum(case when lu.license_status = 'active' then 1 else 0 end)`.as('active'),
        sql<number>`sum(case when lu.license_status = 'active' and u.last_used_date >= ${since30} then 1 else 0 end)`.as('used30'),
        sql<number>`sum(case when lu.license_status = 'active' and u.last_used_date >= ${since90} then 1 else 0 end)`.as('used90'),
      ])
      .where('l.team_id', '=', teamId)
      .groupBy(['l.name', 'l.app_account_id', 'a.app_id', 'l.price_per_user', 'l.unassigned_amount', 'l.removed_at']);
    if (filter.idApp) query = query.where('a.app_id', '=', filter.idApp);
    if (!filter.includeRemoved) query = query.where('l.removed_at', 'is', null);
    const rows = await query.orderBy('a.app_id').orderBy('l.name').execute();
    return rows.map((r) => {
      const assigned = Number(r.assigned);
      const unassigned = Number(r.unassigned_amount ?? 0);
      const used30 = Number(r.used30 ?? 0);
      const seats = assigned + unassigned;
      const unusedSeats = seats - used30;
      const price = r.price_per_user === null ? null : Number(r.price_per_user);
      return {
        idApp: r.app_id,
        idAppAccount: r.app_account_id,
        name: r.name,
        pricePerUser: price,
        unassignedAmount: unassigned,
        assigned,
        active: Number(r.active ?? 0),
        usedLast30Days: used30,
        usedLast90Days: Number(r.used90 ?? 0),
        seats,
        unusedSeats,
        unusedMonthlyCost: price === null ? null : unusedSeats * price,
        removedAt: r.removed_at,
      };
    });
  }
}

/** RFC 4180 CSV of rows with the given columns; nested values as JSON, formulas defused. */
export function toCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    // A leading =, +, - or @ would run as a formula in a spreadsheet.
    if (/^[=+\-@]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\r\n') + '\r\n';
}
