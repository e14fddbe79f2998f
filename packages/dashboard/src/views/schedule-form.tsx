/**
 * A new schedule (admins): workflow, cron, time zone, input (JSON), overlap and catch-up policies
 * (and the most missed ticks a backfill fires), and whether it starts paused — all the API takes.
 * It is made after a confirmation that repeats them; the server checks the cron, the zone and the
 * input against the workflow's schema, and the dialog shows what it refused.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { ApiScheduleOptions } from '@baton/server/client';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { JsonView } from '../components/json-view';
import { viewerTimeZone } from '../components/zoned-time';

type Overlap = NonNullable<ApiScheduleOptions['overlap']>;
type Catchup = NonNullable<ApiScheduleOptions['catchup']>;

const OVERLAP: [Overlap, string][] = [
  ['skip', 'skip a tick while the last run goes on'],
  ['buffer', 'keep one run waiting its turn'],
  ['allow', 'runs side by side'],
];
const CATCHUP: [Catchup, string][] = [
  ['none', 'none: ticks missed while down do not fire'],
  ['latest', 'latest missed tick fires'],
  ['all', 'all missed ticks fire (backfill)'],
];

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

interface Draft {
  id: string;
  workflow: string;
  cron: string;
  timezone: string;
  input: string;
  overlap: Overlap;
  catchup: Catchup;
  catchupLimit: string;
  paused: boolean;
}

export function ScheduleForm({ onCreated }: { onCreated(id: string): void }) {
  const { client } = useSession();
  const workflows = useLoad(() => client.workflows(), [client]);
  const names = [...new Set((workflows.value ?? []).map((w) => w.name))].sort();
  const zones = useMemo(timeZones, []);
  const [draft, setDraft] = useState<Draft>({
    id: '',
    workflow: '',
    cron: '0 3 * * *',
    timezone: viewerTimeZone(),
    input: '',
    overlap: 'skip',
    catchup: 'none',
    catchupLimit: '100',
    paused: false,
  });
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [pending, setPending] = useState<{ input: unknown } | undefined>(undefined);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => setDraft((d) => ({ ...d, [key]: value }));

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    let input: unknown;
    if (draft.input.trim() !== '') {
      try {
        input = JSON.parse(draft.input) as unknown;
      } catch (error) {
        setProblem(`The input is not valid JSON: ${(error as Error).message}`);
        return;
      }
    }
    setProblem(undefined);
    setPending({ input });
  };

  return (
    <details className="card">
      <summary>
        <strong>New schedule</strong>
      </summary>
      <form className="create-form" onSubmit={submit} aria-label="New schedule">
        <label className="field">
          <span>Id</span>
          <input name="schedule-id" required maxLength={200} placeholder="nightly-report" value={draft.id} onChange={(e) => set('id', e.target.value)} />
        </label>
        <label className="field">
          <span>Workflow</span>
          <input name="schedule-workflow" required list="schedule-workflows" value={draft.workflow} onChange={(e) => set('workflow', e.target.value)} />
          <datalist id="schedule-workflows">
            {names.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>
            Cron <span className="muted">(minute hour day month weekday)</span>
          </span>
          <input name="schedule-cron" required className="mono" value={draft.cron} onChange={(e) => set('cron', e.target.value)} />
        </label>
        <label className="field">
          <span>Time zone</span>
          <input name="schedule-timezone" required list="schedule-zones" value={draft.timezone} onChange={(e) => set('timezone', e.target.value)} />
          <datalist id="schedule-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>
            Input <span className="muted">(JSON, optional)</span>
          </span>
          <textarea name="schedule-input" value={draft.input} onChange={(e) => set('input', e.target.value)} />
        </label>
        <label className="field">
          <span>Overlap</span>
          <select name="schedule-overlap" value={draft.overlap} onChange={(e) => set('overlap', e.target.value as Overlap)}>
            {OVERLAP.map(([value, label]) => (
              <option key={value} value={value}>
                {value}: {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Catch-up</span>
          <select name="schedule-catchup" value={draft.catchup} onChange={(e) => set('catchup', e.target.value as Catchup)}>
            {CATCHUP.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {draft.catchup === 'all' ? (
          <label className="field">
            <span>At most</span>
            <input
              type="number"
              name="schedule-catchup-limit"
              min={1}
              max={10_000}
              required
              value={draft.catchupLimit}
              onChange={(e) => set('catchupLimit', e.target.value)}
            />
          </label>
        ) : null}
        <label className="field">
          <span>Paused</span>
          <input type="checkbox" name="schedule-paused" checked={draft.paused} onChange={(e) => set('paused', e.target.checked)} />
        </label>
        <button type="submit" className="button button-primary">
          Create schedule
        </button>
        {problem === undefined ? null : (
          <div className="dialog-error" role="alert">
            {problem}
          </div>
        )}
      </form>
      {pending === undefined ? null : (
        <ConfirmDialog
          title={`Create schedule ${draft.id}?`}
          confirmLabel="Create schedule"
          onClose={() => setPending(undefined)}
          onConfirm={async () => {
            const created = await client.schedule.create({
              id: draft.id.trim(),
              workflow: draft.workflow.trim(),
              cron: draft.cron.trim(),
              timezone: draft.timezone.trim(),
              overlap: draft.overlap,
              catchup: draft.catchup,
              ...(draft.catchup === 'all' ? { catchupLimit: Number(draft.catchupLimit) } : {}),
              paused: draft.paused,
              ...(pending.input === undefined ? {} : { input: pending.input }),
            });
            onCreated(created.id);
          }}
        >
          <p>
            <strong>{draft.workflow}</strong> runs at <code>{draft.cron}</code> in {draft.timezone} (overlap {draft.overlap}, catch-up {draft.catchup}
            {draft.catchup === 'all' ? `, at most ${draft.catchupLimit}` : ''}){draft.paused ? ', paused until resumed' : ''}, with this input:
          </p>
          <JsonView value={pending.input ?? null} label="Schedule input" />
        </ConfirmDialog>
      )}
    </details>
  );
}
