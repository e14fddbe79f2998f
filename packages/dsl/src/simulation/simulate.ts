/**
 * `simulate(definition, input, options)`: runs a definition with nothing leaving the process, to show
 * what it will do. It runs through the real interpreter on a private engine over the store
 * `options.store()` opens (closed afterwards, whatever happens), with stand-in executors for every task
 * that would reach outside (see simulated-executors.ts) and an observer that records the path. An
 * invalid definition runs nothing. Bounds: `maxTasks` tasks and `timeoutMs` of wall time.
 */
import { BatonError, Engine, ErrorCode, hasErrorCode, silentLogger, type Store } from '@baton/core';
import type { Definition } from '../definition/definition.js';
import { parseDefinition } from '../definition/parse.js';
import { interpretedWorkflow } from '../runtime/interpreter.js';
import { StandardError } from '../runtime/workflow-fault.js';
import { ScenarioAnswers } from './scenario-answers.js';
import type { SimulateOptions } from './simulate-options.js';
import { simulatedExecutors } from './simulated-executors.js';
import { errorObjectOf, SIMULATION_STOPPED, SimulationTrace } from './simulation-trace.js';
import type { SimulationResult } from './simulation-types.js';

const DEFAULT_MAX_TASKS = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs `definition` (text, validated first; or a parsed Definition) on `input` as the scenario says.
 * Never throws for what the definition does: an invalid definition is `invalid`, a fault `faulted`,
 * a bound `stopped`. Throws BATON_INVALID_ARGUMENT for a wrong scenario or bound.
 */
export async function simulate(definition: string | Definition, input: unknown, options: SimulateOptions): Promise<SimulationResult> {
  const began = performance.now();
  const elapsed = (): number => Math.round(performance.now() - began);
  const maxTasks = bound(options.maxTasks, DEFAULT_MAX_TASKS, 'maxTasks');
  const timeoutMs = bound(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const answers = new ScenarioAnswers(options.scenario);
  let parsed: Definition;
  if (typeof definition === 'string') {
    const result = await parseDefinition(definition);
    if (!result.ok) return { status: 'invalid', issues: result.issues, path: [], durationMs: elapsed() };
    parsed = result.definition;
  } else parsed = definition;

  const trace = new SimulationTrace(simulatedExecutors(answers, options.catalog), { maxTasks, timeoutMs, deadline: began + timeoutMs });
  const workflow = interpretedWorkflow(parsed, { secrets: options.secrets ?? {}, fetch: noNetwork }, trace);
  const store: Store = await options.store();
  let engine: Engine | undefined;
  try {
    engine = new Engine({ store, workflows: [workflow], logger: silentLogger, schedules: false, recoverLocalLeases: false, pollIntervalMs: 50 });
    await engine.start();
    const { id } = await engine.client.start(workflow, input ?? null);
    try {
      const output = await engine.client.result(id, { timeoutMs: Math.max(1, began + timeoutMs - performance.now()) });
      return { status: 'completed', output, path: trace.path(), durationMs: elapsed() };
    } catch (error) {
      if (hasErrorCode(error, SIMULATION_STOPPED)) return { status: 'stopped', error: errorObjectOf(error, '/'), path: trace.path(), durationMs: elapsed() };
      const run = await engine.client.get(id);
      if (run !== undefined && (run.status === 'failed' || run.status === 'cancelled')) {
        return { status: 'faulted', error: errorObjectOf(error, '/'), path: trace.path(), durationMs: elapsed() };
      }
      // Still going at the deadline (a task that does not return): the path so far, and the run cancelled.
      const path = trace.path();
      await engine.client.cancel(id).catch(() => undefined);
      const detail = `The simulation stopped: it had run for ${timeoutMs} ms (timeoutMs) and the run was still ${run?.status ?? 'going'}.`;
      return {
        status: 'stopped',
        error: { type: StandardError.runtime.type, status: 500, title: 'Time limit reached', detail, instance: '/' },
        path,
        durationMs: elapsed(),
      };
    }
  } finally {
    try {
      await engine?.stop({ timeoutMs: 1000 });
    } finally {
      await store.close();
    }
  }
}

/** The fetch of a simulation's interpreter: a call that escaped its stand-in is refused, never sent. */
const noNetwork: typeof fetch = (input) =>
  Promise.reject(
    new BatonError(
      ErrorCode.InvalidArgument,
      `A simulation sends nothing: the request to ${input instanceof Request ? input.url : input.toString()} was refused.`,
      { retryable: false },
    ),
  );

function bound(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new BatonError(ErrorCode.InvalidArgument, `${name} of a simulation must be a whole number, at least 1, not ${String(value)}.`, { retryable: false });
  }
  return value;
}
