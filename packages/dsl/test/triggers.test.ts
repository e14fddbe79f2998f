/** A definition's `schedule` as Baton schedules and triggers, and what is refused. */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@baton/core';
import { definitionTriggers, durationMs, triggerKinds, type WorkflowDocument } from '@baton/dsl';

function doc(schedule: unknown): WorkflowDocument {
  return { document: { dsl: '1.0.0', namespace: 'ns', name: 'flow', version: '1' }, do: [], schedule } as unknown as WorkflowDocument;
}

function refusal(schedule: unknown): { code?: string; details?: { issues?: { kind: string; path: string }[] } } {
  try {
    definitionTriggers(doc(schedule));
  } catch (error) {
    return error as { code?: string };
  }
  throw new Error('expected a refusal');
}

describe('definition triggers', () => {
  it('maps cron, every and after onto cron schedules', () => {
    expect(definitionTriggers(doc(undefined))).toEqual({});
    expect(definitionTriggers(doc({ cron: '0 9 * * 1' }))).toEqual({ schedule: { cron: '0 9 * * 1', overlap: 'allow' } });
    expect(definitionTriggers(doc({ every: { minutes: 15 } }))).toEqual({ schedule: { cron: '0 */15 * * * *', overlap: 'allow' } });
    expect(definitionTriggers(doc({ every: 'PT10S' })).schedule).toEqual({ cron: '*/10 * * * * *', overlap: 'allow' });
    expect(definitionTriggers(doc({ every: { hours: 6 } })).schedule).toEqual({ cron: '0 0 */6 * * *', overlap: 'allow' });
    expect(definitionTriggers(doc({ every: 'P1D' })).schedule).toEqual({ cron: '0 0 0 * * *', overlap: 'allow' });
    expect(definitionTriggers(doc({ after: { minutes: 5 } }))).toEqual({ schedule: { cron: '0 */5 * * * *', overlap: 'skip' } });
    expect(definitionTriggers(doc({ cron: '0 0 * * *', every: { hours: 1 } })).schedule).toEqual([
      { cron: '0 0 * * *', overlap: 'allow' },
      { cron: '0 0 */1 * * *', overlap: 'allow' },
    ]);
  });

  it('maps on events onto triggers with the event as input', () => {
    expect(definitionTriggers(doc({ on: { one: { with: { type: 'order.placed' } } } }))).toEqual({ on: [{ event: 'order.placed', input: 'event' }] });
    expect(
      definitionTriggers(doc({ on: { any: [{ with: { type: 'a', source: 'shop' } }, { with: { type: 'b', data: { plan: 'pro', n: 1 } } }] } })).on,
    ).toEqual([
      { event: 'a', input: 'event', match: { source: 'shop' } },
      { event: 'b', input: 'event', match: { 'data.plan': 'pro', 'data.n': 1 } },
    ]);
    expect(definitionTriggers(doc({ on: { all: [{ with: { type: 'x' } }] } })).on).toEqual([{ event: 'x', input: 'event' }]);
  });

  it('refuses what Baton cannot express, saying where', () => {
    const cases: [unknown, string][] = [
      [{ every: { minutes: 7 } }, '/schedule/every'],
      [{ every: { milliseconds: 1500 } }, '/schedule/every'],
      [{ after: 'soon' }, '/schedule/after'],
      [{ on: { all: [{ with: { type: 'a' } }, { with: { type: 'b' } }] } }, '/schedule/on/all'],
      [{ on: { one: { with: { type: 'order.*' } } } }, '/schedule/on/one/with/type'],
      [{ on: { one: { with: { type: 'a', source: '${ .x }' } } } }, '/schedule/on/one/with/source'],
      [{ on: { one: { with: { type: 'a' }, correlate: { id: { from: '.id' } } } } }, '/schedule/on/one/correlate'],
      [{ on: { any: [] } }, '/schedule/on/any'],
    ];
    for (const [schedule, path] of cases) {
      const error = refusal(schedule);
      expect(error.code).toBe(ErrorCode.InvalidDefinition);
      expect(error.details?.issues).toEqual([expect.objectContaining({ kind: 'unsupported', path })]);
    }
  });

  it('reads durations and names the kinds of start', () => {
    expect(durationMs({ days: 1, hours: 2, minutes: 3, seconds: 4, milliseconds: 5 }, '')).toBe(((24 + 2) * 60 + 3) * 60_000 + 4005);
    expect(durationMs('PT1H30M', '')).toBe(90 * 60_000);
    expect(durationMs('PT0.5S', '')).toBe(500);
    expect(triggerKinds(doc({ on: { one: { with: { type: 'a' } } }, cron: '* * * * *' }))).toEqual(['cron', 'event']);
    expect(triggerKinds(doc(undefined))).toEqual([]);
  });
});
