import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { ErrorDetail } from './errors.js';

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

/**
 * Two validators: bodies are checked strictly (a wrong type is an error, never coerced; unknown
 * fields are refused), query strings and path parameters are coerced from text.
 */
export function createAjv(mode: 'strict' | 'coerce'): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: false,
    coerceTypes: mode === 'coerce' ? 'array' : false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/** Turns Ajv errors into details that name the field the way a user writes it (`rest.baseURI`). */
export function validationDetails(errors: readonly Partial<ErrorObject>[], context?: string): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const base = (error.instancePath ?? '').split('/').filter(Boolean).join('.');
    const params = (error.params ?? {}) as Record<string, unknown>;
    let field = base;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      field = base ? `${base}.${params.missingProperty}` : params.missingProperty;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      field = base ? `${base}.${params.additionalProperty}` : params.additionalProperty;
      message = 'is not a known field (check its spelling; unknown fields are refused)';
    } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (error.keyword === 'anyOf' && details.some((d) => d.field === (field || context))) {
      continue; // the branch errors already said it
    }
    const label = field === '' ? (context ?? 'body') : field;
    const key = `${label}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ field: label, message, ...(context ? { in: context } : {}) });
  }
  return details;
}

/** Compiles once and returns a checker that yields details instead of throwing. */
export function compileChecker<T>(ajv: Ajv, schema: object): (value: unknown) => { ok: true; value: T } | { ok: false; details: ErrorDetail[] } {
  const validate = ajv.compile(schema) as ValidateFunction<T>;
  return (value) => (validate(value) ? { ok: true, value } : { ok: false, details: validationDetails(validate.errors ?? []) });
}
