import type { Kysely } from 'kysely';
import { diffFields } from '../audit/diff.js';
import { type Actor, recordAudit } from '../audit/repository.js';
import type { Dependencies } from '../connections/dependencies.js';
import { fail, type ErrorDetail } from '../errors.js';
import { newId } from '../ids.js';
import type { Database, FlowGroupsTable, FlowsTable } from '../store/schema.js';
import { compileChecker, createAjv } from '../validation.js';
import { checkSchedule, FlowGroupInput, FlowInput, nextRunAt } from './model.js';

export interface Flow {
  id: string;
  teamId: string;
  name: string;
  groupId: string | null;
  pageGenerators: Array<{ _exportId: string }>;
  pageProcessors: Array<{ type: 'import'; _importId: string; responseMapping?: unknown }>;
  schedule: string | null;
  timezone: string | null;
  disabled: boolean;
  nextRunAt: string | null;
  createdAt: string;
  lastModified: string;
}

export interface FlowGroup {
  id: string;
  teamId: string;
  name: string;
  description: string | null;
  createdAt: string;
  lastModified: string;
}

const strict = createAjv('strict');
const checkFlow = compileChecker<FlowInput>(strict, FlowInput);
const checkGroup = compileChecker<FlowGroupInput>(strict, FlowGroupInput);

function toFlow(row: FlowsTable): Flow {
  const doc = JSON.parse(row.doc) as Pick<Flow, 'pageGenerators' | 'pageProcessors'>;
  return {
    id: row.id,
    teamId: row.team_id,
    name: row.name,
    groupId: row.group_id,
    pageGenerators: doc.pageGenerators,
    pageProcessors: doc.pageProcessors,
    schedule: row.schedule,
    timezone: row.timezone,
    disabled: row.disabled === 1,
    nextRunAt: row.next_run_at,
    createdAt: row.created_at,
    lastModified: row.last_modified,
  };
}

function toGroup(row: FlowGroupsTable): FlowGroup {
  const doc = JSON.parse(row.doc) as { description?: string };
  return { id: row.id, teamId: row.team_id, name: row.name, description: doc.description ?? null, createdAt: row.created_at, lastModified: row.last_modified };
}

function invalid(kind: string, details: ErrorDetail[]): never {
  throw fail('VALIDATION_FAILED', `Invalid ${kind}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`, details);
}

/** Flows (`/v1/flows`) and the integrations that group them (`/v1/integrations`). */
export class FlowService {
  constructor(private readonly deps: { db: Kysely<Database>; now?: () => Date }) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  flowWire(flow: Flow): Record<string, unknown> {
    return {
      _id: flow.id,
      name: flow.name,
      ...(flow.groupId ? { _integrationId: flow.groupId } : {}),
      pageGenerators: flow.pageGenerators,
      pageProcessors: flow.pageProcessors,
      schedule: flow.schedule,
      timezone: flow.timezone,
      disabled: flow.disabled,
      nextRunAt: flow.nextRunAt,
      createdAt: flow.createdAt,
      lastModified: flow.lastModified,
    };
  }

  groupWire(group: FlowGroup): Record<string, unknown> {
    return { _id: group.id, name: group.name, description: group.description, createdAt: group.createdAt, lastModified: group.lastModified };
  }

  async getFlow(teamId: string, id: string): Promise<Flow> {
    const row = await this.deps.db.selectFrom('flows').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail('FLOW_NOT_FOUND', `No flow with _id "${id}".`);
    return toFlow(row);
  }

  async listFlows(teamId: string, options: { limit: number; after?: string; groupId?: string }): Promise<Flow[]> {
    let query = this.deps.db.selectFrom('flows').selectAll().where('team_id', '=', teamId);
    if (options.after) query = query.where('id', '>', options.after);
    if (options.groupId) query = query.where('group_id', '=', options.groupId);
    return (await query.orderBy('id').limit(options.limit).execute()).map(toFlow);
  }

  /** Validates a flow body: schema, schedule, and that every export, import and group exists in the team. */
  async #validateFlow(teamId: string, body: unknown): Promise<FlowInput> {
    const checked = checkFlow(body);
    if (!checked.ok) invalid('flow', checked.details);
    const flow = checked.value;
    const details = checkSchedule(flow.schedule, flow.timezone);
    const exportIds = flow.pageGenerators.map((g) => g._exportId);
    const importIds = flow.pageProcessors.map((p) => p._importId);
    const exportsFound = new Set((await this.deps.db.selectFrom('exports').select('id').where('team_id', '=', teamId).where('id', 'in', exportIds).execute()).map((r) => r.id));
    const importsFound = new Set((await this.deps.db.selectFrom('imports').select('id').where('team_id', '=', teamId).where('id', 'in', importIds).execute()).map((r) => r.id));
    exportIds.forEach((id, i) => {
      if (!exportsFound.has(id)) details.push({ field: `pageGenerators.${i}._exportId`, message: 'is not an export of your team' });
    });
    importIds.forEach((id, i) => {
      if (!importsFound.has(id)) details.push({ field: `pageProcessors.${i}._importId`, message: 'is not an import of your team' });
      // A step is known by its import: the same import twice would share errors and the run's ledger.
      if (importIds.indexOf(id) !== i) details.push({ field: `pageProcessors.${i}._importId`, message: 'is already a step of this flow' });
    });
    if (flow._integrationId) {
      const group = await this.deps.db.selectFrom('flow_groups').select('id').where('team_id', '=', teamId).where('id', '=', flow._integrationId).executeTakeFirst();
      if (!group) details.push({ field: '_integrationId', message: 'is not an integration (/v1/integrations) of your team' });
    }
    if (details.length > 0) invalid('flow', details);
    return flow;
  }

  async #writeFlow(trx: Kysely<Database>, flow: Flow, insert: boolean): Promise<void> {
    const row: FlowsTable = {
      id: flow.id,
      team_id: flow.teamId,
      name: flow.name,
      group_id: flow.groupId,
      doc: JSON.stringify({ pageGenerators: flow.pageGenerators, pageProcessors: flow.pageProcessors }),
      schedule: flow.schedule,
      timezone: flow.timezone,
      disabled: flow.disabled ? 1 : 0,
      next_run_at: flow.nextRunAt,
      created_at: flow.createdAt,
      last_modified: flow.lastModified,
    };
    if (insert) await trx.insertInto('flows').values(row).execute();
    else await trx.updateTable('flows').set(row).where('team_id', '=', flow.teamId).where('id', '=', flow.id).execute();
    await trx.deleteFrom('flow_steps').where('flow_id', '=', flow.id).execute();
    const steps = [
      ...flow.pageGenerators.map((g) => ({ flow_id: flow.id, team_id: flow.teamId, kind: 'export' as const, ref_id: g._exportId, path: 'pageGenerators[*]._exportId' })),
      ...flow.pageProcessors.map((p) => ({ flow_id: flow.id, team_id: flow.teamId, kind: 'import' as const, ref_id: p._importId, path: 'pageProcessors[*]._importId' })),
    ];
    if (steps.length > 0) await trx.insertInto('flow_steps').values(steps).execute();
  }

  #fromInput(teamId: string, input: FlowInput, base: { id: string; createdAt: string }): Flow {
    const now = this.#now();
    const disabled = input.disabled ?? false;
    return {
      id: base.id,
      teamId,
      name: input.name,
      groupId: input._integrationId ?? null,
      pageGenerators: input.pageGenerators,
      pageProcessors: input.pageProcessors,
      schedule: input.schedule ?? null,
      timezone: input.timezone ?? null,
      disabled,
      nextRunAt: disabled ? null : nextRunAt(input.schedule, input.timezone, now),
      createdAt: base.createdAt,
      lastModified: now.toISOString(),
    };
  }

  async createFlow(teamId: string, actor: Actor, body: unknown): Promise<Flow> {
    const input = await this.#validateFlow(teamId, body);
    const now = this.#now().toISOString();
    const flow = this.#fromInput(teamId, input, { id: newId(), createdAt: now });
    await this.deps.db.transaction().execute(async (trx) => {
      await this.#writeFlow(trx, flow, true);
      await recordAudit(trx, { teamId, resourceType: 'flow', resourceId: flow.id, event: 'create', fieldChanges: [], actor, time: now });
    });
    return flow;
  }

  async replaceFlow(teamId: string, actor: Actor, id: string, body: unknown): Promise<Flow> {
    const current = await this.getFlow(teamId, id);
    const input = await this.#validateFlow(teamId, body);
    const next = this.#fromInput(teamId, input, current);
    const before = { ...this.flowWire(current), lastModified: null, nextRunAt: null };
    const after = { ...this.flowWire(next), lastModified: null, nextRunAt: null };
    const changes = diffFields(before, after, before, after);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.#writeFlow(trx, next, false);
      if (changes.length > 0) await recordAudit(trx, { teamId, resourceType: 'flow', resourceId: id, event: 'update', fieldChanges: changes, actor, time: next.lastModified });
    });
    return next;
  }

  async removeFlow(teamId: string, actor: Actor, id: string): Promise<void> {
    await this.getFlow(teamId, id);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('flow_steps').where('flow_id', '=', id).execute();
      await trx.deleteFrom('flows').where('team_id', '=', teamId).where('id', '=', id).execute();
      await recordAudit(trx, { teamId, resourceType: 'flow', resourceId: id, event: 'delete', fieldChanges: [], actor });
    });
  }

  async getGroup(teamId: string, id: string): Promise<FlowGroup> {
    const row = await this.deps.db.selectFrom('flow_groups').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail('FLOW_GROUP_NOT_FOUND', `No integration with _id "${id}".`);
    return toGroup(row);
  }

  async listGroups(teamId: string, options: { limit: number; after?: string }): Promise<FlowGroup[]> {
    let query = this.deps.db.selectFrom('flow_groups').selectAll().where('team_id', '=', teamId);
    if (options.after) query = query.where('id', '>', options.after);
    return (await query.orderBy('id').limit(options.limit).execute()).map(toGroup);
  }

  async saveGroup(teamId: string, actor: Actor, body: unknown, id?: string): Promise<FlowGroup> {
    const checked = checkGroup(body);
    if (!checked.ok) invalid('integration', checked.details);
    const now = this.#now().toISOString();
    const current = id ? await this.getGroup(teamId, id) : undefined;
    const group: FlowGroup = { id: current?.id ?? newId(), teamId, name: checked.value.name, description: checked.value.description ?? null, createdAt: current?.createdAt ?? now, lastModified: now };
    const row = { id: group.id, team_id: teamId, name: group.name, doc: JSON.stringify({ description: group.description }), created_at: group.createdAt, last_modified: now };
    await this.deps.db.transaction().execute(async (trx) => {
      if (current) await trx.updateTable('flow_groups').set(row).where('team_id', '=', teamId).where('id', '=', group.id).execute();
      else await trx.insertInto('flow_groups').values(row).execute();
      const changes = current ? diffFields(this.groupWire({ ...current, lastModified: '' }), this.groupWire({ ...group, lastModified: '' }), this.groupWire(current), this.groupWire(group)) : [];
      if (!current || changes.length > 0) await recordAudit(trx, { teamId, resourceType: 'integration', resourceId: group.id, event: current ? 'update' : 'create', fieldChanges: changes, actor, time: now });
    });
    return group;
  }

  async removeGroup(teamId: string, actor: Actor, id: string): Promise<void> {
    const group = await this.getGroup(teamId, id);
    const flows = await this.listFlows(teamId, { limit: 1000, groupId: id });
    if (flows.length > 0) {
      throw fail('RESOURCE_IN_USE', `Integration "${group.name}" still holds flow(s) ${flows.map((f) => `"${f.name}"`).join(', ')}; delete or move them first.`, flows.map((f) => ({ field: 'flows', message: `holds flow "${f.name}"`, _id: f.id })));
    }
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('flow_groups').where('team_id', '=', teamId).where('id', '=', id).execute();
      await recordAudit(trx, { teamId, resourceType: 'integration', resourceId: id, event: 'delete', fieldChanges: [], actor });
    });
  }

  /** Flows and groups that depend on the given exports/imports of a connection (seed 004's shape). */
  async dependentsOf(teamId: string, refs: { exports: string[]; imports: string[] }, connectionId: string): Promise<Pick<Dependencies, 'flows' | 'integrations'>> {
    const ids = [...refs.exports, ...refs.imports];
    if (ids.length === 0) return { flows: [], integrations: [] };
    const steps = await this.deps.db.selectFrom('flow_steps').selectAll().where('team_id', '=', teamId).where('ref_id', 'in', ids).execute();
    const byFlow = new Map<string, { export: Set<string>; import: Set<string>; paths: Set<string> }>();
    for (const step of steps) {
      const entry = byFlow.get(step.flow_id) ?? { export: new Set(), import: new Set(), paths: new Set() };
      entry[step.kind].add(step.ref_id);
      entry.paths.add(step.path);
      byFlow.set(step.flow_id, entry);
    }
    if (byFlow.size === 0) return { flows: [], integrations: [] };
    const flows = (await this.deps.db.selectFrom('flows').selectAll().where('team_id', '=', teamId).where('id', 'in', [...byFlow.keys()]).orderBy('id').execute()).map(toFlow);
    const flowDeps = flows.map((flow) => {
      const entry = byFlow.get(flow.id);
      const dependencyIds: Record<string, string[]> = {};
      if (entry?.export.size) dependencyIds.export = [...entry.export];
      if (entry?.import.size) dependencyIds.import = [...entry.import];
      return { id: flow.id, name: flow.name, paths: [...(entry?.paths ?? [])], accessLevel: 'manage' as const, dependencyIds };
    });
    const groupIds = [...new Set(flows.map((f) => f.groupId).filter((g): g is string => g !== null))];
    const groups = groupIds.length ? (await this.deps.db.selectFrom('flow_groups').selectAll().where('team_id', '=', teamId).where('id', 'in', groupIds).orderBy('id').execute()).map(toGroup) : [];
    const groupDeps = groups.map((group) => ({
      id: group.id,
      name: group.name,
      paths: ['_registeredConnectionIds[*]'],
      accessLevel: 'manage' as const,
      dependencyIds: { connection: [connectionId], flow: flows.filter((f) => f.groupId === group.id).map((f) => f.id) },
    }));
    return { flows: flowDeps, integrations: groupDeps };
  }
}
