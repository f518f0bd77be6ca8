import { type Static, Type } from 'typebox';

/**
 * The file a custom integration uploads for an app account (seeds 000/001): the app's users and
 * its licenses as one JSON document. These TypeBox schemas are the documentation and the JSON
 * Schema (`schemas/sync-payload.json`, written by `write-json-schema.ts`); the rows themselves are
 * checked by `validate.ts`, which applies the same patterns and limits but also normalises and
 * reports each bad row on its own instead of refusing the whole file.
 *
 * Optional fields accept `null` as "absent" (spreadsheet and no-code exports write nulls), and
 * unknown fields inside a row are ignored, like unknown top-level keys.
 */

import { DATE_PATTERN, EMAIL_PATTERN, LICENSE_STATUSES, LIMITS, USER_STATUSES } from './rules.js';

export { DATE_PATTERN, EMAIL_PATTERN, LICENSE_STATUSES, LIMITS, USER_STATUSES } from './rules.js';

const Email = (description: string) =>
  Type.String({ pattern: EMAIL_PATTERN, maxLength: LIMITS.email, description, examples: ['ada@example.com'] });
const OptionalText = (description: string, example: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.text }), Type.Null()], { description, examples: [example] }));
const OptionalCount = (description: string, example: number) =>
  Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], { description, examples: [example] }));

export const SyncUser = Type.Object(
  {
    email: Email('Identifies the user across the file: trimmed and compared lower-cased, so it must be unique in `users`.'),
    id: OptionalText("The user's id in the app.", 'u-1001'),
    firstName: OptionalText('First name.', 'Ada'),
    lastName: OptionalText('Last name.', 'Lovelace'),
    status: Type.Optional(
      Type.Union([Type.Enum([...USER_STATUSES]), Type.Null()], {
        description: 'Whether the account still exists in the app (default active). Also the default licenseStatus of its license users.',
        examples: ['active'],
      }),
    ),
    externalStatus: OptionalText("The app's own wording of the status, kept as given.", 'Suspended'),
    roles: Type.Optional(
      Type.Union([Type.Array(Type.String({ maxLength: LIMITS.role }), { maxItems: LIMITS.roles }), Type.Null()], {
        description: 'Roles in the app; blanks are trimmed, empty entries dropped, duplicates removed.',
        examples: [['admin', 'billing']],
      }),
    ),
    lastUsedDate: Type.Optional(
      Type.Union([Type.String({ pattern: DATE_PATTERN }), Type.Null()], {
        description: 'Last use of the app: an ISO 8601 date or date-time; stored as an ISO date-time in UTC.',
        examples: ['2024-05-31', '2024-05-31T09:30:00+02:00'],
      }),
    ),
  },
  {
    description: 'One account of the app.',
    examples: [{ email: 'ada@example.com', id: 'u-1001', firstName: 'Ada', lastName: 'Lovelace', status: 'active', roles: ['admin'], lastUsedDate: '2024-05-31' }],
  },
);

export const SyncLicenseUser = Type.Object(
  {
    email: Email('A user of the same file holding this license (compared trimmed and lower-cased).'),
    licenseStatus: Type.Optional(
      Type.Union([Type.Enum([...LICENSE_STATUSES]), Type.Null()], {
        description: "Default from the user's status: active gives active, deleted gives deleted.",
        examples: ['inactive'],
      }),
    ),
  },
  { description: 'One user holding the license.', examples: [{ email: 'ada@example.com', licenseStatus: 'active' }] },
);

export const SyncLicense = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '\\S', maxLength: LIMITS.licenseName, description: 'License (plan, seat type) name; unique in the file.', examples: ['Enterprise'] }),
    unassignedAmount: OptionalCount('Seats bought but not assigned to anyone.', 5),
    pricePerUser: OptionalCount('Price of one seat in cents (1299 is 12.99 in the app currency).', 1299),
    users: Type.Optional(Type.Union([Type.Array(SyncLicenseUser), Type.Null()], { description: 'Who holds the license.' })),
  },
  {
    description: 'One license of the app and who holds it.',
    examples: [{ name: 'Enterprise', unassignedAmount: 5, pricePerUser: 1299, users: [{ email: 'ada@example.com' }] }],
  },
);

export const SyncPayload = Type.Object(
  {
    users: Type.Array(SyncUser, { minItems: 1, description: 'Every account of the app; at least one must be valid.' }),
    licenses: Type.Optional(Type.Union([Type.Array(SyncLicense), Type.Null()], { description: 'The licenses of the app, if it has any.' })),
  },
  {
    title: 'Switchyard app inventory sync payload',
    description:
      'Users and licenses of one app account, uploaded as a JSON file and synced row by row: a bad row is reported and skipped, ' +
      'the good ones are kept. Unknown keys are ignored.',
    examples: [
      {
        users: [
          { email: 'ada@example.com', id: 'u-1001', firstName: 'Ada', lastName: 'Lovelace', status: 'active', roles: ['admin'], lastUsedDate: '2024-05-31' },
          { email: 'grace@example.com', status: 'deleted', externalStatus: 'Removed', lastUsedDate: '2023-11-02T17:45:00Z' },
        ],
        licenses: [
          {
            name: 'Enterprise',
            unassignedAmount: 5,
            pricePerUser: 1299,
            users: [{ email: 'ada@example.com' }, { email: 'grace@example.com', licenseStatus: 'inactive' }],
          },
        ],
      },
    ],
  },
);

export type SyncUser = Static<typeof SyncUser>;
export type SyncLicenseUser = Static<typeof SyncLicenseUser>;
export type SyncLicense = Static<typeof SyncLicense>;
export type SyncPayload = Static<typeof SyncPayload>;

/** The JSON Schema document kept in `schemas/sync-payload.json`: the TypeBox object, as JSON. */
export function syncPayloadJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...(JSON.parse(JSON.stringify(SyncPayload)) as Record<string, unknown>) };
}
