/**
 * A run as an A2A task. The task is always read from the run (never stored apart from it), so
 * `tasks/get` answers the same from any server process and after a restart. Run statuses map onto
 * task states: queued → submitted; running or waiting → working, or input-required while the run
 * waits for a signal; completed, failed, cancelled → completed, failed, canceled.
 */
import { randomUUID } from 'node:crypto';
import { Role, TaskState, type Artifact, type Message, type Part, type Task, type TaskStatus } from '@a2a-js/sdk';
import type { AnyWorkflow, RunInfo } from '@baton/core';
import { z } from 'zod';

/** Every run started through A2A carries this tag (and `CONTEXT_TAG_PREFIX` + its contextId). */
export const A2A_TAG = 'a2a';
export const CONTEXT_TAG_PREFIX = 'a2a-context:';
/** The artifact holding a completed run's output. */
export const OUTPUT_ARTIFACT_ID = 'output';

/** The task's contextId kept on the run, or undefined for a run that is not an A2A task. */
export function contextIdOf(run: RunInfo): string | undefined {
  if (run.parentId !== undefined) return undefined; // child runs inherit the tags; they are not tasks
  return run.tags.find((tag) => tag.startsWith(CONTEXT_TAG_PREFIX))?.slice(CONTEXT_TAG_PREFIX.length);
}

/** The signals a run waits for from a sender: not Baton's own (`$`-named: events, timers). */
export function waitedSignals(run: RunInfo): string[] {
  return run.status === 'waiting' ? (run.waitingFor?.signals ?? []).filter((name) => !name.startsWith('$')) : [];
}

/** The signals a run waits for, each with its JSON Schema when the workflow declares one. */
export interface SignalWait {
  name: string;
  schema?: Record<string, unknown>;
}

export function signalWaits(run: RunInfo, workflow: AnyWorkflow | undefined): SignalWait[] {
  return waitedSignals(run).map((name) => {
    const schema = workflow?.options.signals?.[name];
    return schema === undefined ? { name } : { name, schema: jsonSchema(schema as z.ZodType) };
  });
}

export function jsonSchema(schema: z.ZodType): Record<string, unknown> | undefined {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return undefined;
  }
}

export function taskState(run: RunInfo, inputRequired: boolean): TaskState {
  switch (run.status) {
    case 'queued':
      return TaskState.TASK_STATE_SUBMITTED;
    case 'completed':
      return TaskState.TASK_STATE_COMPLETED;
    case 'failed':
      return TaskState.TASK_STATE_FAILED;
    case 'cancelled':
      return TaskState.TASK_STATE_CANCELED;
    default:
      return inputRequired ? TaskState.TASK_STATE_INPUT_REQUIRED : TaskState.TASK_STATE_WORKING;
  }
}

export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined };
}

export function dataPart(value: unknown): Part {
  return { content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined };
}

export function agentMessage(run: RunInfo, contextId: string, parts: Part[]): Message {
  return { messageId: randomUUID(), contextId, taskId: run.id, role: Role.ROLE_AGENT, parts, metadata: undefined, extensions: [], referenceTaskIds: [] };
}

/** A data part's value: A2A v0.3 data parts are objects, so anything else is wrapped as `{ value }`. */
function asData(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

/** What the status message says: the progress, the signals waited for, the error. */
function statusParts(run: RunInfo, waits: SignalWait[], inputRequired: boolean): Part[] {
  if (inputRequired) {
    const names = waits.map((w) => `'${w.name}'`).join(' or ');
    const text =
      `Run ${run.id} waits for the signal ${names}. Reply in this task with a data part holding the signal's data` +
      (waits.length > 1 ? " and the signal's name as metadata.signal" : '') +
      (waits.some((w) => w.schema !== undefined) ? ` (the schema: ${JSON.stringify(waits.map((w) => ({ signal: w.name, schema: w.schema ?? {} })))})` : '') +
      ', or with text when the data is a string or has a single string field.';
    return [textPart(text), dataPart({ signals: waits.map((w) => ({ name: w.name, ...(w.schema === undefined ? {} : { schema: w.schema }) })) })];
  }
  if (run.status === 'failed' || run.status === 'cancelled') {
    const code = run.error?.code ?? (run.status === 'cancelled' ? 'BATON_CANCELLED' : (run.error?.name ?? 'Error'));
    const message = run.error?.message ?? `Run ${run.id} ${run.status}.`;
    return [textPart(`${code}: ${message}`), dataPart({ code, message })];
  }
  if (run.status === 'completed') return [textPart(`Run ${run.id} completed.`)];
  if (run.progress !== undefined) return [textPart(asText(run.progress)), dataPart({ progress: asData(run.progress) })];
  return [textPart(`Run ${run.id} of ${run.workflow} is ${run.status}.`)];
}

export function taskStatus(run: RunInfo, contextId: string, waits: SignalWait[], inputRequired = waits.length > 0): TaskStatus {
  return {
    state: taskState(run, inputRequired),
    message: agentMessage(run, contextId, statusParts(run, waits, inputRequired)),
    timestamp: run.updatedAt.toISOString(),
  };
}

export function outputArtifact(run: RunInfo): Artifact {
  return {
    artifactId: OUTPUT_ARTIFACT_ID,
    name: 'output',
    description: `The output of run ${run.id} (${run.workflow}).`,
    parts: [dataPart(asData(run.output ?? null)), textPart(asText(run.output))],
    metadata: undefined,
    extensions: [],
  };
}

/** The run as a task; undefined for a run that was not started through A2A. */
export function runTask(run: RunInfo, workflow: AnyWorkflow | undefined, inputRequired?: boolean): Task | undefined {
  const contextId = contextIdOf(run);
  if (contextId === undefined) return undefined;
  const waits = signalWaits(run, workflow);
  return {
    id: run.id,
    contextId,
    status: taskStatus(run, contextId, waits, inputRequired ?? waits.length > 0),
    artifacts: run.status === 'completed' ? [outputArtifact(run)] : [],
    history: [],
    metadata: { workflow: run.workflow, version: run.version },
  };
}
