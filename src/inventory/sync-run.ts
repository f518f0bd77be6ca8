import { readSyncPayloadBatches } from './payload/stream.js';
import { type RowError, validateLicense, validateLicenseUser, validateUser, ValidUsers } from './payload/validate.js';
import { type BatchRow, LICENSE_USER_BATCH, PENDING_BATCH, type Param, type SyncConstants, type TableName, USER_BATCH } from './sync-batch.js';

/**
 * The logic of one sync, apart from where its statements run: reads the payload, checks every
 * row, decides what to write, and hands the writes to a `SyncSink` in order. In-thread the sink is
 * the `SyncWriter` of the transaction; in `sync-worker.ts` it posts the writes to the thread that
 * holds the transaction (see sync-apply.ts), so parsing and checking run beside the database work.
 */

/** Where a sync's statements go (SyncWriter, or its proxy in a worker). */
export interface SyncSink {
  insert(table: TableName, rows: BatchRow[], constants: SyncConstants): Promise<void>;
  run(kind: string, text: string, params: Param[]): Promise<number>;
  select<Row>(kind: string, text: string, params: Param[]): Promise<Row[]>;
}

export interface RunInput extends SyncConstants {
  source: AsyncIterable<Uint8Array | string>;
  /** ISO date-time stamped on what the file no longer has. */
  now: string;
}

/** Row errors kept on the sync (all are counted). */
export const ROW_ERRORS_KEPT = 1000;

/** A failed file: the transaction is rolled back, so the previous state stays. */
export class FileRefused extends Error {}

/** The first ROW_ERRORS_KEPT errors of a kind, and how many there were. */
export class Errors {
  kept: RowError[] = [];
  count = 0;
  add(error: RowError): void {
    this.count++;
    if (this.kept.length < ROW_ERRORS_KEPT) this.kept.push(error);
  }
}

/** How much of the file went where (rowErrors: see Errors). */
export interface RunCounts {
  users: number;
  licenses: number;
  licenseUsers: number;
  removedUsers: number;
  removedLicenses: number;
}

/** The license whose users are being read in direct mode. */
interface OpenLicense {
  index: number;
  name: string;
  /** License users written for it so far (taken back if the license turns out invalid). */
  written: number;
}

export class SyncRun {
  private readonly users = new ValidUsers();
  /** Valid licenses by index in the file, and the names they used. */
  private readonly validLicenses = new Map<number, string>();
  private readonly validNames = new Set<string>();
  private userRows: BatchRow[] = [];
  private licenseUserRows: BatchRow[] = [];
  private pendingRows: BatchRow[] = [];
  private seq = 0;
  private licenses = 0;
  private licenseUsers = 0;
  /** All users are known (`users` is over): license users can be checked as they come. */
  private usersDone = false;
  /** License users go to the staging table until the end of the file. */
  private staging = false;
  private open: OpenLicense | null = null;

  constructor(
    private readonly writer: SyncSink,
    private readonly input: RunInput,
    private readonly errors: Errors,
    private readonly licenseUserErrors: Errors,
  ) {}

  async run(): Promise<RunCounts> {
    for await (const batch of readSyncPayloadBatches(this.input.source)) {
      for (const item of batch) {
        switch (item.kind) {
          case 'error':
            if (item.error.section === 'file') throw new FileRefused(`The file cannot be read: ${item.error.message}`);
            this.errors.add(item.error);
            // A license reported by the reader (a field over 1 MiB …) gets no license item: its users go.
            if (item.error.section === 'licenses' && this.open?.index === item.error.row) await this.takeBack();
            break;
          case 'user':
            this.user(item.raw, item.index);
            break;
          case 'users-end':
            this.usersDone = true;
            break;
          case 'license-user':
            this.licenseUser(item.raw, item.index, item.license, item.licenseIndex);
            break;
          case 'license':
            await this.license(item.raw, item.index);
            break;
        }
      }
      if (this.userRows.length >= USER_BATCH) await this.flushUsers(false);
      if (this.licenseUserRows.length >= LICENSE_USER_BATCH) await this.flushLicenseUsers(false);
      if (this.pendingRows.length >= PENDING_BATCH) await this.flushPending(false);
    }
    await this.flushUsers(true);
    await this.flushLicenseUsers(true);
    await this.flushPending(true);
    if (this.users.size === 0) throw new FileRefused('The file has no valid user; at least one is required (see the row errors).');
    if (this.seq > 0) await this.applyStaged();
    return { users: this.users.size, licenses: this.licenses, licenseUsers: this.licenseUsers, ...(await this.markRemoved()) };
  }

  private user(raw: unknown, index: number): void {
    const result = validateUser(raw, index);
    if (!result.ok) return this.errors.add(result.error);
    const duplicate = this.users.add(result.user, index);
    if (duplicate) return this.errors.add(duplicate);
    const u = result.user;
    this.userRows.push([u.email, u.originalEmail, u.id, u.firstName, u.lastName, u.status, u.externalStatus, JSON.stringify(u.roles), u.lastUsedDate]);
  }

  private licenseUser(raw: unknown, index: number, license: string, licenseIndex: number): void {
    if (!this.staging && (!this.usersDone || this.validNames.has(license))) this.staging = true;
    if (!this.staging) {
      const result = validateLicenseUser(raw, index, license, this.users);
      if (result.ok) {
        if (this.open?.index !== licenseIndex) this.open = { index: licenseIndex, name: license, written: 0 };
        this.open.written++;
        this.licenseUserRows.push([license, result.licenseUser.email, result.licenseUser.licenseStatus]);
        return;
      }
    }
    // Checked (again) at the end; its error then takes its place among the license users' errors.
    this.pendingRows.push([this.seq++, licenseIndex, license, index, JSON.stringify(raw)]);
  }

  private async license(raw: Parameters<typeof validateLicense>[0], index: number): Promise<void> {
    const result = validateLicense(raw, index);
    if (!result.ok) {
      this.errors.add(result.error);
      if (this.open?.index === index) await this.takeBack();
      return;
    }
    if (this.open?.index === index) this.licenseUsers += this.open.written;
    this.open = null;
    this.licenses++;
    this.validLicenses.set(index, result.license.name);
    this.validNames.add(result.license.name);
    const l = result.license;
    await this.writer.run(
      'insert inv_licenses',
      'insert into inv_licenses (app_account_id, name, team_id, unassigned_amount, price_per_user, removed_at, seen_sync) values (?, ?, ?, ?, ?, null, ?) on conflict (app_account_id, name) do update set unassigned_amount = excluded.unassigned_amount, price_per_user = excluded.price_per_user, removed_at = null, seen_sync = excluded.seen_sync',
      [this.input.appAccountId, l.name, this.input.teamId, l.unassignedAmount, l.pricePerUser, this.input.syncId],
    );
  }

  /** Writes full batches (and, when `all`, the rest): the next rows then start a new batch. */
  /** The open license is refused: its users, written as they came, are taken back (no earlier license has its name). */
  private async takeBack(): Promise<void> {
    const open = this.open!;
    this.open = null;
    await this.flushLicenseUsers(true);
    await this.writer.run('delete inv_license_users', 'delete from inv_license_users where app_account_id = ? and license_name = ? and seen_sync = ?', [this.input.appAccountId, open.name, this.input.syncId]);
  }

  private async flushUsers(all: boolean): Promise<void> {
    this.userRows = await this.flush('users', this.userRows, USER_BATCH, all);
  }

  private async flushLicenseUsers(all: boolean): Promise<void> {
    this.licenseUserRows = await this.flush('licenseUsers', this.licenseUserRows, LICENSE_USER_BATCH, all);
  }

  private async flushPending(all: boolean): Promise<void> {
    this.pendingRows = await this.flush('pending', this.pendingRows, PENDING_BATCH, all);
  }

  private async flush(table: 'users' | 'licenseUsers' | 'pending', rows: BatchRow[], batch: number, all: boolean): Promise<BatchRow[]> {
    let at = 0;
    for (; rows.length - at >= batch || (all && at < rows.length); at += batch) await this.writer.insert(table, rows.slice(at, at + batch), this.input);
    return at === 0 ? rows : rows.slice(at);
  }

  /** Staged license users, in file order, now that every user of the file is known. */
  private async applyStaged(): Promise<void> {
    const { syncId } = this.input;
    for (let from = 0; from < this.seq; from += PENDING_BATCH) {
      const rows = await this.writer.select<{ license_index: number; row: number; raw: string }>(
        'select sync_pending_license_users',
        'select license_index, row, raw from sync_pending_license_users where sync_id = ? and seq >= ? and seq < ? order by seq',
        [syncId, from, from + PENDING_BATCH],
      );
      for (const row of rows) {
        const license = this.validLicenses.get(Number(row.license_index));
        if (license === undefined) continue; // its license had a row error, already reported
        const result = validateLicenseUser(JSON.parse(row.raw) as unknown, Number(row.row), license, this.users);
        if (!result.ok) {
          this.licenseUserErrors.add(result.error);
          continue;
        }
        this.licenseUserRows.push([license, result.licenseUser.email, result.licenseUser.licenseStatus]);
        this.licenseUsers++;
      }
      await this.flushLicenseUsers(true);
    }
    await this.writer.run('delete sync_pending_license_users', 'delete from sync_pending_license_users where sync_id = ?', [syncId]);
  }

  /** What the file no longer has: users and licenses marked removed, assignments dropped. */
  private async markRemoved(): Promise<Pick<RunCounts, 'removedUsers' | 'removedLicenses'>> {
    const { appAccountId, syncId } = this.input;
    const removedUsers = await this.writer.run('update inv_users', 'update inv_users set removed_at = ? where app_account_id = ? and seen_sync != ? and removed_at is null', [this.input.now, appAccountId, syncId]);
    const removedLicenses = await this.writer.run('update inv_licenses', 'update inv_licenses set removed_at = ? where app_account_id = ? and seen_sync != ? and removed_at is null', [this.input.now, appAccountId, syncId]);
    await this.writer.run('delete inv_license_users', 'delete from inv_license_users where app_account_id = ? and seen_sync != ?', [appAccountId, syncId]);
    return { removedUsers, removedLicenses };
  }
}
