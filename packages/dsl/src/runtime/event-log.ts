/**
 * Emitting events from inside a step: a context extension gives the interpreter's steps the run's
 * store, so an `emit` task stores its event in Baton's event log (starting triggered runs and waking
 * waiting ones) like the client's emit. The event id makes a repeated attempt store nothing twice.
 */
import { defaultPayloadCodec, registerContextExtension, type NewEvent, type WorkflowContext } from '@baton/core';

const MEMBER = 'dslEmitEvent';

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype?: string;
  data?: unknown;
  [extension: string]: unknown;
}

type Emit = (event: CloudEvent) => Promise<void>;

registerContextExtension('dsl.events', (_ctx, { store, clock, namespace }) => ({
  [MEMBER]: (async (event) => {
    // In the run's namespace: it starts that namespace's triggers and wakes that namespace's runs.
    const stored: NewEvent = {
      namespace,
      id: event.id,
      type: event.type,
      source: event.source,
      time: Date.parse(event.time),
      data: defaultPayloadCodec.encode(event.data ?? null, `data of event '${event.type}'`),
    };
    if (event.subject !== undefined) stored.subject = event.subject;
    await store.emitEvent(stored, clock.now());
  }) satisfies Emit,
}));

/** Stores `event` in the event log, in the run's namespace (call it inside a step). */
export function emitFromRun(ctx: WorkflowContext, event: CloudEvent): Promise<void> {
  return (ctx as unknown as Record<string, Emit>)[MEMBER]!(event);
}
