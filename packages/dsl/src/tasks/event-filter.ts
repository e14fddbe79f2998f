/**
 * The DSL's event filters (`with: { type, source, subject, data, … }`) on Baton's event log. A
 * filter's `type` is the event type Baton waits for; constant scalar `id`, `source`, `subject` and
 * `data.<field>` become Baton's match (so only matching events end the wait); everything else is
 * checked by the interpreter on the received event: an expression is a predicate on the attribute
 * (a boolean result) or the value it must equal, a constant must be contained in the attribute.
 */
import { assertEventType, type EventMatch, type ReceivedEvent } from '@baton/core';
import type { Evaluator, Scope } from '../runtime/evaluator.js';
import { standardFault } from '../runtime/workflow-fault.js';

export type EventFilter = { with?: Record<string, unknown> };

export interface SplitFilter {
  type: string;
  match: EventMatch;
  /** What the interpreter checks itself; empty when Baton's match says it all. */
  rest: Record<string, unknown>;
}

/** Splits a filter into Baton's part (type and match) and the interpreter's. */
export function splitFilter(filter: EventFilter, evaluator: Evaluator): SplitFilter {
  const attributes = filter.with ?? {};
  const type = attributes.type;
  if (typeof type !== 'string' || type === '' || evaluator.hasExpressions(type)) {
    throw standardFault('configuration', 'An event filter needs a constant type: Baton waits for events by type.');
  }
  try {
    assertEventType(type);
  } catch (error) {
    throw standardFault('configuration', (error as Error).message);
  }
  const match: EventMatch = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'type') continue;
    if (key === 'data' && isPlainObject(value)) {
      for (const [field, v] of Object.entries(value)) {
        if (isScalar(v) && !evaluator.hasExpressions(v)) match[`data.${field}`] = v;
        else {
          const data = (rest.data ??= {}) as Record<string, unknown>;
          data[field] = v;
        }
      }
    } else if ((key === 'id' || key === 'source' || key === 'subject') && isScalar(value) && !evaluator.hasExpressions(value)) {
      match[key] = value;
    } else rest[key] = value;
  }
  return { type, match, rest };
}

/** True when the event passes the interpreter's part of the filter. */
export async function passesFilter(rest: Record<string, unknown>, envelope: Record<string, unknown>, evaluator: Evaluator, scope: Scope): Promise<boolean> {
  for (const [key, expected] of Object.entries(rest)) if (!(await passes(expected, envelope[key], evaluator, scope))) return false;
  return true;
}

async function passes(expected: unknown, actual: unknown, evaluator: Evaluator, scope: Scope): Promise<boolean> {
  if (typeof expected === 'string' && evaluator.hasExpressions(expected)) {
    const result = await evaluator.expression(expected, actual, scope);
    return typeof result === 'boolean' ? result : equal(result, actual);
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return false;
    for (const [key, value] of Object.entries(expected)) if (!(await passes(value, actual[key], evaluator, scope))) return false;
    return true;
  }
  return equal(expected, actual);
}

/** The CloudEvent envelope of a received event. */
export function envelopeOf(event: ReceivedEvent): Record<string, unknown> {
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

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
