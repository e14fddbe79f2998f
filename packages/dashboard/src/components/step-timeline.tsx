/**
 * The journal as a timeline (a Gantt chart): one row per operation, a bar from its start to its
 * end on the run's time scale, with its duration and its attempts (retries). A compensation's row
 * names the step it undoes; an undone step's bar is hatched.
 */
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration } from '../format';
import { entryTimes, timeSpan, undoneSteps } from '../journal';

export interface StepTimelineProps {
  run: ApiRun;
  entries: ApiJournalEntry[];
  /** The child run each child entry answered, by the entry's position. */
  childRuns: ReadonlyMap<number, ApiRun>;
  now: number;
  selected: number | undefined;
  onSelect(seq: number): void;
}

const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function StepTimeline({ run, entries, childRuns, now, selected, onSelect }: StepTimelineProps) {
  if (entries.length === 0) return <p className="muted">No steps yet: the timeline fills in as the run journals them.</p>;
  const span = timeSpan(run, entries, now);
  const total = span.end - span.start;
  const at = (time: number): number => ((time - span.start) / total) * 100;
  const undone = undoneSteps(entries);
  return (
    <div className="timeline" role="table" aria-label="Timeline">
      <div className="timeline-row timeline-axis" role="row">
        <span className="timeline-label" role="columnheader">
          step
        </span>
        <span className="timeline-track" role="columnheader">
          {TICKS.map((tick) => (
            <span key={tick} className="timeline-tick" style={{ left: `${tick * 100}%` }}>
              {tick === 0 ? '0' : formatDuration(tick * total)}
            </span>
          ))}
        </span>
        <span className="timeline-duration" role="columnheader">
          took
        </span>
      </div>
      {entries.map((entry) => {
        const times = entryTimes(entry, childRuns.get(entry.seq));
        const undoneBy = undone.get(entry.seq);
        const took = times.end - times.start;
        const left = Math.min(at(times.start), 99.6);
        const width = Math.max(at(times.end) - left, 0.4);
        return (
          <div
            key={entry.seq}
            role="row"
            className={`timeline-row${selected === entry.seq ? ' selected' : ''}`}
            data-seq={entry.seq}
            onClick={() => onSelect(entry.seq)}
          >
            <span className="timeline-label" role="cell" title={entry.name}>
              <span className="muted">#{entry.seq}</span> {entry.kind === 'compensation' ? <span className="timeline-undo">↩ </span> : null}
              {entry.name}
            </span>
            <span className="timeline-track" role="cell">
              <span
                className={`timeline-bar bar-${entry.status} bar-${entry.kind}${undoneBy === undefined ? '' : ' bar-undone'}`}
                style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
                title={`${entry.name}: ${formatDuration(took)}${entry.attempts > 1 ? `, ${entry.attempts} attempts` : ''}${
                  undoneBy === undefined ? '' : undoneBy.status === 'failed' ? `; its undo (#${undoneBy.seq}) failed` : `; undone by #${undoneBy.seq}`
                }`}
              />
              {entry.compensates === undefined ? null : (
                // Left of the bar, where compensations (coming last) have room; the attempts go on its right.
                <span className="timeline-note" style={left > 15 ? { right: `${100 - left}%`, marginRight: 6 } : { left: `${left + width}%`, marginLeft: 6 }}>
                  undoes #{entry.compensates}
                </span>
              )}
              {entry.attempts > 1 ? (
                <span className="timeline-attempts" style={{ left: `${Math.min(left + width, 92)}%` }}>
                  ×{entry.attempts}
                </span>
              ) : null}
            </span>
            <span className="timeline-duration" role="cell">
              {formatDuration(took)}
            </span>
          </div>
        );
      })}
    </div>
  );
}
