/**
 * The audit log (admins): who did what through the API, newest first, refused calls too. Filters
 * (actor, action, result, time) and the page live in the address, so a view can be shared; an
 * actor shows as its key's name when the key is one of this namespace's.
 */
import { useAddressList, type AddressFilters } from '../api/address-list';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { FilterForm, useFilterDraft } from '../components/filter-form';
import { Pager, newestFirst } from '../components/pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime, localTime } from '../format';
import './console-pages.css';

const PAGE_SIZE = 50;
const FIELDS = ['actor', 'action', 'result', 'since', 'until'] as const;
type Filters = AddressFilters<(typeof FIELDS)[number]>;

/** The actions the API audits, offered in the action filter. */
const ACTIONS = [
  'run.start',
  'run.signal',
  'run.cancel',
  'run.retry',
  'run.resume',
  'event.emit',
  'inbox.claim',
  'inbox.release',
  'schedule.create',
  'schedule.update',
  'schedule.pause',
  'schedule.resume',
  'schedule.run',
  'schedule.delete',
  'key.create',
  'key.revoke',
];

export function AuditPage() {
  const admin = useCan('admin');
  return (
    <section className="page">
      <h1>Audit log</h1>
      {admin ? <AuditLog /> : <EmptyState title="The audit log is for admins">It tells who did what; sign in with an admin key to read it.</EmptyState>}
    </section>
  );
}

function AuditLog() {
  const { client } = useSession();
  const { filters, cursor: before, apply, goTo } = useAddressList(FIELDS, 'before');
  const key = JSON.stringify([filters, before]);
  const page = useLoad(() => {
    const since = localTime(filters.since);
    const until = localTime(filters.until);
    return client.audit({
      limit: PAGE_SIZE,
      ...(filters.actor === undefined ? {} : { actor: filters.actor }),
      ...(filters.action === undefined ? {} : { action: filters.action }),
      ...(filters.result === undefined ? {} : { result: filters.result }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      ...(before === undefined || !/^\d+$/.test(before) ? {} : { before: Number(before) }),
    });
  }, [client, key]);
  const keys = useLoad(() => client.keys.list(), [client]);
  const names = new Map((keys.value ?? []).map((k) => [k.id, k.name]));

  return (
    <>
      <AuditFilters key={key} filters={filters} actors={keys.value ?? []} onApply={apply} />
      {page.error !== undefined && page.value === undefined ? (
        <ErrorState error={page.error} title="The audit log could not be loaded" onRetry={page.reload} />
      ) : page.value === undefined ? (
        <Loading what="the audit log" />
      ) : page.value.entries.length === 0 ? (
        <EmptyState title={Object.keys(filters).length === 0 && before === undefined ? 'Nothing audited yet' : 'No entries match'}>
          Changes made through the API (starts, signals, cancels, schedules, keys) and refused ones are recorded here.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Audit entries">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Result</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {page.value.entries.map((entry) => (
                  <tr key={entry.id} data-audit-id={entry.id} data-action={entry.action}>
                    <td title={entry.at}>{formatTime(entry.at)}</td>
                    <td>
                      {names.get(entry.actor) ?? entry.actor}
                      {names.has(entry.actor) ? <span className="muted small mono"> {entry.actor}</span> : null}
                    </td>
                    <td className="mono">{entry.action}</td>
                    <td className="mono">{entry.target}</td>
                    <td>{entry.result === 'ok' ? <span className="tag">ok</span> : <code className="tag tag-warn">{entry.result}</code>}</td>
                    <td className="mono small">{entry.detail === undefined ? <span className="muted">—</span> : JSON.stringify(entry.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager {...newestFirst(before, page.value.nextBefore, goTo)}>
            {page.value.entries.length} entr{page.value.entries.length === 1 ? 'y' : 'ies'} on this page
          </Pager>
        </>
      )}
    </>
  );
}

function AuditFilters({ filters, actors, onApply }: { filters: Filters; actors: { id: string; name: string }[]; onApply(filters: Filters): void }) {
  const form = useFilterDraft(filters, onApply);
  const { draft, set } = form;
  return (
    <FilterForm label="Filter the audit log" form={form}>
      <label className="field">
        <span>Actor</span>
        <select name="actor" value={draft.actor ?? ''} onChange={(e) => onApply(set('actor', e.target.value))}>
          <option value="">anyone</option>
          {actors.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name} ({k.id})
            </option>
          ))}
          {draft.actor === undefined || actors.some((k) => k.id === draft.actor) ? null : <option value={draft.actor}>{draft.actor}</option>}
        </select>
      </label>
      <label className="field">
        <span>Action</span>
        <select name="action" value={draft.action ?? ''} onChange={(e) => onApply(set('action', e.target.value))}>
          <option value="">any</option>
          {[...ACTIONS, ...(draft.action === undefined || ACTIONS.includes(draft.action) ? [] : [draft.action])].map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Result</span>
        <input name="result" placeholder="ok or an error code" value={draft.result ?? ''} onChange={(e) => set('result', e.target.value)} />
      </label>
      <label className="field">
        <span>From</span>
        <input type="datetime-local" name="since" value={draft.since ?? ''} onChange={(e) => set('since', e.target.value)} />
      </label>
      <label className="field">
        <span>To</span>
        <input type="datetime-local" name="until" value={draft.until ?? ''} onChange={(e) => set('until', e.target.value)} />
      </label>
    </FilterForm>
  );
}
