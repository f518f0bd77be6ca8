import { toAppError } from '../connections/engine-errors.js';
import type { IntegrationCalls } from '../connections/integration-calls.js';
import type { StoredConnection } from '../connections/repository.js';
import { buildConnectionRequest, isConfigProblem } from '../connections/requests.js';
import { mergeSecrets } from '../connections/secrets.js';
import type { ConnectionService } from '../connections/service.js';
import { type CallTarget, secretRedactor, type UpstreamCaller } from '../connections/upstream.js';
import { AppError, type ErrorDetail, fail } from '../errors.js';
import { type CompiledMapping, compileMapping, ImportMappingSpec, MappingError, type MappingResult } from '../mapping/index.js';
import { compileChecker, createAjv } from '../validation.js';
import { checkImportModel, type ImportModel } from './model.js';
import { runPool } from './pool.js';
import type { ImportResult } from './results.js';
import { type ImportSend, runImport } from './run-import.js';

/** Most records one virtual import takes; bigger loads belong in a flow. */
export const VIRTUAL_IMPORT_MAX_RECORDS = 10_000;

const checkSpec = compileChecker<ImportMappingSpec>(createAjv('strict'), ImportMappingSpec);

function targetOf(connection: StoredConnection): CallTarget {
  return { id: connection.id, teamId: connection.teamId, doc: connection.doc, secrets: connection.secrets, debugUntil: connection.debugUntil };
}

/** What is wrong with an import model's mapping, field by field (empty when it compiles). */
export function mappingProblems(model: ImportModel): ErrorDetail[] {
  const spec = { ...(model.mapping === undefined ? {} : { mapping: model.mapping }), ...(model.mappings === undefined ? {} : { mappings: model.mappings }), ...(model.lookups === undefined ? {} : { lookups: model.lookups }) };
  if (Object.keys(spec).length === 0) return [];
  const checked = checkSpec(spec);
  if (!checked.ok) return checked.details;
  try {
    compileMapping(checked.value);
    return [];
  } catch (error) {
    if (error instanceof MappingError) return [{ field: error.field, message: error.message }];
    throw error;
  }
}

/** A mapped record, or why it could not be mapped (the import skips it and reports it). */
export type Mapped = { ok: true; record: Record<string, unknown> } | { ok: false; result: ImportResult };

/**
 * Imports through a connection (seeds 003/004): map each record with the compiled mapping,
 * then write it with the http/rest form (composite upsert, batching) or the integration's
 * resource method. One bad record never fails the others; results come back in order.
 */
export class ImportService {
  constructor(private readonly deps: { connections: ConnectionService; calls: IntegrationCalls; upstream: UpstreamCaller }) {}

  check(connection: StoredConnection, model: unknown): ImportModel {
    const checked = checkImportModel(model, connection.type);
    if (!checked.ok) throw new AppError('VALIDATION_FAILED', checked.message, checked.details);
    return checked.value;
  }

  /** Sends one import request through the connection (base URI, auth, gate, retries, debug log). */
  send(connection: StoredConnection, options: { resourceId?: string; signal?: AbortSignal } = {}): ImportSend {
    const full = mergeSecrets(connection.doc, connection.secrets);
    const target = targetOf(connection);
    return async (request) => {
      const built = buildConnectionRequest(full, { method: request.method, relativeURI: request.relativeURI, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) });
      if (isConfigProblem(built)) throw Object.assign(new Error(built.message), { code: built.code, status: 422 });
      const { result } = await this.deps.upstream.execute(target, built, { ...(options.resourceId ? { resourceId: options.resourceId } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      if (!result.ok) throw Object.assign(new Error(secretRedactor(connection.secrets)(result.failure.message)), { code: result.failure.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNREACHABLE', status: result.failure.kind === 'timeout' ? 504 : 502 });
      return { status: result.response.status, headers: result.response.headers, body: result.response.body };
    };
  }

  /**
   * Compiles the model's mapping once; dynamic lookups go through the same connection, cached per
   * run. Without a connection (the inventory form) a dynamic lookup fails the record that uses it.
   */
  compile(connection: StoredConnection | undefined, model: ImportModel): CompiledMapping | undefined {
    const spec = { ...(model.mapping === undefined ? {} : { mapping: model.mapping }), ...(model.mappings === undefined ? {} : { mappings: model.mappings }), ...(model.lookups === undefined ? {} : { lookups: model.lookups }) };
    if (Object.keys(spec).length === 0) return undefined;
    const checked = checkSpec(spec);
    if (!checked.ok) throw new AppError('VALIDATION_FAILED', 'Invalid mapping: see details.', checked.details.map((d) => ({ ...d, field: `import.${d.field}` })));
    if (!connection) {
      try {
        return compileMapping(checked.value, {
          dynamicLookup: async (lookup) => {
            throw new Error(`lookup "${lookup.name}" needs a connection to call; an inventory import has none (use a static lookup)`);
          },
        });
      } catch (error) {
        if (error instanceof MappingError) throw fail('MAPPING_INVALID', `Invalid mapping: ${error.message}`, [{ field: `import.${error.field}`, message: error.message }]);
        throw error;
      }
    }
    const send = this.send(connection);
    try {
      return compileMapping(checked.value, {
        dynamicLookup: async (lookup, key) => {
          const fill = (value: unknown): unknown =>
            typeof value === 'string'
              ? value.replace(/\{\{\s*key\s*\}\}/g, key)
              : Array.isArray(value)
                ? value.map(fill)
                : typeof value === 'object' && value !== null
                  ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]))
                  : value;
          if (lookup.resource) {
            // Integration connections: a resource method, e.g. "users" (list) or "users.search".
            const [resource, method = 'list'] = lookup.resource.split('.');
            const result = await this.deps.calls.call(targetOf(connection), resource as string, method, { query: { key }, ...(lookup.body === undefined ? {} : { body: fill(lookup.body) }) });
            return result.body;
          }
          if (!lookup.relativeURI) throw new Error(`lookup "${lookup.name}" needs relativeURI or resource`);
          const method = lookup.method ?? 'GET';
          const response = await send({
            method,
            relativeURI: lookup.relativeURI.replace(/\{\{\s*key\s*\}\}/g, encodeURIComponent(key)),
            headers: {},
            ...(method === 'POST' && lookup.body !== undefined ? { body: JSON.stringify(fill(lookup.body)) } : {}),
          });
          if (response.status === 404) return undefined;
          if (response.status < 200 || response.status >= 300) throw new Error(`lookup "${lookup.name}" answered ${response.status}`);
          return JSON.parse(response.body.toString('utf8')) as unknown;
        },
      });
    } catch (error) {
      if (error instanceof MappingError) throw fail('MAPPING_INVALID', `Invalid mapping: ${error.message}`, [{ field: `import.${error.field}`, message: error.message }]);
      throw error;
    }
  }

  async map(compiled: CompiledMapping | undefined, data: unknown[]): Promise<Mapped[]> {
    const out: Mapped[] = [];
    for (const record of data) {
      if (!compiled) {
        out.push(typeof record === 'object' && record !== null ? { ok: true, record: record as Record<string, unknown> } : { ok: false, result: { statusCode: 422, errors: [{ code: 'RECORD_INVALID', message: 'A record must be a JSON object.' }] } });
        continue;
      }
      const mapped: MappingResult = await compiled.map(record);
      out.push(mapped.ok ? { ok: true, record: mapped.record } : { ok: false, result: { statusCode: 422, errors: mapped.errors.map((e) => ({ code: `MAPPING_${e.code.toUpperCase()}`, message: `${e.field}: ${e.message}` })) } });
    }
    return out;
  }

  /** Writes mapped records; results line up with `mapped`. */
  async write(connection: StoredConnection, model: ImportModel, mapped: Mapped[], options: { idempotencyKey?: (index: number) => string; resourceId?: string; signal?: AbortSignal } = {}): Promise<ImportResult[]> {
    const results: ImportResult[] = mapped.map((m) => (m.ok ? { statusCode: 0 } : m.result));
    const positions = mapped.flatMap((m, i) => (m.ok ? [i] : []));
    const records = positions.map((i) => (mapped[i] as { record: Record<string, unknown> }).record);
    if (records.length === 0) return results;
    let written: ImportResult[];
    if (model.resource) {
      written = new Array<ImportResult>(records.length);
      const target = targetOf(connection);
      const redact = secretRedactor(connection.secrets);
      await runPool(records.length, 4, async (i) => {
        try {
          const result = await this.deps.calls.call(target, model.resource as string, model.method ?? 'create', { body: records[i] }, options);
          const first = result.records[0] as Record<string, unknown> | undefined;
          const id = first?.id ?? first?._id;
          written[i] = { statusCode: result.status, ...(id === undefined ? {} : { id: String(id) }), _json: result.body };
        } catch (error) {
          const appError = toAppError(error, redact);
          written[i] = { statusCode: appError.status, errors: [{ code: appError.code, message: appError.message }] };
        }
      });
    } else {
      written = await runImport(model, records, this.send(connection, options), {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.idempotencyKey ? { idempotencyKey: (i) => (options.idempotencyKey as (n: number) => string)(positions[i] as number) } : {}),
      });
    }
    positions.forEach((position, i) => {
      results[position] = written[i] as ImportResult;
    });
    return results;
  }

  async #prepare(teamId: string, connectionId: string, body: { import: unknown; data: unknown }): Promise<{ connection: StoredConnection; model: ImportModel; data: unknown[]; compiled: CompiledMapping | undefined }> {
    const connection = await this.deps.connections.get(teamId, connectionId);
    const model = this.check(connection, body.import);
    if (!Array.isArray(body.data)) throw fail('VALIDATION_FAILED', 'data must be an array of records.', [{ field: 'data', message: 'must be an array' }]);
    if (body.data.length > VIRTUAL_IMPORT_MAX_RECORDS) {
      throw fail('BODY_TOO_LARGE', `A virtual import takes at most ${VIRTUAL_IMPORT_MAX_RECORDS} records; run larger loads as a flow.`);
    }
    return { connection, model, data: body.data, compiled: this.compile(connection, model) };
  }

  async importRecords(teamId: string, connectionId: string, body: { import: unknown; data: unknown }): Promise<ImportResult[]> {
    const { connection, model, data, compiled } = await this.#prepare(teamId, connectionId, body);
    return this.write(connection, model, await this.map(compiled, data));
  }

  /** Only the mapping step: the post-mapped records in order (a record that fails shows its errors). */
  async mapOnly(teamId: string, connectionId: string, body: { import: unknown; data: unknown }): Promise<unknown[]> {
    const { data, compiled } = await this.#prepare(teamId, connectionId, body);
    return (await this.map(compiled, data)).map((m) => (m.ok ? m.record : m.result));
  }
}
