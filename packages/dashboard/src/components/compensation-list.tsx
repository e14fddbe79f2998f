/**
 * A run's compensations (saga): when the run failed or was cancelled after steps that registered a
 * compensating action, the engine undoes them, latest first, each as a journaled entry. One row per
 * step to undo: the step, its compensation's status, attempts, times and error. The steps still to
 * be undone come from the run's compensation plan (recorded when compensation began): the first is
 * being undone now (its retries are not journaled until it ends), the others wait their turn.
 */
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration, formatTime, plural } from '../format';
import { compensatedName, compensationsOf, undoneSteps } from '../journal';
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
  const undone = undoneSteps(journal);
  const planned = (run.compensationPlan ?? []).filter((step) => !undone.has(step.seq));
  if (compensations.length === 0 && planned.length === 0 && !run.compensating) return null;
  const ongoing = run.endedAt === undefined;
  const failed = compensations.filter((c) => c.entry.status === 'failed').length;
  const steps = (n: number): string => plural(n, 'step');
  return (
    <section className="card compensations" aria-label="Compensations">
      <div className="card-head">
        <h2>Compensations</h2>
        <span className="muted small">
          {ongoing
            ? `undoing completed steps, latest first${planned.length > 0 ? `: ${steps(planned.length)} to go` : ''}`
            : `${steps(compensations.length)} undone, latest first`}
        </span>
        {failed === 0 ? null : <span className="tag tag-danger">{plural(failed, 'undo')} failed: repair by hand</span>}
      </div>
      {compensations.length === 0 && planned.length === 0 ? (
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
            {planned.map((step, i) => (
              <tbody key={`planned-${step.seq}`} className={selected === step.seq ? 'selected' : undefined} data-planned={step.seq}>
                <tr className="compensation-row compensation-planned">
                  <td>
                    <button type="button" className="link-button" onClick={() => onSelect(step.seq)} title="Show the step">
                      <span className="muted">#{step.seq}</span> {step.name}
                    </button>
                  </td>
                  <td className="muted">compensate:{step.name}</td>
                  <td>
                    {/* Undone one at a time: the first still to go is under way; a run that ended left the rest. */}
                    <StatusBadge status={!ongoing ? 'skipped' : i === 0 ? 'running' : 'pending'} />
                  </td>
                  <td className="num muted">—</td>
                  <td className="muted">—</td>
                  <td className="muted">—</td>
                  <td className="num muted">—</td>
                </tr>
              </tbody>
            ))}
          </table>
        </div>
      )}
      {ongoing && compensations.length > 0 && run.compensationPlan === undefined ? (
        <p className="muted small">More may follow: every completed step that registered a compensation is undone, latest first.</p>
      ) : null}
    </section>
  );
}
