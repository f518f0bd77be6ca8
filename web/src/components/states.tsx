import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import type { Resource } from '../api/hooks';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

/** The server's error as the user should see it: message, code, and each detail's field. */
export function ErrorMessage({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <div>
        <strong>{error.message}</strong> <code className="error-code">{error.code}</code>
      </div>
      {error.details.length > 0 ? (
        <ul className="error-details">
          {error.details.map((detail, i) => (
            <li key={i}>
              {detail.field ? <code>{detail.field}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** Renders a Resource: spinner while loading, the error with a retry, the empty state, or the content. */
export function ResourceView<T>({
  resource,
  isEmpty,
  empty,
  children,
}: {
  resource: Resource<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (resource.state === 'loading') return <Loading />;
  if (resource.state === 'error') return <ErrorMessage error={resource.error} onRetry={resource.reload} />;
  if (isEmpty?.(resource.data)) return <>{empty ?? <Empty title="Nothing here yet." />}</>;
  return <>{children(resource.data)}</>;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}

export type BadgeTone = 'neutral' | 'good' | 'bad' | 'warn' | 'info';

/** The badge tone of a run's or a sync's status (success, partial, failed, queued, running). */
export function statusTone(status: string | null | undefined): BadgeTone {
  switch (status) {
    case 'success':
      return 'good';
    case 'failed':
      return 'bad';
    case 'partial':
      return 'warn';
    case 'queued':
    case 'running':
      return 'info';
    default:
      return 'neutral';
  }
}

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}
