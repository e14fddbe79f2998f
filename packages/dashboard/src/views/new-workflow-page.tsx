/**
 * The New workflow page (/definitions/new): a person describes a process, a model plans it as a
 * definition (the rounds shown as they finish: each one's problems, tokens and cost), and the result
 * is shown as YAML (editable: each edit is validated again by the server) and as a graph. The draft
 * can be simulated on sample inputs, revised by asking for changes (the diff shown), and deployed by
 * an admin. Viewers see the page without the actions their role does not allow, and why.
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { ApiDefinitionIssue, ApiDraftGraph, ApiPlan } from '@baton/server/client';
import { describeError } from '../api/errors';
import { useCan, useSession } from '../api/session';
import { DefinitionIssues } from '../components/definition-issues';
import { DiffView } from '../components/diff-view';
import { PlanRounds } from '../components/plan-rounds';
import { SimulationPanel } from '../components/simulation-panel';
import { Loading } from '../components/states';
import { formatCost } from '../format';
import '../components/definition-graph.css';
import './new-workflow-page.css';

const DefinitionGraphView = lazy(() => import('../components/definition-graph'));

/** How often a plan in progress is read again. */
const POLL_MS = 1000;
/** How long the editor waits after a keystroke before validating the text. */
const CHECK_DELAY_MS = 400;
const FINISHED = new Set(['completed', 'failed', 'cancelled']);

const BLANK = `document:
  dsl: '1.0.0'
  namespace: default
  name: my-workflow
  version: '0.1.0'
do:
  - first:
      set:
        done: true
`;

/** What the server said of the draft as it stands. */
interface DraftCheck {
  checking: boolean;
  graph?: ApiDraftGraph;
  issues?: readonly ApiDefinitionIssue[];
  error?: string;
}

export function NewWorkflowPage() {
  const { client } = useSession();
  const canPlan = useCan('operator');
  const canDeploy = useCan('admin');
  const navigate = useNavigate();
  const [description, setDescription] = useState('');
  const [model, setModel] = useState('');
  const [change, setChange] = useState('');
  const [planId, setPlanId] = useState<string | undefined>(undefined);
  const [plan, setPlan] = useState<ApiPlan | undefined>(undefined);
  const [planError, setPlanError] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [check, setCheck] = useState<DraftCheck>({ checking: false });
  const [deployError, setDeployError] = useState<string | undefined>(undefined);
  const [deploying, setDeploying] = useState(false);
  const planning = plan !== undefined && !FINISHED.has(plan.status);

  // Reads the plan every second until it ends; its definition then becomes the draft.
  useEffect(() => {
    if (planId === undefined) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const next = await client.planOf(planId);
        if (stopped) return;
        setPlan(next);
        if (FINISHED.has(next.status)) {
          if (next.result?.definition !== undefined) setDraft(next.result.definition);
          return;
        }
      } catch (error) {
        if (stopped) return;
        setPlanError(describeError(error).message);
      }
      timer = setTimeout(() => void read(), POLL_MS);
    };
    void read();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [client, planId]);

  // Validates the draft (and draws it) a moment after each edit; an older answer never wins.
  const generation = useRef(0);
  useEffect(() => {
    if (draft === undefined) return;
    const mine = ++generation.current;
    setCheck((c) => ({ ...c, checking: true }));
    const timer = setTimeout(() => {
      client.draftGraph(draft).then(
        (graph) => mine === generation.current && setCheck({ checking: false, graph }),
        (error: unknown) => {
          if (mine !== generation.current) return;
          const { code, message } = describeError(error);
          const issues = (error as { details?: { issues?: ApiDefinitionIssue[] } }).details?.issues;
          setCheck(code === 'BATON_INVALID_DEFINITION' && issues !== undefined ? { checking: false, issues } : { checking: false, error: message });
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, draft]);

  const startPlan = async (request: { description: string; from?: string }) => {
    setPlanError(undefined);
    setDeployError(undefined);
    try {
      const started = await client.plan(model.trim().length === 0 ? request : { ...request, model: model.trim() });
      setPlan(undefined);
      setPlanId(started.id);
    } catch (error) {
      const { code, message } = describeError(error);
      setPlanError(code === undefined ? message : `${code}: ${message}`);
    }
  };

  const deploy = async () => {
    if (draft === undefined) return;
    setDeploying(true);
    setDeployError(undefined);
    try {
      const deployed = await client.deployDefinition(draft);
      void navigate(`/definitions/${encodeURIComponent(deployed.name)}/versions/${encodeURIComponent(deployed.version)}`);
    } catch (error) {
      const { code, message } = describeError(error);
      setDeployError(code === undefined ? message : `${code}: ${message}`);
      setDeploying(false);
    }
  };

  const valid = check.graph !== undefined && !check.checking;
  const result = plan?.result;
  return (
    <section className="page new-workflow-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/definitions">Definitions</Link> <span aria-hidden="true">/</span> New workflow
      </nav>
      <div className="page-head">
        <h1>New workflow</h1>
      </div>

      <section className="card" aria-label="Describe">
        <h2>Describe the process</h2>
        {canPlan ? null : (
          <p className="notice" role="note">
            Planning needs an operator or admin key; your key is a viewer’s. You can still write a definition by hand, draw it and simulate it.
          </p>
        )}
        <textarea
          className="describe-area"
          aria-label="Description"
          rows={5}
          value={description}
          readOnly={!canPlan}
          placeholder="When an invoice arrives, check it against the purchase order; above 10,000 EUR a manager approves it; then pay it and tell the supplier."
          onChange={(e) => setDescription(e.target.value)}
        />
        <div className="actions">
          {canPlan ? (
            <button
              type="button"
              className="button button-primary"
              disabled={description.trim().length === 0 || planning}
              onClick={() => void startPlan({ description: description.trim() })}
            >
              {planning ? 'Planning…' : 'Plan'}
            </button>
          ) : null}
          {canPlan ? (
            <label className="field model-field">
              Model (optional)
              <input value={model} placeholder="the default model" onChange={(e) => setModel(e.target.value)} />
            </label>
          ) : null}
          {draft === undefined ? (
            <button type="button" className="link-button" onClick={() => setDraft(BLANK)}>
              Write it by hand instead
            </button>
          ) : null}
        </div>
        {planError === undefined ? null : (
          <p className="form-error" role="alert">
            {planError}
          </p>
        )}
      </section>

      {plan === undefined ? null : (
        <section className="card" aria-label="Planning">
          <h2>
            Planning{' '}
            {result === undefined ? null : (
              <span className={result.valid ? 'status status-completed' : 'status status-failed'}>{result.valid ? 'valid' : 'still invalid'}</span>
            )}
          </h2>
          <PlanRounds plan={plan} />
          {result === undefined ? null : (
            <p className="muted small" data-plan-total>
              {result.rounds.length} {result.rounds.length === 1 ? 'round' : 'rounds'} · {result.tokens.total.toLocaleString('en')} tokens ·{' '}
              {formatCost(result.costUsd)}
            </p>
          )}
          {plan.status === 'failed' || plan.status === 'cancelled' ? (
            <p className="form-error" role="alert">
              Planning {plan.status}: {describeError(plan.error).message}
            </p>
          ) : null}
          {result?.diff === undefined ? null : (
            <>
              <h4>Changes</h4>
              <DiffView diff={result.diff} />
            </>
          )}
        </section>
      )}

      {draft === undefined ? null : (
        <>
          <div className="definition-split">
            <section className="card" aria-label="Definition">
              <h2>
                Definition{' '}
                {check.checking ? (
                  <span className="muted small">checking…</span>
                ) : valid ? (
                  <span className="status status-completed">valid</span>
                ) : (
                  <span className="status status-failed">invalid</span>
                )}
              </h2>
              <textarea
                className="code-area definition-editor"
                aria-label="Definition (YAML)"
                spellCheck={false}
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
              />
              {check.issues === undefined ? null : <DefinitionIssues issues={check.issues} label="Problems of the definition" />}
              {check.error === undefined ? null : (
                <p className="form-error" role="alert">
                  {check.error}
                </p>
              )}
            </section>
            <section className="card" aria-label="Flow">
              <h2>Flow</h2>
              {check.graph === undefined ? (
                <p className="muted">{check.checking ? 'Checking the definition…' : 'The flow is drawn once the definition is valid.'}</p>
              ) : (
                <Suspense fallback={<Loading what="the graph" />}>
                  <DefinitionGraphView graph={check.graph} />
                </Suspense>
              )}
            </section>
          </div>

          <SimulationPanel client={client} definition={draft} inputSchema={check.graph?.inputSchema} valid={valid} />

          {canPlan ? (
            <section className="card" aria-label="Ask for changes">
              <h2>Ask for changes</h2>
              <textarea
                className="describe-area"
                aria-label="Changes to make"
                rows={3}
                value={change}
                placeholder="Add a manager approval above 10,000 EUR."
                onChange={(e) => setChange(e.target.value)}
              />
              <div className="actions">
                <button
                  type="button"
                  className="button"
                  disabled={change.trim().length === 0 || planning}
                  onClick={() => void startPlan({ description: change.trim(), from: draft })}
                >
                  Ask for changes
                </button>
              </div>
            </section>
          ) : null}

          <section className="card" aria-label="Deploy">
            <h2>Deploy</h2>
            {canDeploy ? (
              <p className="hint">
                Deploys this text as {check.graph === undefined ? 'its workflow' : `${check.graph.name} version ${check.graph.version}`}: workers load it
                without a restart.
              </p>
            ) : (
              <p className="notice" role="note">
                Deploying needs an admin key (a deploy changes what workers run, as code does).
              </p>
            )}
            <div className="actions">
              <button
                type="button"
                className="button button-primary"
                disabled={!canDeploy || !valid || deploying}
                title={canDeploy ? (valid ? undefined : 'Fix the definition first') : 'Needs an admin key'}
                onClick={() => void deploy()}
              >
                {deploying ? 'Deploying…' : 'Deploy'}
              </button>
            </div>
            {deployError === undefined ? null : (
              <p className="form-error" role="alert">
                {deployError}
              </p>
            )}
          </section>
        </>
      )}
    </section>
  );
}
