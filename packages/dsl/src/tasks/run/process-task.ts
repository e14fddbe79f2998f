/**
 * What `run.shell` and `run.script` share: the operator's permission, the journaled step the process
 * runs in (a replay returns what the process gave and never starts it again), `await`, and `return`.
 *
 * `return` (default stdout) picks the output: stdout, stderr, code, all (the processResult
 * `{ code, stdout, stderr }`) or none (null). With `code` and `all` the exit code is data the
 * definition reads, so any code is an output; with stdout, stderr and none the definition cannot see
 * it, so a non-zero exit code faults the task with a runtime error (500) that gives the code and the
 * end of stderr (a `try` can catch it). Not awaited, the process is started in the step and the
 * task's output is its input.
 */
import { durationMs } from '../../runtime/duration.js';
import { faultAt } from '../../runtime/faults.js';
import type { RunFrame, TaskSite } from '../executor.js';
import { stepName } from '../../runtime/run-frame.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import { runProcess, startProcess, tail, type ProcessResult, type ProcessSpec } from './process-runner.js';

export const RETURN_MODES = ['stdout', 'stderr', 'code', 'all', 'none'] as const;
export type ReturnMode = (typeof RETURN_MODES)[number];

export interface ProcessTask {
  /** 'shell' or 'script'. */
  kind: 'shell' | 'script';
  /** Makes the process (inside the step: it may read a script's source over HTTP). */
  prepare(signal: AbortSignal): Promise<Omit<ProcessSpec, 'signal'>>;
}

/** Runs the process of a `run` task in its step and gives the task's output. */
export async function runProcessTask(
  frame: RunFrame,
  site: TaskSite,
  definition: Readonly<Record<string, unknown>>,
  input: unknown,
  task: ProcessTask,
): Promise<unknown> {
  const run = (definition.run ?? {}) as Record<string, unknown>;
  const mode = returnMode(run.return, site);
  const timeoutMs = processTimeout(frame, definition.timeout);
  const wait = run.await !== false;
  try {
    return await frame.ctx.step(
      stepName(site, task.kind),
      async ({ signal }) => {
        try {
          const spec = await task.prepare(signal);
          if (!wait) {
            await startProcess(spec);
            return input;
          }
          try {
            return processOutput(await runProcess({ ...spec, signal }), mode, spec.what);
          } finally {
            await spec.cleanup?.();
          }
        } catch (error) {
          throw faultAt(error, site.reference);
        }
      },
      // Never retried by Baton (the DSL's `try` decides). The step's signal stops the process when the
      // task times out (the step has the task's timeout) or the run is cancelled.
      { retry: { maxAttempts: 1 }, ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }) },
    );
  } catch (error) {
    throw faultAt(error, site.reference);
  }
}

/** The output for `return: mode`; faults on a non-zero exit code the definition cannot see. */
export function processOutput(result: ProcessResult, mode: ReturnMode, what: string): unknown {
  if (result.code !== 0 && mode !== 'code' && mode !== 'all') {
    throw standardFault('runtime', `${what} exited with code ${result.code}.${tail(result.stderr)}`);
  }
  switch (mode) {
    case 'stdout':
      return result.stdout;
    case 'stderr':
      return result.stderr;
    case 'code':
      return result.code;
    case 'all':
      return { code: result.code, stdout: result.stdout, stderr: result.stderr };
    case 'none':
      return null;
  }
}

/** The task's `timeout` (inline, or named in `use.timeouts`) in ms; the task runner faults on a wrong one. */
function processTimeout(frame: RunFrame, timeout: unknown): number | undefined {
  const declared = typeof timeout === 'string' ? (frame.document.use?.timeouts as Record<string, unknown> | undefined)?.[timeout] : timeout;
  const after = (declared as { after?: unknown } | undefined)?.after;
  return after === undefined ? undefined : durationMs(after, 'The timeout');
}

function returnMode(value: unknown, site: TaskSite): ReturnMode {
  if (value === undefined) return 'stdout';
  if (typeof value === 'string' && (RETURN_MODES as readonly string[]).includes(value)) return value as ReturnMode;
  throw standardFault('configuration', `run.return is one of ${RETURN_MODES.join(', ')}, not ${JSON.stringify(value)}.`, { instance: site.reference });
}

/** Faults unless the operator enabled `run.<kind>`. */
export function assertAllowed(frame: RunFrame, kind: 'shell' | 'script', site: TaskSite): void {
  const allowed = kind === 'shell' ? frame.options.allowShell : frame.options.allowScript;
  if (allowed === true) return;
  throw standardFault(
    'configuration',
    `run.${kind} is disabled: it runs ${kind === 'shell' ? 'commands' : 'code'} on the worker's host. Start the worker with --allow-${kind} (InterpreterOptions.allow${kind === 'shell' ? 'Shell' : 'Script'}) to enable it.`,
    { instance: site.reference },
  );
}
