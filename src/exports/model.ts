import { type Static, Type } from 'typebox';
import type { ErrorDetail } from '../errors.js';
import { compileChecker, createAjv } from '../validation.js';

/**
 * The export model of seeds 003/004: how a user describes "read records". Three forms run through
 * one engine: `http` (the current form), `rest` (legacy, translated to the http engine) and the
 * integration form (`resource` + `method` of an integration connection). NetSuite and Salesforce
 * exports appear in the seeds; their fields are known here so they are refused with a clear
 * message instead of "unknown field".
 */

const NameValue = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ maxLength: 10_000 }) },
  { additionalProperties: false },
);
const Headers = Type.Union([Type.Array(NameValue, { maxItems: 100 }), Type.Record(Type.String(), Type.String({ maxLength: 10_000 }))], {
  description: 'Headers sent on every page, as [{name, value}] or {name: value}. Values may hold {{placeholders}}.',
});
const Template = (description: string, maxLength = 2000) => Type.String({ maxLength, description });
const Body = Type.Union([Type.String({ maxLength: 100_000 }), Type.Record(Type.String(), Type.Unknown())], {
  description:
    'Request body. A string is rendered as text ({{placeholders}} interpolated); an object is rendered value by value ' +
    '(a property that is exactly one placeholder keeps its JSON type and is dropped when it has no value) and sent as JSON.',
});
const DotPath = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });
const StatusCode = (description: string) => Type.Integer({ minimum: 100, maximum: 599, description });
const Values = (description: string) => Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50, description });
const Method = Type.Enum(['GET', 'POST', 'PUT'], { description: 'HTTP method (default GET). POST and PUT are for search endpoints.' });

export const PAGING_METHODS = ['page', 'skip', 'token', 'linkheader', 'url', 'relativeuri', 'body'] as const;
export type PagingMethod = (typeof PAGING_METHODS)[number];

export const HttpPaging = Type.Object(
  {
    method: Type.Enum([...PAGING_METHODS], {
      description:
        'page: {{export.http.paging.page}} counts up by 1. skip: {{export.http.paging.skip}} grows by the records received. ' +
        'token: {{export.http.paging.token}} is read from `path`. url: the next absolute URL is read from `path`. ' +
        'linkheader: the next URL is the Link header entry of `linkHeaderRelation`. relativeuri / body: the next pages use ' +
        '`paging.relativeURI` / `paging.body` with page, skip and token all advanced (token read from `path` when set).',
    }),
    page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'First page number (default 1).' })),
    skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'First offset (default 0).' })),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, description: 'Exposed to templates as {{export.http.paging.pageSize}} (default: the export pageSize).' }),
    ),
    path: Type.Optional(DotPath('Where the next token (token, relativeuri, body) or next URL (url) sits: a dot path in the JSON body, or a header name.')),
    pathLocation: Type.Optional(Type.Enum(['body', 'header'], { description: 'Whether `path` names a body path or a response header (default body).' })),
    token: Type.Optional(Type.String({ maxLength: 10_000, description: 'Token of the first page (default none: {{export.http.paging.token}} renders empty).' })),
    relativeURI: Type.Optional(Template('Relative URI of the pages after the first (default: the export relativeURI). Holds {{placeholders}}.')),
    body: Type.Optional(Body),
    linkHeaderRelation: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'linkheader: the rel to follow (default next).' })),
    lastPageStatusCode: Type.Optional(StatusCode('A response with this status means "no more pages" (e.g. 404); its body is not read.')),
    lastPagePath: Type.Optional(DotPath('Body path (or header name) telling that this page is the last one; its records are kept.')),
    lastPageValues: Type.Optional(Values('Values at lastPagePath that mean "last page" (default: true).')),
    maxPagePath: Type.Optional(DotPath('Body path (or header name) of the total number of pages: paging stops after that many and the total is reported.')),
    maxCountPath: Type.Optional(DotPath('Body path (or header name) of the total number of records: paging stops once that many arrived; reported.')),
  },
  { additionalProperties: false, description: 'How to get the pages after the first. Without it the export reads one page.' },
);
export type HttpPaging = Static<typeof HttpPaging>;

export const ExportResponse = Type.Object(
  {
    resourcePath: Type.Optional(DotPath('Dot path of the records in the JSON body (default: the whole body). An object there is one record.')),
    successPath: Type.Optional(DotPath('Body path that must hold a true value (or one of successValues) on every page, else the export fails.')),
    successValues: Type.Optional(Values('Values at successPath that mean success.')),
    errorPath: Type.Optional(DotPath('Body path of an error message: when a page has one, the export fails with that message.')),
  },
  { additionalProperties: false },
);

export const HttpExport = Type.Object(
  {
    relativeURI: Template('Relative URI of the first page, appended to the connection baseURI; {{placeholders}} are URI-encoded.'),
    method: Type.Optional(Method),
    headers: Type.Optional(Headers),
    body: Type.Optional(Body),
    paging: Type.Optional(HttpPaging),
    response: Type.Optional(ExportResponse),
  },
  { additionalProperties: false, description: 'Read records from an http or rest connection.' },
);
export type HttpExport = Static<typeof HttpExport>;

export const REST_PAGING_METHODS = ['nextpageurl', 'pageargument', 'skipargument', 'token', 'linkheader', 'relativeuri'] as const;

export const RestExport = Type.Object(
  {
    relativeURI: Template('Relative URI of the first page.'),
    method: Type.Optional(Method),
    headers: Type.Optional(Headers),
    postBody: Type.Optional(Body),
    resourcePath: Type.Optional(DotPath('Dot path of the records in the JSON body (default: the whole body).')),
    pagingMethod: Type.Optional(
      Type.Enum([...REST_PAGING_METHODS], {
        description:
          'pageargument: query parameter `pageArgument` = 1, 2, 3… skipargument: query parameter `skipArgument` = records received so far. ' +
          'nextpageurl: the next absolute URL at `nextPagePath`. token: the token at `nextPagePath` sent as query parameter `pageArgument`. ' +
          'linkheader: the Link header (rel `linkHeaderRelation`, default next). relativeuri: the next relative URI at `nextPagePath` ' +
          '(or `nextPageRelativeURI` rendered with {{export.http.paging.token}} = that value).',
      }),
    ),
    nextPagePath: Type.Optional(DotPath('nextpageurl, token, relativeuri: where the next URL / token / relative URI sits in the body.')),
    pageArgument: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Query parameter of the page number (pageargument) or token (token).' })),
    skipArgument: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Query parameter of the offset (skipargument).' })),
    nextPageRelativeURI: Type.Optional(Template('relativeuri: template of the next relative URI.')),
    linkHeaderRelation: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'linkheader: the rel to follow (default next).' })),
    lastPageStatusCode: Type.Optional(StatusCode('A response with this status means "no more pages".')),
    lastPagePath: Type.Optional(DotPath('Body path telling that this page is the last one.')),
    lastPageValue: Type.Optional(Type.String({ maxLength: 500, description: 'Value at lastPagePath that means "last page" (default true).' })),
    maxPagePath: Type.Optional(DotPath('Body path (or header name) of the total number of pages.')),
    maxCountPath: Type.Optional(DotPath('Body path (or header name) of the total number of records.')),
    successPath: Type.Optional(DotPath('Body path that must hold a true value (or one of successValues).')),
    successValues: Type.Optional(Values('Values at successPath that mean success.')),
    errorPath: Type.Optional(DotPath('Body path of an error message.')),
  },
  { additionalProperties: false, description: 'Legacy form for rest connections; runs on the same engine as `http`.' },
);
export type RestExport = Static<typeof RestExport>;

const Refused = (description: string) => Type.Optional(Type.Unknown({ description: `Not supported: ${description}` }));

export const ExportModel = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200, description: 'A name for people.' })),
    _connectionId: Type.Optional(Type.String({ maxLength: 100, description: 'Saved exports: the connection to read through (virtual exports use the URL).' })),
    asynchronous: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility and ignored: every export runs as paged jobs.' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Records per page returned by /export/pages (default 100).' })),
    type: Type.Optional(
      Type.Enum(['all', 'delta', 'once', 'test'], {
        description: 'all (default): every record. delta: records changed since the last run. once: records not yet exported. test: a few records.',
      }),
    ),
    delta: Type.Optional(
      Type.Object(
        {
          dateField: Type.Optional(Type.String({ maxLength: 200, description: 'Record field holding the modification time.' })),
          lagOffset: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'Milliseconds subtracted from the last run time.' })),
        },
        { additionalProperties: false, description: 'type delta: templates see {{lastExportDateTime}} and {{currentExportDateTime}}.' },
      ),
    ),
    once: Type.Optional(
      Type.Object(
        { booleanField: Type.Optional(Type.String({ maxLength: 200, description: 'Record field marking it as exported.' })) },
        { additionalProperties: false, description: 'type once.' },
      ),
    ),
    test: Type.Optional(
      Type.Object(
        { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Records read by a test run (default 1).' })) },
        { additionalProperties: false, description: 'type test.' },
      ),
    ),
    http: Type.Optional(HttpExport),
    rest: Type.Optional(RestExport),
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Integration form: the resource of the connection\'s integration.' })),
    method: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Integration form: the resource method to call (e.g. list).' })),
    query: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Integration form: parameters of the resource method.' })),
    oneToMany: Type.Optional(Type.Boolean({ description: 'Accepted when false; child-record exports are not supported.' })),
    sandbox: Type.Optional(Type.Boolean({ description: 'Salesforce only; ignored.' })),
    rawData: Type.Optional(Type.String({ maxLength: 200, description: 'Reference to sample data kept by the seed platform; ignored.' })),
    adaptorType: Type.Optional(Type.String({ maxLength: 100, description: 'HTTPExport or RESTExport (optional); other adaptors are refused.' })),
    netsuite: Refused('NetSuite exports; use http/rest or an integration resource.'),
    salesforce: Refused('Salesforce exports; use http/rest or an integration resource.'),
  },
  { additionalProperties: false, description: 'What to read: exactly one of http, rest or resource.' },
);
export type ExportModel = Static<typeof ExportModel>;

export type ExportCheck =
  | { ok: true; value: ExportModel }
  | { ok: false; code: 'VALIDATION_FAILED' | 'EXPORT_UNSUPPORTED'; message: string; details: ErrorDetail[] };

const ACCEPTED_ADAPTORS = new Set(['HTTPExport', 'RESTExport']);

/**
 * Why an export cannot run here, or undefined. Checked before the schema, so a seed's NetSuite
 * export gets this message rather than a list of its unknown sub-fields.
 *
 * @example unsupportedExport({ netsuite: { type: 'search' } }) // { field: 'netsuite', message: 'NetSuite exports are not supported; …' }
 */
export function unsupportedExport(input: unknown): ErrorDetail | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const model = input as Record<string, unknown>;
  if (model.netsuite !== undefined || model.adaptorType === 'NetSuiteExport') {
    return { field: model.netsuite !== undefined ? 'netsuite' : 'adaptorType', message: 'NetSuite exports are not supported; use http/rest or an integration resource' };
  }
  if (model.salesforce !== undefined || model.adaptorType === 'SalesforceExport') {
    return {
      field: model.salesforce !== undefined ? 'salesforce' : 'adaptorType',
      message: 'Salesforce exports are not supported; use http/rest or an integration resource',
    };
  }
  if (typeof model.adaptorType === 'string' && !ACCEPTED_ADAPTORS.has(model.adaptorType)) {
    return { field: 'adaptorType', message: `${JSON.stringify(model.adaptorType)} exports are not supported; use http/rest or an integration resource` };
  }
  if (model.oneToMany === true) return { field: 'oneToMany', message: 'one-to-many (child record) exports are not supported' };
  return undefined;
}

const checkSchema = compileChecker<ExportModel>(createAjv('strict'), ExportModel);

/**
 * Validates an export model: refused adaptors first, then the schema, then that exactly one form
 * is given and fits the connection (`rest` needs a rest connection, `resource` an integration one).
 * Returns a value; never throws.
 */
export function checkExportModel(input: unknown, connectionType?: string): ExportCheck {
  const refused = unsupportedExport(input);
  if (refused) return { ok: false, code: 'EXPORT_UNSUPPORTED', message: `${refused.message}.`, details: [refused] };
  const checked = checkSchema(input);
  if (!checked.ok) return invalid(checked.details);
  const model = checked.value;
  const forms = (['http', 'rest', 'resource'] as const).filter((form) => model[form] !== undefined);
  const details: ErrorDetail[] = [];
  if (forms.length !== 1) {
    details.push({ field: forms[1] ?? 'http', message: forms.length === 0 ? 'is required (or rest, or resource)' : `cannot be combined with ${forms[0]}` });
  }
  if (model.resource === undefined) {
    for (const field of ['method', 'query'] as const) if (model[field] !== undefined) details.push({ field, message: 'is only allowed with resource' });
  }
  if (connectionType !== undefined) {
    if (model.rest && connectionType !== 'rest') details.push({ field: 'rest', message: `needs a connection of type "rest" (this one is "${connectionType}"); use http` });
    if (model.http && connectionType === 'integration') details.push({ field: 'http', message: 'is for http and rest connections; use resource' });
    if (model.resource && connectionType !== 'integration') details.push({ field: 'resource', message: 'needs a connection of type "integration"' });
  }
  return details.length > 0 ? invalid(details) : { ok: true, value: model };
}

function invalid(details: ErrorDetail[]): ExportCheck {
  const first = details[0];
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return { ok: false, code: 'VALIDATION_FAILED', message: `Invalid export: ${first ? `${first.field ?? 'export'} ${first.message}` : 'see details'}${more}.`, details };
}
