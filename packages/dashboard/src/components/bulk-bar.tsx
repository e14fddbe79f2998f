/**
 * The bar of actions on the runs picked in a list (the runs list's cancel/retry, the inbox's
 * approve/reject): how many are picked, the actions, Clear selection; and afterwards what the action
 * did: how many runs went through and, for each refused run, its error code and why, until dismissed.
 * It shows while runs are picked or a result is there.
 */
import type { ReactNode } from 'react';
import type { EachOutcome } from '../api/call-each';
import { plural } from '../format';

export interface BulkBarProps {
  /** The toolbar's accessible name: "Selected runs". */
  label: string;
  /** How many runs are picked. */
  selected: number;
  /** Said after "3 runs selected". */
  note?: string;
  /** The buttons of the actions on the picked runs. */
  actions: ReactNode;
  /** What the last action did; undefined before one or once dismissed. */
  result: BulkResultProps | undefined;
  onClear(): void;
  /** The actions' confirm dialogs. */
  children?: ReactNode;
}

export function BulkBar({ label, selected, note, actions, result, onClear, children }: BulkBarProps) {
  if (selected === 0 && result === undefined) return null;
  return (
    <div className="bulk-actions" role="toolbar" aria-label={label}>
      {selected === 0 ? null : (
        <>
          <span className="bulk-count">
            {plural(selected, 'run')} selected{note ?? ''}
          </span>
          {actions}
          <button type="button" className="button" onClick={onClear}>
            Clear selection
          </button>
        </>
      )}
      {result === undefined ? null : <BulkResult {...result} />}
      {children}
    </div>
  );
}

export interface BulkResultProps {
  /** What went through, in the past tense: "Cancelled", "Approved". */
  did: string;
  outcome: EachOutcome;
  onDismiss(): void;
}

export function BulkResult({ did, outcome, onDismiss }: BulkResultProps) {
  return (
    <div className={`bulk-result${outcome.refused.length > 0 ? ' bulk-result-refused' : ''}`} role="status">
      {did} {plural(outcome.done, 'run')}
      {outcome.refused.length === 0 ? '.' : `; ${outcome.refused.length} refused:`}
      {outcome.refused.length === 0 ? null : (
        <ul>
          {outcome.refused.map((r) => (
            <li key={r.id}>
              <span className="mono">{r.id}</span> {r.code === undefined ? null : <code className="error-code">{r.code}</code>} {r.message}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
