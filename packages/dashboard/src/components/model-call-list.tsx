/**
 * A run's model calls (`ctx.llm`, each turn of `ctx.agent`), with their totals: per call the step,
 * the model that answered, its tokens and cost, whether the cache answered, and, opened, the prompt
 * it was sent (system text and messages, as journaled: each text cut at 20,000 characters) and the
 * response.
 */
import type { ApiJournalEntry } from '@baton/server/client';
import { formatCallsCost, plural } from '../format';
import { llmOutputOf, llmTotals, unpriced, type LlmMessage, type LlmOutput } from '../journal';
import { JsonView } from './json-view';

export interface ModelCallListProps {
  journal: readonly ApiJournalEntry[];
  selected: number | undefined;
  onSelect(seq: number): void;
}

/** The run's model calls, or nothing for a run that made none. */
export function ModelCallList({ journal, selected, onSelect }: ModelCallListProps) {
  const totals = llmTotals(journal);
  if (totals === undefined) return null;
  const calls = journal.flatMap((entry) => {
    const llm = llmOutputOf(entry);
    return llm === undefined ? [] : [{ entry, llm }];
  });
  return (
    <section className="card" aria-label="Model calls">
      <div className="card-head">
        <h2>Model calls</h2>
        <span className="muted small">
          {plural(totals.calls, 'call')} · {plural(totals.tokens, 'token')} · {formatCallsCost(totals.costUsd, totals.unpriced, totals.calls)}
        </span>
      </div>
      <div className="model-calls">
        {calls.map(({ entry, llm }) => (
          <details key={entry.seq} className={selected === entry.seq ? 'model-call selected' : 'model-call'} data-seq={entry.seq}>
            <summary>
              <span className="model-call-step">
                <span className="muted">#{entry.seq}</span> {entry.name}
              </span>
              <span className="model-call-model mono">{llm.model ?? '—'}</span>
              <span className="model-call-tokens">
                {(llm.usage?.inputTokens ?? 0).toLocaleString('en')} in · {(llm.usage?.outputTokens ?? 0).toLocaleString('en')} out tokens
              </span>
              <span className="model-call-cost">
                {formatCallsCost(llm.costUsd ?? 0, unpriced(llm) ? 1 : 0, 1)}
                {unpriced(llm) ? <span className="muted"> (no price known)</span> : null}
              </span>
              {llm.cached === true ? <span className="tag">cached</span> : null}
              {llm.failures === undefined || llm.failures.length === 0 ? null : (
                <span className="tag tag-warn">{plural(llm.failures.length, 'failed try', 'failed tries')} first</span>
              )}
            </summary>
            <ModelCallBody llm={llm} onShow={() => onSelect(entry.seq)} />
          </details>
        ))}
      </div>
    </section>
  );
}

function ModelCallBody({ llm, onShow }: { llm: LlmOutput; onShow(): void }) {
  const system = llm.request?.system;
  const messages = llm.request?.messages;
  return (
    <div className="model-call-body">
      <h4>Prompt</h4>
      {system === undefined && (messages === undefined || messages.length === 0) ? (
        <p className="muted">The prompt was not journaled.</p>
      ) : (
        <>
          {system === undefined ? null : <Message role="system" content={system} />}
          {(messages ?? []).map((message, i) => (
            <Message key={i} role={message.role} content={message.content} />
          ))}
        </>
      )}
      <h4>Response</h4>
      {llm.text === undefined || llm.text === '' ? null : <pre className="llm-text">{llm.text}</pre>}
      {llm.object === undefined ? null : <JsonView value={llm.object} label="Structured answer" />}
      {llm.toolCalls === undefined || llm.toolCalls.length === 0 ? null : <JsonView value={llm.toolCalls} label="Tool calls" />}
      {(llm.text === undefined || llm.text === '') && llm.object === undefined && (llm.toolCalls?.length ?? 0) === 0 ? (
        <p className="muted">(no text)</p>
      ) : null}
      <div>
        <button type="button" className="link-button small" onClick={onShow}>
          Show this step in the journal
        </button>
      </div>
    </div>
  );
}

/** One message of a prompt: its texts as text, its other parts (tool calls and results) as JSON. */
function Message({ role, content }: { role: string; content: LlmMessage['content'] }) {
  return (
    <div className="llm-message" data-role={role}>
      <span className="llm-role">{role}</span>
      <div>
        {typeof content === 'string' ? (
          <pre className="llm-text">{content}</pre>
        ) : (
          content.map((part, i) =>
            part.type === 'text' && typeof part.text === 'string' ? (
              <pre key={i} className="llm-text">
                {part.text}
              </pre>
            ) : (
              <JsonView key={i} value={part} label={`${String(part.type ?? 'part')} of a ${role} message`} />
            ),
          )
        )}
      </div>
    </div>
  );
}
