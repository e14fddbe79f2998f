/**
 * The executor of each task kind: one map, so a new kind is one entry. A kind with no executor
 * faults with a configuration error that names it. A `call` of one of Baton's functions
 * (`call: baton.<name>`) is a kind of its own, run by the extensions' executor.
 */
import { batonCallExecutor, isBatonCall } from './baton/baton-call.js';
import { a2aCallExecutor } from './call/a2a-call.js';
import { callExecutor } from './call.js';
import { doExecutor } from './do.js';
import { emitExecutor } from './emit.js';
import type { TaskDefinition, TaskExecutor } from './executor.js';
import { forExecutor } from './for.js';
import { forkExecutor } from './fork.js';
import { raiseExecutor } from './raise.js';
import { setExecutor } from './set.js';
import { switchExecutor } from './switch.js';
import { tryExecutor } from './try.js';
import { waitExecutor } from './wait.js';
import { listenExecutor } from './listen.js';
import { runExecutor } from './run.js';

/** Task kinds, in the order they are recognised (a `for` task also has `do`, so `do` comes last). */
const KINDS = ['call', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait', 'do'] as const;

/** The kind of `call: baton.<name>` tasks. */
export const BATON_CALL_KIND = 'baton.call';
/** The kind of `call: a2a` tasks: journaled requests and durable waits, so a compound task. */
export const A2A_CALL_KIND = 'a2a.call';

const EXECUTORS: ReadonlyMap<string, TaskExecutor> = new Map<string, TaskExecutor>([
  ['call', callExecutor],
  [BATON_CALL_KIND, batonCallExecutor],
  [A2A_CALL_KIND, a2aCallExecutor],
  ['do', doExecutor],
  ['emit', emitExecutor],
  ['for', forExecutor],
  ['fork', forkExecutor],
  ['listen', listenExecutor],
  ['raise', raiseExecutor],
  ['run', runExecutor],
  ['set', setExecutor],
  ['switch', switchExecutor],
  ['try', tryExecutor],
  ['wait', waitExecutor],
]);

/** The kind of a task (its defining property), or undefined when it has none. */
export function taskKind(task: TaskDefinition): string | undefined {
  const kind = KINDS.find((k) => task[k] !== undefined);
  if (kind === 'call' && task.call === 'a2a') return A2A_CALL_KIND;
  return kind === 'call' && isBatonCall(task) ? BATON_CALL_KIND : kind;
}

/** The executor for `kind`; undefined when this runtime does not run that kind. */
export function executorFor(kind: string | undefined): TaskExecutor | undefined {
  return kind === undefined ? undefined : EXECUTORS.get(kind);
}
