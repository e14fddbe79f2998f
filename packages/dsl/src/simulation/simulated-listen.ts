/**
 * `listen` in a simulation: nothing is awaited. Events come from the scenario's `events[type]`, in
 * order, by the listen's strategy: `one` takes the next event of its type, `all` one of each, `any`
 * the first type that has one left, and `any` with `until` every event left of its types (stopping
 * early when the `until` expression holds on the events read so far). An awaited type the scenario
 * has nothing for gets one default event (data `{}`) where the strategy needs one. `read: envelope`
 * gives CloudEvent envelopes (a scenario event that is itself an envelope is kept, its type set);
 * otherwise each event's data. `foreach` runs as in production.
 */
import type { Scope } from '../runtime/evaluator.js';
import { standardFault } from '../runtime/workflow-fault.js';
import type { EventFilter } from '../tasks/event-filter.js';
import type { CompoundExecutor, RunFrame, TaskSite } from '../tasks/executor.js';
import { iterate, type Foreach } from '../tasks/listen.js';
import type { Answered, ScenarioAnswers } from './scenario-answers.js';
import { journaledAnswer } from './simulated-answer.js';

type Strategy = { one?: EventFilter; all?: EventFilter[]; any?: EventFilter[]; until?: string | Strategy };
type Envelope = Record<string, unknown> & { type: string; data: unknown };

export function simulatedListen(answers: ScenarioAnswers): CompoundExecutor {
  return {
    kind: 'compound',
    async perform(invocation) {
      const { task, frame, site, scope } = invocation;
      const spec = (task.listen ?? {}) as { to?: Strategy; read?: string };
      const to = spec.to ?? {};
      const types = awaitedTypes(to, site);
      const answered = await journaledAnswer(frame, site, () => receive(answers, frame, scope, to, types, spec.read));
      const read = answered.output as unknown[];
      const foreach = task.foreach as Foreach | undefined;
      if (foreach === undefined) return { output: read, answeredBy: answered.answeredBy };
      return { ...(await iterate(invocation, foreach, read)), answeredBy: answered.answeredBy };
    },
  };
}

/** The event types each part of the strategy waits for (constant types, as production requires). */
function awaitedTypes(to: Strategy, site: TaskSite): { one?: string; all?: string[]; any?: string[] } {
  if (to.one !== undefined) return { one: typeOf(to.one, site) };
  if (to.all !== undefined) return { all: to.all.map((filter) => typeOf(filter, site)) };
  if (to.any === undefined || to.any.length === 0) {
    throw standardFault('configuration', 'listen.to needs one, all or a non-empty any: Baton waits for events by type.', { instance: site.reference });
  }
  return { any: to.any.map((filter) => typeOf(filter, site)) };
}

function typeOf(filter: EventFilter, site: TaskSite): string {
  const type = filter.with?.type;
  if (typeof type !== 'string' || type === '' || type.includes('${')) {
    throw standardFault('configuration', 'An event filter needs a constant type: Baton waits for events by type.', { instance: site.reference });
  }
  return type;
}

async function receive(
  answers: ScenarioAnswers,
  frame: RunFrame,
  scope: Scope,
  to: Strategy,
  types: { one?: string; all?: string[]; any?: string[] },
  read: string | undefined,
): Promise<Answered> {
  let fromScenario = false;
  let count = 0;
  const envelope = (type: string, value: unknown, as: string | undefined): Envelope => envelopeOf(`simulated-${++count}`, type, value, as);
  const next = (type: string): Envelope | undefined => {
    const given = answers.nextEvent(type);
    if (given === undefined) return undefined;
    fromScenario = true;
    return envelope(type, given.value, read);
  };
  const orDefault = (type: string): Envelope => next(type) ?? envelope(type, {}, undefined);
  let events: Envelope[];
  if (types.one !== undefined) events = [orDefault(types.one)];
  else if (types.all !== undefined) events = types.all.map(orDefault);
  else {
    const any = types.any!;
    if (to.until === undefined) {
      events = [nextOf(any, next) ?? orDefault(any[0]!)];
    } else {
      events = [];
      const until = to.until;
      for (let event = nextOf(any, next); event !== undefined; event = nextOf(any, next)) {
        events.push(event);
        if (
          typeof until === 'string' &&
          (await frame.evaluator.test(
            until,
            events.map((e) => readOf(e, read)),
            scope,
          ))
        )
          break;
      }
      if (events.length === 0) events = [orDefault(any[0]!)];
    }
  }
  return { output: events.map((event) => readOf(event, read)), answeredBy: fromScenario ? 'scenario' : 'default' };
}

/** The next event of the first of `types` that has one left. */
function nextOf(types: string[], next: (type: string) => Envelope | undefined): Envelope | undefined {
  for (const type of types) {
    const event = next(type);
    if (event !== undefined) return event;
  }
  return undefined;
}

/** A CloudEvent envelope around a scenario's event. */
function envelopeOf(id: string, type: string, value: unknown, read: string | undefined): Envelope {
  if (read === 'envelope' && isRecord(value) && (Object.hasOwn(value, 'data') || Object.hasOwn(value, 'specversion'))) {
    return { specversion: '1.0', id, source: 'simulation', ...value, type, data: value.data ?? null };
  }
  return { specversion: '1.0', id, source: 'simulation', type, data: value };
}

function readOf(event: Envelope, read: string | undefined): unknown {
  return read === 'envelope' ? event : event.data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
