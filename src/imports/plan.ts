import { type ImportModel, importModelProblems, list } from './model.js';

/** One way to write a record: `ops[0]` updates (or is the only write), `ops[1]` creates. */
export interface WriteOp {
  method: string;
  relativeURI: string;
}

/** How existence is decided before the write. */
export type Finder = { kind: 'lookup'; relativeURI: string; resultPath: string | undefined } | { kind: 'extract'; path: string };

/** Where results are read; every path is relative to the record's item (see ImportResponse). */
export interface ResponseReading {
  resourcePath: string | undefined;
  idPath: string | undefined;
  successPath: string | undefined;
  successValues: string[] | undefined;
  errorPath: string | undefined;
}

/** The http and rest forms brought to one shape, so the runner has a single code path. */
export interface ImportPlan {
  ops: [WriteOp] | [WriteOp, WriteOp];
  body: unknown;
  headers: Record<string, string>;
  batchSize: number;
  response: ResponseReading;
  finder: Finder | undefined;
  ignoreExisting: boolean;
  ignoreMissing: boolean;
}

/** A model that breaks the rules `checkImportModel` reports: a caller bug, so it is thrown. */
export class ImportModelError extends Error {
  constructor(
    readonly code: 'IMPORT_INVALID' | 'IMPORT_UNSUPPORTED',
    message: string,
  ) {
    super(message);
    this.name = 'ImportModelError';
  }
}

/**
 * Normalises a schema-valid model into a plan. Throws `ImportModelError` for a model
 * `checkImportModel` would refuse, and for the integration form, which the caller resolves.
 *
 * @example planImport({ rest: { relativeURI: ['/system/v1/heartbeat'], method: ['PUT'] } }).ops // [{ method: 'PUT', relativeURI: '/system/v1/heartbeat' }]
 */
export function planImport(model: ImportModel): ImportPlan {
  const problems = importModelProblems(model);
  const first = problems[0];
  if (first) throw new ImportModelError('IMPORT_INVALID', `Invalid import: ${first.field ?? 'import'} ${first.message}.`);
  const target = model.http ?? model.rest;
  if (!target) {
    throw new ImportModelError('IMPORT_UNSUPPORTED', 'The integration form (resource/method) must be resolved to an http request before runImport.');
  }
  const uris = list(target.relativeURI);
  const methods = list(target.method);
  const op = (i: number): WriteOp => ({ relativeURI: uris[i] as string, method: (methods[i] ?? methods[0]) as string });
  const ops: ImportPlan['ops'] = uris.length === 2 ? [op(0), op(1)] : [op(0)];
  const http = model.http;
  const rest = model.rest;
  const response: ResponseReading = http
    ? {
        resourcePath: http.response?.resourcePath,
        idPath: http.response?.resourceIdPath,
        successPath: http.response?.successPath,
        successValues: http.response?.successValues,
        errorPath: http.response?.errorPath,
      }
    : { resourcePath: undefined, idPath: rest?.responseIdPath, successPath: rest?.successPath, successValues: undefined, errorPath: rest?.errorPath };
  let finder: Finder | undefined;
  if (model.existingLookup) finder = { kind: 'lookup', relativeURI: model.existingLookup.relativeURI, resultPath: model.existingLookup.resultPath };
  else if (rest?.existingExtract) finder = { kind: 'extract', path: rest.existingExtract };
  return {
    ops,
    body: target.body,
    headers: headerMap(target.headers),
    batchSize: http?.batchSize ?? 1,
    response,
    finder,
    ignoreExisting: model.ignoreExisting === true,
    ignoreMissing: model.ignoreMissing === true,
  };
}

function headerMap(headers: Array<{ name: string; value: string }> | Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) for (const { name, value } of headers) out[name.toLowerCase()] = value;
  else if (headers) for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
