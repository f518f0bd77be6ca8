import { fail, type ErrorDetail } from '../errors.js';
import type { IntegrationService } from '../integrations/service.js';
import type { StoredIntegration } from '../integrations/repository.js';
import { compileChecker, createAjv } from '../validation.js';
import { checkCredentials, integrationSecretPatterns, pickFormat } from './integration-connector.js';
import { type ConnectionDoc, ConnectionInput, INTEGRATION_FIELDS, OBJECT_TYPES } from './model.js';
import { patternsOf, type SecretPatterns } from './secrets.js';

/** How far ahead debugDate may be set: debug logging is for an investigation, not a default. */
export const MAX_DEBUG_WINDOW_MS = 60 * 60 * 1000;
/** Clock skew tolerated on debugDate between the client and the server. */
const DEBUG_SKEW_MS = 60 * 1000;

/** An editable document: what PUT takes and what PATCH operates on. */
export interface EditableDoc extends ConnectionDoc {
  debugDate?: string | null;
}

export interface ValidatedConnection {
  doc: EditableDoc;
  /** Where this document's secrets are (depends on the integration's fields for type integration). */
  patterns: SecretPatterns;
  integration?: StoredIntegration;
}

const checkInput = compileChecker<ConnectionInput>(createAjv('strict'), ConnectionInput);

export function describeDetails(details: ErrorDetail[]): string {
  const first = details[0];
  if (!first) return 'see details';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `${first.field ?? 'body'} ${first.message}${more}.`;
}

function invalid(details: ErrorDetail[]): never {
  throw fail('VALIDATION_FAILED', `Invalid connection: ${describeDetails(details)}`, details);
}

/**
 * Validates a request body into an editable document: the schema, that the type's settings are
 * there (and no other type's), debugDate within an hour, and for type integration that the
 * integration exists in the team and the credentials match the fields it declares.
 */
export async function validateConnection(input: unknown, teamId: string, integrations: IntegrationService | undefined, now: Date): Promise<ValidatedConnection> {
  const checked = checkInput(input);
  if (!checked.ok) invalid(checked.details);
  const body = checked.value;
  const details: ErrorDetail[] = [];
  for (const type of OBJECT_TYPES) {
    if (type === body.type && body[type] === undefined) details.push({ field: type, message: `is required for a connection of type "${type}"` });
    if (type !== body.type && body[type] !== undefined) details.push({ field: type, message: `is not allowed on a connection of type "${body.type}"` });
  }
  if (body.type === 'integration') {
    if (body._integrationId === undefined) details.push({ field: '_integrationId', message: 'is required for a connection of type "integration"' });
  } else {
    for (const field of INTEGRATION_FIELDS) if (body[field] !== undefined) details.push({ field, message: 'is only allowed on a connection of type "integration"' });
  }
  if (body.debugDate !== undefined && body.debugDate !== null && Date.parse(body.debugDate) > now.getTime() + MAX_DEBUG_WINDOW_MS + DEBUG_SKEW_MS) {
    throw fail('DEBUG_DATE_TOO_FAR', `debugDate ${body.debugDate} is more than 1 hour ahead; pick a time within the next hour.`, [
      { field: 'debugDate', message: 'must be at most 1 hour in the future' },
    ]);
  }
  if (details.length > 0) invalid(details);

  const doc: EditableDoc = { type: body.type, name: body.name };
  if (body.rest) doc.rest = body.rest;
  if (body.http) doc.http = body.http;
  if (body.debugDate !== undefined) doc.debugDate = body.debugDate;
  if (body.type !== 'integration') return { doc, patterns: patternsOf(body.type) };

  const integrationId = body._integrationId as string;
  const integration = integrations ? await integrations.repo.get(teamId, integrationId) : undefined;
  if (!integration) invalid([{ field: '_integrationId', message: `is not an integration of your team (GET /integration lists them)` }]);
  const config = integrations?.fullConfig(integration) ?? integration.config;
  const picked = pickFormat(config, body.credentialsFormat);
  if (picked && 'error' in picked) invalid([{ field: 'credentialsFormat', message: picked.error }]);
  const format = picked?.format;
  const { credentials, errors } = checkCredentials(format, body.credentials);
  if (errors.length > 0) invalid(errors);
  doc._integrationId = integration.id;
  if (picked) doc.credentialsFormat = picked.key;
  if (Object.keys(credentials).length > 0) doc.credentials = credentials;
  if (body.context !== undefined) doc.context = body.context;
  if (body.oauth !== undefined) doc.oauth = body.oauth;
  return { doc, patterns: integrationSecretPatterns(format), integration };
}
