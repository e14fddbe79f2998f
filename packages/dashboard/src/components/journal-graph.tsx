/**
 * The journal as a graph: stages top to bottom in the order the run took them; entries that ran at
 * the same time sit side by side as parallel branches. Compensations (saga) follow under their own
 * cap, each pointing back at the step it undoes, and an undone step says what undid it. The last
 * node says what the run is doing now (running, waiting for a signal, a child, a timer, undoing
 * steps). Selecting a node shows its details.
 */
import { Fragment, useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration, formatTime, shortId } from '../format';
import { compensatedName, escalationNote, KIND_LABELS, llmOutputOf, stagesOf, undoneSteps } from '../journal';
import { describeWaits, entrySpans, type EntrySpan } from '../timeline-scale';
import { scrollWithin } from './scroll-within';
import './journal-graph.css';

export interface JournalGraphProps {
  run: ApiRun;
  entries: ApiJournalEntry[];
  /** The child run each child entry answered, by the entry's position. */
  childRuns: ReadonlyMap<number, ApiRun>;
  selected: number | undefined;
  onSelect(seq: number): void;
}

export function JournalGraph({ run, entries, childRuns, selected, onSelect }: JournalGraphProps) {
  const stages = stagesOf(entries);
  const spans = entrySpans(run, entries, childRuns);
  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  const undone = undoneSteps(entries);
  const firstCompensation = entries.find((entry) => entry.kind === 'compensation')?.seq;
  const box = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const node = box.current?.querySelector<HTMLElement>(`.graph-node[data-seq="${selected}"]`);
    if (box.current !== null && node !== null && node !== undefined) scrollWithin(box.current, node);
  }, [selected, entries.length]);
  return (
    <ol className="graph" aria-label="Journal graph" ref={box}>
      <li className="graph-stage graph-terminal">
        <span className="graph-cap">start · {formatTime(run.startedAt ?? run.createdAt)}</span>
      </li>
      {stages.map((stage) => {
        const first = stage.entries[0]!;
        return (
          <Fragment key={first.seq}>
            {first.seq === firstCompensation ? <CompensationCap /> : null}
            <li className={stage.entries.length > 1 ? 'graph-stage graph-parallel' : 'graph-stage'}>
              {stage.entries.length > 1 ? <span className="graph-fork">parallel ×{stage.entries.length}</span> : null}
              <div className="graph-branches">
                {stage.entries.map((entry) => (
                  <GraphNode
                    key={entry.seq}
                    entry={entry}
                    child={childRuns.get(entry.seq)}
                    span={spans.get(entry.seq)!}
                    undoes={entry.compensates === undefined ? undefined : bySeq.get(entry.compensates)}
                    undoneBy={undone.get(entry.seq)}
                    selected={selected === entry.seq}
                    onSelect={onSelect}
                  />
                ))}
              </div>
            </li>
          </Fragment>
        );
      })}
      {firstCompensation === undefined && run.compensating ? <CompensationCap /> : null}
      <PendingNode run={run} />
    </ol>
  );
}

/** Where the run turned back: from here on it undoes completed steps, latest first. */
function CompensationCap() {
  return (
    <li className="graph-stage graph-saga">
      <span className="graph-cap cap-compensating">↩ compensating · latest step first</span>
    </li>
  );
}

interface GraphNodeProps {
  entry: ApiJournalEntry;
  child: ApiRun | undefined;
  /** When it ran, or how long it waited. */
  span: EntrySpan;
  /** For a compensation: the step it undoes. */
  undoes: ApiJournalEntry | undefined;
  /** For an undone step: the compensation that undid it (or failed to). */
  undoneBy: ApiJournalEntry | undefined;
  selected: boolean;
  onSelect(seq: number): void;
}

function GraphNode({ entry, child, span, undoes, undoneBy, selected, onSelect }: GraphNodeProps) {
  const llm = llmOutputOf(entry);
  const undoneClass = undoneBy === undefined ? '' : undoneBy.status === 'failed' ? ' node-undo-failed' : ' node-undone';
  return (
    <div className={`graph-node node-${entry.status} kind-${entry.kind}${undoneClass}${selected ? ' selected' : ''}`} data-seq={entry.seq}>
      <button type="button" className="graph-node-button" onClick={() => onSelect(entry.seq)} aria-pressed={selected} title={`#${entry.seq} ${entry.name}`}>
        <span className="graph-node-kind">
          {llm === undefined ? (KIND_LABELS[entry.kind] ?? entry.kind) : 'llm'} #{entry.seq}
        </span>
        <span className="graph-node-name">{escalationNote(entry) ?? entry.name}</span>
        <span className="graph-node-meta">
          {entry.status === 'failed' ? 'failed · ' : ''}
          {span.waited ? `waited ${formatDuration(span.end - span.start)}` : formatDuration(span.end - span.start)}
          {entry.attempts > 1 ? ` · ${entry.attempts} attempts` : ''}
        </span>
      </button>
      {entry.compensates === undefined ? null : (
        <button type="button" className="graph-node-undo" onClick={() => onSelect(entry.compensates!)} title={`Show step #${entry.compensates}`}>
          ↩ undoes #{entry.compensates} {undoes?.name ?? compensatedName(entry)}
        </button>
      )}
      {undoneBy === undefined ? null : (
        <button type="button" className="graph-node-undo" onClick={() => onSelect(undoneBy.seq)} title={`Show compensation #${undoneBy.seq}`}>
          {undoneBy.status === 'failed' ? `⚠ undo failed (#${undoneBy.seq})` : `↩ undone by #${undoneBy.seq}`}
        </button>
      )}
      {child === undefined ? null : (
        <Link className="graph-node-link" to={`/runs/${encodeURIComponent(child.id)}`}>
          → {shortId(child.id, 24)}
        </Link>
      )}
    </div>
  );
}

function PendingNode({ run }: { run: ApiRun }) {
  if (run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled') {
    return (
      <li className="graph-stage graph-terminal">
        <span className={`graph-cap cap-${run.status}`}>
          {run.status}
          {run.endedAt === undefined ? '' : ` · ${formatTime(run.endedAt)}`}
        </span>
      </li>
    );
  }
  const waits = describeWaits(run);
  const doing = run.compensating
    ? 'undoing completed steps…'
    : run.status === 'waiting'
      ? waits.length === 0
        ? 'waiting'
        : `waiting for ${waits.join(', ')}`
      : run.status === 'queued'
        ? 'queued'
        : 'running…';
  return (
    <li className="graph-stage">
      <div className="graph-node node-pending">
        <span className="graph-node-kind">now</span>
        <span className="graph-node-name">{doing}</span>
        {(run.waitingFor?.children ?? []).map((id) => (
          <Link key={id} className="graph-node-link" to={`/runs/${encodeURIComponent(id)}`}>
            → {shortId(id, 24)}
          </Link>
        ))}
      </div>
    </li>
  );
}
