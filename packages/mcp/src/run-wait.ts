/**
 * Waiting for a run inside a tool call: up to a bound, then the run as it is. When the caller asked
 * for progress (`_meta.progressToken`), each new value the run sets with `ctx.setProgress` is sent as
 * a `notifications/progress` while the call waits: the counter goes up by one per value, and the
 * message is the value as text. Progress is read from the store, so it works as well for runs that
 * workers in other processes execute.
 */
import { ErrorCode, hasErrorCode, isTerminalStatus, runNotFound, type Client, type RunInfo } from '@baton/core';
import type { CallToolResult, ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import { runResult } from './run-result.js';

/** Where progress of a waited-for run goes (from the tool call's request). */
export interface ProgressSink {
  token: string | number;
  send(notification: ServerNotification): Promise<void>;
  /** How often the run's progress is read while waiting (ms). */
  pollMs: number;
}

/**
 * Waits up to `ms` for the run to end, then reports it as it is. `signal` (the request's: its client
 * cancelled it or went away) ends the wait at once, throwing its reason.
 */
export async function awaitRun(
  client: Client,
  runId: string,
  ms: number,
  view: 'output' | 'run',
  progress?: ProgressSink,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  let failure: unknown;
  const watch = progress === undefined || ms === 0 ? undefined : watchProgress(client, runId, progress);
  try {
    // A run's failure is read from the run below; a wait that ran out reports the run still going.
    await client.result(runId, { timeoutMs: ms, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => (failure = error));
  } finally {
    await watch?.stop();
  }
  signal?.throwIfAborted();
  const run = await mustGet(client, runId);
  if (failure !== undefined && !isTerminalStatus(run.status) && !hasErrorCode(failure, ErrorCode.Timeout)) throw failure;
  // A run that continued as new: report the last run of the chain (result() followed it).
  if (run.status === 'completed' && run.continuedTo !== undefined) return awaitRun(client, run.continuedTo, 0, view);
  return runResult(run, view);
}

export async function mustGet(client: Client, runId: string): Promise<RunInfo> {
  const run = await client.get(runId);
  if (run === undefined) throw runNotFound(runId);
  return run;
}

/** Reads the run's progress every `pollMs` until stopped, sending each new value. */
function watchProgress(client: Client, runId: string, sink: ProgressSink): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  let sent = 0;
  let last: string | undefined;
  const loop = (async () => {
    while (!stopped) {
      const run = await client.get(runId).catch(() => undefined);
      const text = run?.progress === undefined ? undefined : progressText(run.progress);
      if (!stopped && text !== undefined && text !== last) {
        last = text;
        sent += 1;
        // A client that went away cannot be told; the wait goes on regardless.
        await sink.send({ method: 'notifications/progress', params: { progressToken: sink.token, progress: sent, message: text } }).catch(() => {});
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, sink.pollMs).unref();
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

/** A progress value as a notification's message: text as it is, anything else as JSON. */
function progressText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
