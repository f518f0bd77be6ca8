import { type Static, Type } from 'typebox';
import type { ErrorDetail } from '../errors.js';
import { compileChecker, createAjv } from '../validation.js';

/**
 * The import model of seeds 003/004: how a user describes "write records". Two forms run through
 * `runImport`: `http` (the current form) and `rest` (legacy, same behaviour, fewer options); the
 * integration form (`resource` + `method`) is resolved by the caller, which knows the definition.
 * `mapping`, `mappings` and `lookups` belong to the mapping module and are only passed through
 * here: `runImport` receives records that are already mapped.
 */

const NameValue = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), value: Type.String({ maxLength: 10_000 }) },
  { additionalProperties: false },
);
const Headers = Type.Union([Type.Array(NameValue, { maxItems: 100 }), Type.Record(Type.String(), Type.String({ maxLength: 10_000 }))], {
  description: 'Headers of every write request, as [{name, value}] or {name: value}. Values may hold {{placeholders}}.',
});
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const Method = Type.Enum([...WRITE_METHODS], { description: 'HTTP method of the write.' });
const Uri = Type.String({ minLength: 1, maxLength: 2000, description: 'Relative URI appended to the connection baseURI; {{placeholders}} are URI-encoded.' });
const OneOrTwo = <T extends Parameters<typeof Type.Array>[0]>(item: T, description: string) =>
  Type.Union([item, Type.Array(item, { minItems: 1, maxItems: 2 })], { description });
const Body = Type.Unknown({
  description:
    'Request body template (default: the mapped record as JSON; a batch: the array of records). A string is rendered as ' +
    'text; an object or array is rendered value by value (a value that is exactly one placeholder keeps its JSON type and ' +
    'is dropped when it has no value) and sent as JSON. Templates see {{data.*}} / {{record.*}} (the mapped record; in a ' +
    'batch the array, also as {{batch}}), {{lookup.id}} and the connection.',
});
const DotPath = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

export const ImportResponse = Type.Object(
  {
    resourcePath: Type.Optional(
      DotPath(
        'Where the per-record results sit in the body: an array aligned with the batch (batchSize > 1), or the object of ' +
          'this record (its first element when an array). The other paths are read relative to that item. Default: the body.',
      ),
    ),
    resourceIdPath: Type.Optional(DotPath('Path of the written record\'s id in the item (default: "id", then "_id").')),
    successPath: Type.Optional(DotPath('Path in the item that must hold true (or one of successValues); otherwise the record failed.')),
    successValues: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50, description: 'Values at successPath meaning success.' })),
    errorPath: Type.Optional(DotPath('Path in the item of an error message: when it has a value, the record failed with that message.')),
  },
  { additionalProperties: false, description: 'How to read the result of a write.' },
);

export const HttpImport = Type.Object(
  {
    relativeURI: OneOrTwo(
      Uri,
      'One URI, or two for the composite upsert: [update URI (may use {{lookup.id}}), create URI], chosen by existingLookup.',
    ),
    method: OneOrTwo(Method, 'The method of each relativeURI, aligned with it (one method is used for both).'),
    body: Type.Optional(Body),
    headers: Type.Optional(Headers),
    batchSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'More than 1: send records in arrays of up to this many, one request per batch (for APIs that take arrays).',
      }),
    ),
    response: Type.Optional(ImportResponse),
  },
  { additionalProperties: false, description: 'Write records through an http or rest connection.' },
);
export type HttpImport = Static<typeof HttpImport>;

export const RestImport = Type.Object(
  {
    relativeURI: OneOrTwo(Uri, 'One URI, or two for the composite upsert: [update URI, create URI].'),
    method: OneOrTwo(Method, 'The method of each relativeURI, aligned with it.'),
    body: Type.Optional(Body),
    headers: Type.Optional(Headers),
    responseIdPath: Type.Optional(DotPath('Path of the written record\'s id in the response body (default: "id", then "_id").')),
    successPath: Type.Optional(DotPath('Body path that must hold a true value, otherwise the record failed.')),
    errorPath: Type.Optional(DotPath('Body path of an error message: when it has a value, the record failed.')),
    existingExtract: Type.Optional(
      DotPath('Field of the mapped record that, when it has a value, means "the record exists" (its value is {{lookup.id}}). Replaces existingLookup.'),
    ),
  },
  { additionalProperties: false, description: 'Legacy form for rest connections; same behaviour as http without batching.' },
);
export type RestImport = Static<typeof RestImport>;

export const ExistingLookup = Type.Object(
  {
    relativeURI: Uri,
    method: Type.Optional(Type.Enum(['GET'], { description: 'Always GET.' })),
    resultPath: Type.Optional(
      DotPath('Where the found record (or its id) sits in the body. Found: a value there; an array or object must be non-empty. Default: the body.'),
    ),
  },
  {
    additionalProperties: false,
    description:
      'How to find an existing record, per record before writing (e.g. customers?email={{data.email}}). A 404 or an empty ' +
      'result means "missing"; the found id ({{lookup.id}}: the value, or the id/_id of the first found record) is available to the write.',
  },
);
export type ExistingLookup = Static<typeof ExistingLookup>;

export const INVENTORY_MODES = ['upsert', 'replace'] as const;

/** The switchyard-inventory target: records become users of one of the team's app accounts. */
export const InventoryImport = Type.Object(
  {
    idAppAccount: Type.String({ minLength: 1, maxLength: 100, description: "An app account of the flow's team (/v1.0/app-accounts)." }),
    mode: Type.Optional(
      Type.Enum([...INVENTORY_MODES], {
        description:
          'upsert (default): each record adds or updates a user. replace: as upsert, and when a run completes, the users of the account that no record of the run named are marked removed.',
      }),
    ),
  },
  { additionalProperties: false, description: 'The switchyard-inventory target: write mapped records as inventory users; needs no connection.' },
);
export type InventoryImport = Static<typeof InventoryImport>;

const Passthrough = (description: string) => Type.Optional(Type.Unknown({ description }));

export const ImportModel = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200, description: 'A name for people.' })),
    mapping: Passthrough('Field mapping applied to each record before the write (validated by the mapping module).'),
    mappings: Passthrough('Mappings in the newer list form (validated by the mapping module).'),
    lookups: Passthrough('Lookups the mapping uses (validated by the mapping module).'),
    rest: Type.Optional(RestImport),
    http: Type.Optional(HttpImport),
    existingLookup: Type.Optional(ExistingLookup),
    ignoreExisting: Type.Optional(Type.Boolean({ description: 'Skip records the lookup finds (result ignored: true, nothing written).' })),
    ignoreMissing: Type.Optional(Type.Boolean({ description: 'Skip records the lookup does not find (only update existing ones).' })),
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Integration form: the resource of the connection's integration." })),
    method: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Integration form: the resource method that writes (e.g. create).' })),
    inventory: Type.Optional(InventoryImport),
  },
  { additionalProperties: false, description: 'What to write: exactly one of http, rest, resource or inventory.' },
);
export type ImportModel = Static<typeof ImportModel>;

export type ImportCheck = { ok: true; value: ImportModel } | { ok: false; code: 'VALIDATION_FAILED'; message: string; details: ErrorDetail[] };

const checkSchema = compileChecker<ImportModel>(createAjv('strict'), ImportModel);

/**
 * Validates an import model: the schema, then the rules a schema cannot say (exactly one form,
 * methods aligned with URIs, what a composite upsert needs, no batching with per-record URIs).
 * Returns a value; never throws.
 *
 * @example checkImportModel({ rest: { relativeURI: ['/system/v1/heartbeat'], method: ['PUT'] } }) // { ok: true, value: … }
 */
export function checkImportModel(input: unknown, connectionType?: string | null): ImportCheck {
  const checked = checkSchema(input);
  if (!checked.ok) return invalid(checked.details);
  const details = importModelProblems(checked.value);
  // null: a saved import without a connection, which only the inventory form may be.
  if (connectionType === null && !checked.value.inventory) details.push({ field: '_connectionId', message: 'is required: the connection it runs through' });
  if (connectionType !== undefined && connectionType !== null) {
    const model = checked.value;
    if (model.inventory) details.push({ field: '_connectionId', message: 'must be left out: the inventory form writes into Switchyard, not through a connection' });
    if (model.rest && connectionType !== 'rest') details.push({ field: 'rest', message: `needs a connection of type "rest" (this one is "${connectionType}"); use http` });
    if (model.http && connectionType === 'integration') details.push({ field: 'http', message: 'is for http and rest connections; use resource' });
    if (model.resource && connectionType !== 'integration') details.push({ field: 'resource', message: 'needs a connection of type "integration"' });
  }
  return details.length > 0 ? invalid(details) : { ok: true, value: checked.value };
}

/** The cross-field rules of a schema-valid model; `runImport` refuses a model that breaks them. */
export function importModelProblems(model: ImportModel): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const forms = (['http', 'rest', 'resource', 'inventory'] as const).filter((form) => model[form] !== undefined);
  if (forms.length !== 1) {
    details.push({ field: forms[1] ?? 'http', message: forms.length === 0 ? 'is required (or rest, or resource)' : `cannot be combined with ${forms[0]}` });
  }
  if (model.resource === undefined && model.method !== undefined) details.push({ field: 'method', message: 'is only allowed with resource' });
  if (model.inventory !== undefined) {
    // Users are matched by email: there is nothing to look up and nothing to skip.
    for (const field of ['existingLookup', 'ignoreExisting', 'ignoreMissing'] as const) {
      if (model[field] !== undefined) details.push({ field, message: 'is not supported with inventory: users are matched by email' });
    }
    // A dynamic lookup calls the import's connection, and this form has none.
    const lookups = Array.isArray(model.lookups) ? (model.lookups as unknown[]) : [];
    lookups.forEach((lookup, i) => {
      if (typeof lookup === 'object' && lookup !== null && ('relativeURI' in lookup || 'resource' in lookup)) {
        details.push({ field: `lookups.${i}`, message: 'is a dynamic lookup, which needs a connection to call; an inventory import has none (use a static lookup with map)' });
      }
    });
  }
  if (model.resource !== undefined) {
    // The integration form writes through the resource method as it is: refuse what it would silently ignore.
    for (const field of ['existingLookup', 'ignoreExisting', 'ignoreMissing'] as const) {
      if (model[field] !== undefined) details.push({ field, message: 'is not supported with resource (integration imports); use the http form for upserts and ignore rules' });
    }
  }
  const target = model.http ?? model.rest;
  const form = model.http ? 'http' : 'rest';
  if (!target) return details;
  const uris = list(target.relativeURI);
  const methods = list(target.method);
  if (methods.length > uris.length) details.push({ field: `${form}.method`, message: `has ${methods.length} entries for ${uris.length} relativeURI` });
  const finder = model.existingLookup !== undefined || model.rest?.existingExtract !== undefined;
  if (uris.length === 2 && !finder) {
    details.push({ field: 'existingLookup', message: `is required when ${form}.relativeURI has two entries (update, create): it tells which one to use` });
  }
  if ((model.ignoreExisting || model.ignoreMissing) && !finder) {
    details.push({ field: model.ignoreExisting ? 'ignoreExisting' : 'ignoreMissing', message: 'needs existingLookup to know whether a record exists' });
  }
  if (model.ignoreExisting && model.ignoreMissing) details.push({ field: 'ignoreMissing', message: 'cannot be combined with ignoreExisting (nothing would be written)' });
  if (model.existingLookup && model.rest?.existingExtract) details.push({ field: 'rest.existingExtract', message: 'cannot be combined with existingLookup' });
  return details;
}

/** A one-or-many field as a list. */
export function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function invalid(details: ErrorDetail[]): ImportCheck {
  const first = details[0];
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return { ok: false, code: 'VALIDATION_FAILED', message: `Invalid import: ${first ? `${first.field ?? 'import'} ${first.message}` : 'see details'}${more}.`, details };
}
