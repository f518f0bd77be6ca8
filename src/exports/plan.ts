import { ExportError } from './export-error.js';
import { type ExportModel, type HttpExport, type PagingMethod, type RestExport, unsupportedExport } from './model.js';

type Body = string | Record<string, unknown>;

/** How the pages after the first are asked for. Values are the model's, defaults applied. */
export interface PlanPaging {
  method: PagingMethod;
  firstPage: number;
  firstSkip: number;
  firstToken?: string;
  pageSize?: number;
  path?: string;
  pathLocation: 'body' | 'header';
  linkHeaderRelation: string;
  /** rest legacy: the query parameter that carries the page number, offset or token (replacing one in the URI). */
  queryParam?: string;
  /** rest `relativeuri` without nextPageRelativeURI: the value at nextPagePath is the next relative URI, used verbatim. */
  tokenIsRelativeURI?: boolean;
}

/** When to stop besides "no next page"; they apply with or without paging. */
export interface PlanStop {
  lastPageStatusCode?: number;
  lastPagePath?: string;
  lastPageValues?: string[];
  maxPagePath?: string;
  maxCountPath?: string;
}

export interface PlanResponse {
  resourcePath?: string;
  successPath?: string;
  successValues?: string[];
  errorPath?: string;
}

/** One normalised description of an http or rest export: what the paging engine runs. */
export interface ExportPlan {
  method: 'GET' | 'POST' | 'PUT';
  relativeURI: string;
  /** Relative URI of the pages after the first (default relativeURI). */
  nextRelativeURI?: string;
  headers: Record<string, string>;
  body?: Body;
  /** Body of the pages after the first (default body). */
  nextBody?: Body;
  paging?: PlanPaging;
  stop: PlanStop;
  response: PlanResponse;
}

/**
 * Turns an export model into the plan the engine runs: `http` as written, `rest` translated.
 * Throws EXPORT_UNSUPPORTED for NetSuite/Salesforce/integration forms, EXPORT_INVALID for a paging
 * method missing the field it needs.
 *
 * @example toPlan({ rest: { relativeURI: '/items', pagingMethod: 'pageargument', pageArgument: 'p' } }).paging
 * // → { method: 'page', firstPage: 1, queryParam: 'p', … }
 */
export function toPlan(model: ExportModel): ExportPlan {
  const refused = unsupportedExport(model);
  if (refused) throw new ExportError('EXPORT_UNSUPPORTED', `${refused.message}.`, { field: refused.field });
  if (model.http) return fromHttp(model.http, model.pageSize);
  if (model.rest) return fromRest(model.rest, model.pageSize);
  if (model.resource !== undefined) {
    throw new ExportError('EXPORT_UNSUPPORTED', 'Exports of an integration resource run through the integration engine, not the http export runner.', {
      field: 'resource',
    });
  }
  throw new ExportError('EXPORT_INVALID', 'The export has no http or rest settings.', { field: 'http' });
}

function fromHttp(http: HttpExport, pageSize: number | undefined): ExportPlan {
  const paging = http.paging;
  const plan: ExportPlan = {
    method: http.method ?? 'GET',
    relativeURI: http.relativeURI,
    headers: headerRecord(http.headers),
    stop: paging
      ? clean({
          lastPageStatusCode: paging.lastPageStatusCode,
          lastPagePath: paging.lastPagePath,
          lastPageValues: paging.lastPageValues,
          maxPagePath: paging.maxPagePath,
          maxCountPath: paging.maxCountPath,
        })
      : {},
    response: clean({ ...http.response }),
  };
  if (http.body !== undefined) plan.body = http.body;
  if (!paging) return plan;
  if ((paging.method === 'token' || paging.method === 'url') && !paging.path) {
    throw invalid('http.paging.path', `paging method "${paging.method}" needs http.paging.path: where the next ${paging.method} sits in the response`);
  }
  if (paging.relativeURI !== undefined) plan.nextRelativeURI = paging.relativeURI;
  if (paging.body !== undefined) plan.nextBody = paging.body;
  plan.paging = clean({
    method: paging.method,
    firstPage: paging.page ?? 1,
    firstSkip: paging.skip ?? 0,
    firstToken: paging.token,
    pageSize: paging.pageSize ?? pageSize,
    path: paging.path,
    pathLocation: paging.pathLocation ?? 'body',
    linkHeaderRelation: paging.linkHeaderRelation ?? 'next',
  });
  return plan;
}

/**
 * The legacy rest form on the http engine. Query-parameter methods (pageargument, skipargument,
 * token) set their parameter on the rendered relative URI of every page, the first one included
 * (page 1, offset 0; the first page has no token, so no parameter).
 */
function fromRest(rest: RestExport, pageSize: number | undefined): ExportPlan {
  const plan: ExportPlan = {
    method: rest.method ?? 'GET',
    relativeURI: rest.relativeURI,
    headers: headerRecord(rest.headers),
    stop: clean({
      lastPageStatusCode: rest.lastPageStatusCode,
      lastPagePath: rest.lastPagePath,
      lastPageValues: rest.lastPageValue === undefined ? undefined : [rest.lastPageValue],
      maxPagePath: rest.maxPagePath,
      maxCountPath: rest.maxCountPath,
    }),
    response: clean({ resourcePath: rest.resourcePath, successPath: rest.successPath, successValues: rest.successValues, errorPath: rest.errorPath }),
  };
  if (rest.postBody !== undefined) plan.body = rest.postBody;
  if (rest.pagingMethod === undefined) return plan;
  const base = { firstPage: 1, firstSkip: 0, pathLocation: 'body' as const, linkHeaderRelation: rest.linkHeaderRelation ?? 'next', ...(pageSize ? { pageSize } : {}) };
  const need = (field: 'nextPagePath' | 'pageArgument' | 'skipArgument'): string => {
    const value = rest[field];
    if (value === undefined) throw invalid(`rest.${field}`, `pagingMethod "${rest.pagingMethod}" needs rest.${field}`);
    return value;
  };
  switch (rest.pagingMethod) {
    case 'pageargument':
      plan.paging = { ...base, method: 'page', queryParam: need('pageArgument') };
      break;
    case 'skipargument':
      plan.paging = { ...base, method: 'skip', queryParam: need('skipArgument') };
      break;
    case 'token':
      plan.paging = { ...base, method: 'token', path: need('nextPagePath'), queryParam: need('pageArgument') };
      break;
    case 'nextpageurl':
      plan.paging = { ...base, method: 'url', path: need('nextPagePath') };
      break;
    case 'linkheader':
      plan.paging = { ...base, method: 'linkheader' };
      break;
    case 'relativeuri':
      plan.paging = { ...base, method: 'token', path: need('nextPagePath') };
      if (rest.nextPageRelativeURI !== undefined) plan.nextRelativeURI = rest.nextPageRelativeURI;
      else plan.paging.tokenIsRelativeURI = true;
      break;
  }
  return plan;
}

/** `[{name, value}]` or `{name: value}` → `{name: value}` (a later duplicate wins). */
export function headerRecord(headers: HttpExport['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (!Array.isArray(headers)) return { ...headers };
  const out: Record<string, string> = {};
  for (const { name, value } of headers) out[name] = value;
  return out;
}

function invalid(field: string, message: string): ExportError {
  return new ExportError('EXPORT_INVALID', `${message}.`, { field });
}

/** Drops undefined properties, so plans compare and serialise cleanly. */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
