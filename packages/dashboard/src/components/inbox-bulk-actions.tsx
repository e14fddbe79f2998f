/**
 * Approve or reject the inbox runs picked in the list. Each run is its own API call (its approval
 * signal, with its approver field set to the signed-in key's name), so the server checks and audits
 * each one; a run whose signal schema needs more than a bulk answer gives (a required field) is not
 * sent, and says why. Afterwards the bar says how many went through and why each other one did not.
 */
import { useState } from 'react';
import { callEach, type EachOutcome } from '../api/call-each';
import { useSession } from '../api/session';
import { plural } from '../format';
import { approvalSignal, bulkAnswer, type ApiInboxEntry } from '../views/inbox-list';
import { BulkBar } from './bulk-bar';
import { ConfirmDialog } from './confirm-dialog';

type Decision = 'approve' | 'reject';

interface BulkOutcome extends EachOutcome {
  decision: Decision;
}

export interface InboxBulkActionsProps {
  selected: readonly ApiInboxEntry[];
  onClear(): void;
  /** Called once the calls are made: the list reloads. */
  onDone(): void;
}

export function InboxBulkActions({ selected, onClear, onDone }: InboxBulkActionsProps) {
  const { client, identity } = useSession();
  const [open, setOpen] = useState<Decision | undefined>(undefined);
  const [comment, setComment] = useState('');
  const [result, setResult] = useState<BulkOutcome | undefined>(undefined);
  const answerable = selected.filter((entry) => approvalSignal(entry) !== undefined);
  const others = selected.length - answerable.length;

  const decide = async (decision: Decision): Promise<void> => {
    const checked = new Map(
      answerable.map((entry) => {
        const signal = approvalSignal(entry)!;
        return [entry.runId, { signal: signal.name, answer: bulkAnswer(signal.schema, decision === 'approve', identity.name, comment) }] as const;
      }),
    );
    const outcome = await callEach([...checked.keys()], async (runId) => {
      const { signal, answer } = checked.get(runId)!;
      if ('problem' in answer) {
        const message = `Its “${signal}” answer needs more than a bulk answer gives (${answer.problem}): open it and answer it alone.`;
        throw Object.assign(new Error(message), { code: 'BATON_INVALID_SIGNAL' });
      }
      await client.signal(runId, signal, answer.data);
    });
    setResult({ decision, ...outcome });
    setComment('');
    onClear();
    onDone();
  };

  return (
    <BulkBar
      label="Selected inbox runs"
      selected={selected.length}
      note={others === 0 ? '' : ` (${others} without an approve / reject answer: open ${others === 1 ? 'it' : 'them'} to answer)`}
      actions={
        <>
          <button type="button" className="button button-primary" disabled={answerable.length === 0} onClick={() => setOpen('approve')}>
            Approve {answerable.length}
          </button>
          <button type="button" className="button button-danger" disabled={answerable.length === 0} onClick={() => setOpen('reject')}>
            Reject {answerable.length}
          </button>
        </>
      }
      result={
        result === undefined
          ? undefined
          : { did: result.decision === 'approve' ? 'Approved' : 'Rejected', outcome: result, onDismiss: () => setResult(undefined) }
      }
      onClear={onClear}
    >
      {open === undefined ? null : (
        <ConfirmDialog
          title={`${open === 'approve' ? 'Approve' : 'Reject'} ${plural(answerable.length, 'run')}?`}
          confirmLabel={`${open === 'approve' ? 'Approve' : 'Reject'} runs`}
          danger={open === 'reject'}
          onClose={() => setOpen(undefined)}
          onConfirm={() => decide(open)}
        >
          <p>
            Each run gets its own answer, sent as <strong>{identity.name}</strong>, and continues with it; it cannot be taken back. A run whose answer needs
            more than this (a required field) is left waiting and listed with why.
          </p>
          <label className="field">
            <span>Comment (optional; sent to the runs whose answer has a comment)</span>
            <textarea name="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
        </ConfirmDialog>
      )}
    </BulkBar>
  );
}
