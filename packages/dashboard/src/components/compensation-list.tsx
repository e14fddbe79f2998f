/**
 * A run's compensations (saga): when the run failed or was cancelled after steps that registered a
 * compensating action, the engine undid them, latest first, each as a journaled entry. One row per
 * undone step: the step, its compensation's status, attempts, times and error. Which steps are still
 * to be undone while the run compensates is not in the API (the compensations are registered by the
 * workflow's code as it runs), so the list grows as each compensation ends.
 */
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration, formatTime } from '../format';
import { compensatedName, compensationsOf } from '../journal';
import { ErrorView } from './error-view';
import { EmptyState } from './states';
import { StatusBadge } from './status-badge';

export interface CompensationListProps {
  run: ApiRun;
  journal: readonly ApiJournalEntry[];
  selected: number | undefined;
  onSelect(seq: number): void;
}

/** The run's compensations, or nothing for a run that never compensated. */
export function CompensationList({ run, journal, selected, onSelect }: CompensationListProps) {
  const compensations = compensationsOf(journal);
  if (compensations.length === 0 && !run.compensating) return null;
  const ongoing = run.endedAt === undefined;
  const failed = compensations.filter((c) => c.entry.status === 'failed').length;
  return (
    <section className="card compensations" aria-label="Compensations">
      <div className="card-head">
        <h2>Compensations</h2>
        <span className="muted small">
          {ongoing ? 'undoing completed steps, latest first' : `${compensations.length} step${compensations.length === 1 ? '' : 's'} undone, latest first`}
        </span>
        {failed === 0 ? null : (
          <span className="tag tag-danger">
            {failed} undo{failed === 1 ? '' : 's'} failed: repair by hand
          </span>
        )}
      </div>
      {compensations.length === 0 ? (
        ongoing ? (
          <div className="state state-loading" role="status" aria-live="polite">
            <span className="spinner" aria-hidden="true" />
            The run is undoing its completed steps: each shows here once its compensation ends.
          </div>
        ) : (
          <EmptyState title="No compensation was journaled">The run was marked as compensating, but no step’s compensation ran.</EmptyState>
        )
      ) : (
        <div className="table-wrap table-wrap-flat">
          <table className="table compensation-table">
            <thead>
              <tr>
                <th>Step undone</th>
                <th>Compensation</th>
                <th>Status</th>
                <th className="num">Attempts</th>
                <th>Started</th>
                <th>Ended</th>
                <th className="num">Took</th>
              </tr>
            </thead>
            {compensations.map(({ entry, step }) => (
              <tbody key={entry.seq} className={selected === entry.seq || selected === entry.compensates ? 'selected' : undefined} data-seq={entry.seq}>
                <tr className="compensation-row">
                  <td>
                    {entry.compensates === undefined ? (
                      compensatedName(entry)
                    ) : (
                      <button type="button" className="link-button" onClick={() => onSelect(entry.compensates!)} title="Show the step">
                        <span className="muted">#{entry.compensates}</span> {step?.name ?? compensatedName(entry)}
                      </button>
                    )}
                  </td>
                  <td>
                    <button type="button" className="link-button" onClick={() => onSelect(entry.seq)} title="Show the compensation">
                      <span className="muted">#{entry.seq}</span> {entry.name}
                    </button>
                  </td>
                  <td>
                    <StatusBadge status={entry.status} />
                  </td>
                  <td className="num">{entry.attempts}</td>
                  <td title={entry.startedAt}>{formatTime(entry.startedAt)}</td>
                  <td title={entry.endedAt}>{formatTime(entry.endedAt)}</td>
                  <td className="num">{formatDuration(entry.durationMs)}</td>
                </tr>
                {entry.error === undefined ? null : (
                  <tr className="compensation-error">
                    <td colSpan={7}>
                      <ErrorView error={entry.error} />
                    </td>
                  </tr>
                )}
              </tbody>
            ))}
          </table>
        </div>
      )}
      {ongoing && compensations.length > 0 ? (
        <p className="muted small">More may follow: every completed step that registered a compensation is undone, latest first.</p>
      ) : null}
    </section>
  );
}
