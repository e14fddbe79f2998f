/**
 * The journal as a timeline (a Gantt chart): one row per operation, a bar from its start to its
 * end, with its duration and its attempts (retries). Waits (sleeps, signals, events, child runs) are
 * bars as long as the run waited; a waiting run's open wait is an open-ended bar to now. Long waits
 * are drawn as narrow breaks on the axis (see timeline-scale.ts), so steps keep their width. A
 * compensation's row names the step it undoes; an undone step's bar is hatched. The timeline scrolls
 * within its own box, and the selected row is always scrolled into it.
 */
import { useEffect, useRef } from 'react';
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration } from '../format';
import { timeSpan, undoneSteps } from '../journal';
import { entrySpans, openWait, timeScale } from '../timeline-scale';
import { scrollWithin } from './scroll-within';
import './step-timeline.css';

export interface StepTimelineProps {
  run: ApiRun;
  entries: ApiJournalEntry[];
  /** The child run each child entry answered, by the entry's position. */
  childRuns: ReadonlyMap<number, ApiRun>;
  now: number;
  selected: number | undefined;
  onSelect(seq: number): void;
}

export function StepTimeline({ run, entries, childRuns, now, selected, onSelect }: StepTimelineProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const row = box.current?.querySelector<HTMLElement>(`.timeline-row[data-seq="${selected}"]`);
    const axis = box.current?.querySelector<HTMLElement>('.timeline-axis');
    if (box.current !== null && row !== null && row !== undefined) scrollWithin(box.current, row, axis?.offsetHeight ?? 0);
  }, [selected, entries.length]);

  const spans = entrySpans(run, entries, childRuns);
  const open = openWait(run, spans, now);
  if (entries.length === 0 && open === undefined) return <p className="muted">No steps yet: the timeline fills in as the run journals them.</p>;
  const span = timeSpan(run, entries, now);
  for (const s of spans.values()) span.start = Math.min(span.start, s.start);
  if (open !== undefined) span.end = Math.max(span.end, open.end);
  const busy = [...spans.values()].filter((s) => !s.waited);
  const marks = [...spans.values()].flatMap((s) => (s.waited ? [s.start, s.end] : []));
  if (open !== undefined) marks.push(open.start);
  const scale = timeScale(span, busy, marks);
  const undone = undoneSteps(entries);
  const breaks = scale.breaks.map((b) => <span key={b.left} className="timeline-break" style={{ left: `${b.left}%`, width: `${b.width}%` }} />);

  return (
    <div className="timeline" role="table" aria-label="Timeline" ref={box}>
      <div className="timeline-row timeline-axis" role="row">
        <span className="timeline-label" role="columnheader">
          step
        </span>
        <span className="timeline-track" role="columnheader">
          {scale.ticks.map((tick) => (
            <span key={tick.left} className="timeline-tick" style={{ left: `${tick.left}%` }}>
              {tick.label}
            </span>
          ))}
          {scale.breaks.map((b) => (
            <span
              key={b.left}
              className="timeline-break-label"
              style={{ left: `${b.left + b.width / 2}%` }}
              title={`${formatDuration(b.ms)} of waiting, drawn narrow`}
            >
              ≈ {formatDuration(b.ms)}
            </span>
          ))}
        </span>
        <span className="timeline-duration" role="columnheader">
          took
        </span>
      </div>
      {entries.map((entry) => {
        const times = spans.get(entry.seq)!;
        const undoneBy = undone.get(entry.seq);
        const took = times.end - times.start;
        const left = Math.min(scale.at(times.start), 99.6);
        const width = Math.max(scale.at(times.end) - left, 0.4);
        const what = times.waited ? `waited ${formatDuration(took)}` : formatDuration(took);
        return (
          <div
            key={entry.seq}
            role="row"
            className={`timeline-row${selected === entry.seq ? ' selected' : ''}`}
            data-seq={entry.seq}
            aria-selected={selected === entry.seq}
            onClick={() => onSelect(entry.seq)}
          >
            <span className="timeline-label" role="cell" title={entry.name}>
              <span className="muted">#{entry.seq}</span> {entry.kind === 'compensation' ? <span className="timeline-undo">↩ </span> : null}
              {entry.name}
            </span>
            <span className="timeline-track" role="cell">
              {breaks}
              <span
                className={`timeline-bar bar-${entry.status} bar-${entry.kind}${times.waited ? ' bar-wait' : ''}${undoneBy === undefined ? '' : ' bar-undone'}`}
                style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
                title={`${entry.name}: ${what}${entry.attempts > 1 ? `, ${entry.attempts} attempts` : ''}${
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
      {open === undefined ? null : (
        <div role="row" className="timeline-row timeline-open" aria-label="Open wait">
          <span className="timeline-label" role="cell" title={open.label}>
            <span className="muted">now</span> {open.label}
          </span>
          <span className="timeline-track" role="cell">
            {breaks}
            <span
              className="timeline-bar bar-wait bar-open"
              style={{ left: `${Math.min(scale.at(open.start), 99.6)}%`, width: `${Math.max(100 - Math.min(scale.at(open.start), 99.6), 0.4)}%` }}
              title={`${open.label}: ${formatDuration(open.end - open.start)} so far`}
            />
          </span>
          <span className="timeline-duration" role="cell">
            {formatDuration(open.end - open.start)}…
          </span>
        </div>
      )}
    </div>
  );
}
