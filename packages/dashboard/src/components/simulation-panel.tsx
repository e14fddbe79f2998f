/**
 * Simulating a draft: a sample input (prefilled from the definition's input schema, edited as JSON)
 * and an optional scenario (JSON: how calls, approvals and events answer), run on the server with
 * nothing leaving it; the path it took is listed task by task (branches taken, where each answer
 * came from, outputs and errors), then the run's output or error.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiClient, ApiSimulationResult } from '@baton/server/client';
import { describeError } from '../api/errors';
import { sampleFromSchema } from '../schema-sample';
import { toJsonText } from '../format';
import { DefinitionIssues } from './definition-issues';
import { JsonView } from './json-view';

const ANSWERED_BY: Record<string, string> = {
  scenario: 'the scenario',
  schema: 'its output schema',
  default: 'a default',
  model: 'a scripted model',
};

/** JSON text as a value; undefined for blank text; a message when it does not parse. */
function readJson(text: string, what: string): { value?: unknown; error?: string } {
  if (text.trim().length === 0) return {};
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `The ${what} is not JSON: ${(error as Error).message}` };
  }
}

export interface SimulationPanelProps {
  client: ApiClient;
  /** The draft's text, simulated as it is now. */
  definition: string;
  /** The JSON Schema of its input, when it declares one. */
  inputSchema?: unknown;
  /** False while the draft does not validate (a simulation would only say so). */
  valid: boolean;
}

export function SimulationPanel({ client, definition, inputSchema, valid }: SimulationPanelProps) {
  const [input, setInput] = useState(() => toJsonText(inputSchema === undefined ? {} : sampleFromSchema(inputSchema)));
  const edited = useRef(false);
  const [scenario, setScenario] = useState('');
  const [result, setResult] = useState<ApiSimulationResult | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  // A new input schema refills the sample, unless the person has typed their own input.
  const schemaText = inputSchema === undefined ? '' : JSON.stringify(inputSchema);
  useEffect(() => {
    if (!edited.current) setInput(toJsonText(inputSchema === undefined ? {} : sampleFromSchema(inputSchema)));
  }, [schemaText]);

  const run = async () => {
    const parsedInput = readJson(input, 'input');
    const parsedScenario = readJson(scenario, 'scenario');
    const problem = parsedInput.error ?? parsedScenario.error;
    if (problem !== undefined) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      setResult(await client.simulate(definition, parsedInput.value, parsedScenario.value as Parameters<ApiClient['simulate']>[2]));
    } catch (failure) {
      const { code, message } = describeError(failure);
      setError(code === undefined ? message : `${code}: ${message}`);
      setResult(undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card simulation-panel" aria-label="Simulation">
      <h2>Simulate</h2>
      <p className="hint">
        Runs the draft on this input with nothing leaving the server: calls answer from the scenario or their output schemas, waits are skipped.
      </p>
      <div className="simulation-inputs">
        <label className="field">
          Input (JSON)
          <textarea
            className="code-area"
            rows={6}
            value={input}
            spellCheck={false}
            onChange={(e) => {
              edited.current = true;
              setInput(e.target.value);
            }}
          />
        </label>
        <label className="field">
          Scenario (JSON, optional)
          <textarea
            className="code-area"
            rows={6}
            value={scenario}
            spellCheck={false}
            placeholder={'{ "tasks": { "checkCredit": { "output": { "score": 710 } } }, "approvals": { "*": { "approved": true } } }'}
            onChange={(e) => setScenario(e.target.value)}
          />
        </label>
      </div>
      <div className="actions">
        <button type="button" className="button" disabled={busy || !valid} onClick={() => void run()} title={valid ? undefined : 'Fix the definition first'}>
          {busy ? 'Simulating…' : 'Simulate'}
        </button>
      </div>
      {error === undefined ? null : (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {result === undefined ? null : <SimulationResultView result={result} />}
    </section>
  );
}

function SimulationResultView({ result }: { result: ApiSimulationResult }) {
  return (
    <div className="simulation-result" data-simulation-status={result.status}>
      <p>
        <span className={`status status-${result.status === 'completed' ? 'completed' : result.status === 'stopped' ? 'waiting' : 'failed'}`}>
          {result.status}
        </span>{' '}
        <span className="muted small">
          {result.path.length} tasks in {Math.round(result.durationMs)} ms
        </span>
      </p>
      {result.issues === undefined ? null : <DefinitionIssues issues={result.issues} />}
      {result.path.length === 0 ? null : (
        <div className="table-wrap">
          <table className="table table-compact" aria-label="Path">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Task</th>
                <th>Kind</th>
                <th>Took</th>
                <th>Answered by</th>
                <th>Output or error</th>
              </tr>
            </thead>
            <tbody>
              {result.path.map((task, index) => (
                <tr key={index} data-task={task.reference} data-status={task.status}>
                  <td className="num">{index + 1}</td>
                  <td className="mono" style={{ paddingLeft: `${0.5 + task.depth}rem` }} title={task.reference}>
                    {task.name}
                    {task.qualifier}
                  </td>
                  <td className="mono">{task.kind}</td>
                  <td>
                    {task.status === 'skipped' ? <span className="muted">skipped</span> : null}
                    {task.branch === undefined ? null : <span>case {task.branch}</span>}
                    {task.then === undefined ? null : <span className="muted"> → {task.then}</span>}
                  </td>
                  <td>{task.answeredBy === undefined ? null : (ANSWERED_BY[task.answeredBy] ?? task.answeredBy)}</td>
                  <td className="mono small simulation-value">
                    {task.error !== undefined ? (
                      <span className="error-text">
                        {task.error.status} {task.error.title ?? task.error.type}
                      </span>
                    ) : task.output === undefined ? null : (
                      JSON.stringify(task.output).slice(0, 200)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.output === undefined ? null : (
        <>
          <h4>Output</h4>
          <JsonView value={result.output} label="Simulated output" />
        </>
      )}
      {result.error === undefined ? null : (
        <div className="run-error" role="alert">
          <strong>{result.error.title ?? result.error.type}</strong> <span className="mono">{result.error.status}</span>
          {result.error.detail === undefined ? null : <div>{result.error.detail}</div>}
          {result.error.instance === undefined ? null : <div className="mono muted small">at {result.error.instance}</div>}
        </div>
      )}
    </div>
  );
}
