/**
 * Where an answer waits inside a worker, for the AI kill test and benchmark. In a worker process,
 * `logAnswerReads` appends to `log`, one JSON line each:
 *
 * - `{ kind: 'read', key, at }` when the HTTP client parsed the headers of a model answer: the
 *   moment the worker took the answer off its socket (`key` is `<runId>/llm:turn-<n>`, matched
 *   through a request header set from the prompt);
 * - `{ kind: 'loop', pid, at, p50, p99, max }` each second: the event loop's delay in ms, how long
 *   a callback that was due waited for the loop.
 *
 * Measurement only: the requests are otherwise sent and answered as they would be.
 */
import { appendFileSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseTurnPrompt } from './ai-kill-workflows.js';

const TURN_HEADER = 'x-baton-turn';

function turnOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const { messages } = JSON.parse(body) as { messages?: { role: string; content: unknown }[] };
    const user = messages?.find((m) => m.role === 'user');
    const text =
      typeof user?.content === 'string' ? user.content : ((user?.content as { text?: string }[] | undefined) ?? []).map((p) => p.text ?? '').join('');
    const turn = parseTurnPrompt(text);
    return turn === undefined ? undefined : `${turn.runId}/llm:turn-${turn.turn}`;
  } catch {
    return undefined;
  }
}

export function logAnswerReads(log: string): void {
  const send = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const key = turnOf(init?.body);
    if (key === undefined) return send(input, init);
    const headers = new Headers(init?.headers);
    headers.set(TURN_HEADER, key);
    return send(input, { ...init, headers });
  };
  // The HTTP client's own requests: the turn header names them, the headers event times the read.
  const keys = new WeakMap<object, string>();
  const pattern = new RegExp(`${TURN_HEADER}\\s*[:,]\\s*([^\\r\\n,:]+/llm:turn-\\d+)`, 'i');
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { headers?: unknown } };
    const raw = Array.isArray(request.headers) ? request.headers.join(',') : String(request.headers);
    const key = pattern.exec(raw)?.[1];
    if (key !== undefined) keys.set(request, key);
  });
  subscribe('undici:request:headers', (message) => {
    const key = keys.get((message as { request: object }).request);
    if (key !== undefined) appendFileSync(log, `${JSON.stringify({ kind: 'read', key, at: Date.now() })}\n`);
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
    appendFileSync(
      log,
      `${JSON.stringify({ kind: 'loop', pid: process.pid, at: Date.now(), p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) })}\n`,
    );
    delay.reset();
  }, 1000).unref();
}
