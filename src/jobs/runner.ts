import type { Logger } from 'pino';
import type { ConnectionService } from '../connections/service.js';
import type { ExportService } from '../exports/service.js';
import type { ExportModel } from '../exports/model.js';
import type { OpenSource } from '../exports/paged-export.js';
import type { FlowService } from '../flows/service.js';
import type { ImportModel } from '../imports/model.js';
import { InventoryTarget } from '../inventory/flow-target.js';
import type { CompiledMapping } from '../mapping/index.js';
import type { ImportService } from '../imports/service.js';
import type { ImportResult } from '../imports/results.js';
import type { SavedModel, SavedModels } from '../resources/saved-models.js';
import { isStoreUnavailable } from '../store/errors.js';
import { deltaFilter, type OnceFilter } from './export-filters.js';
import { isTransientPageError, PAGE_READ_ATTEMPTS, pageRetryDelayMs } from './page-retry.js';
import { EMPTY_COUNTS, type Job, type JobCheckpoint, type JobCounts, type JobRepository, type NewJobError } from './repository.js';

/** What kind of failure an error is (seed 004's classifications), from its code and status. */
export function classify(code: string, statusCode: number): string {
  if (code.startsWith('MAPPING_') || statusCode === 400 || statusCode === 422) return 'value';
  if (statusCode === 404) return 'missing';
  if (statusCode === 409) return 'duplicate';
  if (statusCode === 413) return 'too large';
  if (statusCode === 429 || code === 'UPSTREAM_RATE_LIMITED') return 'rate limit';
  if (statusCode === 401 || statusCode === 403 || code === 'UPSTREAM_UNREACHABLE' || code === 'OUTBOUND_BLOCKED') return 'connection';
  if (code.includes('RESPONSE') || code === 'EXPORT_RESPONSE_INVALID') return 'parse';
  return 'intermittent';
}

export const MAX_ATTEMPTS = 10;

/** A lease well under a minute: a killed worker's job is taken over quickly, resuming at its checkpoint. */
export const DEFAULT_LEASE_MS = 20_000;

export interface RunnerDeps {
  jobs: JobRepository;
  flows: FlowService;
  savedExports: SavedModels<ExportModel>;
  savedImports: SavedModels<ImportModel>;
  exports: ExportService;
  imports: ImportService;
  connections: ConnectionService;
  once: OnceFilter;
  /** The switchyard-inventory target (imports of the `inventory` form). */
  inventory: InventoryTarget;
  logger?: Logger;
  leaseMs?: number;
}

type Outcome = 'continue' | 'done' | 'lost';

/**
 * Runs a flow job page by page: read one page at the checkpoint, map and write its records
 * through every import step (skipping records this job already wrote), record per-record
 * errors, then commit the next checkpoint fenced by the attempt. A worker that dies loses at
 * most the page in hand; the next claim re-reads that page and writes only what is missing.
 */
export class FlowRunner {
  readonly #compiled = new Map<string, { version: string; mapping: CompiledMapping | undefined }>();

  constructor(private readonly deps: RunnerDeps) {}

  get leaseMs(): number {
    return this.deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async run(job: Job): Promise<void> {
    try {
      // A run whose workers keep dying is not retried forever.
      if (job.attempt > MAX_ATTEMPTS) {
        await this.deps.jobs.finish(job, 'failed', job.counts, `Gave up after ${MAX_ATTEMPTS} attempts: every worker running it stopped before it finished.`);
        return;
      }
      if (job.retryStep) return await this.#retry(job);
      let current = job;
      if (current.checkpoint.runStartedAt === undefined) current = { ...current, checkpoint: { ...current.checkpoint, runStartedAt: new Date().toISOString() } };
      for (;;) {
        if (await this.deps.jobs.isCancelRequested(current.id)) {
          await this.deps.jobs.finish(current, 'cancelled', current.counts, 'Cancelled on request.');
          return;
        }
        const { outcome, job: next } = await this.#page(current);
        if (outcome === 'lost') return;
        current = next;
        if (outcome === 'done') {
          const status = current.counts.failed > 0 ? 'partial' : 'success';
          // Before the final status: a crash in between completes again (idempotent) on the next claim.
          await this.#completeInventories(current, status);
          if (await this.deps.jobs.finish(current, status, current.counts)) await this.#advanceDeltas(current);
          return;
        }
      }
    } catch (error) {
      await this.#failed(job, error);
    }
  }

  /**
   * A run that threw. A lost store connection is not the run's fault: it keeps its lease and its
   * last checkpoint, and once the lease runs out a worker (this one, when the store is back)
   * takes it over and resumes there. Anything else fails the run with its message. Never throws:
   * a run's promise is not awaited by the loop, and a rejection would end the process.
   */
  async #failed(job: Job, error: unknown): Promise<void> {
    if (isStoreUnavailable(error)) {
      this.deps.logger?.warn({ job: job.id, err: error }, 'flow job lost the store; it resumes at its last checkpoint when its lease ends');
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.deps.logger?.warn({ job: job.id, err: error }, 'flow job failed');
    try {
      await this.deps.jobs.finish(job, 'failed', (await this.deps.jobs.get(job.teamId, job.id))?.counts ?? job.counts, message);
    } catch (finishError) {
      this.deps.logger?.error({ job: job.id, err: finishError }, 'could not mark the flow job failed; it is taken over when its lease ends');
    }
  }

  /** Reads the page at `resume`; a transient failure (see isTransientPageError) reads it again, a few times. */
  async #readPage(open: OpenSource, resume: unknown, jobId: string): Promise<{ records: unknown[]; next: unknown; done: boolean }> {
    for (let attempt = 1; ; attempt++) {
      const pages = open(resume);
      try {
        const first = await pages.next();
        return first.done ? { records: [], next: undefined, done: true } : { records: first.value.records, next: first.value.next, done: false };
      } catch (error) {
        if (attempt >= PAGE_READ_ATTEMPTS || !isTransientPageError(error)) throw error;
        const delay = pageRetryDelayMs(attempt);
        this.deps.logger?.warn({ job: jobId, attempt, delayMs: delay, err: error }, 'page read failed; reading it again');
        await new Promise((resolve) => setTimeout(resolve, delay));
      } finally {
        await pages.return(undefined).catch(() => undefined);
      }
    }
  }

  /** After the last page: inventory targets learn the run is complete ("replace" marks absent users removed). */
  async #completeInventories(job: Job, status: 'success' | 'partial'): Promise<void> {
    const flow = await this.deps.flows.getFlow(job.teamId, job.flowId);
    let readEverything: boolean | undefined;
    for (const processor of flow.pageProcessors) {
      const target = await this.deps.savedImports.get(job.teamId, processor._importId);
      if (!target.model.inventory) continue;
      readEverything ??= (await Promise.all(flow.pageGenerators.map((g) => this.deps.savedExports.get(job.teamId, g._exportId)))).every((e) => (e.model.type ?? 'all') === 'all');
      const removed = await this.deps.inventory.completeRun(job.teamId, target.model.inventory, InventoryTarget.marker(job.id), { status, readEverything });
      this.deps.logger?.info({ job: job.id, import: target.id, removed }, 'inventory run completed');
    }
  }

  /** After a completed run, delta exports remember when it started (their next lower bound). */
  async #advanceDeltas(job: Job): Promise<void> {
    const flow = await this.deps.flows.getFlow(job.teamId, job.flowId);
    for (const generator of flow.pageGenerators) {
      const saved = await this.deps.savedExports.get(job.teamId, generator._exportId);
      if (saved.model.type === 'delta' && job.checkpoint.runStartedAt) {
        await this.deps.savedExports.saveState(job.teamId, saved.id, { ...saved.state, lastExportDateTime: job.checkpoint.runStartedAt });
      }
    }
  }

  async #page(job: Job): Promise<{ outcome: Outcome; job: Job }> {
    const flow = await this.deps.flows.getFlow(job.teamId, job.flowId);
    const cp = job.checkpoint;
    const generator = flow.pageGenerators[cp.g];
    if (!generator) return { outcome: 'done', job };
    const saved = await this.deps.savedExports.get(job.teamId, generator._exportId);
    const connection = await this.deps.connections.get(job.teamId, saved.connectionId);
    const delta = saved.model.type === 'delta' ? { lastExportDateTime: (saved.state.lastExportDateTime as string | undefined) ?? '1970-01-01T00:00:00.000Z', currentExportDateTime: cp.runStartedAt } : {};
    const page = await this.#readPage(this.deps.exports.source(connection, saved.model, { resourceId: saved.id, scope: delta }), cp.cp, job.id);
    const fetched = page.records;
    const nextCp = page.done ? undefined : page.next;
    const records = await this.deps.once.filter(saved.id, saved.model, deltaFilter(saved.model, saved.state.lastExportDateTime as string | undefined)(fetched));

    const counts: JobCounts = { ...EMPTY_COUNTS, ...job.counts };
    counts.pages += 1;
    counts.exported += records.length;
    for (const processor of flow.pageProcessors) {
      // Renew the lease between steps: a long page must not look like a dead worker.
      if (!(await this.deps.jobs.commit(job, { checkpoint: job.checkpoint, counts: job.counts, leaseMs: this.leaseMs }))) return { outcome: 'lost', job };
      const target = await this.deps.savedImports.get(job.teamId, processor._importId);
      const keys = records.map((_, i) => `${cp.g}.${cp.pageIndex}.${i}`);
      // Only a run taken over after a crash (attempt > 1) can have written records of this page already.
      const done = job.attempt > 1 ? await this.deps.jobs.writtenKeys(job.id, target.id, keys) : new Map<string, string>();
      // Written before a crash but after the last commit: not in the counts yet, and never written again.
      for (const outcome of done.values()) {
        if (outcome === 'ok') counts.imported += 1;
        else if (outcome === 'ignored') counts.ignored += 1;
        else counts.failed += 1;
      }
      const todo = keys.map((key, i) => ({ key, record: records[i] })).filter((item) => !done.has(item.key));
      const added = await this.#write(job, target, todo);
      counts.imported += added.imported;
      counts.failed += added.failed;
      counts.ignored += added.ignored;
    }
    await this.deps.once.remember(saved.id, saved.model, records);
    const checkpoint: JobCheckpoint =
      nextCp !== undefined
        ? { ...cp, cp: nextCp, pageIndex: cp.pageIndex + 1 }
        : { ...cp, g: cp.g + 1, pageIndex: cp.pageIndex + 1, cp: undefined };
    const next: Job = { ...job, checkpoint, counts };
    if (!(await this.deps.jobs.commit(job, { checkpoint, counts, leaseMs: this.leaseMs }))) return { outcome: 'lost', job };
    return { outcome: nextCp === undefined && checkpoint.g >= flow.pageGenerators.length ? 'done' : 'continue', job: next };
  }

  /** Maps and writes records through one import; every outcome is noted so a re-run skips it. */
  async #write(job: Job, target: SavedModel<ImportModel>, items: Array<{ key: string; record: unknown }>): Promise<{ imported: number; failed: number; ignored: number; results: ImportResult[] }> {
    if (items.length === 0) return { imported: 0, failed: 0, ignored: 0, results: [] };
    const inventory = target.model.inventory;
    const connection = inventory ? undefined : await this.deps.connections.get(job.teamId, target.connectionId);
    // One compiled mapping per import per run: it also holds the run's dynamic-lookup cache.
    const cacheKey = `${job.id}:${target.id}`;
    let compiled = this.#compiled.get(cacheKey);
    if (!compiled || compiled.version !== target.lastModified) {
      compiled = { version: target.lastModified, mapping: this.deps.imports.compile(connection, target.model) };
      this.#compiled.set(cacheKey, compiled);
      if (this.#compiled.size > 200) this.#compiled.delete(this.#compiled.keys().next().value as string);
    }
    const mapped = await this.deps.imports.map(compiled.mapping, items.map((i) => i.record));
    const results = inventory
      ? await this.deps.inventory.write(job.teamId, inventory, mapped, InventoryTarget.marker(job.id))
      : await this.deps.imports.write(connection!, target.model, mapped, {
          resourceId: target.id,
          idempotencyKey: (i) => `${job.id}:${target.id}:${items[i]?.key ?? i}`,
        });
    let imported = 0;
    let failed = 0;
    let ignored = 0;
    const errors: NewJobError[] = [];
    const written: Array<{ key: string; outcome: string }> = [];
    for (const [i, result] of results.entries()) {
      const item = items[i] as { key: string; record: unknown };
      if ('errors' in result) {
        failed += 1;
        const first = result.errors[0] ?? { code: 'IMPORT_FAILED', message: 'The record was not imported.' };
        errors.push({
          stepId: target.id,
          source: first.code.startsWith('MAPPING_') ? 'mapping' : 'import',
          code: first.code,
          message: first.message,
          classification: classify(first.code, result.statusCode),
          retryDataKey: job.retryStep ? item.key : `${job.id}.${item.key}`,
          record: item.record,
        });
      } else if (result.ignored) {
        ignored += 1;
      } else {
        imported += 1;
      }
      written.push({ key: item.key, outcome: 'errors' in result ? 'failed' : result.ignored ? 'ignored' : 'ok' });
    }
    if (!job.retryStep) await this.deps.jobs.markWritten(job.id, target.id, written);
    await this.deps.jobs.addErrors(job, errors);
    return { imported, failed, ignored, results };
  }

  /** A retry job: only the given failed records, through the one step they failed in. */
  async #retry(job: Job): Promise<void> {
    const stepId = job.retryStep as string;
    const target = await this.deps.savedImports.get(job.teamId, stepId);
    const items = await this.deps.jobs.recordsForRetry(job.teamId, job.flowId, stepId, job.retryKeys ?? []);
    // The old errors are resolved first; a record that fails again gets a fresh error with the same key.
    await this.deps.jobs.resolveErrors(job.teamId, job.flowId, stepId, { retryDataKeys: items.map((i) => i.key) });
    const outcome = await this.#write(job, target, items);
    const counts: JobCounts = { ...EMPTY_COUNTS, pages: 1, exported: items.length, imported: outcome.imported, failed: outcome.failed, ignored: outcome.ignored };
    await this.deps.jobs.finish(job, outcome.failed > 0 ? 'partial' : 'success', counts);
  }
}
