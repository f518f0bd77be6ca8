import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as integrations from './0002-integrations.js';
import * as connect from './0003-connect.js';
import * as webhookEvents from './0004-webhook-events.js';
import * as savedResources from './0005-saved-resources.js';
import * as jobs from './0006-jobs.js';
import * as exportOnce from './0007-export-once.js';
import * as inventory from './0008-inventory.js';
import * as sync from './0009-sync.js';
import * as csvColumns from './0010-csv-columns.js';
import * as lastPing from './0011-last-ping.js';

/** Every migration in order. Names never change once released: the store records them. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-integrations': integrations,
  '0003-connect': connect,
  '0004-webhook-events': webhookEvents,
  '0005-saved-resources': savedResources,
  '0006-jobs': jobs,
  '0007-export-once': exportOnce,
  '0008-inventory': inventory,
  '0009-sync': sync,
  '0010-csv-columns': csvColumns,
  '0011-last-ping': lastPing,
};
