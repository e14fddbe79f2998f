/**
 * The journal as a graph: stages top to bottom in the order the run took them; entries that ran at
 * the same time sit side by side as parallel branches. The last node says what the run is doing now
 * (running, waiting for a signal, a child, a timer). Selecting a node shows its details.
 */
import { Link } from 'react-router-dom';
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration, formatTime, shortId } from '../format';
import { childOf, entryTimes, KIND_LABELS, llmOutputOf, stagesOf } from '../journal';

export interface JournalGraphProps {
  run: ApiRun;
  entries: ApiJournalEntry[];
  childRuns: ApiRun[];
  selected: number | undefined;
  onSelect(seq: number): void;
}

export function JournalGraph({ run, entries, childRuns, selected, onSelect }: JournalGraphProps) {
  const stages = stagesOf(entries);
  return (
    <ol className="graph" aria-label="Journal graph">
      <li className="graph-stage graph-terminal">
        <span className="graph-cap">start · {formatTime(run.startedAt ?? run.createdAt)}</span>
      </li>
      {stages.map((stage) => (
        <li key={stage.entries[0]!.seq} className={stage.entries.length > 1 ? 'graph-stage graph-parallel' : 'graph-stage'}>
          {stage.entries.length > 1 ? <span className="graph-fork">parallel ×{stage.entries.length}</span> : null}
          <div className="graph-branches">
            {stage.entries.map((entry) => (
              <GraphNode
                key={entry.seq}
                entry={entry}
                child={childOf(entry, run, childRuns)}
                selected={selected === entry.seq}
                onSelect={() => onSelect(entry.seq)}
              />
            ))}
          </div>
        </li>
      ))}
      <PendingNode run={run} />
    </ol>
  );
}

function GraphNode({ entry, child, selected, onSelect }: { entry: ApiJournalEntry; child: ApiRun | undefined; selected: boolean; onSelect(): void }) {
  const llm = llmOutputOf(entry);
  const times = entryTimes(entry, child);
  return (
    <div className={`graph-node node-${entry.status} kind-${entry.kind}${selected ? ' selected' : ''}`} data-seq={entry.seq}>
      <button type="button" className="graph-node-button" onClick={onSelect} aria-pressed={selected} title={`#${entry.seq} ${entry.name}`}>
        <span className="graph-node-kind">
          {llm === undefined ? (KIND_LABELS[entry.kind] ?? entry.kind) : 'llm'} #{entry.seq}
        </span>
        <span className="graph-node-name">{entry.name}</span>
        <span className="graph-node-meta">
          {entry.status === 'failed' ? 'failed · ' : ''}
          {formatDuration(times.end - times.start)}
          {entry.attempts > 1 ? ` · ${entry.attempts} attempts` : ''}
          {entry.compensates === undefined ? '' : ` · undoes #${entry.compensates}`}
        </span>
      </button>
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
  const waits: string[] = [];
  for (const name of run.waitingFor?.signals ?? []) waits.push(`signal “${name}”`);
  for (const id of run.waitingFor?.children ?? []) waits.push(`child run ${shortId(id, 24)}`);
  if (run.wakeAt !== undefined) waits.push(`a timer until ${formatTime(run.wakeAt)}`);
  return (
    <li className="graph-stage">
      <div className="graph-node node-pending">
        <span className="graph-node-kind">now</span>
        <span className="graph-node-name">
          {run.status === 'waiting' ? (waits.length === 0 ? 'waiting' : `waiting for ${waits.join(', ')}`) : run.status === 'queued' ? 'queued' : 'running…'}
        </span>
        {(run.waitingFor?.children ?? []).map((id) => (
          <Link key={id} className="graph-node-link" to={`/runs/${encodeURIComponent(id)}`}>
            → {shortId(id, 24)}
          </Link>
        ))}
      </div>
    </li>
  );
}
