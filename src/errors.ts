/**
 * The one catalogue of error codes. Each code has one meaning, one HTTP status and a default
 * message that tells the caller what to fix. Routes throw `AppError`s; the error handler in
 * `server/error-handler.ts` turns them into `{"error":{"code","message","details"}}`.
 */
export const ERROR_CATALOGUE = {
  // 400
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the expected schema; see details for each field.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  EMPTY_BODY: { status: 400, message: 'The request body is empty; send a JSON document.' },
  MASKED_SECRET_ON_CREATE: {
    status: 400,
    message: 'A secret field holds the mask "******"; send the real value (the mask only means "keep the stored secret" on update).',
  },
  DEBUG_DATE_TOO_FAR: { status: 400, message: 'debugDate may be at most 1 hour in the future.' },
  INVALID_CURSOR: { status: 400, message: 'The cursor is invalid; pass the value from the previous response unchanged.' },
  TEMPLATE_INVALID: { status: 400, message: 'A {{placeholder}} in the definition is malformed.' },
  TEMPLATE_CONVERSION_FAILED: { status: 400, message: 'A {{placeholder}} value cannot be converted to its declared type.' },
  TEMPLATE_MISSING_VALUE: { status: 400, message: 'A {{placeholder}} needed in the URL has no value; pass it or give it a fallback.' },
  EXPRESSION_INVALID: { status: 400, message: 'A JSONata expression in the definition is invalid.' },
  // 401 / 403
  UNAUTHENTICATED: { status: 401, message: 'Send a valid API key as "Authorization: Bearer <key>".' },
  API_KEY_INVALID: { status: 401, message: 'The API key is unknown or revoked.' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, message: 'The webhook signature is missing, does not match the request, or its timestamp is outside the tolerance.' },
  WEBHOOK_UNVERIFIABLE: {
    status: 401,
    message: 'The integration has no usable webhook.signature_verification, so its webhooks cannot be verified and are refused.',
  },
  FORBIDDEN_SCOPE: { status: 403, message: 'This API key has the "read" scope and cannot change anything; use an admin key.' },
  // 404 / 405 / 409
  NOT_FOUND: { status: 404, message: 'No such route.' },
  CONNECTION_NOT_FOUND: { status: 404, message: 'Connection not found.' },
  TEAM_NOT_FOUND: { status: 404, message: 'Team not found.' },
  API_KEY_NOT_FOUND: { status: 404, message: 'API key not found.' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'No webhook endpoint at this URL; it is /webhooks/{integration id or name}/{connection _id}.' },
  WEBHOOK_METHOD_NOT_ALLOWED: { status: 405, message: 'Webhooks are delivered with POST; GET only answers subscription handshakes.' },
  CONNECTION_IN_USE: { status: 409, message: 'The connection is still used; delete or re-point its dependents first.' },
  TEAM_EXISTS: { status: 409, message: 'A team with this name already exists.' },
  INTEGRATION_NOT_FOUND: { status: 404, message: 'Integration not found.' },
  CATALOG_ENTRY_NOT_FOUND: { status: 404, message: 'No catalogue entry with this name; GET /v1/catalog lists them.' },
  INTEGRATION_IN_USE: { status: 409, message: 'The integration is used by connections; delete them first.' },
  INTEGRATION_VERSION_CONFLICT: { status: 409, message: 'The integration changed since you read it; GET it again and retry with its current version.' },
  INTEGRATION_NAME_TAKEN: { status: 409, message: 'Your team already has an integration with this name.' },
  UPSTREAM_ERROR: { status: 502, message: 'The API behind the connection answered with an error; see details.' },
  UPSTREAM_UNREACHABLE: { status: 502, message: 'The API behind the connection could not be reached.' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'The API behind the connection did not answer in time.' },
  UPSTREAM_RATE_LIMITED: { status: 429, message: 'The API behind the connection is rate limiting; retry later.' },
  OAUTH_FAILED: { status: 502, message: 'Getting an OAuth token failed; see details.' },
  RESOURCE_NOT_FOUND: { status: 404, message: 'The integration has no such resource or method.' },
  NOT_AN_INTEGRATION_CONNECTION: { status: 400, message: 'This connection is not of type integration.' },
  CONNECT_LINK_INVALID: { status: 403, message: 'This connect link is not valid, has expired or was already used.' },
  OAUTH_STATE_INVALID: { status: 400, message: 'The OAuth sign-in is unknown, expired or already completed; start again.' },
  OAUTH_DENIED: { status: 400, message: 'The provider did not grant access.' },
  EXPORT_UNSUPPORTED: { status: 400, message: 'This kind of export is not supported; use http, rest, or an integration resource.' },
  PAGED_STATE_INVALID: { status: 400, message: 'The pagedExportState was refused; send back the one the previous call returned, with the same export.' },
  EXPORT_TOO_LARGE: { status: 413, message: 'The export has too many records for one answer; use the paged form.' },
  EXPORT_NOT_FOUND: { status: 404, message: 'Export not found.' },
  IMPORT_NOT_FOUND: { status: 404, message: 'Import not found.' },
  FLOW_NOT_FOUND: { status: 404, message: 'Flow not found.' },
  FLOW_GROUP_NOT_FOUND: { status: 404, message: 'Integration (group of flows) not found.' },
  MAPPING_INVALID: { status: 400, message: 'The mapping is invalid; see details for the field.' },
  APP_NOT_FOUND: { status: 404, message: 'App not found.' },
  APP_EXISTS: { status: 409, message: 'An app with this name already exists.' },
  APP_ACCOUNT_NOT_FOUND: { status: 404, message: 'App account not found.' },
  SYNC_RUNNING: { status: 409, message: 'A sync is already running for this app account.' },
  SYNC_NOT_FOUND: { status: 404, message: 'Sync not found.' },
  UPLOAD_REFUSED: { status: 403, message: 'The upload URL is expired, used, changed or for another content type.' },
  FILE_NOT_FOUND: { status: 404, message: 'File not found.' },
  JOB_NOT_FOUND: { status: 404, message: 'Job not found.' },
  RESOURCE_IN_USE: { status: 409, message: 'Something still uses this resource; see details.' },
  // 413 / 415 / 422
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the server accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  OUTBOUND_BLOCKED: { status: 422, message: 'The outbound policy refuses this address; the operator can open it with SWITCHYARD_OUTBOUND_ALLOW.' },
  PAGINATION_FAILED: { status: 502, message: 'Paging through the API failed; see details.' },
  PATCH_OP_INVALID: { status: 422, message: 'A JSON Patch operation is invalid; see details for the offending operation.' },
  PATCH_READ_ONLY_FIELD: { status: 422, message: 'A JSON Patch operation targets a read-only field.' },
  PATCH_RESULT_INVALID: { status: 422, message: 'Applying the patch produced an invalid connection; see details.' },
  // 429 / 5xx
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry after the time in the Retry-After header.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side. The error was logged; retry, or report the request id.' },
  STORE_UNAVAILABLE: { status: 503, message: 'The store is not reachable; retry shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One entry of `error.details`: which field or item failed and why. */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

/** Shorthand: `throw fail('CONNECTION_NOT_FOUND')`. */
export function fail(code: ErrorCode, message?: string, details?: ErrorDetail[]): AppError {
  return new AppError(code, message, details);
}
