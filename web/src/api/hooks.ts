import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client';

export type Resource<T> =
  | { state: 'loading'; data: undefined; error: undefined; reload: () => void }
  | { state: 'error'; data: undefined; error: ApiError; reload: () => void }
  | { state: 'ok'; data: T; error: undefined; reload: () => void };

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'CLIENT_ERROR', error instanceof Error ? error.message : String(error));
}

/** Loads something on mount (and when deps change); `reload()` fetches again. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Resource<T> {
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<{ state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ok'; data: T }>({ state: 'loading' });
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const first = useRef(true);
  useEffect(() => {
    const controller = new AbortController();
    // Keep showing the data while reloading; show the spinner only on the first load or a new target.
    if (first.current) first.current = false;
    else setResult((r) => (r.state === 'ok' ? r : { state: 'loading' }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResult({ state: 'ok', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'error', error: asApiError(error) });
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  if (result.state === 'ok') return { state: 'ok', data: result.data, error: undefined, reload };
  if (result.state === 'error') return { state: 'error', data: undefined, error: result.error, reload };
  return { state: 'loading', data: undefined, error: undefined, reload };
}

/** Runs an action (a button's click); keeps its pending state and its error for display. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setPending(true);
      setError(null);
      try {
        return await action(...args);
      } catch (caught) {
        setError(asApiError(caught));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [action],
  );
  return { run, pending, error, clearError: () => setError(null) };
}
