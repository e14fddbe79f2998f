/**
 * A run's replay checks: what replaying its journal against candidate code found, as reported by a
 * process that had the code (`baton replay --report`). Latest check first: the candidate, when and by
 * whom, and whether the run replays or where the code first parts from the journal (the position,
 * what the journal holds there, what the code asks for instead, and the code's source line).
 * Nothing shows for a run no check has covered.
 */
import type { ApiRunReplay } from '@baton/server/client';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { formatTime } from '../format';
import { ErrorState } from './states';

export interface ReplayResultsProps {
  runId: string;
  /** Reloads when this changes (the run's journal grew). */
  version: unknown;
  onSelect(seq: number): void;
}

const ENDED: Record<string, string> = {
  returned: 'replays to its end',
  threw: 'replays to its failure',
  frontier: 'replays up to where it is now',
};

export function ReplayResults({ runId, version, onSelect }: ReplayResultsProps) {
  const { client } = useSession();
  const loaded = useLoad(() => client.replays.forRun(runId), [client, runId, version]);
  if (loaded.value === undefined) {
    return loaded.error === undefined ? null : <ErrorState error={loaded.error} title="The run's replay checks could not be loaded" onRetry={loaded.reload} />;
  }
  const replays = loaded.value;
  if (replays.length === 0) return null;
  const diverged = replays.filter((r) => !r.result.ok).length;
  return (
    <section className="card replay-results" aria-label="Replay checks">
      <div className="card-head">
        <h2>Replay checks</h2>
        <span className="muted small">candidate code replayed against this run’s journal, latest first</span>
        {replays[0]!.result.ok ? null : <span className="tag tag-danger">the latest check diverges</span>}
      </div>
      <div className="table-wrap table-wrap-flat">
        <table className="table">
          <thead>
            <tr>
              <th>Candidate</th>
              <th>Checked</th>
              <th>Result</th>
              <th>Position</th>
              <th>Journaled</th>
              <th>Code asks for</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {replays.map((replay) => (
              <ReplayRow key={replay.check.id} replay={replay} onSelect={onSelect} />
            ))}
          </tbody>
        </table>
      </div>
      {diverged === 0 ? null : (
        <p className="muted small">
          A run that diverges cannot move to that code: it would stop with BATON_NON_DETERMINISM where the code parts from its journal.
        </p>
      )}
    </section>
  );
}

function ReplayRow({ replay, onSelect }: { replay: ApiRunReplay; onSelect(seq: number): void }) {
  const { check, result } = replay;
  const head = (
    <>
      <td className="mono" title={`check ${check.id}, by ${check.by}`}>
        {check.candidate}
      </td>
      <td title={check.checkedAt}>{formatTime(check.checkedAt)}</td>
    </>
  );
  if (result.ok) {
    return (
      <tr data-check={check.id} data-ok="true">
        {head}
        <td>
          <span className="status status-completed">ok</span> <span className="muted small">{ENDED[result.ended] ?? result.ended}</span>
        </td>
        <td className="num muted">{result.positions}</td>
        <td className="muted">—</td>
        <td className="muted">—</td>
        <td className="muted">—</td>
      </tr>
    );
  }
  const d = result.divergence;
  return (
    <tr data-check={check.id} data-ok="false" title={d.message}>
      {head}
      <td>
        <span className="status status-failed">diverged</span> <span className="muted small">{d.code}</span>
      </td>
      <td className="num">
        {d.seq === 0 ? (
          <span title="The run's input no longer fits the code">input</span>
        ) : (
          <button type="button" className="link-button" onClick={() => onSelect(d.seq)} title="Show the journal entry">
            #{d.seq}
          </button>
        )}
      </td>
      <td className="mono">{d.journaled}</td>
      <td className="mono">{d.requested}</td>
      <td className="mono small">{d.source ?? <span className="muted">unknown</span>}</td>
    </tr>
  );
}
