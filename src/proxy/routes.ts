import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TokenSigner } from '../crypto/signed-token.js';
import { toAppError } from '../connections/engine-errors.js';
import type { IntegrationCalls } from '../connections/integration-calls.js';
import type { ConnectionService } from '../connections/service.js';
import type { CallTarget } from '../connections/upstream.js';
import { secretRedactor } from '../connections/upstream.js';
import type { PaginationCheckpoint } from '../engine/pagination/index.js';
import { fail } from '../errors.js';
import { ErrorResponse } from '../server/schemas.js';

/** What a `next_cursor` carries: where the list stops, bound to its connection and method. */
interface CursorPayload {
  c: string;
  r: string;
  m: string;
  q: Record<string, unknown>;
  next: PaginationCheckpoint;
}

const CURSOR_PURPOSE = 'proxy-cursor';
const CURSOR_TTL_SECONDS = 24 * 3600;
const RESERVED_QUERY = new Set(['integrated_account_id', 'next_cursor', 'limit']);

const ProxyQuery = Type.Object(
  {
    integrated_account_id: Type.String({ description: 'The _id of a connection of type integration.' }),
    next_cursor: Type.Optional(Type.String({ description: 'From the previous page.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Page size asked of the API (capped by the definition\'s max_limit).' })),
  },
  { additionalProperties: true, description: 'Other parameters are passed to the method as {{query.*}}.' },
);

const ListResponse = Type.Object({
  result: Type.Array(Type.Unknown()),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  prev_cursor: Type.Null(),
  result_count: Type.Integer(),
});

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse };
const TAGS = ['proxy'];

function passThroughQuery(query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) if (!RESERVED_QUERY.has(key)) out[key] = value;
  return out;
}

/**
 * `/proxy/{resource}[/{id}]` (the contract users of this format know): runs a resource method of
 * the integration behind `integrated_account_id` — GET list or get, POST create (or a custom
 * method), PATCH update, DELETE delete. Lists answer one page with an opaque signed `next_cursor`.
 */
export const proxyRoutes: FastifyPluginAsyncTypebox<{ connections: ConnectionService; calls: IntegrationCalls; signer: TokenSigner }> = async (app, { connections, calls, signer }) => {
  async function targetOf(request: FastifyRequest, id: string): Promise<CallTarget> {
    const connection = await connections.get(request.principal.teamId, id);
    if (connection.type !== 'integration') {
      throw fail('NOT_AN_INTEGRATION_CONNECTION', `Connection "${connection.name}" is of type ${connection.type}; the proxy runs methods of integration connections (use /v1/connections/${id}/proxy/... for raw requests).`);
    }
    return { id: connection.id, teamId: connection.teamId, doc: connection.doc, secrets: connection.secrets, debugUntil: connection.debugUntil };
  }

  async function run<T>(target: CallTarget, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toAppError(error, secretRedactor(target.secrets));
    }
  }

  app.get(
    '/proxy/:resource',
    { schema: { tags: TAGS, summary: 'List records of a resource', params: Type.Object({ resource: Type.String() }), querystring: ProxyQuery, response: { 200: ListResponse, ...errors } } },
    async (request) => {
      const query = request.query as Record<string, unknown> & { integrated_account_id: string; next_cursor?: string; limit?: number };
      const target = await targetOf(request, query.integrated_account_id);
      let resume: PaginationCheckpoint | undefined;
      let passQuery = passThroughQuery(query);
      if (query.next_cursor) {
        const verified = signer.verify<CursorPayload>(CURSOR_PURPOSE, query.next_cursor);
        if (!verified.ok) throw fail('INVALID_CURSOR', `next_cursor is ${verified.reason.replace('_', ' ')}; pass the value from the previous page unchanged (cursors last 24 hours).`);
        const payload = verified.payload;
        if (payload.c !== target.id || payload.r !== request.params.resource || payload.m !== 'list') {
          throw fail('INVALID_CURSOR', 'next_cursor belongs to another connection or resource.');
        }
        resume = payload.next;
        passQuery = payload.q;
      }
      const page = await run(target, async () => {
        const pages = calls.list(target, request.params.resource, 'list', { query: passQuery }, { ...(query.limit === undefined ? {} : { limit: query.limit }), ...(resume ? { resume } : {}) });
        const first = await pages.next();
        await pages.return({ reason: 'page served' });
        return first.done ? { records: [], next: undefined } : first.value;
      });
      const next = page.next
        ? signer.sign<CursorPayload>(
            CURSOR_PURPOSE,
            { c: target.id as string, r: request.params.resource, m: 'list', q: passQuery, next: { ...page.next, state: { ...page.next.state, seenCursors: page.next.state.seenCursors.slice(-20) } } },
            CURSOR_TTL_SECONDS,
          )
        : null;
      return { result: page.records, next_cursor: next, prev_cursor: null, result_count: page.records.length };
    },
  );

  app.get(
    '/proxy/:resource/:id',
    { schema: { tags: TAGS, summary: 'Get one record', params: Type.Object({ resource: Type.String(), id: Type.String() }), querystring: ProxyQuery, response: { 200: Type.Unknown(), ...errors } } },
    async (request) => {
      const query = request.query as Record<string, unknown> & { integrated_account_id: string };
      const target = await targetOf(request, query.integrated_account_id);
      const result = await run(target, () => calls.call(target, request.params.resource, 'get', { id: request.params.id, query: passThroughQuery(query) }));
      return result.records.length === 1 ? result.records[0] : result.body;
    },
  );

  const write = (withId: boolean, methodName: string) => async (request: FastifyRequest) => {
    const params = request.params as { resource: string; id?: string; method?: string };
    const query = request.query as Record<string, unknown> & { integrated_account_id: string };
    const target = await targetOf(request, query.integrated_account_id);
    const method = params.method ?? methodName;
    const result = await run(target, () =>
      calls.call(target, params.resource, method, {
        ...(withId && params.id !== undefined ? { id: params.id } : {}),
        query: passThroughQuery(query),
        ...(request.body === undefined ? {} : { body: request.body }),
      }),
    );
    return result.records.length === 1 ? result.records[0] : result.body;
  };

  const Body = Type.Optional(Type.Unknown({ description: 'Passed to the method as {{body.*}} (or sent as-is when the method defines no body).' }));
  app.post('/proxy/:resource', { schema: { tags: TAGS, summary: 'Create a record', params: Type.Object({ resource: Type.String() }), querystring: ProxyQuery, body: Body, response: { 200: Type.Unknown(), ...errors } } }, write(false, 'create'));
  app.post(
    '/proxy/:resource/:method',
    { schema: { tags: TAGS, summary: 'Run a custom method', params: Type.Object({ resource: Type.String(), method: Type.String() }), querystring: ProxyQuery, body: Body, response: { 200: Type.Unknown(), ...errors } } },
    write(false, 'create'),
  );
  app.patch('/proxy/:resource/:id', { schema: { tags: TAGS, summary: 'Update a record', params: Type.Object({ resource: Type.String(), id: Type.String() }), querystring: ProxyQuery, body: Body, response: { 200: Type.Unknown(), ...errors } } }, write(true, 'update'));
  app.delete('/proxy/:resource/:id', { schema: { tags: TAGS, summary: 'Delete a record', params: Type.Object({ resource: Type.String(), id: Type.String() }), querystring: ProxyQuery, response: { 200: Type.Unknown(), ...errors } } }, write(true, 'delete'));
};
