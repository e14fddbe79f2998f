/** The states every view has besides its content: loading, empty and failed. */
import type { ReactNode } from 'react';
import { describeError } from '../api/errors';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children === undefined ? null : <div className="state-hint">{children}</div>}
    </div>
  );
}

/** An error as the API gave it: its stable code and its message. */
export function ErrorState({ error, title = 'Something went wrong', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const { code, message } = describeError(error);
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <div>
        {code === undefined ? null : <code className="error-code">{code}</code>} {message}
      </div>
      {onRetry === undefined ? null : (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
