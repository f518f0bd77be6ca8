// The patterns and limits of the sync payload, shared by the schema (schema.ts) and the row
// validator (validate.ts). Kept apart from the TypeBox schemas so that the reader and the validator
// (which also run on the sync worker thread) do not load TypeBox.

/** Size limits shared by the schema and the row validator. */
export const LIMITS = {
  email: 320,
  text: 200,
  roles: 100,
  role: 200,
  licenseName: 200,
} as const;

/** An email address with optional surrounding blanks (the validator trims and lower-cases it). */
export const EMAIL_PATTERN = '^\\s*[^\\s@]+@[^\\s@]+\\s*$';

/**
 * ISO 8601 calendar date (`2024-05-31`) or date-time (`2024-05-31T12:00`, seconds, fractions and a
 * `Z` or `±hh:mm` offset optional; no offset means UTC). The validator also refuses dates that do
 * not exist (`2024-02-30`), which a pattern cannot.
 */
export const DATE_PATTERN = '^(\\d{4})-(\\d{2})-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+-]\\d{2}:\\d{2})?)?$';

export const USER_STATUSES = ['active', 'deleted'] as const;
export const LICENSE_STATUSES = ['active', 'inactive', 'deleted'] as const;
