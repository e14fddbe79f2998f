/**
 * One journal entry in full: what it was, its status, attempts, idempotency key and timing, its
 * input, its output or its error (with the causes it wraps), and for a model call its model, tokens,
 * cost, cache hit, answer and prompt.
 */
import { Link } from 'react-router-dom';
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatCallsCost, formatDuration, formatTime } from '../format';
import { KIND_LABELS, llmOutputOf, unpriced, type LlmOutput } from '../journal';
import { ErrorView } from './error-view';
import { JsonView } from './json-view';
import { StatusBadge } from './status-badge';

export function StepDetails({ run, entry, child }: { run: ApiRun; entry: ApiJournalEntry; child: ApiRun | undefined }) {
  const llm = llmOutputOf(entry);
  return (
    <article className="step-details" aria-label={`Step ${entry.name}`}>
      <header className="step-details-head">
        <h3>
          <span className="muted">#{entry.seq}</span> {entry.name}
        </h3>
        <StatusBadge status={entry.status} />
      </header>
      <dl className="facts">
        <dt>kind</dt>
        <dd>{llm === undefined ? (KIND_LABELS[entry.kind] ?? entry.kind) : `${KIND_LABELS[entry.kind] ?? entry.kind} (model call)`}</dd>
        <dt>attempts</dt>
        <dd>{entry.attempts}</dd>
        {entry.kind === 'step' || entry.kind === 'compensation' ? (
          <>
            <dt>idempotency key</dt>
            <dd>
              <code>
                {run.id}:{entry.seq}
              </code>
            </dd>
          </>
        ) : null}
        <dt>started</dt>
        <dd title={entry.startedAt}>{formatTime(entry.startedAt)}</dd>
        <dt>ended</dt>
        <dd title={entry.endedAt}>{formatTime(entry.endedAt)}</dd>
        <dt>took</dt>
        <dd>{formatDuration(entry.durationMs)}</dd>
        {entry.compensates === undefined ? null : (
          <>
            <dt>undoes</dt>
            <dd>step #{entry.compensates}</dd>
          </>
        )}
        {child === undefined ? null : (
          <>
            <dt>child run</dt>
            <dd>
              <Link to={`/runs/${encodeURIComponent(child.id)}`}>{child.id}</Link> <StatusBadge status={child.status} />
            </dd>
          </>
        )}
      </dl>
      {entry.input === undefined ? null : (
        <section>
          <h4>Input</h4>
          <JsonView value={entry.input} label="Input" />
        </section>
      )}
      {entry.error === undefined ? null : (
        <section>
          <h4>Error</h4>
          <ErrorView error={entry.error} />
        </section>
      )}
      {llm !== undefined ? (
        <LlmDetails llm={llm} />
      ) : entry.output === undefined ? null : (
        <section>
          <h4>Output</h4>
          <JsonView value={entry.output} label="Output" />
        </section>
      )}
    </article>
  );
}

function LlmDetails({ llm }: { llm: LlmOutput }) {
  const { system, messages: prompt } = llm.request ?? {};
  return (
    <section className="llm">
      <h4>Model call</h4>
      <dl className="facts">
        <dt>model</dt>
        <dd>{llm.model ?? '—'}</dd>
        <dt>tokens</dt>
        <dd>
          {llm.usage?.inputTokens ?? 0} in · {llm.usage?.outputTokens ?? 0} out · {llm.usage?.totalTokens ?? 0} total
        </dd>
        <dt>cost</dt>
        <dd>
          {formatCallsCost(llm.costUsd ?? 0, unpriced(llm) ? 1 : 0, 1)}
          {unpriced(llm) ? <span className="muted"> (no price known for this model)</span> : null}
        </dd>
        <dt>cached</dt>
        <dd>{llm.cached === true ? 'yes: answered from the cache, no model called' : 'no'}</dd>
        {llm.finishReason === undefined ? null : (
          <>
            <dt>finish</dt>
            <dd>{llm.finishReason}</dd>
          </>
        )}
      </dl>
      {system === undefined ? null : (
        <>
          <h5>System</h5>
          <JsonView value={system} label="System prompt" />
        </>
      )}
      {prompt === undefined ? null : (
        <>
          <h5>Prompt</h5>
          <JsonView value={prompt} label="Prompt" />
        </>
      )}
      <h5>Response</h5>
      <pre className="llm-text">{llm.text === undefined || llm.text === '' ? '(no text)' : llm.text}</pre>
      {llm.object === undefined ? null : (
        <>
          <h5>Structured answer</h5>
          <JsonView value={llm.object} label="Structured answer" />
        </>
      )}
      {llm.toolCalls === undefined || llm.toolCalls.length === 0 ? null : (
        <>
          <h5>Tool calls</h5>
          <JsonView value={llm.toolCalls} label="Tool calls" />
        </>
      )}
      {llm.failures === undefined || llm.failures.length === 0 ? null : (
        <>
          <h5>Failed tries before the answer</h5>
          <ul className="plain">
            {llm.failures.map((failure, i) => (
              <li key={i}>
                {failure.model}: {failure.code === undefined ? null : <code className="error-code">{failure.code}</code>} {failure.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
