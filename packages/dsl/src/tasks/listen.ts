/**
 * `listen`: waits on Baton's event log (`ctx.waitForEvent`) for `to.one`, `to.all` (every filter,
 * waits registered together), `to.any` (the first filter to match) or `to.until` (events of `any`
 * consumed until the condition holds). A filter's `type` is the event type; constant `source`,
 * `subject` and scalar `data` fields become Baton's match; the rest (expressions, nested values) is
 * checked here, and an event that fails it is skipped. `read`: data (default), envelope or raw.
 * With `foreach`, each consumed event runs `foreach.do`.
 */
import type { ReceivedEvent } from '@baton/core';
import type { Scope } from '../runtime/evaluator.js';
import { guardedStep } from '../runtime/journaled.js';
import { nestedQualifier, stepName, type RunFrame, type TaskSite } from '../runtime/run-frame.js';
import { standardFault } from '../runtime/workflow-fault.js';
import type { CompoundExecutor, TaskList } from './executor.js';

type Filter = { with?: Record<string, unknown> };
type ListenTo = { one?: Filter; all?: Filter[]; any?: Filter[]; until?: unknown };

export const listenExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, scope, frame, site, runList }) {
    const spec = (task.listen ?? {}) as { to?: ListenTo; read?: string };
    const to = spec.to ?? {};
    let events: ReceivedEvent[];
    if (to.one !== undefined) events = [await waitFor(frame, site, to.one, input, scope, 'one')];
    else if (to.all !== undefined) events = await Promise.all(to.all.map((filter, i) => waitFor(frame, site, filter, input, scope, `all ${i}`)));
    else if (to.any !== undefined && to.until === undefined)
      events = [await Promise.race(to.any.map((filter, i) => waitFor(frame, site, filter, input, scope, `any ${i}`)))];
    else if (to.any !== undefined) events = await until(frame, site, to, input, scope, spec.read);
    else throw standardFault('configuration', 'listen.to needs one, all, any or until.', { instance: site.reference });
    const read = events.map((event) => readEvent(event, spec.read));
    const foreach = task.foreach as { item?: string; at?: string; do?: TaskList } | undefined;
    if (foreach?.do === undefined) return { output: read };
    let value = input;
    for (let index = 0; index < read.length; index++) {
      const vars = { [foreach.item ?? 'item']: read[index], [foreach.at ?? 'index']: index };
      const flow = await runList(foreach.do, `${site.reference}/foreach/do`, value, { vars, qualifier: nestedQualifier(site.qualifier, index + 1) });
      if (flow.end === true) return flow;
      value = flow.output;
    }
    return { output: value };
  },
};

/** Waits until an event passes the whole filter. */
async function waitFor(frame: RunFrame, site: TaskSite, filter: Filter, input: unknown, scope: Scope, label: string): Promise<ReceivedEvent> {
  const attributes = filter.with ?? {};
  const type = attributes.type;
  if (typeof type !== 'string' || frame.evaluator.hasExpressions(type)) {
    throw standardFault('configuration', 'An event filter needs a constant type (Baton waits for events by type).', { instance: site.reference });
  }
  const match: Record<string, string | number | boolean | null> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'type') continue;
    if (key === 'data' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [field, v] of Object.entries(value)) {
        if (isScalar(v) && !frame.evaluator.hasExpressions(v)) match[`data.${field}`] = v;
        else {
          const data = (rest.data ??= {}) as Record<string, unknown>;
          data[field] = v;
        }
      }
    } else if ((key === 'source' || key === 'subject' || key === 'id') && isScalar(value) && !frame.evaluator.hasExpressions(value)) match[key] = value;
    else rest[key] = value;
  }
  for (let n = 1; ; n++) {
    const event = await frame.ctx.waitForEvent(type, Object.keys(match).length === 0 ? {} : { match });
    if (Object.keys(rest).length === 0) return event;
    const pass = await guardedStep(frame, stepName({ reference: site.reference, qualifier: site.qualifier }, `${label} check ${n}`), site.reference, () => {
      const expected = frame.evaluator.template(rest, input, scope);
      return contains(readEvent(event, 'envelope'), expected);
    });
    if (pass) return event;
  }
}

/** `to.until`: consumes events of `to.any` until the condition (an expression on the consumed events) holds. */
async function until(frame: RunFrame, site: TaskSite, to: ListenTo, input: unknown, scope: Scope, read: string | undefined): Promise<ReceivedEvent[]> {
  const consumed: ReceivedEvent[] = [];
  for (let n = 1; ; n++) {
    const filters = to.any ?? [];
    consumed.push(await Promise.race(filters.map((filter, i) => waitFor(frame, site, filter, input, scope, `any ${i} #${n}`))));
    const condition = to.until;
    const done = await guardedStep(frame, stepName(site, `until ${n}`), site.reference, () => {
      const events = consumed.map((event) => readEvent(event, read));
      if (typeof condition === 'string') return frame.evaluator.test(condition, events, { ...scope, input });
      return false;
    });
    if (done) return consumed;
  }
}

function readEvent(event: ReceivedEvent, read: string | undefined): unknown {
  if (read === undefined || read === 'data' || read === 'raw') return event.data;
  const envelope: Record<string, unknown> = {
    specversion: '1.0',
    id: event.id,
    type: event.type,
    source: event.source,
    time: new Date(event.time).toISOString(),
    data: event.data,
  };
  if (event.subject !== undefined) envelope.subject = event.subject;
  return envelope;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** True when every field of `expected` is in `actual` with an equal (or containing) value. */
function contains(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return actual === expected;
  if (typeof actual !== 'object' || actual === null) return false;
  return Object.entries(expected).every(([key, value]) => contains((actual as Record<string, unknown>)[key], value));
}
