import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fail } from '../errors.js';
import type { FlowService } from '../flows/service.js';
import { ErrorResponse } from '../server/schemas.js';
import type { Job, JobRepository } from './repository.js';

const TAGS = ['jobs'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Any = Type.Object({}, { additionalProperties: true });

export function jobWire(job: Job): Record<string, unknown> {
  const ended = job.finishedAt ? Date.parse(job.finishedAt) : undefined;
  const started = job.startedAt ? Date.parse(job.startedAt) : undefined;
  return {
    _id: job.id,
    _flowId: job.flowId,
    type: job.retryStep ? 'retry' : 'flow',
    trigger: job.trigger,
    status: job.status,
    attempt: job.attempt,
    counts: job.counts,
    error: job.error,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    endedAt: job.finishedAt,
    durationMs: ended !== undefined && started !== undefined ? ended - started : null,
  };
}

/** Runs of flows: start, list, cancel; per-record errors of a step: list, resolve, retry. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobRepository; flows: FlowService }> = async (app, { jobs, flows }) => {
  app.post(
    '/flows/:_id/run',
    { schema: { tags: TAGS, summary: 'Run a flow now', params: Type.Object({ _id: Type.String() }), response: { 202: Type.Object({ _jobId: Type.String(), status: Type.String() }), ...errors } } },
    async (request, reply) => {
      const flow = await flows.getFlow(request.principal.teamId, request.params._id);
      const job = await jobs.enqueue({ teamId: flow.teamId, flowId: flow.id, trigger: 'manual' });
      return reply.status(202).send({ _jobId: job.id, status: job.status });
    },
  );

  app.get(
    '/jobs',
    {
      schema: {
        tags: TAGS,
        summary: 'List runs, newest first',
        querystring: Type.Object({ _flowId: Type.Optional(Type.String()), status: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(Any), ...errors },
      },
    },
    async (request) =>
      (await jobs.list(request.principal.teamId, { limit: request.query.limit ?? 100, ...(request.query._flowId ? { flowId: request.query._flowId } : {}), ...(request.query.status ? { status: request.query.status } : {}) })).map(jobWire),
  );

  app.get('/jobs/:_id', { schema: { tags: TAGS, summary: 'Get a run', params: Type.Object({ _id: Type.String() }), response: { 200: Any, ...errors } } }, async (request) => {
    const job = await jobs.get(request.principal.teamId, request.params._id);
    if (!job) throw fail('JOB_NOT_FOUND', `No job with _id "${request.params._id}".`);
    return jobWire(job);
  });

  app.post('/jobs/:_id/cancel', { schema: { tags: TAGS, summary: 'Cancel a run', description: 'A queued run is cancelled at once; a running one stops after its current page.', params: Type.Object({ _id: Type.String() }), response: { 200: Any, ...errors } } }, async (request) => {
    const job = await jobs.cancel(request.principal.teamId, request.params._id);
    if (!job) throw fail('JOB_NOT_FOUND', `No job with _id "${request.params._id}".`);
    return jobWire(job);
  });

  const StepParams = Type.Object({ flowId: Type.String(), stepId: Type.String() });
  app.get(
    '/flows/:flowId/:stepId/errors',
    {
      schema: {
        tags: TAGS,
        summary: 'Open errors of a flow step',
        params: StepParams,
        querystring: Type.Object({ resolved: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ errors: Type.Array(Any) }), ...errors },
      },
    },
    async (request) => {
      await flows.getFlow(request.principal.teamId, request.params.flowId);
      const rows = await jobs.listErrors(request.principal.teamId, request.params.flowId, request.params.stepId, { resolved: request.query.resolved ?? false, limit: request.query.limit ?? 1000 });
      return {
        errors: rows.map((row) => ({
          occurredAt: row.occurred_at,
          source: row.source,
          code: row.code,
          message: row.message,
          errorId: row.id,
          retryDataKey: row.retry_data_key,
          _flowJobId: row.job_id,
          classification: row.classification,
          ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
        })),
      };
    },
  );

  app.put(
    '/flows/:flowId/:stepId/resolved',
    { schema: { tags: TAGS, summary: 'Mark errors resolved', params: StepParams, body: Type.Object({ errors: Type.Array(Type.String(), { description: 'errorIds' }) }, { additionalProperties: false }), response: { 200: Type.Object({ resolved: Type.Integer() }), ...errors } } },
    async (request) => {
      await flows.getFlow(request.principal.teamId, request.params.flowId);
      return { resolved: await jobs.resolveErrors(request.principal.teamId, request.params.flowId, request.params.stepId, { errorIds: request.body.errors }) };
    },
  );

  app.post(
    '/flows/:flowId/:stepId/retry',
    {
      schema: {
        tags: TAGS,
        summary: 'Retry failed records',
        description: 'Runs only the records with these retryDataKeys through the step again, as a new job.',
        params: StepParams,
        body: Type.Object({ retryDataKeys: Type.Array(Type.String(), { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ _jobId: Type.String(), status: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const flow = await flows.getFlow(request.principal.teamId, request.params.flowId);
      if (!flow.pageProcessors.some((p) => p._importId === request.params.stepId)) throw fail('VALIDATION_FAILED', `Step "${request.params.stepId}" is not an import of this flow.`, [{ field: 'stepId', message: 'is not a step of the flow' }]);
      const job = await jobs.enqueue({ teamId: flow.teamId, flowId: flow.id, trigger: 'retry', retryStep: request.params.stepId, retryKeys: request.body.retryDataKeys });
      return reply.status(202).send({ _jobId: job.id, status: job.status });
    },
  );
};
