/**
 * "Run now" for a schedule (admins): what its overlap policy makes of it, asked before; the run it
 * started (or the refusal, with its code) is what the caller hears.
 */
import type { ApiSchedule } from '@baton/server/client';
import { useSession } from '../api/session';
import { ConfirmDialog } from './confirm-dialog';

const POLICY: Record<ApiSchedule['overlap'], string> = {
  skip: 'Its overlap policy is skip: while its last run is still going, this is refused.',
  buffer: 'Its overlap policy is buffer: while its last run is still going, the new run waits for it to end (one at most).',
  allow: 'Its overlap policy is allow: the new run starts beside any still going.',
};

export function RunNowDialog({
  schedule,
  onStarted,
  onClose,
}: {
  schedule: ApiSchedule;
  onStarted(result: { runId: string; heldAfter?: string }): void;
  onClose(): void;
}) {
  const { client } = useSession();
  return (
    <ConfirmDialog
      title={`Run schedule ${schedule.id} now?`}
      confirmLabel="Run now"
      onClose={onClose}
      onConfirm={async () => onStarted(await client.schedule.runNow(schedule.id))}
    >
      <p>
        A run of <strong>{schedule.workflow}</strong> starts now with the schedule’s input, as a tick would; its next tick stays as it is.
      </p>
      <p>{POLICY[schedule.overlap]}</p>
    </ConfirmDialog>
  );
}
