/**
 * Workflow definitions: `defineWorkflow(options, fn)` checks the options and freezes the workflow.
 * The types of a workflow live beside the context its function receives (they refer to each other).
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { isNamespaceName } from '../auth/api-keys.js';
import { assertEventMatch, assertEventType } from '../events/events.js';
import { assertScheduleId, resolveSchedule } from '../schedule/schedule.js';
import { assertQueueName, validateWorkflowFlow } from './flow.js';
import type { AnyWorkflow, EventTrigger, Workflow, WorkflowFunction, WorkflowOptions, WorkflowSchedule } from './workflow-context.js';

export type {
  AnyWorkflow,
  EventTrigger,
  Workflow,
  WorkflowFunction,
  WorkflowInput,
  WorkflowOptions,
  WorkflowOutput,
  WorkflowSchedule,
} from './workflow-context.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

export function defineWorkflow<I = unknown, O = unknown>(options: WorkflowOptions<I, O>, fn: WorkflowFunction<I, O>): Workflow<I, O> {
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `Invalid workflow name ${JSON.stringify(options?.name)}: use 1-200 letters, digits and . _ : / - (starting with a letter or digit).`,
      { retryable: false },
    );
  }
  if (typeof fn !== 'function') {
    throw new BatonError(ErrorCode.InvalidArgument, `Workflow '${options.name}' needs a function: defineWorkflow(options, async (ctx, input) => output).`, {
      retryable: false,
    });
  }
  const version = options.version ?? '1';
  if (typeof version !== 'string' || version.length === 0 || version.length > 100) {
    throw new BatonError(ErrorCode.InvalidArgument, `Workflow '${options.name}' has an invalid version: use a non-empty string.`, { retryable: false });
  }
  if (options.queue !== undefined) assertQueueName(options.queue);
  if (options.namespace !== undefined && (typeof options.namespace !== 'string' || !isNamespaceName(options.namespace))) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `Workflow '${options.name}': its namespace is 1-100 letters, digits, spaces and . _ : / @ -, starting with a letter or digit.`,
      {
        retryable: false,
      },
    );
  }
  const onFailure = options.onFailure;
  if (onFailure !== undefined && !(typeof onFailure === 'string' ? NAME.test(onFailure) : isWorkflow(onFailure))) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `Workflow '${options.name}': onFailure names a workflow (a workflow name, or a workflow made by defineWorkflow()).`,
      { retryable: false },
    );
  }
  validateWorkflowFlow(options.name, options);
  for (const trigger of workflowTriggers(options)) {
    assertEventType(trigger.event);
    assertEventMatch(trigger.match, `trigger of workflow '${options.name}'`);
    if (trigger.input !== undefined && trigger.input !== 'event' && trigger.input !== 'data') {
      throw new BatonError(ErrorCode.InvalidArgument, `Workflow '${options.name}': a trigger's input is 'event' or 'data'.`, { retryable: false });
    }
  }
  for (const [signal, schema] of Object.entries(options.signals ?? {})) {
    if (signal.length === 0 || signal.length > 200 || signal.startsWith('$') || typeof (schema as { safeParse?: unknown })?.safeParse !== 'function') {
      throw new BatonError(
        ErrorCode.InvalidArgument,
        `Workflow '${options.name}': signals maps signal names (1-200 characters, not starting with '$') to zod schemas; '${signal}' does not.`,
        { retryable: false },
      );
    }
  }
  for (const { id, schedule } of workflowSchedules(options)) {
    assertScheduleId(id);
    resolveSchedule(schedule, `schedule '${id}' of workflow '${options.name}'`);
  }
  return Object.freeze({ kind: 'baton.workflow', name: options.name, version, options, fn });
}

export function isWorkflow(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'baton.workflow';
}

/** A workflow's declared schedules with their ids. */
export function workflowSchedules<I>(options: Pick<WorkflowOptions<I, unknown>, 'name' | 'schedule'>): { id: string; schedule: WorkflowSchedule<I> }[] {
  const declared = options.schedule;
  if (declared === undefined) return [];
  const list = Array.isArray(declared) ? declared : [declared];
  return list.map((schedule, i) => ({ id: schedule.id ?? (Array.isArray(declared) ? `${options.name}.${i + 1}` : options.name), schedule }));
}

/** A workflow's declared event triggers. */
export function workflowTriggers(options: Pick<WorkflowOptions<unknown, unknown>, 'on'>): EventTrigger[] {
  const on = options.on;
  return on === undefined ? [] : Array.isArray(on) ? on : [on];
}
