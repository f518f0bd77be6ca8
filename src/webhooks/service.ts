import type { Kysely } from 'kysely';
import { ConnectionRepository } from '../connections/repository.js';
import { mergeSecrets } from '../connections/secrets.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ExpressionError } from '../engine/expressions.js';
import { hasPlaceholders, renderString, TemplateError } from '../engine/templates/index.js';
import { fail } from '../errors.js';
import { isId, newId } from '../ids.js';
import type { IntegrationService } from '../integrations/service.js';
import type { Database } from '../store/schema.js';
import { answerHandshake } from './handshake.js';
import { eventType, parseBody, parseJsonBody, storedHeaders } from './payload.js';
import { type WebhookEvent, WebhookEventRepository, type WebhookTarget } from './repository.js';
import { signatureHeaderName, type SignatureSpec, verifySignature } from './verify.js';

/**
 * Bodies above this are refused with 413 before they are read: providers send far less (GitHub
 * caps payloads at 25 MB but typical events are a few KB), and every stored event costs a row.
 */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** A request to `/webhooks/{integration}/{connection}`, as received. */
export interface IncomingWebhook {
  /** The integration's id (uuid) or name. */
  integration: string;
  /** The connection `_id`. */
  connection: string;
  /** Lower-case names; a repeated header joined with ", ". */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  query: Record<string, unknown>;
}

export type ReceiveOutcome =
  | { kind: 'handshake'; contentType: string; payload: string }
  /** `handshakeError`: the handle_verification expression failed and was skipped; the caller logs it. */
  | { kind: 'stored'; id: string; handshakeError?: ExpressionError };

/** The wire shape of one event in `GET /v1/connections/{_id}/webhook-events`. */
export interface WebhookEventWire {
  _id: string;
  _connectionId: string;
  receivedAt: string;
  eventType: string | null;
  headers: Record<string, string>;
  /** The JSON document when the body is JSON, else the text. */
  body: unknown;
}

export interface WebhookServiceDeps {
  db: Kysely<Database>;
  box: SecretBox;
  integrations: IntegrationService;
  now?: () => Date;
}

/** Receives, verifies and stores incoming webhooks of integration connections; lists them per team. */
export class WebhookService {
  readonly repo: WebhookEventRepository;
  readonly #connections: ConnectionRepository;
  readonly #deps: WebhookServiceDeps;

  constructor(deps: WebhookServiceDeps) {
    this.#deps = deps;
    this.repo = new WebhookEventRepository(deps.db);
    this.#connections = new ConnectionRepository(deps.db, deps.box);
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  /**
   * Handshake → answer (not stored); otherwise verify → store. Throws WEBHOOK_NOT_FOUND (the same
   * for an unknown integration or connection, so the URL reveals nothing), WEBHOOK_UNVERIFIABLE
   * and WEBHOOK_SIGNATURE_INVALID.
   */
  async receive(incoming: IncomingWebhook): Promise<ReceiveOutcome> {
    const { target, name, spec, handleVerification } = await this.#resolve(incoming.integration, incoming.connection);
    const text = incoming.rawBody.toString('utf8');
    const body = parseBody(text, incoming.headers['content-type']);

    const handshake = await answerHandshake(handleVerification, { headers: incoming.headers, body, query: incoming.query });
    if (handshake.kind === 'answer') return { kind: 'handshake', contentType: handshake.contentType, payload: handshake.payload };

    const secret = await this.#secret(target, name, spec.config.secret);
    const verified = verifySignature({ ...spec, config: { ...spec.config, secret } }, { headers: incoming.headers, rawBody: incoming.rawBody }, this.#now());
    if (!verified.ok) {
      throw fail(verified.reason === 'misconfigured' ? 'WEBHOOK_UNVERIFIABLE' : 'WEBHOOK_SIGNATURE_INVALID', verified.message);
    }

    const now = this.#now();
    const signatureHeader = signatureHeaderName(spec);
    const event: WebhookEvent = {
      id: newId(now),
      teamId: target.teamId,
      connectionId: target.connectionId,
      integrationId: target.integrationId,
      receivedAt: now.toISOString(),
      headers: storedHeaders(incoming.headers, signatureHeader === undefined ? [] : [signatureHeader]),
      // Text columns: invalid UTF-8 becomes U+FFFD, and NUL (which Postgres text refuses) too.
      body: text.replaceAll('\u0000', '\uFFFD'),
      eventType: eventType(incoming.headers, body),
    };
    await this.repo.insert(event);
    return { kind: 'stored', id: event.id, ...(handshake.kind === 'error' ? { handshakeError: handshake.error } : {}) };
  }

  /** A GET to the webhook URL: only a handshake answer, never an event. */
  async handshake(incoming: Omit<IncomingWebhook, 'rawBody'>): Promise<{ contentType: string; payload: string }> {
    const { handleVerification } = await this.#resolve(incoming.integration, incoming.connection);
    const outcome = await answerHandshake(handleVerification, { headers: incoming.headers, body: '', query: incoming.query });
    if (outcome.kind !== 'answer') throw fail('WEBHOOK_METHOD_NOT_ALLOWED');
    return outcome;
  }

  async #resolve(integrationRef: string, connectionId: string) {
    const notFound = () => fail('WEBHOOK_NOT_FOUND');
    if (!isId(connectionId)) throw notFound();
    const target = await this.repo.findTarget(connectionId);
    if (!target) throw notFound();
    const integration = await this.#deps.integrations.repo.get(target.teamId, target.integrationId);
    if (!integration || (integration.id !== integrationRef && integration.name !== integrationRef)) throw notFound();
    const webhook = this.#deps.integrations.fullConfig(integration).webhook;
    const spec = webhook?.signature_verification;
    // Refuse rather than accept unsigned events: the URL is public, the signature is the only proof of origin.
    if (!spec) throw fail('WEBHOOK_UNVERIFIABLE', `Integration "${integration.name}" defines no webhook.signature_verification, so its webhooks are refused.`);
    return { target, name: integration.name, spec, handleVerification: webhook.handle_verification };
  }

  /** The secret may be a template over the connection's credentials and context (a per-account signing secret). */
  async #secret(target: WebhookTarget, integrationName: string, template: string): Promise<string> {
    if (!hasPlaceholders(template)) return template;
    const unverifiable = (why: string) => fail('WEBHOOK_UNVERIFIABLE', `The webhook secret of integration "${integrationName}" ${why}.`);
    const connection = await this.#connections.get(target.teamId, target.connectionId);
    if (!connection) throw fail('WEBHOOK_NOT_FOUND');
    const doc = mergeSecrets(connection.doc, connection.secrets) as { credentials?: unknown; context?: unknown };
    let rendered: ReturnType<typeof renderString>;
    try {
      rendered = renderString(template, { credentials: doc.credentials ?? {}, context: doc.context ?? {} });
    } catch (error) {
      if (error instanceof TemplateError) throw unverifiable('is not a valid template');
      throw error;
    }
    if (rendered.missing.length > 0) throw unverifiable(`needs ${rendered.missing.join(', ')}, which the connection does not have`);
    if (typeof rendered.value !== 'string' || rendered.value === '') throw unverifiable('renders to an empty value');
    return rendered.value;
  }

  /** One connection's events, newest first; another team's connection is not found. */
  async list(teamId: string, connectionId: string, options: { before?: string; limit: number }): Promise<WebhookEvent[]> {
    if (!(await this.#connections.get(teamId, connectionId))) throw fail('CONNECTION_NOT_FOUND', `No connection with _id "${connectionId}".`);
    return this.repo.list(teamId, connectionId, options);
  }

  toWire(event: WebhookEvent): WebhookEventWire {
    return {
      _id: event.id,
      _connectionId: event.connectionId,
      receivedAt: event.receivedAt,
      eventType: event.eventType,
      headers: event.headers,
      body: parseJsonBody(event.body),
    };
  }
}

/** Node's header object → one string per header (repeats joined as HTTP allows). */
export function normalizeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
