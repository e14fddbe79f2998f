/**
 * `listen`: waits on Baton's event log (`ctx.waitForEvent`, the run suspended meanwhile) for
 * `to.one`, `to.all` (every filter; the waits are registered together), `to.any` (the first filter
 * to match), or `to.any` with `until` (events consumed until the condition, an expression on the
 * events read so far, holds, or until the `until` events arrive; those are not part of the output).
 * When several waits race, the winner is journaled, so a replay takes the same one. `read`: data
 * (default), envelope or raw. The output is the array of events read; with `foreach`, each one runs
 * `foreach.do` (its input the event) and `foreach.output.as` shapes its element.
 */
import type { ReceivedEvent } from '@baton/core';
import { transform } from '../runtime/data-flow.js';
import type { Scope } from '../runtime/evaluator.js';
import { guardedStep } from '../runtime/journaled.js';
import { nestedQualifier, stepName } from '../runtime/run-frame.js';
import { standardFault } from '../runtime/workflow-fault.js';
import { envelopeOf, passesFilter, splitFilter, type EventFilter } from './event-filter.js';
import type { CompoundExecutor, Flow, TaskList, RunFrame, TaskSite } from './executor.js';

type Strategy = { one?: EventFilter; all?: EventFilter[]; any?: EventFilter[]; until?: string | Strategy };
export type Foreach = { item?: string; at?: string; do?: TaskList; output?: { as?: unknown } };

export const listenExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform(invocation) {
    const { task, frame, site } = invocation;
    const spec = (task.listen ?? {}) as { to?: Strategy; read?: string };
    const waits = new Waits(frame, site, invocation.scope);
    const events = await consume(waits, spec.to ?? {}, spec.read);
    const read = events.map((event) => readEvent(event, spec.read));
    const foreach = task.foreach as Foreach | undefined;
    return foreach === undefined ? { output: read } : iterate(invocation, foreach, read);
  },
};

async function consume(waits: Waits, to: Strategy, read: string | undefined): Promise<ReceivedEvent[]> {
  if (to.one !== undefined) return [await waits.one(to.one)];
  if (to.all !== undefined) return Promise.all(to.all.map((filter) => waits.one(filter)));
  if (to.any === undefined || to.any.length === 0) {
    throw standardFault('configuration', 'listen.to needs one, all or a non-empty any: Baton waits for events by type.', { instance: waits.site.reference });
  }
  const any = to.any;
  if (to.until === undefined) return [(await waits.race(any.map((filter) => () => waits.one(filter)))).value];
  const consumed: ReceivedEvent[] = [];
  const until = to.until;
  // One pending wait per filter, renewed when it is consumed, so no event falls between two waits.
  const pending = any.map((filter) => waits.one(filter));
  const stop = typeof until === 'string' ? undefined : consume(waits, until, read);
  for (let round = 1; ; round++) {
    const racers: (() => Promise<unknown>)[] = pending.map((p) => () => p);
    const winner = await waits.race(stop === undefined ? racers : [...racers, () => stop]);
    if (winner.index === pending.length) return consumed;
    consumed.push(winner.value as ReceivedEvent);
    pending[winner.index] = waits.one(any[winner.index]!);
    if (typeof until === 'string') {
      const done = await guardedStep(waits.frame, stepName(waits.site, `until #${round}`), waits.site.reference, () =>
        waits.frame.evaluator.test(
          until,
          consumed.map((event) => readEvent(event, read)),
          waits.scope,
        ),
      );
      if (done) return consumed;
    }
  }
}

/** The run's event waits for one listen task, with the interpreter's filter checks and journaled race winners. */
class Waits {
  #races = 0;
  #checks = 0;
  constructor(
    readonly frame: RunFrame,
    readonly site: TaskSite,
    readonly scope: Scope,
  ) {}

  /** The next event that passes the whole filter. */
  async one(filter: EventFilter): Promise<ReceivedEvent> {
    const { type, match, rest } = splitFilter(filter, this.frame.evaluator);
    for (;;) {
      const event = await this.frame.ctx.waitForEvent(type, Object.keys(match).length === 0 ? {} : { match });
      if (Object.keys(rest).length === 0) return event;
      const check = ++this.#checks;
      const pass = await guardedStep(this.frame, stepName(this.site, `filter #${check}`), this.site.reference, () =>
        passesFilter(rest, envelopeOf(event), this.frame.evaluator, this.scope),
      );
      if (pass) return event;
    }
  }

  /** The first of the racers to finish; which one is journaled, so a replay picks the same. */
  async race<T>(racers: (() => Promise<T>)[]): Promise<{ index: number; value: T }> {
    const promises = racers.map((racer) => racer());
    const live = await Promise.race(promises.map((p, index) => p.then(() => index)));
    const index = await guardedStep(this.frame, stepName(this.site, `winner #${++this.#races}`), this.site.reference, () => live);
    return { index, value: await promises[index]! };
  }
}

/** Runs `foreach` over the events read (shared with a simulation's listen). */
export async function iterate({ frame, site, runList, scope }: Parameters<CompoundExecutor['perform']>[0], foreach: Foreach, events: unknown[]): Promise<Flow> {
  const outputs: unknown[] = [];
  for (let index = 0; index < events.length; index++) {
    const vars = { [foreach.item ?? 'item']: events[index], [foreach.at ?? 'index']: index };
    const qualifier = nestedQualifier(site.qualifier, index + 1);
    let value = events[index];
    if (foreach.do !== undefined) {
      const flow = await runList(foreach.do, `${site.reference}/foreach/do`, value, { vars, qualifier });
      if (flow.end === true) return flow;
      value = flow.output;
    }
    if (foreach.output?.as !== undefined) {
      const current = value;
      value = await guardedStep(frame, stepName({ reference: site.reference, qualifier }, 'output'), site.reference, () =>
        transform(frame, foreach.output!.as, current, { ...scope, ...vars }),
      );
    }
    outputs.push(value);
  }
  return { output: outputs };
}

function readEvent(event: ReceivedEvent, read: string | undefined): unknown {
  return read === 'envelope' ? envelopeOf(event) : event.data;
}
