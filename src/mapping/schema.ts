import { type Static, Type } from 'typebox';
import { DATA_TYPES } from './convert.js';

/**
 * The mapping part of an import, in the two forms users of this API write: the classic
 * `mapping: { fields, lists }` and the typed `mappings: [...]`, plus the `lookups` both use.
 * These schemas are published: descriptions are the user documentation of each field.
 */

const Scalar = (description?: string) => Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], description ? { description } : {});

export const DataType = Type.Enum([...DATA_TYPES], {
  description:
    'Type of the generated value. number refuses text that is not a number (a per-record error, never NaN); boolean reads true/false, 1/0, yes/no; the …array types wrap a single value in an array and convert each item. null stays null.',
});
export type DataType = Static<typeof DataType>;

const DATE_FORMAT_HELP = 'Tokens: YYYY MM DD HH mm ss SSS Z ZZ, [literal text]; or epoch (ms), epochSeconds, iso.';

const dateOptions = {
  extractDateFormat: Type.Optional(
    Type.String({ minLength: 1, description: `Treat the source value as a date written in this format (default: ISO 8601, or epoch milliseconds for numbers). ${DATE_FORMAT_HELP}` }),
  ),
  extractDateTimezone: Type.Optional(
    Type.String({ minLength: 1, description: 'IANA time zone (e.g. America/Los_Angeles) of source dates written without an offset. Default UTC.' }),
  ),
  generateDateFormat: Type.Optional(Type.String({ minLength: 1, description: `Write the date in this format (default: ISO 8601). ${DATE_FORMAT_HELP}` })),
  generateDateTimezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone to write dates in. Default UTC.' })),
};

const common = {
  lookupName: Type.Optional(Type.String({ minLength: 1, description: 'Translate the value through the lookup of this name (see lookups).' })),
  default: Type.Optional(Type.Unknown({ description: 'Value written when the source has no value (missing or null). Converted to dataType like a source value.' })),
  expression: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'A JSONata expression computing the value, for the rare field that paths and templates cannot express. Its input is the current record (or array item); $record is the whole record. Makes the mapping asynchronous.',
    }),
  ),
  ...dateOptions,
};

export const MappingField = Type.Object(
  {
    extract: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Where the value comes from: a path (address.city, lines[0].sku, lines[*].sku for every item, ["Trial Start"] for keys with dots or brackets) or a template of paths in braces ("{first_name} {last_name}"). A path that is missing in a record leaves the field out.',
      }),
    ),
    generate: Type.String({ minLength: 1, description: 'Where the value goes in the output record: a path; objects and arrays on the way are created (customer.address.city, tags[0]).' }),
    hardCodedValue: Type.Optional(Scalar('A constant written whatever the record holds.')),
    dataType: Type.Optional(DataType),
    discardIfEmpty: Type.Optional(Type.Boolean({ description: 'Leave the field out when the value is null, an empty text or an empty array.' })),
    ...common,
  },
  { additionalProperties: false, description: 'One output field: give one of extract, hardCodedValue or expression (or only a default).' },
);
export type MappingField = Static<typeof MappingField>;

export const MappingList = Type.Object(
  {
    generate: Type.String({ minLength: 1, description: 'The output array (a path; e.g. items or order.lines).' }),
    fields: Type.Array(MappingField, {
      description:
        'Fields of each output item. A field extracting lines[*].sku reads sku from each item of the source array lines, and there is one output item per source item; fields without [*] repeat a record-level value in every item.',
    }),
  },
  { additionalProperties: false, description: 'An output array built from a source array.' },
);
export type MappingList = Static<typeof MappingList>;

export const Mapping = Type.Object(
  {
    fields: Type.Optional(Type.Array(MappingField, { description: 'Output fields, in order.' })),
    lists: Type.Optional(Type.Array(MappingList, { description: 'Output arrays.' })),
  },
  { additionalProperties: false, description: 'The classic mapping: fields and lists.' },
);
export type Mapping = Static<typeof Mapping>;

export const MappingRule = Type.Cyclic(
  {
    MappingRule: Type.Object(
      {
        generate: Type.String({ minLength: 1, description: 'The output key (a path; nested objects are created).' }),
        dataType: DataType,
        extract: Type.Optional(
          Type.String({
            description:
              'A $ path ($.address.city, $.lines[*].sku, $["Trial Start"], $$.id for the whole record inside an array), a {{handlebars-style}} template of paths, or any other text as a literal value.',
          }),
        ),
        mappings: Type.Optional(
          Type.Array(Type.Ref('MappingRule'), {
            description:
              'For object and objectarray: the fields of the object, or of each item. Inside an objectarray with an extract, $ is the current source item.',
          }),
        ),
        ...common,
      },
      { additionalProperties: false, description: 'One typed output field.' },
    ),
  },
  'MappingRule',
);
export type MappingRule = Static<typeof MappingRule>;

export const StaticLookup = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'What fields reference in lookupName.' }),
    map: Type.Record(Type.String(), Scalar(), { description: 'Source value (as text) → output value.' }),
    default: Type.Optional(Scalar('Output when the value is not in the map.')),
    allowFailures: Type.Optional(Type.Boolean({ description: 'When nothing is found and there is no default, write null instead of failing the record.' })),
  },
  { additionalProperties: false, description: 'A lookup table.' },
);
export type StaticLookup = Static<typeof StaticLookup>;

export const DynamicLookup = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'What fields reference in lookupName.' }),
    relativeURI: Type.Optional(Type.String({ minLength: 1, description: 'Request path on the import connection; {{key}} is replaced by the URL-encoded value looked up.' })),
    resource: Type.Optional(Type.String({ minLength: 1, description: 'Instead of relativeURI: the resource of the connection\'s integration to call, as "resource" or "resource.method".' })),
    method: Type.Optional(Type.Enum(['GET', 'POST'], { description: 'Default GET.' })),
    body: Type.Optional(Type.Unknown({ description: 'Request body for POST; strings may hold {{key}}.' })),
    extract: Type.String({ minLength: 1, description: 'Path in the response body to the value (e.g. data[0].id). Nothing there means "not found".' }),
    default: Type.Optional(Scalar('Output when nothing is found.')),
    allowFailures: Type.Optional(
      Type.Boolean({ description: 'When nothing is found (and there is no default) or the request fails, write the default or null instead of failing the record.' }),
    ),
  },
  { additionalProperties: false, description: 'A lookup answered by a request to the target application, once per distinct value per run.' },
);
export type DynamicLookup = Static<typeof DynamicLookup>;

export const Lookup = Type.Union([StaticLookup, DynamicLookup], { description: 'A static (map) or dynamic (request) lookup.' });
export type Lookup = Static<typeof Lookup>;

export const ImportMappingSpec = Type.Object(
  {
    mapping: Type.Optional(Mapping),
    mappings: Type.Optional(Type.Array(MappingRule, { description: 'The typed mapping form.' })),
    lookups: Type.Optional(Type.Array(Lookup, { description: 'Lookups the fields reference by name.' })),
  },
  {
    additionalProperties: false,
    description:
      'How an import turns each source record into the record it writes. mapping and mappings may be combined; their outputs merge. An import model embeds these properties (ImportMappingSpec.properties).',
  },
);
export type ImportMappingSpec = Static<typeof ImportMappingSpec>;
