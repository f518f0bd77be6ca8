import type { Kysely } from 'kysely';
import { diffFields } from '../audit/diff.js';
import { type Actor, type AuditEntry, listAudit, recordAudit } from '../audit/repository.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ConnectionGates } from '../engine/connection-gate.js';
import { AppError, fail, type ErrorDetail } from '../errors.js';
import { newId } from '../ids.js';
import type { Database } from '../store/schema.js';
import { type DebugEntry, DebugLog } from './debug-log.js';
import { type Dependencies, type DependencyProvider, emptyDependencies, mergeDependencies } from './dependencies.js';
import type { IntegrationService } from '../integrations/service.js';
import type { IntegrationCalls } from './integration-calls.js';
import type { Connection } from './model.js';
import { applyConnectionPatch } from './patch.js';
import { interpretPing, type PingOutcome, pingRequest } from './ping.js';
import { ConnectionRepository, type ListFilter, type StoredConnection } from './repository.js';
import { buildConnectionRequest, isConfigProblem } from './requests.js';
import { maskSecrets, mergeSecrets, resolveMaskedSecrets, splitSecrets } from './secrets.js';
import { type CallTarget, secretRedactor, type UpstreamCaller } from './upstream.js';
import { describeDetails, type EditableDoc, validateConnection, type ValidatedConnection } from './validate.js';

export { MAX_DEBUG_WINDOW_MS } from './validate.js';

const RESOURCE_TYPE = 'connection';

export interface ConnectionServiceDeps {
  db: Kysely<Database>;
  box: SecretBox;
  gates: ConnectionGates;
  upstream: UpstreamCaller;
  dependencyProviders?: DependencyProvider[];
  /** Needed for connections of type integration. */
  integrations?: IntegrationService;
  now?: () => Date;
}


/**
 * Connections: CRUD with encrypted secrets and an audit trail, ping, debug log, dependencies.
 * Every method takes the caller's team id; another team's connection is "not found".
 */
export class ConnectionService {
  readonly repo: ConnectionRepository;
  readonly debugLog: DebugLog;
  readonly #deps: ConnectionServiceDeps;
  readonly #dependencyProviders: DependencyProvider[];
  #integrationCalls: IntegrationCalls | undefined;

  constructor(deps: ConnectionServiceDeps) {
    this.#deps = deps;
    this.#dependencyProviders = [...(deps.dependencyProviders ?? [])];
    this.repo = new ConnectionRepository(deps.db, deps.box);
    this.debugLog = new DebugLog(deps.db);
  }

  /** Wires the engine for integration connections (done once at start, see server/context.ts). */
  useIntegrationCalls(calls: IntegrationCalls): void {
    this.#integrationCalls = calls;
  }

  #integrations(): IntegrationCalls {
    if (!this.#integrationCalls) throw new Error('Integration connections are not wired: call useIntegrationCalls() at start');
    return this.#integrationCalls;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  /** The wire shape of seeds 003/004: secrets masked, the live queue size. */
  toWire(connection: StoredConnection): Connection {
    const masked = maskSecrets(connection.doc, connection.secrets);
    const wire: Connection = {
      _id: connection.id,
      lastModified: connection.lastModified,
      createdAt: connection.createdAt,
      type: connection.type,
      name: connection.name,
      offline: connection.offline,
      queues: [{ name: connection.id, size: this.#deps.gates.waiting(connection.id) }],
    };
    if (masked.rest) wire.rest = masked.rest;
    if (masked.http) wire.http = masked.http;
    for (const field of ['_integrationId', 'credentialsFormat', 'credentials', 'context', 'oauth'] as const) {
      if (masked[field] !== undefined) (wire as Record<string, unknown>)[field] = masked[field];
    }
    if (connection.debugUntil !== null) wire.debugDate = connection.debugUntil;
    wire.lastPing = connection.lastPing ? { at: connection.lastPing.at, ok: connection.lastPing.code === null, code: connection.lastPing.code } : null;
    return wire;
  }

  async get(teamId: string, id: string): Promise<StoredConnection> {
    const connection = await this.repo.get(teamId, id);
    if (!connection) throw fail('CONNECTION_NOT_FOUND', `No connection with _id "${id}".`);
    return connection;
  }

  list(teamId: string, filter: ListFilter): Promise<StoredConnection[]> {
    return this.repo.list(teamId, filter);
  }

  #validate(teamId: string, input: unknown): Promise<ValidatedConnection> {
    return validateConnection(input, teamId, this.#deps.integrations, this.#now());
  }

  async create(teamId: string, actor: Actor, input: unknown): Promise<StoredConnection> {
    const { doc: editable, patterns } = await this.#validate(teamId, input);
    const { doc: resolved, errors } = resolveMaskedSecrets(patterns, editable, {});
    if (errors.length > 0) throw fail('MASKED_SECRET_ON_CREATE', undefined, errors);
    const now = this.#now().toISOString();
    const { debugDate, ...doc } = resolved;
    const { publicDoc, secrets } = splitSecrets(patterns, doc);
    const connection: StoredConnection = {
      id: newId(),
      teamId,
      type: doc.type,
      name: doc.name,
      doc: publicDoc,
      secrets,
      offline: false,
      debugUntil: debugDate ?? null,
      createdAt: now,
      lastModified: now,
      integrationId: doc._integrationId ?? null,
    };
    await this.#deps.db.transaction().execute(async (trx) => {
      await this.repo.insert(connection, trx);
      await recordAudit(trx, {
        teamId,
        resourceType: RESOURCE_TYPE,
        resourceId: connection.id,
        event: 'create',
        fieldChanges: [],
        actor,
        time: now,
      });
    });
    return connection;
  }

  async replace(teamId: string, actor: Actor, id: string, input: unknown): Promise<StoredConnection> {
    const current = await this.get(teamId, id);
    return this.#save(current, actor, await this.#validate(teamId, input));
  }

  async patch(teamId: string, actor: Actor, id: string, operations: unknown): Promise<StoredConnection> {
    const current = await this.get(teamId, id);
    const editable: EditableDoc = { ...maskSecrets(current.doc, current.secrets), ...(current.debugUntil === null ? {} : { debugDate: current.debugUntil }) };
    const patched = applyConnectionPatch(editable, operations);
    let validated: ValidatedConnection;
    try {
      validated = await this.#validate(teamId, patched);
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
        const details = error.details;
        throw fail('PATCH_RESULT_INVALID', `Applying the patch produced an invalid connection: ${describeDetails(details)}`, details);
      }
      throw error;
    }
    return this.#save(current, actor, validated);
  }

  async #save(current: StoredConnection, actor: Actor, validated: ValidatedConnection): Promise<StoredConnection> {
    const { doc: editable, patterns } = validated;
    const { doc: resolved, errors } = resolveMaskedSecrets(patterns, editable, current.type === editable.type ? current.secrets : {});
    if (errors.length > 0) throw fail('VALIDATION_FAILED', `Invalid connection: ${describeDetails(errors)}`, errors);
    const { debugDate, ...doc } = resolved;
    const { publicDoc, secrets } = splitSecrets(patterns, doc);
    const now = this.#now().toISOString();
    const next: StoredConnection = {
      ...current,
      type: doc.type,
      name: doc.name,
      doc: publicDoc,
      secrets,
      debugUntil: debugDate ?? null,
      lastModified: now,
      integrationId: doc._integrationId ?? null,
    };
    const before = { ...mergeSecrets(current.doc, current.secrets), debugDate: current.debugUntil };
    const after = { ...doc, debugDate: next.debugUntil };
    const changes = diffFields(
      before,
      after,
      { ...maskSecrets(current.doc, current.secrets), debugDate: current.debugUntil },
      { ...maskSecrets(publicDoc, secrets), debugDate: next.debugUntil },
    );
    await this.#deps.db.transaction().execute(async (trx) => {
      await this.repo.update(next, trx);
      if (changes.length > 0) {
        await recordAudit(trx, { teamId: current.teamId, resourceType: RESOURCE_TYPE, resourceId: current.id, event: 'update', fieldChanges: changes, actor, time: now });
      }
    });
    return next;
  }

  async remove(teamId: string, actor: Actor, id: string): Promise<void> {
    const current = await this.get(teamId, id);
    const dependencies = await this.dependencies(teamId, id);
    const dependents = (['exports', 'imports', 'flows'] as const).flatMap((kind) =>
      dependencies[kind].map((d) => ({ field: kind, message: `used by ${kind.slice(0, -1)} "${d.name}"`, _id: d.id, name: d.name })),
    );
    if (dependents.length > 0) {
      throw fail(
        'CONNECTION_IN_USE',
        `Connection "${current.name}" is used by ${dependents.map((d) => d.message.slice('used by '.length)).join(', ')}. Delete them or point them at another connection first.`,
        dependents,
      );
    }
    await this.#deps.db.transaction().execute(async (trx) => {
      await this.repo.delete(teamId, id, trx);
      await this.debugLog.deleteForConnection(teamId, id, trx);
      await recordAudit(trx, { teamId, resourceType: RESOURCE_TYPE, resourceId: id, event: 'delete', fieldChanges: [], actor });
    });
  }

  /** Pings a stored connection and records whether it is offline. */
  async ping(teamId: string, id: string): Promise<PingOutcome> {
    const connection = await this.get(teamId, id);
    const outcome = await this.#ping(connection);
    await this.repo.recordPing(teamId, id, { at: this.#now().toISOString(), code: outcome.ok ? null : outcome.code });
    return outcome;
  }

  /** Pings an unsaved connection from a request body; stores nothing. */
  async pingVirtual(teamId: string, input: unknown): Promise<PingOutcome> {
    const { doc: editable, patterns } = await this.#validate(teamId, input);
    const { doc, errors } = resolveMaskedSecrets(patterns, editable, {});
    if (errors.length > 0) throw fail('MASKED_SECRET_ON_CREATE', undefined, errors);
    const { debugDate, ...rest } = doc;
    void debugDate;
    const { publicDoc, secrets } = splitSecrets(patterns, rest);
    return this.#ping({ teamId, doc: publicDoc, secrets, debugUntil: null });
  }

  async #ping(target: CallTarget): Promise<PingOutcome> {
    if (target.doc.type === 'integration') return this.#integrations().ping(target);
    const full = mergeSecrets(target.doc, target.secrets);
    const request = buildConnectionRequest(full, pingRequest(full));
    if (isConfigProblem(request)) return { ok: false, status: 422, code: request.code, message: request.message };
    const result = await this.#deps.upstream.call(target, request, { retry: false });
    return interpretPing(full, result, secretRedactor(target.secrets));
  }

  async debug(teamId: string, id: string, resourceId?: string): Promise<DebugEntry[]> {
    await this.get(teamId, id);
    return this.debugLog.list(teamId, id, resourceId);
  }

  async audit(teamId: string, id: string): Promise<AuditEntry[]> {
    const entries = await listAudit(this.#deps.db, teamId, RESOURCE_TYPE, id);
    // A deleted connection keeps its history; an id that never existed for this team is not found.
    if (entries.length === 0) await this.get(teamId, id);
    return entries;
  }

  /** Modules whose resources use connections (exports, imports, flows) register here at start. */
  addDependencyProvider(provider: DependencyProvider): void {
    this.#dependencyProviders.push(provider);
  }

  async dependencies(teamId: string, id: string): Promise<Dependencies> {
    await this.get(teamId, id);
    let result = emptyDependencies();
    for (const provider of this.#dependencyProviders) result = mergeDependencies(result, await provider(teamId, id));
    return result;
  }
}


