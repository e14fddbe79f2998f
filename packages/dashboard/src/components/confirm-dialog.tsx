/**
 * A modal that asks before an action: says what will happen, holds the action's inputs, runs it,
 * and shows the error (with its code) if the server refuses.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { describeError } from '../api/errors';

export interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children?: ReactNode;
  /** Runs the action; a thrown error stays in the dialog. */
  onConfirm(): Promise<void>;
  onClose(): void;
}

export function ConfirmDialog({ title, confirmLabel, danger = false, children, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>('input, textarea, button[type=submit]')?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  const problem = error === undefined ? undefined : describeError(error);

  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" ref={dialog}>
        <form onSubmit={submit}>
          <h2 id="dialog-title">{title}</h2>
          <div className="dialog-body">{children}</div>
          {problem === undefined ? null : (
            <div className="dialog-error" role="alert">
              {problem.code === undefined ? null : <code className="error-code">{problem.code}</code>} {problem.message}
            </div>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose} disabled={busy}>
              Close
            </button>
            <button type="submit" className={danger ? 'button button-danger' : 'button button-primary'} disabled={busy}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
