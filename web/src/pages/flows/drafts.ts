/** Turns the new-flow form into API bodies. Pure (no imports, so Node tests can load it as is). */

/** One field of an import mapping (docs/mapping.md). */
export interface MappingField {
  extract?: string;
  generate: string;
  hardCodedValue?: unknown;
}

export type PagingMethod = 'none' | 'page' | 'skip' | 'linkheader';

export interface ExportDraft {
  mode: 'new' | 'saved';
  savedId: string;
  connectionId: string;
  name: string;
  relativeURI: string;
  method: 'GET' | 'POST';
  paging: PagingMethod;
  resourcePath: string;
  type: 'all' | 'delta' | 'once';
  dateField: string;
}

export interface ImportDraft {
  mode: 'new' | 'saved';
  savedId: string;
  connectionId: string;
  name: string;
  relativeURI: string;
  method: 'POST' | 'PUT' | 'PATCH';
}

export const NEW_EXPORT: ExportDraft = { mode: 'new', savedId: '', connectionId: '', name: '', relativeURI: '', method: 'GET', paging: 'none', resourcePath: '', type: 'all', dateField: '' };
export const NEW_IMPORT: ImportDraft = { mode: 'new', savedId: '', connectionId: '', name: '', relativeURI: '', method: 'POST' };

/** The placeholder each paging method counts with; the URI should use it. */
export const PAGING_PLACEHOLDER: Partial<Record<PagingMethod, string>> = {
  page: '{{export.http.paging.page}}',
  skip: '{{export.http.paging.skip}}',
};

/** The `http` part of an export: shared by the saved export and the live preview. */
export function exportHttp(draft: ExportDraft): Record<string, unknown> {
  return {
    relativeURI: draft.relativeURI.trim(),
    method: draft.method,
    ...(draft.paging === 'none' ? {} : { paging: { method: draft.paging } }),
    ...(draft.resourcePath.trim() ? { response: { resourcePath: draft.resourcePath.trim() } } : {}),
  };
}

/**
 * POST /v1/exports body.
 *
 * @example exportBody({ ...NEW_EXPORT, connectionId: 'c1', name: 'users', relativeURI: '/users' }, 'f')
 *   // { name: 'users', _connectionId: 'c1', type: 'all', http: { relativeURI: '/users', method: 'GET' } }
 */
export function exportBody(draft: ExportDraft, flowName: string): Record<string, unknown> {
  return {
    name: draft.name.trim() || `${flowName.trim()} (export)`,
    _connectionId: draft.connectionId,
    type: draft.type,
    ...(draft.type === 'delta' && draft.dateField.trim() ? { delta: { dateField: draft.dateField.trim() } } : {}),
    http: exportHttp(draft),
  };
}

/** The write part of an import: shared by the saved import and the mapping preview. */
export function importModel(draft: ImportDraft, fields: MappingField[]): Record<string, unknown> {
  return {
    ...(fields.length > 0 ? { mapping: { fields } } : {}),
    http: { relativeURI: draft.relativeURI.trim(), method: draft.method },
  };
}

export function importBody(draft: ImportDraft, fields: MappingField[], flowName: string): Record<string, unknown> {
  return { name: draft.name.trim() || `${flowName.trim()} (import)`, _connectionId: draft.connectionId, ...importModel(draft, fields) };
}

export function flowBody(input: { name: string; exportId: string; importId: string; schedule: { enabled: boolean; cron: string; timezone: string } }): Record<string, unknown> {
  return {
    name: input.name.trim(),
    pageGenerators: [{ _exportId: input.exportId }],
    pageProcessors: [{ type: 'import', _importId: input.importId }],
    schedule: input.schedule.enabled && input.schedule.cron.trim() ? input.schedule.cron.trim() : null,
    timezone: input.schedule.enabled && input.schedule.cron.trim() ? input.schedule.timezone : null,
  };
}

/** What is still missing before the form can be sent; field name → message. */
export function missing(input: { name: string; exp: ExportDraft; imp: ImportDraft; schedule: { enabled: boolean; cron: string } }): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input.name.trim()) out.name = 'Give the flow a name.';
  if (input.exp.mode === 'saved' ? !input.exp.savedId : !input.exp.connectionId) out.export = input.exp.mode === 'saved' ? 'Choose a saved export.' : 'Choose the connection to read from.';
  else if (input.exp.mode === 'new' && !input.exp.relativeURI.trim()) out.exportURI = 'Give the path to read, e.g. /users.';
  if (input.imp.mode === 'saved' ? !input.imp.savedId : !input.imp.connectionId) out.import = input.imp.mode === 'saved' ? 'Choose a saved import.' : 'Choose the connection to write to.';
  else if (input.imp.mode === 'new' && !input.imp.relativeURI.trim()) out.importURI = 'Give the path to write to, e.g. /contacts.';
  if (input.schedule.enabled && !input.schedule.cron.trim()) out.schedule = 'Give a cron expression, or untick “Run on a schedule”.';
  return out;
}
