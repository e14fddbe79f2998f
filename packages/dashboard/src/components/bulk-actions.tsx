/**
 * Actions on the runs picked in the list: cancel those not ended, retry the failed ones. Each run is
 * its own API call, so the server checks and audits each one; afterwards the bar says how many went
 * through and, for each refused run, why (a run that ended in the meantime, say).
 */
import { useState } from 'react';
import type { ApiRun } from '@baton/server/client';
import { useSession } from '../api/session';
import { BulkBar } from './bulk-bar';
import { ConfirmDialog } from './confirm-dialog';
import { callEach, type EachOutcome } from '../api/call-each';
import { plural } from '../format';

type BulkAction = 'cancel' | 'retry';

interface BulkOutcome extends EachOutcome {
  action: BulkAction;
}

const ENDED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

export interface BulkActionsProps {
  selected: readonly ApiRun[];
  onClear(): void;
  /** Called once the calls are made: the list reloads. */
  onDone(): void;
}

export function BulkActions({ selected, onClear, onDone }: BulkActionsProps) {
  const { client } = useSession();
  const [open, setOpen] = useState<BulkAction | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<BulkOutcome | undefined>(undefined);
  const cancellable = selected.filter((run) => !ENDED.has(run.status));
  const retryable = selected.filter((run) => run.status === 'failed');

  const run = async (action: BulkAction, runs: readonly ApiRun[]): Promise<void> => {
    const why = reason.trim() === '' ? undefined : reason.trim();
    const ids = runs.map((r) => r.id);
    const outcome = await callEach(ids, (id) => (action === 'cancel' ? client.cancel(id, why) : client.retry(id)));
    setResult({ action, ...outcome });
    setReason('');
    onClear();
    onDone();
  };

  return (
    <BulkBar
      label="Selected runs"
      selected={selected.length}
      actions={
        <>
          <button type="button" className="button button-primary" disabled={retryable.length === 0} onClick={() => setOpen('retry')}>
            Retry {retryable.length} failed
          </button>
          <button type="button" className="button button-danger" disabled={cancellable.length === 0} onClick={() => setOpen('cancel')}>
            Cancel {cancellable.length} not ended
          </button>
        </>
      }
      result={
        result === undefined
          ? undefined
          : { did: result.action === 'cancel' ? 'Cancelled' : 'Queued again', outcome: result, onDismiss: () => setResult(undefined) }
      }
      onClear={onClear}
    >
      {open === 'cancel' ? (
        <ConfirmDialog
          title={`Cancel ${plural(cancellable.length, 'run')}?`}
          confirmLabel="Cancel runs"
          danger
          onClose={() => setOpen(undefined)}
          onConfirm={() => run('cancel', cancellable)}
        >
          <p>
            Each run’s running step is aborted, its waits end, its child runs are cancelled and its completed steps with a compensation are undone. Runs that
            ended are left as they are. This cannot be taken back.
          </p>
          <label className="field">
            <span>Reason (kept in each run and the audit log)</span>
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        </ConfirmDialog>
      ) : null}
      {open === 'retry' ? (
        <ConfirmDialog
          title={`Retry ${plural(retryable.length, 'failed run')}?`}
          confirmLabel="Retry runs"
          onClose={() => setOpen(undefined)}
          onConfirm={() => run('retry', retryable)}
        >
          <p>Each failed run starts again from its failed step: the steps that completed are not run again, their journaled results are reused.</p>
        </ConfirmDialog>
      ) : null}
    </BulkBar>
  );
}
