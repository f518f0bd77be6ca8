import type { Logger } from 'pino';
import { bootstrapIfEmpty, type BootstrapResult } from '../auth/bootstrap.js';
import type { Config } from '../config.js';
import { DebugLog } from '../connections/debug-log.js';
import { IntegrationCalls } from '../connections/integration-calls.js';
import { IntegrationConnector, storeLock } from '../connections/integration-connector.js';
import { ConnectionService } from '../connections/service.js';
import { UpstreamCaller } from '../connections/upstream.js';
import { resolveEncryptionKey } from '../crypto/key-file.js';
import { SecretBox } from '../crypto/secret-box.js';
import { TokenSigner } from '../crypto/signed-token.js';
import { ConnectService } from '../connect/service.js';
import { ExportService } from '../exports/service.js';
import { FileService } from '../files/service.js';
import { AppService } from '../inventory/apps.js';
import { InventoryTarget, inventoryReferences } from '../inventory/flow-target.js';
import { SyncService } from '../inventory/sync-service.js';
import { LocalStorage } from '../files/storage.js';
import type { S3Storage } from '../files/s3-storage.js';
import path from 'node:path';
import { ImportService, mappingProblems } from '../imports/service.js';
import { type JobDispatcher, LocalDispatcher } from '../jobs/dispatch.js';
import { JobLoop, Scheduler } from '../jobs/loop.js';
import { JobRepository } from '../jobs/repository.js';
import { FlowRunner } from '../jobs/runner.js';
import { OnceFilter } from '../jobs/export-filters.js';
import { checkExportModel, type ExportModel } from '../exports/model.js';
import { FlowService } from '../flows/service.js';
import { checkImportModel, type ImportModel } from '../imports/model.js';
import { SavedModels } from '../resources/saved-models.js';
import { hkdfSync } from 'node:crypto';
import { ConnectionGates } from '../engine/connection-gate.js';
import { OutboundClient } from '../engine/http-client.js';
import { parseOutboundAllow } from '../engine/outbound-policy.js';
import { loadCatalog } from '../integrations/catalog.js';
import { IntegrationService } from '../integrations/service.js';
import { migrateToLatest, openStore, type Store, storeOptionsFromConfig } from '../store/db.js';
import { WebhookService } from '../webhooks/service.js';

/** Everything the routes and the CLI share, built once per process from the config. */
export interface AppContext {
  store: Store;
  box: SecretBox;
  outbound: OutboundClient;
  connections: ConnectionService;
  integrations: IntegrationService;
  webhooks: WebhookService;
  integrationCalls: IntegrationCalls;
  /** The door of every connection's outbound calls (gate, retries, debug log). */
  upstream: UpstreamCaller;
  connect: ConnectService;
  exports: ExportService;
  imports: ImportService;
  savedExports: SavedModels<ExportModel>;
  savedImports: SavedModels<ImportModel>;
  flows: FlowService;
  jobs: JobRepository;
  jobLoop: JobLoop;
  files: FileService;
  apps: AppService;
  syncs: SyncService;
  /** Signs cursors, paging states, upload and connect links (key derived from the master key). */
  signer: TokenSigner;
  close(): Promise<void>;
}

export interface OpenContextResult {
  context: AppContext;
  bootstrap: BootstrapResult | undefined;
}

/**
 * Opens the store, runs migrations, resolves the encryption key and wires the services.
 * Fails with a clear message when the store cannot be reached or migrated.
 */
export async function openContext(config: Config, logger: Logger, options: { store?: Store; bootstrap?: boolean } = {}): Promise<OpenContextResult> {
  const store = options.store ?? (await openStore(storeOptionsFromConfig(config)));
  try {
    const migrated = await migrateToLatest(store);
    if (migrated.error) throw new Error(`Migrating the store (${store.description}) failed`, { cause: migrated.error });
    for (const result of migrated.results) if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'store migrated');

    const resolved = resolveEncryptionKey(config.dataDir, config.encryptionKey);
    if (resolved.source === 'generated') {
      logger.warn(
        { file: resolved.file },
        'generated a new encryption key for stored secrets; back up this file (losing it makes stored credentials unreadable) or set SWITCHYARD_ENCRYPTION_KEY',
      );
    }
    const box = new SecretBox(resolved.key);
    const outbound = new OutboundClient({ policy: parseOutboundAllow(config.outboundAllow), timeoutMs: config.outboundTimeoutMs });
    // Integration connections: the engine and OAuth tokens (single-flight across processes on Postgres).
    const lockOption = (s: Store) => {
      const lock = storeLock(s);
      return lock ? { lock } : {};
    };
    const gates = new ConnectionGates();
    const upstream = new UpstreamCaller({ client: outbound, gates, debugLog: new DebugLog(store.db) });
    const integrations = new IntegrationService({ db: store.db, box, catalog: loadCatalog() });
    const connections = new ConnectionService({ db: store.db, box, gates, upstream, integrations });
    const policy = parseOutboundAllow(config.outboundAllow);
    const connector = new IntegrationConnector({ integrations, network: { policy, timeoutMs: config.outboundTimeoutMs }, ...lockOption(store) });
    const integrationCalls = new IntegrationCalls({ repo: connections.repo, integrations, connector, upstream });
    connections.useIntegrationCalls(integrationCalls);
    const signer = new TokenSigner(resolved.key);
    const apps = new AppService(store.db);
    const savedExports = new SavedModels<ExportModel>({
      db: store.db,
      table: 'exports',
      kind: 'export',
      notFound: 'EXPORT_NOT_FOUND',
      check: (model, type) => checkExportModel(model, type ?? undefined),
      connections,
    });
    const savedImports = new SavedModels<ImportModel>({
      db: store.db,
      table: 'imports',
      kind: 'import',
      notFound: 'IMPORT_NOT_FOUND',
      // A saved import's mapping is checked when it is saved, not on its first run.
      check: (model, type) => {
        const checked = checkImportModel(model, type);
        if (!checked.ok) return checked;
        const problems = mappingProblems(checked.value);
        return problems.length === 0 ? checked : { ok: false, code: 'VALIDATION_FAILED', message: `Invalid mapping: ${problems[0]?.field} ${problems[0]?.message}.`, details: problems };
      },
      connections,
      // The switchyard-inventory target (src/inventory/flow-target.ts) runs through no connection.
      connectionOptional: true,
      checkReferences: (teamId, model) => inventoryReferences(apps, teamId, model),
    });
    const flows = new FlowService({ db: store.db });
    const exportService = new ExportService({ connections, calls: integrationCalls, upstream, stateKey: Buffer.from(hkdfSync('sha256', resolved.key, Buffer.alloc(0), 'switchyard:paged-export', 32)), box });
    const imports = new ImportService({ connections, calls: integrationCalls, upstream });
    // pg-boss, pg and the AWS SDK are imported only by the deployments that use them (idle memory).
    const dispatcher: JobDispatcher =
      store.kind === 'postgres' && config.databaseUrl
        ? new (await import('../jobs/pg-boss-dispatcher.js')).PgBossDispatcher({ connectionString: config.databaseUrl, schema: `${store.schema ?? 'public'}_boss`.replace(/^public_boss$/, 'pgboss'), logger })
        : new LocalDispatcher();
    const jobs = new JobRepository(store.db, (jobId, trx) => dispatcher.announce(jobId, trx));
    const runner = new FlowRunner({ jobs, flows, savedExports, savedImports, exports: exportService, imports, connections, once: new OnceFilter(store.db), logger, leaseMs: config.jobLeaseMs, inventory: new InventoryTarget({ db: store.db, apps }) });
    const s3: S3Storage | undefined = config.s3 ? new (await import('../files/s3-storage.js')).S3Storage(config.s3) : undefined;
    const storage = s3 ?? new LocalStorage(path.join(config.dataDir, 'files'));
    const files = new FileService({ db: store.db, signer, storage, publicUrl: config.publicUrl, maxUploadBytes: config.uploadLimit });
    // PostgreSQL renews a sync's lease from another connection; SQLite resumes left-over syncs at start.
    const syncs = new SyncService({ db: store.db, files, apps, leaseMs: store.kind === 'postgres' ? config.jobLeaseMs : 24 * 3600_000, heartbeat: store.kind === 'postgres', logger });
    const jobLoop = new JobLoop({ jobs, runner, scheduler: new Scheduler({ db: store.db, jobs }), dispatcher, logger, onTick: () => syncs.resumeExpired() });
    // What uses a connection: its saved exports and imports, the flows using those, and their groups.
    connections.addDependencyProvider(async (teamId, connectionId) => {
      const exportsUsing = await savedExports.usingConnection(teamId, connectionId);
      const importsUsing = await savedImports.usingConnection(teamId, connectionId);
      const more = await flows.dependentsOf(teamId, { exports: exportsUsing.map((e) => e.id), imports: importsUsing.map((i) => i.id) }, connectionId);
      return { exports: exportsUsing, imports: importsUsing, ...more };
    });
    const bootstrap = options.bootstrap === false ? undefined : await bootstrapIfEmpty(store.db, config.bootstrapKey);
    const context: AppContext = {
      store,
      box,
      outbound,
      connections,
      integrations,
      webhooks: new WebhookService({ db: store.db, box, integrations }),
      integrationCalls,
      upstream,
      signer,
      savedExports,
      savedImports,
      flows,
      jobs,
      jobLoop,
      imports,
      exports: exportService,
      apps,
      files,
      syncs,
      connect: new ConnectService({ db: store.db, signer, connections, integrations, calls: integrationCalls, connector, publicUrl: config.publicUrl }),
      async close() {
        await jobLoop.stop();
        await syncs.idle();
        s3?.destroy();
        await outbound.close();
        await store.close();
      },
    };
    return { context, bootstrap };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
