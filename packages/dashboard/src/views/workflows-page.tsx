/**
 * The workflows the server knows (name, version, description, queue, declared signals, what
 * triggers their runs, their runs and success rate over the last 1, 7 or 30 days), and one workflow's page: its
 * triggers, its input schema, its recent runs and, for an operator, a start form generated from
 * the input schema that opens the new run; for an admin, moving its runs in flight to another version.
 */
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { ApiClient } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { JsonView } from '../components/json-view';
import { SchemaForm } from '../components/schema-form';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { formatTime, shortId } from '../format';
import { asSchema, describeConstraints, describeType, kindOf, type JsonSchema } from '../schema-values';
import { STATS_WINDOWS, formatRate, statsWindowOf, triggersOf, useTriggers, useWorkflowStats } from '../api/workflow-stats';
import { TriggerList, TriggerTags } from '../components/workflow-triggers';
import { VersionMove } from '../components/version-move';
import './console-pages.css';

type Workflow = Awaited<ReturnType<ApiClient['workflows']>>[number];

export function WorkflowsPage() {
  const { client } = useSession();
  const workflows = useLoad(() => client.workflows(), [client]);
  const triggers = useTriggers(client);
  const [params, setParams] = useSearchParams();
  const days = statsWindowOf(params.get('days'));
  const stats = useWorkflowStats(client, days);
  const definitions = useDefinitionNames(client);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Workflows</h1>
        <label className="field">
          <span>Runs over</span>
          <select name="stats-window" value={days} onChange={(e) => setParams(e.target.value === String(STATS_WINDOWS[0]) ? {} : { days: e.target.value })}>
            {STATS_WINDOWS.map((d) => (
              <option key={d} value={d}>
                the last {d === 1 ? '24 hours' : `${d} days`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {workflows.error !== undefined ? (
        <ErrorState error={workflows.error} title="The workflows could not be loaded" onRetry={workflows.reload} />
      ) : workflows.value === undefined ? (
        <Loading what="workflows" />
      ) : workflows.value.length === 0 ? (
        <EmptyState title="No workflows registered">
          The server lists the workflows it has the code of, and those every worker on its store registers when it starts: start a worker (
          <code>baton worker --workflows …</code>, <code>baton dev</code>), or pass them to <code>startApiServer({'{ workflows }'})</code>.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Version</th>
                <th>Description</th>
                <th>Queue</th>
                <th>Signals</th>
                <th>Triggers</th>
                <th className="num">Runs ({days} d)</th>
                <th className="num">Success ({days} d)</th>
              </tr>
            </thead>
            <tbody>
              {workflows.value.map((w) => (
                <tr key={`${w.name}@${w.version}`} data-workflow={w.name}>
                  <td>
                    <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
                    {w.kind === 'definition' || definitions.has(w.name) ? (
                      <>
                        {' '}
                        <Link className="tag" to={`/definitions/${encodeURIComponent(w.name)}`} title="A declarative definition: see its graph and source">
                          definition
                        </Link>
                      </>
                    ) : null}
                  </td>
                  <td className="mono">{w.version}</td>
                  <td>{w.description ?? <span className="muted">—</span>}</td>
                  <td>{w.queue}</td>
                  <td>
                    {Object.keys(w.signals ?? {}).map((name) => (
                      <code key={name} className="tag">
                        {name}
                      </code>
                    ))}
                  </td>
                  <td className="workflow-triggers">
                    <TriggerTags triggers={triggersOf(triggers.value, w.name)} />
                  </td>
                  <td className="num workflow-runs">{stats.value === undefined ? '…' : (stats.value.get(w.name)?.runs ?? 0).toLocaleString()}</td>
                  <td className="num workflow-success" title={successTitle(stats.value?.get(w.name))}>
                    {stats.value === undefined ? '…' : formatRate(stats.value.get(w.name)?.successRate)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {stats.error === undefined ? null : <ErrorState error={stats.error} title="The run counts could not be loaded" onRetry={stats.reload} />}
        </div>
      )}
    </section>
  );
}

/**
 * The names of the deployed definitions: a definition an engine of this server loaded is listed as
 * code (without the catalog's kind), and is still a definition with a page of its own.
 */
function useDefinitionNames(client: ApiClient): ReadonlySet<string> {
  const definitions = useLoad(() => client.definitions(), [client]);
  return useMemo(() => new Set((definitions.value ?? []).map((d) => d.name)), [definitions.value]);
}

function successTitle(stats: { completed: number; failed: number; cancelled: number } | undefined): string {
  return stats === undefined ? 'No run ended' : `${stats.completed} completed, ${stats.failed} failed, ${stats.cancelled} cancelled`;
}

export function WorkflowPage() {
  const { client } = useSession();
  const name = useParams().name ?? '';
  const workflows = useLoad(() => client.workflows(), [client]);
  const runs = useLoad(() => client.list({ workflow: name, limit: 10 }), [client, name]);
  const triggers = useTriggers(client);
  const definitions = useDefinitionNames(client);
  const versions = workflows.value?.filter((w) => w.name === name) ?? [];
  const workflow = versions.at(-1);

  return (
    <section className="page">
      <div className="crumbs">
        <Link to="/workflows">Workflows</Link> / {name}
      </div>
      <h1>{name}</h1>
      {workflows.error !== undefined ? (
        <ErrorState error={workflows.error} title="The workflow could not be loaded" onRetry={workflows.reload} />
      ) : workflows.value === undefined ? (
        <Loading what="the workflow" />
      ) : workflow === undefined ? (
        <EmptyState title={`The server knows no workflow named “${name}”`}>
          <Link to="/workflows">See the workflows it knows</Link>
        </EmptyState>
      ) : (
        <>
          <dl className="facts facts-grid card">
            <dt>Version</dt>
            <dd className="mono">{versions.map((w) => w.version).join(', ')}</dd>
            {workflow.kind === 'definition' || definitions.has(name) ? (
              <>
                <dt>Definition</dt>
                <dd>
                  <Link to={`/definitions/${encodeURIComponent(name)}`}>Its graph and source →</Link>
                </dd>
              </>
            ) : null}
            <dt>Queue</dt>
            <dd>{workflow.queue}</dd>
            <dt>Description</dt>
            <dd>{workflow.description ?? <span className="muted">—</span>}</dd>
            <dt>Signals</dt>
            <dd>
              {Object.keys(workflow.signals ?? {}).length === 0 ? (
                <span className="muted">none declared</span>
              ) : (
                Object.keys(workflow.signals ?? {}).map((s) => (
                  <code key={s} className="tag">
                    {s}
                  </code>
                ))
              )}
            </dd>
          </dl>
          <h2>Triggers</h2>
          {triggers.error !== undefined ? (
            <ErrorState error={triggers.error} title="The triggers could not be loaded" onRetry={triggers.reload} />
          ) : triggers.value === undefined ? (
            <Loading what="triggers" />
          ) : (
            <TriggerList triggers={triggersOf(triggers.value, name)} />
          )}
          <h2>Input</h2>
          <SchemaSummary schema={workflow.inputSchema} />
          <StartForm workflow={workflow} onStarted={runs.reload} />
          <VersionMove workflow={name} currentVersion={workflow.version} onMoved={runs.reload} />
        </>
      )}
      <h2>Recent runs</h2>
      {runs.error !== undefined ? (
        <ErrorState error={runs.error} title="The runs could not be loaded" onRetry={runs.reload} />
      ) : runs.value === undefined ? (
        <Loading what="runs" />
      ) : runs.value.runs.length === 0 ? (
        <EmptyState title="No runs yet" />
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" aria-label="Recent runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.value.runs.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td>
                    <Link to={`/runs/${encodeURIComponent(run.id)}`} className="mono" title={run.id}>
                      {shortId(run.id)}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td title={run.createdAt}>{formatTime(run.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            <Link to={`/runs?workflow=${encodeURIComponent(name)}`}>All runs of {name} →</Link>
          </p>
        </div>
      )}
    </section>
  );
}

/** An input schema for reading: its fields with type, whether required and their constraints. */
function SchemaSummary({ schema }: { schema: unknown }) {
  const root = asSchema(schema);
  if (root === undefined) return <p className="hint">No input schema declared: the workflow takes any JSON.</p>;
  const rows: { path: string; field: JsonSchema; required: boolean }[] = [];
  const walk = (s: JsonSchema, prefix: string): void => {
    const required = new Set(s.required ?? []);
    for (const [key, field] of Object.entries(s.properties ?? {})) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      rows.push({ path, field, required: required.has(key) });
      if (kindOf(field) === 'object') walk(field, path);
    }
  };
  if (kindOf(root) === 'object') walk(root, '');
  return (
    <>
      {rows.length === 0 ? null : (
        <div className="table-wrap">
          <table className="table table-compact" aria-label="Input schema">
            <thead>
              <tr>
                <th>Field</th>
                <th>Type</th>
                <th>Required</th>
                <th>Constraints</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ path, field, required }) => (
                <tr key={path}>
                  <td className="mono">{path}</td>
                  <td>{describeType(field)}</td>
                  <td>{required ? 'yes' : <span className="muted">no</span>}</td>
                  <td>{[...(field.description === undefined ? [] : [field.description]), ...describeConstraints(field)].join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details>
        <summary className="muted small">JSON Schema</summary>
        <JsonView value={schema} label="Input JSON Schema" />
      </details>
    </>
  );
}

function StartForm({ workflow, onStarted }: { workflow: Workflow; onStarted(): void }) {
  const { client } = useSession();
  const allowed = useCan('operator');
  const navigate = useNavigate();
  const [runId, setRunId] = useState('');
  const [tags, setTags] = useState('');
  const [input, setInput] = useState<{ value: unknown } | undefined>(undefined);
  if (!allowed) return null;
  const tagList = tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');

  return (
    <section className="card start-form">
      <h2>Start a run</h2>
      <SchemaForm
        schema={workflow.inputSchema}
        label="Start a run"
        actions={[{ label: 'Start run', tone: 'primary' }]}
        onSubmit={(value) => setInput({ value })}
      >
        <div className="start-options">
          <label className="field">
            <span>
              Run id <span className="muted">(optional: one is made up)</span>
            </span>
            <input name="run-id" value={runId} onChange={(e) => setRunId(e.target.value)} />
          </label>
          <label className="field">
            <span>
              Tags <span className="muted">(optional, comma-separated)</span>
            </span>
            <input name="run-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
          </label>
        </div>
      </SchemaForm>
      {input === undefined ? null : (
        <ConfirmDialog
          title={`Start ${workflow.name}?`}
          confirmLabel="Start run"
          onClose={() => setInput(undefined)}
          onConfirm={async () => {
            const { run } = await client.start(workflow.name, input.value, {
              ...(runId.trim() === '' ? {} : { id: runId.trim() }),
              ...(tagList.length === 0 ? {} : { tags: tagList }),
            });
            onStarted();
            void navigate(`/runs/${encodeURIComponent(run.id)}`);
          }}
        >
          <p>
            A new run of <strong>{workflow.name}</strong>
            {runId.trim() === '' ? '' : ` with id ${runId.trim()}`} starts with this input:
          </p>
          <JsonView value={input.value} label="Input" />
        </ConfirmDialog>
      )}
    </section>
  );
}
