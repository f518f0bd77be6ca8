/** The five steps of the file sync as the upload page shows them. Pure state; the page does the I/O. */

export type StepId = 'url' | 'upload' | 'register' | 'sync' | 'poll';
export type StepState = 'pending' | 'active' | 'done' | 'failed';

export interface Step {
  id: StepId;
  title: string;
  /** The call this step makes, shown to teach the API. */
  call: string;
  state: StepState;
  detail: string | null;
}

export const STEPS: ReadonlyArray<Pick<Step, 'id' | 'title' | 'call'>> = [
  { id: 'url', title: 'Get an upload URL', call: 'GET /v1.0/files/url' },
  { id: 'upload', title: 'Upload the file', call: 'PUT <upload URL> (no API key)' },
  { id: 'register', title: 'Register the file', call: 'POST /v1.0/files' },
  { id: 'sync', title: 'Start the sync', call: 'PUT /v1.0/services/sync/custom' },
  { id: 'poll', title: 'Wait for the result', call: 'GET /v1.0/services/sync/custom/{id}' },
];

export function initialSteps(): Step[] {
  return STEPS.map((s) => ({ ...s, state: 'pending', detail: null }));
}

/** Marks one step and answers a new list; the steps before an active or done step are done. */
export function markStep(steps: Step[], id: StepId, state: StepState, detail: string | null = null): Step[] {
  const index = steps.findIndex((s) => s.id === id);
  return steps.map((s, i) => {
    if (i === index) return { ...s, state, detail };
    if (i < index && state !== 'pending' && s.state !== 'done') return { ...s, state: 'done' };
    return s;
  });
}

/** Upload progress as a whole percentage (0–100); null while the size is unknown. */
export function percent(loaded: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((loaded / total) * 100)));
}

/** Content type for the upload: JSON unless the browser says otherwise. */
export function uploadContentType(file: { type: string; name: string }): string {
  if (file.type) return file.type;
  return file.name.toLowerCase().endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

/** The next poll delay: quick at first, then slower, never above 2 s. */
export function pollDelay(attempt: number): number {
  return Math.min(2000, 200 * 2 ** Math.min(attempt, 4));
}
