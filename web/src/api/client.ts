/**
 * The console's only door to the server: the public API with the user's API key as a bearer
 * token. The key lives in sessionStorage (gone when the tab closes) and never in a URL.
 */

const STORAGE_KEY = 'switchyard.apiKey';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** A failed call, with the server's `{"error":{"code","message","details"}}` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getStoredKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Overrides the content type of a JSON body (e.g. application/json-patch+json). */
  contentType?: string;
  signal?: AbortSignal;
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the server says the key is unknown or revoked (the app then signs out). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

async function parseError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown }; errors?: { code?: unknown; message?: unknown }[] };
    const error = body.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      return new ApiError(response.status, error.code, error.message, Array.isArray(error.details) ? (error.details as ErrorDetail[]) : []);
    }
    // Ping answers failures as {"errors":[{"code","message"}]} (its seed's contract).
    const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (first && typeof first.code === 'string' && typeof first.message === 'string') {
      return new ApiError(response.status, first.code, first.message, (body.errors ?? []).slice(1).map((e) => ({ message: `${String(e.code)}: ${String(e.message)}` })));
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, `HTTP_${response.status}`, text.trim() === '' ? `The server answered ${response.status} ${response.statusText}.` : text.slice(0, 500));
}

/** One call; resolves with the parsed JSON (undefined for 204) or rejects with an ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}, key: string | null = getStoredKey()): Promise<T> {
  // The audit log records changes made here with source "ui".
  const headers: Record<string, string> = { accept: 'application/json', 'x-switchyard-source': 'ui' };
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, ...(body === undefined ? {} : { body }), ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', `The server could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    const error = await parseError(response);
    if (response.status === 401) for (const listener of unauthorizedListeners) listener(error);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, ...(query ? { query } : {}) }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown, contentType?: string) => request<T>('PATCH', path, { body, ...(contentType ? { contentType } : {}) }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
