import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ErrorResponse } from '../server/schemas.js';
import type { AppService } from './apps.js';
import { type InventoryQueries, toCsv } from './insights.js';

const TAGS = ['inventory'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const USER_COLUMNS = ['email', 'firstName', 'lastName', 'status', 'externalStatus', 'roles', 'lastUsedDate', 'removedAt', 'idApp', 'idAppAccount'];
const LICENSE_COLUMNS = ['idApp', 'idAppAccount', 'name', 'pricePerUser', 'unassignedAmount', 'assigned', 'active', 'usedLast30Days', 'usedLast90Days', 'seats', 'unusedSeats', 'unusedMonthlyCost', 'removedAt'];

const UserQuery = Type.Object(
  {
    idApp: Type.Optional(Type.String()),
    idAppAccount: Type.Optional(Type.String()),
    status: Type.Optional(Type.Enum(['active', 'deleted'])),
    includeRemoved: Type.Optional(Type.Boolean({ description: 'Also users no longer in their app account\'s latest file.' })),
    lastUsedBefore: Type.Optional(Type.String({ format: 'date-time' })),
    lastUsedAfter: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    cursor: Type.Optional(Type.String()),
    format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: one page as CSV (the next cursor in the Link header).' })),
  },
  { additionalProperties: false },
);

function csv(reply: FastifyReply, name: string, body: string, next: string | null, url: string): FastifyReply {
  if (next) {
    const link = new URL(url, 'http://x');
    link.searchParams.set('cursor', next);
    reply.header('link', `<${link.pathname}${link.search}>; rel="next"`);
  }
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}

/** The inventory: users across apps, and licenses with their use and unused cost (JSON or CSV). */
export const insightRoutes: FastifyPluginAsyncTypebox<{ queries: InventoryQueries; apps: AppService }> = async (app, { queries, apps }) => {
  app.get('/users', { schema: { tags: TAGS, summary: 'Users across apps', querystring: UserQuery, response: { 200: Type.Unknown(), ...errors } } }, async (request, reply) => {
    const { format, limit, ...filter } = request.query;
    const result = await queries.users(request.principal.teamId, { ...filter, limit: limit ?? 100 });
    if (format === 'csv') return csv(reply, 'users', toCsv(USER_COLUMNS, result.users as unknown as Array<Record<string, unknown>>), result.nextCursor, request.url);
    return result;
  });

  app.get(
    '/apps/:id/users',
    { schema: { tags: TAGS, summary: 'Users of one app', params: Type.Object({ id: Type.String() }), querystring: UserQuery, response: { 200: Type.Unknown(), ...errors } } },
    async (request, reply) => {
      await apps.get(request.principal.teamId, request.params.id);
      const { format, limit, ...filter } = request.query;
      const result = await queries.users(request.principal.teamId, { ...filter, idApp: request.params.id, limit: limit ?? 100 });
      if (format === 'csv') return csv(reply, `${request.params.id}-users`, toCsv(USER_COLUMNS, result.users as unknown as Array<Record<string, unknown>>), result.nextCursor, request.url);
      return result;
    },
  );

  app.get(
    '/licenses',
    {
      schema: {
        tags: TAGS,
        summary: 'Licenses with utilization',
        description: 'seats = assigned + unassignedAmount; used = active assignees whose lastUsedDate is within 30/90 days; unusedMonthlyCost = (seats − usedLast30Days) × pricePerUser (cents).',
        querystring: Type.Object({ idApp: Type.Optional(Type.String()), includeRemoved: Type.Optional(Type.Boolean()), format: Type.Optional(Type.Enum(['json', 'csv'])) }, { additionalProperties: false }),
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (request, reply) => {
      const licenses = await queries.licenses(request.principal.teamId, {
        ...(request.query.idApp ? { idApp: request.query.idApp } : {}),
        ...(request.query.includeRemoved ? { includeRemoved: true } : {}),
      });
      if (request.query.format === 'csv') return csv(reply, 'licenses', toCsv(LICENSE_COLUMNS, licenses as unknown as Array<Record<string, unknown>>), null, request.url);
      const summary = new Map<string, { idApp: string; licenses: number; seats: number; usedLast30Days: number; unusedSeats: number; unusedMonthlyCost: number }>();
      for (const l of licenses) {
        const s = summary.get(l.idApp) ?? { idApp: l.idApp, licenses: 0, seats: 0, usedLast30Days: 0, unusedSeats: 0, unusedMonthlyCost: 0 };
        s.licenses++;
        s.seats += l.seats;
        s.usedLast30Days += l.usedLast30Days;
        s.unusedSeats += l.unusedSeats;
        s.unusedMonthlyCost += l.unusedMonthlyCost ?? 0;
        summary.set(l.idApp, s);
      }
      return { licenses, apps: [...summary.values()] };
    },
  );
};
