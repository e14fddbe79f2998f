/**
 * A run of a definition on the definition's graph: each task coloured by its state from the run's
 * journal, with a legend. A click on a task picks its latest journal entry (shown in the journal's
 * details) and lists all of its entries. For a run of a workflow that is not a definition (the
 * server knows no definition by its name and version) it draws nothing.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { describeError } from '../api/errors';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { taskStates } from '../definition-states';
import { plural } from '../format';
import { ErrorState, Loading } from './states';
import { StatusBadge } from './status-badge';

const DefinitionGraphView = lazy(() => import('./definition-graph'));

export interface DefinitionRunGraphProps {
  run: ApiRun;
  journal: readonly ApiJournalEntry[];
  /** Picks an entry for the journal's details, where they are. */
  onSelect(seq: number): void;
  /** Picks an entry and brings the journal's details into view. */
  onOpen(seq: number): void;
}

export function DefinitionRunGraph({ run, journal, onSelect, onOpen }: DefinitionRunGraphProps) {
  const { client } = useSession();
  const graph = useLoad(() => client.definitionGraph(run.workflow, run.version), [client, run.workflow, run.version]);
  const states = useMemo(() => (graph.value === undefined ? undefined : taskStates(graph.value, run, journal)), [graph.value, run, journal]);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  if (graph.error !== undefined) {
    if (describeError(graph.error).code === 'BATON_DEFINITION_NOT_FOUND') return null;
    return <ErrorState error={graph.error} title="The definition’s graph could not be loaded" onRetry={graph.reload} />;
  }
  if (graph.value === undefined || states === undefined) return null;
  const pickedEntries =
    picked === undefined ? [] : (states.get(picked)?.seqs ?? []).map((seq) => journal.find((e) => e.seq === seq)).filter((e) => e !== undefined);
  return (
    <section className="card definition-run" aria-label="Definition graph">
      <h2>Definition</h2>
      <Suspense fallback={<Loading what="the graph" />}>
        <DefinitionGraphView
          graph={graph.value}
          states={states}
          selected={picked}
          onSelect={(id) => {
            setPicked(id);
            const last = states.get(id)?.seqs.at(-1);
            if (last !== undefined) onSelect(last);
          }}
        />
      </Suspense>
      {picked === undefined ? (
        <p className="hint">Pick a task to see its journal entries.</p>
      ) : (
        <div className="definition-task-entries" data-task-entries={picked}>
          <h3 className="mono">{picked}</h3>
          {pickedEntries.length === 0 ? (
            <p className="muted">{states.get(picked)?.state === undefined ? 'This task has not run.' : 'This task journaled nothing of its own.'}</p>
          ) : (
            <table className="table table-compact" aria-label={`Journal entries of ${picked}`}>
              <tbody>
                {pickedEntries.map((entry) => (
                  <tr key={entry.seq} onClick={() => onOpen(entry.seq)} className="pickable">
                    <td className="muted">#{entry.seq}</td>
                    <td>{entry.name}</td>
                    <td>
                      <StatusBadge status={entry.status} />
                    </td>
                    <td className="muted">{plural(entry.attempts, 'attempt')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
