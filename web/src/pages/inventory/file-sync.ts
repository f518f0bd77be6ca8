import { ApiError, api } from '../../api/client';
import type { Sync } from './types';
import { pollDelay, type StepId, type StepState, uploadContentType } from './upload-steps';

export interface FileSyncEvents {
  step(id: StepId, state: StepState, detail?: string): void;
  progress(loaded: number, total: number | null): void;
}

/**
 * Step 2: PUT the file to the signed upload URL with XMLHttpRequest, for upload progress events
 * (fetch has none). No API key: the signed URL is the only credential, and it may point at
 * another host (an S3 bucket).
 */
export function putFile(url: string, file: Blob, contentType: string, onProgress: (loaded: number, total: number | null) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : null);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
        return;
      }
      let code = `HTTP_${xhr.status}`;
      let message = `The upload was refused (${xhr.status}).`;
      try {
        const body = JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } };
        if (body.error?.code) code = body.error.code;
        if (body.error?.message) message = body.error.message;
      } catch {
        // S3 answers XML; keep the status.
      }
      reject(new ApiError(xhr.status, code, message));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'The upload could not reach the storage (network error, or the storage refuses this origin).'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('Stopped.', 'AbortError'));
      },
      { once: true },
    );
  });
}

/** Follows a sync until it is no longer running. */
export async function waitForSync(id: string, signal?: AbortSignal): Promise<Sync> {
  for (let attempt = 0; ; attempt += 1) {
    const { sync } = await api.get<{ sync: Sync }>(`/v1.0/services/sync/custom/${encodeURIComponent(id)}`, undefined, signal);
    if (sync.status !== 'running') return sync;
    await wait(pollDelay(attempt), signal);
  }
}

/** The five calls of the file sync (seeds 000/001), reporting each step; answers the finished sync. */
export async function runFileSync(file: File, accountId: string, events: FileSyncEvents, signal?: AbortSignal): Promise<Sync> {
  let current: StepId = 'url';
  try {
    const contentType = uploadContentType(file);
    events.step('url', 'active');
    const { uploadFileParameters } = await api.get<{ uploadFileParameters: { url: string; filePath: string } }>('/v1.0/files/url', { name: file.name, type: contentType }, signal);
    events.step('url', 'done', 'valid for 5 minutes, for this file only');

    current = 'upload';
    events.step('upload', 'active');
    await putFile(uploadFileParameters.url, file, contentType, events.progress, signal);
    events.step('upload', 'done');

    current = 'register';
    events.step('register', 'active');
    const registered = await api.post<{ id: number }>('/v1.0/files', { path: uploadFileParameters.filePath, type: 'customIntegrationData' });
    events.step('register', 'done', `file ${registered.id}`);

    current = 'sync';
    events.step('sync', 'active');
    const started = await api.put<{ sync: { id: string; status: string } }>('/v1.0/services/sync/custom', { idFile: registered.id, idAppAccount: accountId });
    events.step('sync', 'done', `sync ${started.sync.id}`);

    current = 'poll';
    events.step('poll', 'active');
    const sync = await waitForSync(started.sync.id, signal);
    events.step('poll', sync.status === 'failed' ? 'failed' : 'done', sync.status);
    return sync;
  } catch (error) {
    events.step(current, 'failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
}
