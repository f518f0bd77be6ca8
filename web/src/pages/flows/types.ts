import type { MappingField } from './drafts';

/** Wire shapes of /v1 flows, jobs, saved exports/imports and their errors (docs/api/flows.md). */

export interface FlowDoc {
  _id: string;
  name: string;
  _integrationId?: string;
  pageGenerators: Array<{ _exportId: string }>;
  pageProcessors: Array<{ type: 'import'; _importId: string }>;
  schedule: string | null;
  timezone: string | null;
  disabled: boolean;
  nextRunAt: string | null;
  createdAt: string;
  lastModified: string;
}

export interface JobCounts {
  pages: number;
  exported: number;
  imported: number;
  failed: number;
  ignored: number;
}

export interface Job {
  _id: string;
  _flowId: string;
  type: 'flow' | 'retry';
  trigger: 'manual' | 'schedule' | 'retry';
  status: 'queued' | 'running' | 'success' | 'partial' | 'failed' | 'cancelled';
  attempt: number;
  counts: JobCounts;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
}

export interface StepError {
  occurredAt: string;
  source: 'mapping' | 'import';
  code: string;
  message: string;
  errorId: string;
  retryDataKey: string;
  _flowJobId: string;
  classification: string;
  resolvedAt?: string;
}

/** A saved export or import as listed; only what the console reads. */
export interface SavedModel {
  _id: string;
  name: string;
  _connectionId: string;
  type?: string;
  http?: { relativeURI?: string | string[]; method?: string | string[] };
  rest?: { relativeURI?: string | string[]; method?: string | string[] };
  resource?: string;
  mapping?: { fields?: MappingField[] };
}

export type { MappingField } from './drafts';

export interface ConnectionSummary {
  _id: string;
  name: string;
  type: string;
  offline?: boolean;
}

export { statusTone } from '../../components/states';
