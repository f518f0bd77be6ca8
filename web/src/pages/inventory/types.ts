/** Wire shapes of the inventory under /v1.0 (README inventory tour, docs/inventory-payload.md). */

export interface App {
  id: string;
  name: string;
  category: string;
  url: string | null;
  description: string | null;
  isCustom: boolean;
}

export interface AppAccount {
  id: string;
  idApp: string;
  name: string;
  lastSyncTime: string | null;
  lastSyncStatus: string | null;
  createdAt: string;
}

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

export interface License {
  idApp: string;
  idAppAccount: string;
  name: string;
  pricePerUser: number | null;
  unassignedAmount: number;
  assigned: number;
  active: number;
  usedLast30Days: number;
  usedLast90Days: number;
  seats: number;
  unusedSeats: number;
  unusedMonthlyCost: number | null;
  removedAt: string | null;
}

export interface LicenseAppSummary {
  idApp: string;
  licenses: number;
  seats: number;
  usedLast30Days: number;
  unusedSeats: number;
  unusedMonthlyCost: number;
}

export interface RowError {
  section: 'users' | 'licenses' | 'licenses.users' | 'file';
  row?: number;
  license?: string;
  field?: string;
  message: string;
  text: string;
}

export interface Sync {
  id: string;
  status: 'running' | 'success' | 'partial' | 'failed';
  idAppAccount: string;
  idFile: number;
  counts: Partial<{ users: number; licenses: number; licenseUsers: number; removedUsers: number; removedLicenses: number; rowErrors: number }>;
  /** How many rows were refused (counts.rowErrors once finished, else the errors kept). */
  rowErrorCount: number;
  rowErrors: RowError[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A sync as GET /v1.0/services/sync/custom?idAppAccount= lists it: without its rowErrors. */
export type SyncSummary = Omit<Sync, 'rowErrors'>;

export interface SyncPage {
  syncs: SyncSummary[];
  nextCursor: string | null;
}

export { statusTone as syncTone } from '../../components/states';
