/**
 * A mapping that cannot be compiled: an unknown lookup, a malformed path or date format, two fields
 * writing the same target. It is a fault of the import definition (answer 400 with code
 * `MAPPING_INVALID`), found once at compile time, never per record.
 */
export class MappingError extends Error {
  readonly code = 'MAPPING_INVALID' as const;
  constructor(
    /** The field as the user wrote it: its `generate` path, or `lookups[name]`. */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
    this.name = 'MappingError';
  }
}

/**
 * What a per-record step (conversion, lookup, date, expression) returns instead of a value when it
 * fails. A class rather than a thrown error: failures are expected data, and the compiled mapping
 * checks `instanceof Failure` on its hot path without a try/catch.
 */
export class Failure {
  constructor(readonly message: string) {}
}

/** A short, single-line rendering of a value for error messages (values can be long or nested). */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
