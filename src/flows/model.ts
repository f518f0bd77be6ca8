import { Cron } from 'croner';
import { type Static, Type } from 'typebox';
import type { ErrorDetail } from '../errors.js';

/** A flow: exports feeding imports (seed 004's pageGenerators → pageProcessors), maybe on a schedule. */
export const FlowInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    _integrationId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The integration (named group of flows, /v1/integrations) it belongs to.' })),
    pageGenerators: Type.Array(
      Type.Object({ _exportId: Type.String({ description: 'A saved export (/v1/exports).' }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 10, description: 'Where records come from.' },
    ),
    pageProcessors: Type.Array(
      Type.Object(
        {
          type: Type.Literal('import'),
          _importId: Type.String({ description: 'A saved import (/v1/imports).' }),
          responseMapping: Type.Optional(Type.Unknown({ description: 'Reserved: merge the import response back into the record.' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10, description: 'Where records go, in order.' },
    ),
    schedule: Type.Optional(Type.Union([Type.String({ maxLength: 120, description: 'Cron expression (5 or 6 fields), e.g. "0 */4 * * *".' }), Type.Null()])),
    timezone: Type.Optional(Type.Union([Type.String({ maxLength: 64, description: 'IANA time zone of the schedule (default UTC).' }), Type.Null()])),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled flow keeps its schedule but never runs on it.' })),
    _id: Type.Optional(Type.String({ description: 'Ignored (read-only).' })),
    createdAt: Type.Optional(Type.String({ description: 'Ignored (read-only).' })),
    lastModified: Type.Optional(Type.String({ description: 'Ignored (read-only).' })),
    nextRunAt: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Ignored (read-only).' })),
  },
  { additionalProperties: false },
);
export type FlowInput = Static<typeof FlowInput>;

export const FlowGroupInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    _id: Type.Optional(Type.String()),
    createdAt: Type.Optional(Type.String()),
    lastModified: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'An integration in the sense of seed 004: a named group of flows.' },
);
export type FlowGroupInput = Static<typeof FlowGroupInput>;

/** Checks a schedule and time zone; answers problems naming the field. */
export function checkSchedule(schedule: string | null | undefined, timezone: string | null | undefined): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      details.push({ field: 'timezone', message: `"${timezone}" is not an IANA time zone (e.g. "Europe/Paris")` });
    }
  }
  if (schedule) {
    try {
      new Cron(schedule, { paused: true, ...(timezone && details.length === 0 ? { timezone } : {}) });
    } catch (error) {
      details.push({ field: 'schedule', message: `is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return details;
}

/**
 * The next time a schedule fires after `from`, in its time zone; null without a schedule.
 *
 * @example nextRunAt('0 9 * * *', 'Europe/Paris', new Date('2026-11-23T00:00:00Z')) // '2026-11-23T08:00:00.000Z'
 */
export function nextRunAt(schedule: string | null | undefined, timezone: string | null | undefined, from: Date): string | null {
  if (!schedule) return null;
  const next = new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) }).nextRun(from);
  return next ? next.toISOString() : null;
}
