import { renderPath, renderString, renderValue, type Scope, TemplateError } from '../engine/templates/index.js';
import type { Finder, ImportPlan, WriteOp } from './plan.js';
import { failure, type ImportResultError } from './results.js';

/** A request relative to the connection, as `ImportSend` takes it. */
export interface ImportRequest {
  method: string;
  relativeURI: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The scope of one record's templates: `{{data.*}}` and `{{record.*}}` are the mapped record,
 * `{{lookup.id}}` what existingLookup found; `extra` (e.g. the connection) cannot shadow them.
 */
export function recordScope(extra: Record<string, unknown> | undefined, record: unknown, lookupId: string | undefined): Scope {
  return { ...extra, data: record, record, lookup: lookupId === undefined ? {} : { id: lookupId } };
}

/** A batch's scope: `{{data}}`, `{{record}}` and `{{batch}}` are the array of records, `{{lookups}}` their found ids. */
export function batchScope(extra: Record<string, unknown> | undefined, records: unknown[], lookupIds: Array<string | undefined>): Scope {
  return { ...extra, data: records, record: records, batch: records, lookups: lookupIds, lookup: {} };
}

/**
 * Renders the write of a record (or a batch: `subject` is then the array). The default body is
 * the subject as JSON; DELETE sends no body unless one is configured. A template that cannot
 * render is this record's failure, never an exception.
 *
 * @example renderWrite(plan, { method: 'PUT', relativeURI: 'customers/{{data.id}}' }, scope, record)
 * // { method: 'PUT', relativeURI: 'customers/42', headers: { 'content-type': 'application/json' }, body: '{"id":42}' }
 */
export function renderWrite(plan: ImportPlan, op: WriteOp, scope: Scope, subject: unknown): ImportRequest | ImportResultError {
  return guarded(() => {
    const path = renderPath(op.relativeURI, scope);
    if (!path.ok) return missing('relativeURI', path.missing);
    const headers: Record<string, string> = {};
    for (const [name, template] of Object.entries(plan.headers)) {
      const rendered = renderString(template, scope).value;
      if (rendered !== undefined) headers[name] = typeof rendered === 'string' ? rendered : (JSON.stringify(rendered) ?? '');
    }
    const request: ImportRequest = { method: op.method, relativeURI: path.value, headers };
    const body = renderBody(plan.body, scope, subject, op.method);
    if (body !== undefined) {
      request.body = body.text;
      if (body.json && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    }
    return request;
  });
}

/** Renders existingLookup's GET for a record. */
export function renderLookup(finder: Extract<Finder, { kind: 'lookup' }>, scope: Scope): ImportRequest | ImportResultError {
  return guarded(() => {
    const path = renderPath(finder.relativeURI, scope);
    if (!path.ok) return missing('existingLookup.relativeURI', path.missing);
    return { method: 'GET', relativeURI: path.value, headers: { accept: 'application/json' } };
  });
}

function renderBody(template: unknown, scope: Scope, subject: unknown, method: string): { text: string; json: boolean } | undefined {
  if (template === undefined) {
    if (method === 'DELETE' || subject === undefined) return undefined;
    return { text: JSON.stringify(subject), json: true };
  }
  if (typeof template === 'string') {
    const value = renderString(template, scope).value;
    if (value === undefined) return undefined;
    // A string that is one whole placeholder ({{record}}) keeps its JSON type: send it as JSON.
    return typeof value === 'string' ? { text: value, json: false } : { text: JSON.stringify(value), json: true };
  }
  return { text: JSON.stringify(renderValue(template, scope).value), json: true };
}

function missing(field: string, paths: string[]): ImportResultError {
  const list = paths.map((path) => `{{${path}}}`).join(', ');
  return failure(422, 'TEMPLATE_MISSING_VALUE', `${field} needs ${list}, which has no value for this record.`);
}

function guarded<T>(render: () => T | ImportResultError): T | ImportResultError {
  try {
    return render();
  } catch (error) {
    if (error instanceof TemplateError) return failure(422, error.code, error.message);
    throw error;
  }
}
