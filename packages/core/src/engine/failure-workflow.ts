/**
 * Failure workflows (dead-letter handlers): when a run fails for good, the run of the workflow its
 * workflow names (`onFailure`), else the one its namespace names (Store.setFailureWorkflow), is
 * created in the transaction that fails it. The handler's run id is made from the failed run's id
 * and the execution that failed it, so a failure starts its handler exactly once (a second create of
 * the id is a no-op) and a run retried and failed again starts it again. Runs of failure workflows
 * carry FAILURE_RUN_TAG: their own failures start nothing, so handlers never loop.
 */
import type { PayloadCodec } from '../payload/payload-codec.js';
import type { NewRun, RunRecord, StoredError } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { AnyWorkflow } from '../workflow/workflow.js';
import type { WorkflowRegistry } from './workflow-registry.js';

/** The tag of runs started by a failure: their own failures start no failure workflow. */
export const FAILURE_RUN_TAG = 'baton:failure';

/** The input of a failure workflow's run. */
export interface FailedRunInfo {
  runId: string;
  workflow: string;
  version: string;
  namespace: string;
  error: { name: string; message: string; code?: string };
  /** The failed run's input (as it was given; the encoded text when it could not be read). */
  input: unknown;
}

/** The id of the run a failure of `run` in its `claims`-th execution starts. */
export function failureRunId(run: Pick<RunRecord, 'id' | 'claims'>): string {
  return `${run.id}.failure.${run.claims}`;
}

/** The failure workflow's name for a run of `workflow`, if any: the workflow's own, else its namespace's. */
export async function failureWorkflowName(store: Store, run: RunRecord, workflow: AnyWorkflow): Promise<string | undefined> {
  if (run.tags.includes(FAILURE_RUN_TAG)) return undefined;
  const own = workflow.options.onFailure;
  if (own !== undefined) return typeof own === 'string' ? own : own.name;
  return (await store.getFailureWorkflow(run.namespace))?.workflow;
}

/** The run to create with the failure of `run`, or undefined when nothing handles its failures. */
export async function failureRun(
  deps: { store: Store; codec: PayloadCodec; workflows: WorkflowRegistry },
  run: RunRecord,
  workflow: AnyWorkflow,
  error: StoredError,
): Promise<NewRun | undefined> {
  const name = await failureWorkflowName(deps.store, run, workflow);
  if (name === undefined) return undefined;
  const own = workflow.options.onFailure;
  // Loaded here, it runs on this engine's version; otherwise the engine that claims it pins its current one.
  const handler = typeof own === 'object' && own.name === name ? own : deps.workflows.get(name);
  let input: unknown;
  try {
    input = deps.codec.decode(run.input);
  } catch {
    input = run.input;
  }
  const info: FailedRunInfo = {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    namespace: run.namespace,
    error: { name: error.name, message: error.message, ...(error.code === undefined ? {} : { code: error.code }) },
    input,
  };
  return {
    id: failureRunId(run),
    workflow: name,
    version: handler?.version ?? '',
    input: deps.codec.encode(info, `failure of run ${run.id}`),
    queue: handler?.options.queue ?? 'default',
    priority: handler?.options.priority ?? 0,
    namespace: run.namespace,
    tags: [FAILURE_RUN_TAG],
  };
}
