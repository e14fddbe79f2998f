/**
 * What an operator may do to a run: cancel (with a reason), retry from the failed step, resume,
 * send a signal. Each asks first; the server checks the key's role and records the change in the
 * audit log. A viewer sees none of them.
 */
import { useState } from 'react';
import { fromTypedJson, type ApiRun } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { ConfirmDialog } from './confirm-dialog';

type Action = 'cancel' | 'retry' | 'resume' | 'signal';

export function RunActions({ run, failedStep, onDone }: { run: ApiRun; failedStep: string | undefined; onDone(): void }) {
  const { client } = useSession();
  const allowed = useCan('operator');
  const [open, setOpen] = useState<Action | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [signalName, setSignalName] = useState(run.waitingFor?.signals[0] ?? '');
  const [payload, setPayload] = useState('');
  if (!allowed) return null;

  const ended = run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled';
  const close = (): void => setOpen(undefined);

  return (
    <div className="actions" role="toolbar" aria-label="Run actions">
      {ended ? null : (
        <button type="button" className="button" onClick={() => setOpen('signal')}>
          Send signal
        </button>
      )}
      {run.status === 'failed' ? (
        <>
          <button type="button" className="button button-primary" onClick={() => setOpen('retry')}>
            Retry
          </button>
          <button type="button" className="button" onClick={() => setOpen('resume')}>
            Resume
          </button>
        </>
      ) : null}
      {ended ? null : (
        <button type="button" className="button button-danger" onClick={() => setOpen('cancel')}>
          Cancel run
        </button>
      )}

      {open === 'cancel' ? (
        <ConfirmDialog
          title="Cancel this run?"
          confirmLabel="Cancel run"
          danger
          onClose={close}
          onConfirm={async () => {
            await client.cancel(run.id, reason.trim() === '' ? undefined : reason.trim());
            onDone();
          }}
        >
          <p>
            The running step is aborted, waits end at once, child runs are cancelled and completed steps with a compensation are undone, newest first. This
            cannot be taken back.
          </p>
          <label className="field">
            <span>Reason (kept in the run and the audit log)</span>
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        </ConfirmDialog>
      ) : null}
      {open === 'retry' ? (
        <ConfirmDialog
          title="Retry this run?"
          confirmLabel="Retry"
          onClose={close}
          onConfirm={async () => {
            await client.retry(run.id);
            onDone();
          }}
        >
          <p>
            The run starts again from its failed step{failedStep === undefined ? '' : ` (${failedStep})`}: the steps that completed are not run again, their
            journaled results are reused.
          </p>
        </ConfirmDialog>
      ) : null}
      {open === 'resume' ? (
        <ConfirmDialog
          title="Resume this run?"
          confirmLabel="Resume"
          onClose={close}
          onConfirm={async () => {
            await client.resume(run.id);
            onDone();
          }}
        >
          <p>The run continues where it stopped, replaying its journal against the workflow code deployed now (after fixing a non-determinism error, say).</p>
        </ConfirmDialog>
      ) : null}
      {open === 'signal' ? (
        <ConfirmDialog
          title="Send a signal"
          confirmLabel="Send"
          onClose={close}
          onConfirm={async () => {
            let data: unknown;
            if (payload.trim() !== '') {
              try {
                data = fromTypedJson(JSON.parse(payload));
              } catch (error) {
                throw Object.assign(new Error(`The payload is not JSON: ${(error as Error).message}`), { code: 'BATON_INVALID_ARGUMENT' });
              }
            }
            await client.signal(run.id, signalName.trim(), data);
            onDone();
          }}
        >
          <label className="field">
            <span>Name</span>
            <input name="signal-name" required value={signalName} onChange={(e) => setSignalName(e.target.value)} list="signal-names" />
            <datalist id="signal-names">
              {(run.waitingFor?.signals ?? []).map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Payload (JSON, optional)</span>
            <textarea
              name="signal-payload"
              rows={5}
              className="mono"
              placeholder='{ "approved": true }'
              value={payload}
              onChange={(e) => setPayload(e.target.value)}
            />
          </label>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
