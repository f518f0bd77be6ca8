import type { Kysely } from 'kysely';
import { type Actor, recordAudit } from '../audit/repository.js';
import { diffFields } from '../audit/diff.js';
import type { ConnectionService } from '../connections/service.js';
import type { Dependent } from '../connections/dependencies.js';
import { AppError, type ErrorCode, type ErrorDetail, fail } from '../errors.js';
import { newId } from '../ids.js';
import type { Database, SavedModelTable } from '../store/schema.js';

/** What a model checker answers (exports/model.ts and imports/model.ts share this shape). */
export type ModelCheck<T> = { ok: true; value: T } | { ok: false; code: string; message: string; details: ErrorDetail[] };

/** The wire shape of a saved export or import: the model's own fields beside `_id` and friends. */
export type SavedWire = Record<string, unknown> & { _id: string; name: string; _connectionId?: string; createdAt: string; lastModified: string };

export interface SavedModel<T> {
  id: string;
  teamId: string;
  name: string;
  /** '' for an import that runs through no connection (the inventory form). */
  connectionId: string;
  model: T;
  /** Run state kept between runs (a delta export's lastExportDateTime). */
  state: Record<string, unknown>;
  createdAt: string;
  lastModified: string;
}

const READ_ONLY = ['_id', 'createdAt', 'lastModified'];

/**
 * Saved exports and imports (`/v1/exports`, `/v1/imports`): a model plus the connection it runs
 * through, with audit entries, and refused deletion while a flow uses it. One class, two tables.
 */
export class SavedModels<T extends object> {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      table: 'exports' | 'imports';
      kind: 'export' | 'import';
      notFound: ErrorCode;
      /** `connectionType` is null when the body has no `_connectionId` (only with `connectionOptional`). */
      check: (model: unknown, connectionType: string | null) => ModelCheck<T>;
      connections: ConnectionService;
      /** Imports: a model may run through no connection (the check decides which models may). */
      connectionOptional?: boolean;
      /** Checks a model's references to other team objects (an inventory import's app account). */
      checkReferences?: (teamId: string, model: T) => Promise<ErrorDetail[]>;
    },
  ) {}

  #toModel(row: SavedModelTable): SavedModel<T> {
    return {
      id: row.id,
      teamId: row.team_id,
      name: row.name,
      connectionId: row.connection_id,
      model: JSON.parse(row.doc) as T,
      state: JSON.parse(row.state) as Record<string, unknown>,
      createdAt: row.created_at,
      lastModified: row.last_modified,
    };
  }

  toWire(saved: SavedModel<T>): SavedWire {
    return { _id: saved.id, name: saved.name, ...(saved.connectionId === '' ? {} : { _connectionId: saved.connectionId }), ...saved.model, createdAt: saved.createdAt, lastModified: saved.lastModified };
  }

  async get(teamId: string, id: string): Promise<SavedModel<T>> {
    const row = await this.deps.db.selectFrom(this.deps.table).selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail(this.deps.notFound, `No ${this.deps.kind} with _id "${id}".`);
    return this.#toModel(row);
  }

  async list(teamId: string, options: { limit: number; after?: string; connectionId?: string }): Promise<Array<SavedModel<T>>> {
    let query = this.deps.db.selectFrom(this.deps.table).selectAll().where('team_id', '=', teamId);
    if (options.after) query = query.where('id', '>', options.after);
    if (options.connectionId) query = query.where('connection_id', '=', options.connectionId);
    return (await query.orderBy('id').limit(options.limit).execute()).map((row) => this.#toModel(row));
  }

  /** Splits a body into name, connection and model, and checks the model against the connection's type. */
  async #validate(teamId: string, body: unknown): Promise<{ name: string; connectionId: string; model: T }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('VALIDATION_FAILED', `The ${this.deps.kind} must be a JSON object.`);
    const record = { ...(body as Record<string, unknown>) };
    for (const key of READ_ONLY) delete record[key];
    const { name, _connectionId: connectionId, ...model } = record;
    const details: ErrorDetail[] = [];
    if (typeof name !== 'string' || name.trim() === '') details.push({ field: 'name', message: 'is required' });
    const noConnection = connectionId === undefined && this.deps.connectionOptional === true;
    if (typeof connectionId !== 'string' && !noConnection) details.push({ field: '_connectionId', message: 'is required: the connection it runs through' });
    if (details.length > 0) throw fail('VALIDATION_FAILED', `Invalid ${this.deps.kind}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`, details);
    let connectionType: string | null = null;
    try {
      if (!noConnection) connectionType = (await this.deps.connections.get(teamId, connectionId as string)).type;
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONNECTION_NOT_FOUND') {
        throw fail('VALIDATION_FAILED', `Invalid ${this.deps.kind}: _connectionId is not a connection of your team.`, [{ field: '_connectionId', message: 'is not a connection of your team' }]);
      }
      throw error;
    }
    const checked = this.deps.check(model, connectionType);
    if (!checked.ok) throw new AppError(checked.code === 'EXPORT_UNSUPPORTED' ? 'EXPORT_UNSUPPORTED' : 'VALIDATION_FAILED', checked.message, checked.details);
    const references = (await this.deps.checkReferences?.(teamId, checked.value)) ?? [];
    if (references.length > 0) throw fail('VALIDATION_FAILED', `Invalid ${this.deps.kind}: ${references.map((d) => `${d.field} ${d.message}`).join('; ')}.`, references);
    return { name: (name as string).trim(), connectionId: noConnection ? '' : (connectionId as string), model: checked.value };
  }

  async create(teamId: string, actor: Actor, body: unknown): Promise<SavedModel<T>> {
    const { name, connectionId, model } = await this.#validate(teamId, body);
    const now = new Date().toISOString();
    const saved: SavedModel<T> = { id: newId(), teamId, name, connectionId, model, state: {}, createdAt: now, lastModified: now };
    await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto(this.deps.table)
        .values({ id: saved.id, team_id: teamId, name, connection_id: connectionId, doc: JSON.stringify(model), state: '{}', created_at: now, last_modified: now })
        .execute();
      await recordAudit(trx, { teamId, resourceType: this.deps.kind, resourceId: saved.id, event: 'create', fieldChanges: [], actor, time: now });
    });
    return saved;
  }

  async replace(teamId: string, actor: Actor, id: string, body: unknown): Promise<SavedModel<T>> {
    const current = await this.get(teamId, id);
    const { name, connectionId, model } = await this.#validate(teamId, body);
    const next: SavedModel<T> = { ...current, name, connectionId, model, lastModified: new Date().toISOString() };
    const before = this.toWire(current);
    const after = this.toWire(next);
    const changes = diffFields({ ...before, lastModified: null }, { ...after, lastModified: null }, before, after);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable(this.deps.table)
        .set({ name, connection_id: connectionId, doc: JSON.stringify(model), last_modified: next.lastModified })
        .where('team_id', '=', teamId)
        .where('id', '=', id)
        .execute();
      if (changes.length > 0) await recordAudit(trx, { teamId, resourceType: this.deps.kind, resourceId: id, event: 'update', fieldChanges: changes, actor, time: next.lastModified });
    });
    return next;
  }

  async saveState(teamId: string, id: string, state: Record<string, unknown>): Promise<void> {
    await this.deps.db.updateTable(this.deps.table).set({ state: JSON.stringify(state) }).where('team_id', '=', teamId).where('id', '=', id).execute();
  }

  async remove(teamId: string, actor: Actor, id: string): Promise<void> {
    const current = await this.get(teamId, id);
    const usedBy = await this.deps.db
      .selectFrom('flow_steps')
      .innerJoin('flows', 'flows.id', 'flow_steps.flow_id')
      .select(['flows.id', 'flows.name'])
      .where('flow_steps.team_id', '=', teamId)
      .where('flow_steps.kind', '=', this.deps.kind)
      .where('flow_steps.ref_id', '=', id)
      .execute();
    if (usedBy.length > 0) {
      throw fail(
        'RESOURCE_IN_USE',
        `The ${this.deps.kind} "${current.name}" is used by flow(s) ${usedBy.map((f) => `"${f.name}"`).join(', ')}; remove it from them first.`,
        usedBy.map((f) => ({ field: 'flows', message: `used by flow "${f.name}"`, _id: f.id })),
      );
    }
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom(this.deps.table).where('team_id', '=', teamId).where('id', '=', id).execute();
      await recordAudit(trx, { teamId, resourceType: this.deps.kind, resourceId: id, event: 'delete', fieldChanges: [], actor });
    });
  }

  /** Saved models using a connection, in seed 004's dependency shape. */
  async usingConnection(teamId: string, connectionId: string): Promise<Dependent[]> {
    const rows = await this.deps.db.selectFrom(this.deps.table).select(['id', 'name']).where('team_id', '=', teamId).where('connection_id', '=', connectionId).orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, paths: ['_connectionId'], accessLevel: 'manage' as const, dependencyIds: { connection: [connectionId] } }));
  }
}
