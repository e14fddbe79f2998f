/**
 * The bar a bulk action leaves behind: how many runs went through and, for each refused run, its
 * error code and why, until dismissed. The runs list's and the inbox's bulk actions both show it.
 */
import type { EachOutcome } from '../api/call-each';
import { plural } from '../format';

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
