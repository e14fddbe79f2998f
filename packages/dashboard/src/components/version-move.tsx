/**
 * Moving a workflow's runs in flight to another version, for admins: choose the versions, see a dry
 * run (which runs would move, which the new code cannot replay and where they diverge), then move
 * those that would. The server checks with its own code, so it must have been started with the new
 * version's code; otherwise it says so (BATON_WORKFLOW_VERSION_NOT_LOADED).
 */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { ApiMigration } from '@baton/server/client';
import { describeError } from '../api/errors';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { shortId } from '../format';
import { ConfirmDialog } from './confirm-dialog';

export function VersionMove({ workflow, currentVersion, onMoved }: { workflow: string; currentVersion: string; onMoved(): void }) {
  const admin = useCan('admin');
  if (!admin) return null;
  return <VersionMoveForm workflow={workflow} currentVersion={currentVersion} onMoved={onMoved} />;
}

function VersionMoveForm({ workflow, currentVersion, onMoved }: { workflow: string; currentVersion: string; onMoved(): void }) {
  const { client } = useSession();
  // The versions runs in flight are on, other than the target: where runs may move from.
  const inFlight = useLoad(() => client.list({ workflow, status: ['queued', 'waiting', 'running'], limit: 200 }), [client, workflow]);
  const [to, setTo] = useState(currentVersion);
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [check, setCheck] = useState<ApiMigration | undefined>(undefined);
  const [moved, setMoved] = useState<ApiMigration | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const others = [...new Set((inFlight.value?.runs ?? []).map((r) => r.version).filter((v) => v !== '' && v !== to))];
  const fromVersion = from ?? others[0] ?? '';

  const runCheck = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setMoved(undefined);
    try {
      setCheck(await client.migrate(workflow, { fromVersion, toVersion: to, dryRun: true }));
    } catch (caught) {
      setCheck(undefined);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const problem = error === undefined ? undefined : describeError(error);

  return (
    <section className="card version-move" aria-label="Move runs to another version">
      <h2>Move runs to version {to || '…'}</h2>
      <p className="hint">
        Each run’s journal is replayed on the new version’s code first; only runs that replay move, at their next wait. The others stay as they are.
      </p>
      <form onSubmit={(event) => void runCheck(event)} className="start-options">
        <label className="field">
          <span>From version</span>
          <input name="move-from" list="move-from-versions" value={fromVersion} onChange={(e) => setFrom(e.target.value)} required />
          <datalist id="move-from-versions">
            {others.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>To version</span>
          <input name="move-to" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <button type="submit" className="button" disabled={busy || fromVersion === '' || to === ''}>
          {busy ? 'Checking…' : 'Check runs (dry run)'}
        </button>
      </form>
      {problem === undefined ? null : (
        <div className="state state-error" role="alert">
          {problem.code === undefined ? null : <code className="error-code">{problem.code}</code>} {problem.message}
        </div>
      )}
      {moved !== undefined ? (
        <p className="hint" role="status">
          Moved {moved.moved.length} run{moved.moved.length === 1 ? '' : 's'} to version {moved.toVersion}
          {moved.skipped.length + moved.refused.length === 0 ? '.' : `; ${moved.skipped.length + moved.refused.length} did not move (see below).`}
        </p>
      ) : null}
      {check === undefined && moved === undefined ? null : <MigrationTable result={moved ?? check!} />}
      {check !== undefined && moved === undefined && check.moved.length > 0 ? (
        <button type="button" className="button button-primary" onClick={() => setConfirming(true)}>
          Move {check.moved.length} run{check.moved.length === 1 ? '' : 's'} to version {check.toVersion}
        </button>
      ) : null}
      {confirming && check !== undefined ? (
        <ConfirmDialog
          title={`Move ${check.moved.length} run${check.moved.length === 1 ? '' : 's'} to version ${check.toVersion}?`}
          confirmLabel="Move runs"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const result = await client.migrate(workflow, {
              fromVersion: check.fromVersion,
              toVersion: check.toVersion,
              runIds: check.moved.map((m) => m.runId),
            });
            setMoved(result);
            onMoved();
          }}
        >
          <p>Their next execution runs version {check.toVersion}’s code from where they stopped. A run that changed since the check is checked again.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function MigrationTable({ result }: { result: ApiMigration }) {
  const rows = [
    ...result.moved.map((m) => ({ runId: m.runId, outcome: result.dryRun ? 'would move' : 'moved', detail: `${m.status}, ${m.positions} positions replay` })),
    ...result.refused.map((r) => ({
      runId: r.runId,
      outcome: 'refused',
      detail: `at position ${r.divergence.seq}: the journal holds ${r.divergence.journaled}, the new code asks for ${r.divergence.requested}${r.divergence.source === undefined ? '' : ` (${r.divergence.source})`}`,
    })),
    ...result.skipped.map((s) => ({ runId: s.runId, outcome: 'skipped', detail: s.reason })),
  ];
  if (rows.length === 0) return <p className="hint">No run of version {result.fromVersion} is in flight.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact" aria-label="Version move">
        <thead>
          <tr>
            <th>Run</th>
            <th>Result</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.runId} data-run-id={row.runId} data-outcome={row.outcome}>
              <td>
                <Link to={`/runs/${encodeURIComponent(row.runId)}`} className="mono" title={row.runId}>
                  {shortId(row.runId)}
                </Link>
              </td>
              <td>{row.outcome}</td>
              <td>{row.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
