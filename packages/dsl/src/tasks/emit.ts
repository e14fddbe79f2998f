/**
 * `emit`: stores a CloudEvent (attributes from `emit.event.with`, expressions evaluated on the input)
 * in Baton's event log, inside the task's step. The output is the event as emitted.
 */
import { assertEventType } from '@baton/core';
import { emitFromRun, type CloudEvent } from '../runtime/event-log.js';
import { standardFault } from '../runtime/workflow-fault.js';
import type { LeafExecutor } from './executor.js';

export const emitExecutor: LeafExecutor = {
  kind: 'leaf',
  async perform({ task, input, scope, frame, idempotencyKey }) {
    const attributes = (task.emit as { event?: { with?: Record<string, unknown> } } | undefined)?.event?.with ?? {};
    const evaluated = (await frame.evaluator.template(attributes, input, scope)) as Record<string, unknown>;
    const { source, type } = evaluated;
    if (typeof source !== 'string' || source === '' || typeof type !== 'string' || type === '') {
      throw standardFault('configuration', 'An emitted event needs a source and a type (non-empty strings).');
    }
    try {
      assertEventType(type);
    } catch (error) {
      throw standardFault('configuration', (error as Error).message);
    }
    const event: CloudEvent = {
      ...evaluated,
      specversion: '1.0',
      id: typeof evaluated.id === 'string' ? evaluated.id : idempotencyKey,
      source,
      type,
      time: typeof evaluated.time === 'string' ? evaluated.time : new Date().toISOString(),
    };
    await emitFromRun(frame.ctx, event);
    return { output: event };
  },
};
