/**
 * Alerts (admins): the alert rules of the signed-in key's namespace with their state (firing or
 * not, since when, the value), the recent transitions with each channel's outcome, and a rule editor
 * (the rule as JSON, as the API and the alerts file take it); deleting a rule asks first.
 */
import { useState, type FormEvent } from 'react';
import type { AlertRuleInfo } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';
import './console-pages.css';

const TEMPLATE = JSON.stringify(
  { id: 'failures', name: 'Runs failing', condition: { kind: 'failure-rate', minRuns: 5 }, threshold: 0.05, window: '10m', severity: 'warning', channels: [] },
  null,
  2,
);

function editable(rule: AlertRuleInfo): string {
  const { id, name, condition, threshold, window, severity, channels, repeatEvery, enabled } = rule;
  return JSON.stringify({ id, name, condition, threshold, window, severity, channels, repeatEvery, enabled }, null, 2);
}

export function AlertsPage() {
  const admin = useCan('admin');
  return (
    <section className="page">
      <h1>Alerts</h1>
      {admin ? <Alerts /> : <EmptyState title="Alerts are for admins">Sign in with an admin key to see and change alert rules.</EmptyState>}
    </section>
  );
}

function Alerts() {
  const { client } = useSession();
  const rules = useLoad(() => client.alerts.list(), [client]);
  const transitions = useLoad(() => client.alerts.transitions({ limit: 50 }), [client]);
  const [text, setText] = useState(TEMPLATE);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [deleting, setDeleting] = useState<AlertRuleInfo | undefined>(undefined);
  const reload = (): void => {
    rules.reload();
    transitions.reload();
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    let rule: Record<string, unknown>;
    try {
      rule = JSON.parse(text) as Record<string, unknown>;
    } catch {
      setError('The rule is not JSON.');
      return;
    }
    try {
      if (editing === undefined) await client.alerts.create(rule);
      else await client.alerts.update(editing, rule);
      setEditing(undefined);
      setText(TEMPLATE);
      reload();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <>
      {rules.error !== undefined && rules.value === undefined ? (
        <ErrorState error={rules.error} title="The alert rules could not be loaded" onRetry={reload} />
      ) : rules.value === undefined ? (
        <Loading what="alert rules" />
      ) : rules.value.rules.length === 0 ? (
        <EmptyState title="No alert rules">Add one below, or start Baton with --alerts FILE.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Alert rules">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Condition</th>
                <th>Threshold</th>
                <th>Severity</th>
                <th>State</th>
                <th>Channels</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {rules.value.rules.map((rule) => (
                <tr key={rule.id} data-rule-id={rule.id}>
                  <td>
                    {rule.name} <span className="muted small mono">{rule.id}</span>
                    {rule.source === 'file' ? <span className="muted small"> (alerts file)</span> : null}
                  </td>
                  <td className="mono small">{JSON.stringify(rule.condition)}</td>
                  <td>{rule.threshold}</td>
                  <td>{rule.severity}</td>
                  <td className="alert-state">
                    {rule.state.firing ? (
                      <span className="tag tag-warn" title={rule.state.since}>
                        firing{rule.state.value === undefined || rule.state.value === null ? '' : ` (${rule.state.value})`} since{' '}
                        {formatTime(rule.state.since ?? '')}
                      </span>
                    ) : (
                      <span className="tag">ok</span>
                    )}
                  </td>
                  <td>{rule.channels.join(', ') || '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => {
                        setEditing(rule.id);
                        setText(editable(rule));
                      }}
                    >
                      Edit
                    </button>{' '}
                    <button type="button" className="button button-small" onClick={() => setDeleting(rule)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form className="card create-form" onSubmit={(event) => void save(event)} aria-label="Alert rule">
        <label className="field">
          <span>{editing === undefined ? 'New rule (JSON)' : `Rule ${editing} (JSON)`}</span>
          <textarea name="alert-rule" rows={10} className="mono" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" className="button button-primary">
          {editing === undefined ? 'Create rule' : 'Save rule'}
        </button>
        {editing === undefined ? null : (
          <button
            type="button"
            className="button"
            onClick={() => {
              setEditing(undefined);
              setText(TEMPLATE);
            }}
          >
            Cancel
          </button>
        )}
        {error === undefined ? null : (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <p className="hint">
          Conditions: failure-rate, stuck, queue-depth, queue-age, run-spend, workflow-spend, step-failed, dsl-error. Channels:{' '}
          {rules.value?.channels?.join(', ') || 'those of the alerts file'}.
        </p>
      </form>

      <h2>Recent transitions</h2>
      {transitions.value === undefined ? (
        <Loading what="transitions" />
      ) : transitions.value.length === 0 ? (
        <EmptyState title="No transitions yet" />
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Alert transitions">
            <thead>
              <tr>
                <th>When</th>
                <th>Rule</th>
                <th>Transition</th>
                <th>Value</th>
                <th>Channels</th>
              </tr>
            </thead>
            <tbody>
              {transitions.value.map((t) => (
                <tr key={t.id}>
                  <td title={t.at}>{formatTime(t.at)}</td>
                  <td className="mono">{t.ruleId}</td>
                  <td>{t.kind}</td>
                  <td>{t.value ?? '—'}</td>
                  <td>{t.outcomes.map((o) => `${o.channel}: ${o.delivered ? 'delivered' : `failed (${o.error ?? ''})`}`).join('; ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {deleting === undefined ? null : (
        <ConfirmDialog
          title={`Delete the alert rule “${deleting.name}”?`}
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await client.alerts.delete(deleting.id);
            reload();
          }}
        >
          <p>The rule stops being evaluated; its past transitions stay.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
