import type { Kysely } from 'kysely';
import { diffFields } from '../audit/diff.js';
import { type Actor, type AuditEntry, listAudit, recordAudit } from '../audit/repository.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ConnectionGates } from '../engine/connection-gate.js';
import { AppError, fail, type ErrorDetail } from '../errors.js';
import { newId } from '../ids.js';
import type { Database } from '../store/schema.js';
import { compileChecker, createAjv } from '../validation.js';
import { type DebugEntry, DebugLog } from './debug-log.js';
import { type Dependencies, type DependencyProvider, emptyDependencies, mergeDependencies } from './dependencies.js';
import { type Connection, type ConnectionDoc, ConnectionInput, CONNECTION_TYPES } from './model.js';
import { applyConnectionPatch } from './patch.js';
import { interpretPing, type PingOutcome, pingRequest } from './ping.js';
import { ConnectionRepository, type ListFilter, type StoredConnection } from './repository.js';
import { buildConnectionRequest, isConfigProblem } from './requests.js';
import { maskSecrets, mergeSecrets, patternsOf, resolveMaskedSecrets, splitSecrets } from './secrets.js';
import { secretRedactor, UpstreamCaller } from './upstream.js';

/** How far ahead debugDate may be set: debug logging is for an investigation, not a default. */
export const MAX_DEBUG_WINDOW_MS = 60 * 60 * 1000;
/** Clock skew tolerated on debugDate between the client and the server. */
const DEBUG_SKEW_MS = 60 * 1000;

const RESOURCE_TYPE = 'connection';

export interface ConnectionServiceDeps {
  db: Kysely<Database>;
  box: SecretBox;
  gates: ConnectionGates;
  upstream: UpstreamCaller;
  dependencyProviders?: DependencyProvider[];
  now?: () => Date;
}

/** An editable document: what PUT takes and what PATCH operates on. */
interface EditableDoc extends ConnectionDoc {
  debugDate?: string | null;
}

const checkInput = compileChecker<ConnectionInput>(createAjv('strict'), ConnectionInput);

/**
 * Connections: CRUD with encrypted secrets and an audit trail, ping, debug log, dependencies.
 * Every method takes the caller's team id; another team's connection is "not found".
 */
export class ConnectionService {
  readonly repo: ConnectionRepository;
  readonly debugLog: DebugLog;
  readonly #deps: ConnectionServiceDeps;
  readonly #dependencyProviders: DependencyProvider[];

  constructor(deps: ConnectionServiceDeps) {
    this.#deps = deps;
    this.#dependencyProviders = [...(deps.dependencyProviders ?? [])];
    this.repo = new ConnectionRepository(deps.db, deps.box);
    this.debugLog = new DebugLog(deps.db);
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
    if (connection.debugUntil !== null) wire.debugDate = connection.debugUntil;
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

  /** Validates a request body into an editable document (schema, type consistency, debugDate). */
  #validate(input: unknown): EditableDoc {
    const checked = checkInput(input);
    if (!checked.ok) throw fail('VALIDATION_FAILED', `Invalid connection: ${describe(checked.details)}`, checked.details);
    const body = checked.value;
    const details: ErrorDetail[] = [];
    for (const type of CONNECTION_TYPES) {
      if (type === body.type && body[type] === undefined) details.push({ field: type, message: `is required for a connection of type "${type}"` });
      if (type !== body.type && body[type] !== undefined) details.push({ field: type, message: `is not allowed on a connection of type "${body.type}"` });
    }
    if (body.debugDate !== undefined && body.debugDate !== null) {
      if (Date.parse(body.debugDate) > this.#now().getTime() + MAX_DEBUG_WINDOW_MS + DEBUG_SKEW_MS) {
        throw fail('DEBUG_DATE_TOO_FAR', `debugDate ${body.debugDate} is more than 1 hour ahead; pick a time within the next hour.`, [
          { field: 'debugDate', message: 'must be at most 1 hour in the future' },
        ]);
      }
    }
    if (details.length > 0) throw fail('VALIDATION_FAILED', `Invalid connection: ${describe(details)}`, details);
    const doc: EditableDoc = { type: body.type, name: body.name };
    if (body.rest) doc.rest = body.rest;
    if (body.http) doc.http = body.http;
    if (body.debugDate !== undefined) doc.debugDate = body.debugDate;
    return doc;
  }

  async create(teamId: string, actor: Actor, input: unknown): Promise<StoredConnection> {
    const editable = this.#validate(input);
    const { doc: resolved, errors } = resolveMaskedSecrets(patternsOf(editable.type), editable, {});
    if (errors.length > 0) throw fail('MASKED_SECRET_ON_CREATE', undefined, errors);
    const now = this.#now().toISOString();
    const { debugDate, ...doc } = resolved;
    const { publicDoc, secrets } = splitSecrets(patternsOf(doc.type), doc);
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
    return this.#save(current, actor, this.#validate(input));
  }

  async patch(teamId: string, actor: Actor, id: string, operations: unknown): Promise<StoredConnection> {
    const current = await this.get(teamId, id);
    const editable: EditableDoc = { ...maskSecrets(current.doc, current.secrets), ...(current.debugUntil === null ? {} : { debugDate: current.debugUntil }) };
    const patched = applyConnectionPatch(editable, operations);
    let validated: EditableDoc;
    try {
      validated = this.#validate(patched);
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
        const details = error.details;
        throw fail('PATCH_RESULT_INVALID', `Applying the patch produced an invalid connection: ${describe(details)}`, details);
      }
      throw error;
    }
    return this.#save(current, actor, validated);
  }

  async #save(current: StoredConnection, actor: Actor, editable: EditableDoc): Promise<StoredConnection> {
    const { doc: resolved, errors } = resolveMaskedSecrets(patternsOf(editable.type), editable, current.type === editable.type ? current.secrets : {});
    if (errors.length > 0) throw fail('VALIDATION_FAILED', `Invalid connection: ${describe(errors)}`, errors);
    const { debugDate, ...doc } = resolved;
    const { publicDoc, secrets } = splitSecrets(patternsOf(doc.type), doc);
    const now = this.#now().toISOString();
    const next: StoredConnection = {
      ...current,
      type: doc.type,
      name: doc.name,
      doc: publicDoc,
      secrets,
      debugUntil: debugDate ?? null,
      lastModified: now,
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
    const offline = !outcome.ok;
    if (offline !== connection.offline) await this.repo.setOffline(teamId, id, offline);
    return outcome;
  }

  /** Pings an unsaved connection from a request body; stores nothing. */
  async pingVirtual(teamId: string, input: unknown): Promise<PingOutcome> {
    const editable = this.#validate(input);
    const { doc, errors } = resolveMaskedSecrets(patternsOf(editable.type), editable, {});
    if (errors.length > 0) throw fail('MASKED_SECRET_ON_CREATE', undefined, errors);
    const { debugDate, ...rest } = doc;
    void debugDate;
    const { publicDoc, secrets } = splitSecrets(patternsOf(rest.type), rest);
    return this.#ping({ teamId, doc: publicDoc, secrets, debugUntil: null });
  }

  async #ping(target: { id?: string; teamId: string; doc: ConnectionDoc; secrets: Record<string, string>; debugUntil: string | null }): Promise<PingOutcome> {
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

function describe(details: ErrorDetail[]): string {
  const first = details[0];
  if (!first) return 'see details';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `${first.field ?? 'body'} ${first.message}${more}.`;
}
