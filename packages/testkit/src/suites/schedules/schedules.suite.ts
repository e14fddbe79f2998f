/** Cron schedules through engines: each tick once across engines, time zones and DST, catch-up, overlap, the client API. */
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Client, Engine, ErrorCode, ManualClock, defineWorkflow, silentLogger, type AnyWorkflow, type EngineOptions, type Store } from '@baton/core';
import { waitFor, type StoreFactory } from '../../harness.js';

const MINUTE = 60_000;

async function setup(factory: StoreFactory, clock: ManualClock) {
  const first = await factory.create();
  await first.init();
  const stores: Store[] = [first];
  const engines: Engine[] = [];
  return {
    client: new Client({ store: first, clock }),
    engines,
    /** Starts an engine on its own store handle (where the store can open another). */
    async engine(workflows: AnyWorkflow[], options: Partial<EngineOptions> = {}) {
      const store = stores.length === 1 && engines.length === 0 ? first : factory.reopen === undefined ? first : await factory.reopen(first);
      if (!stores.includes(store)) stores.push(store);
      // The test clock jumps minutes at a time: leases long enough that no run is taken over because of it.
      const engine = new Engine({ store, workflows, clock, logger: silentLogger, pollIntervalMs: 50, leaseMs: 30 * 24 * 60 * MINUTE, ...options });
      await engine.start();
      engines.push(engine);
      return engine;
    },
    async close() {
      await Promise.all(engines.map((e) => e.stop({ timeoutMs: 2000 })));
      for (const store of stores) await store.close();
    },
  };
}

/**
 * Moves the clock on in slices and, after each, waits until the engines have fired every tick now
 * due (each schedule's next tick is in the future again), as they would on a clock that does not jump.
 */
async function pass(clock: ManualClock, ms: number, slice: number, client: Client): Promise<void> {
  for (let done = 0; done < ms; done += slice) {
    clock.advance(Math.min(slice, ms - done));
    await waitFor(async () => (await client.schedules.list()).every((s) => s.nextAt === undefined || s.nextAt.getTime() > clock.now()), {
      timeoutMs: 10_000,
      message: 'the engines to fire the due ticks',
    });
  }
}

export function schedulesSuite(factory: StoreFactory): void {
  describe('cron schedules', () => {
    it('fires every tick of a code schedule exactly once, with two engines racing for it', async () => {
      const clock = new ManualClock(Date.UTC(2030, 0, 1));
      const runs = new Set<string>();
      const wf = defineWorkflow(
        { name: 'every-5-min', schedule: { cron: '*/5 * * * *', input: { report: 'daily' }, overlap: 'allow' } },
        async (ctx, input: { report: string }) => {
          await ctx.step('run', () => void runs.add(ctx.runId));
          return input.report;
        },
      );
      const t = await setup(factory, clock);
      try {
        await t.engine([wf]);
        await t.engine([wf]);
        const schedule = await t.client.schedules.get('every-5-min');
        expect(schedule).toMatchObject({ source: 'code', cron: '*/5 * * * *', timezone: 'UTC', input: { report: 'daily' }, paused: false });
        expect(schedule?.nextAt?.toISOString()).toBe('2030-01-01T00:05:00.000Z');
        await pass(clock, 30 * MINUTE, MINUTE, t.client);
        await waitFor(() => runs.size >= 6);
        await delay(200);
        expect([...runs].sort()).toEqual([5, 10, 15, 20, 25, 30].map((m) => `every-5-min@2030-01-01T00:${String(m).padStart(2, '0')}:00.000Z`));
        const run = await t.client.get([...runs][0]!);
        expect(run).toMatchObject({ workflow: 'every-5-min', status: 'completed', output: 'daily', input: { report: 'daily' } });
      } finally {
        await t.close();
      }
    });

    it('reads the pattern in its time zone, and fires once a day across both DST changes', async () => {
      // Europe/Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST; 2026-10-25 03:00 CEST falls back to 02:00 CET.
      const clock = new ManualClock(Date.UTC(2026, 2, 27, 12));
      // Runs whose step ran, by id: the clock jumps past leases while runs execute, so a step may run
      // again after its run is claimed anew (at least once); the ticks are what this test counts.
      const fired = new Set<string>();
      const wf = defineWorkflow({ name: 'nightly', schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin', overlap: 'allow' } }, async (ctx) => {
        await ctx.step('run', () => void fired.add(ctx.runId));
      });
      const t = await setup(factory, clock);
      try {
        await t.engine([wf]);
        await pass(clock, 3 * 24 * 60 * MINUTE, 15 * MINUTE, t.client);
        await waitFor(() => fired.size >= 3, { timeoutMs: 45_000, message: '3 nightly runs' });
        const ticks = (await t.client.list({ workflow: 'nightly' })).runs.map((r) => r.id.split('@')[1]).sort();
        // 02:30 CET is 01:30Z; on the 29th 02:30 does not exist and the tick comes an hour later (03:30 CEST, 01:30Z); then 00:30Z.
        expect(ticks).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
        // The jump below outlasts every lease: the spring runs end first so none is taken over on the way.
        await waitFor(async () => (await t.client.list({ workflow: 'nightly' })).runs.every((r) => r.status === 'completed'), {
          timeoutMs: 45_000,
          message: 'the spring runs to end',
        });
        // Fall back: 02:30 happens twice on the 25th; the schedule fires once.
        await t.client.schedules.pause('nightly');
        clock.set(Date.UTC(2026, 9, 24, 12));
        await t.client.schedules.resume('nightly');
        await pass(clock, 2 * 24 * 60 * MINUTE, 15 * MINUTE, t.client);
        await waitFor(() => fired.size >= 5, { timeoutMs: 45_000, message: '5 nightly runs' });
        const autumn = (await t.client.list({ workflow: 'nightly' })).runs
          .map((r) => r.id.split('@')[1])
          .filter((id) => id!.startsWith('2026-10'))
          .sort();
        expect(autumn).toEqual(['2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z']);
      } finally {
        await t.close();
      }
      // Some 480 clock steps, each a scheduler pass on the store: a loaded machine needs room.
    }, 120_000);

    for (const [catchup, expected] of [
      ['none', []],
      ['latest', ['01:00']],
      ['all', ['00:10', '00:20', '00:30', '00:40', '00:50', '01:00']],
    ] as const) {
      it(`after an hour with no engine, catch-up '${catchup}' fires ${expected.length === 0 ? 'no missed tick' : expected.length === 1 ? 'the latest missed tick' : 'every missed tick'}`, async () => {
        const clock = new ManualClock(Date.UTC(2030, 0, 1));
        const wf = defineWorkflow({ name: 'ten-minutes' }, async () => 'done');
        const t = await setup(factory, clock);
        try {
          await t.client.schedules.create({ id: `tick-${catchup}`, workflow: wf, cron: '*/10 * * * *', catchup });
          clock.advance(65 * MINUTE); // no engine ran: the ticks from 00:10 to 01:00 were missed
          await t.engine([wf]);
          await delay(300);
          const ids = (await t.client.list({ workflow: 'ten-minutes' })).runs.map((r) => r.id.slice(r.id.indexOf('T') + 1, r.id.indexOf('T') + 6)).sort();
          expect(ids).toEqual([...expected]);
          expect((await t.client.schedules.get(`tick-${catchup}`))?.nextAt?.toISOString()).toBe('2030-01-01T01:10:00.000Z');
          // The next tick starts a run only once the last one ended (overlap 'skip'): on a busy machine
          // the backfill's runs may still be going when the clock moves on.
          await waitFor(async () => (await t.client.list({ workflow: 'ten-minutes' })).runs.every((r) => r.status === 'completed'), {
            message: 'the missed ticks to finish',
          });
          await pass(clock, 5 * MINUTE, MINUTE, t.client);
          await waitFor(async () => (await t.client.list({ workflow: 'ten-minutes' })).runs.length === expected.length + 1);
        } finally {
          await t.close();
        }
      });
    }

    for (const [overlap, expected] of [
      ['skip', 1],
      ['buffer', 2],
      ['allow', 3],
    ] as const) {
      it(`overlap '${overlap}': a tick while the previous run is still going ${overlap === 'skip' ? 'is skipped' : overlap === 'buffer' ? 'buffers one run' : 'starts another'}`, async () => {
        const clock = new ManualClock(Date.UTC(2030, 0, 1));
        const wf = defineWorkflow({ name: `slow-${overlap}` }, async (ctx) => {
          await ctx.waitForSignal('finish');
          return ctx.runId;
        });
        const t = await setup(factory, clock);
        try {
          await t.engine([wf]);
          await t.client.schedules.create({ id: `every-minute-${overlap}`, workflow: wf, cron: '* * * * *', overlap });
          // Let the engines learn of the new schedule before its first tick.
          await delay(150);
          // The first tick's run gets going (a run still queued is itself the one a 'buffer' keeps), then two more ticks.
          await pass(clock, MINUTE, MINUTE, t.client);
          await waitFor(async () => (await t.client.list({ workflow: wf.name, status: 'waiting' })).runs.length === 1);
          await pass(clock, 2 * MINUTE, MINUTE, t.client);
          await waitFor(async () => (await t.client.list({ workflow: wf.name })).runs.length >= expected);
          await delay(200);
          const runs = (await t.client.list({ workflow: wf.name })).runs;
          expect(runs).toHaveLength(expected);
          if (overlap === 'buffer') {
            const [older, newer] = [...runs].sort((a, b) => a.id.localeCompare(b.id));
            expect(older?.status).toBe('waiting');
            expect(newer?.status).toBe('queued'); // held until the older one ends
            await t.client.signal(older!.id, 'finish', null);
            await waitFor(async () => (await t.client.get(newer!.id))?.status === 'waiting');
          }
        } finally {
          await t.close();
        }
      });
    }

    it('creates, lists, pauses, resumes and deletes schedules, and rejects bad ones with stable codes', async () => {
      const clock = new ManualClock(Date.UTC(2030, 0, 1, 8, 0, 30));
      const wf = defineWorkflow({ name: 'managed' }, async (_ctx, input: { n: number }) => input.n);
      const t = await setup(factory, clock);
      try {
        const created = await t.client.schedules.create({ id: 'hourly', workflow: wf, cron: '0 * * * *', timezone: 'America/New_York', input: { n: 1 } });
        expect(created).toMatchObject({ id: 'hourly', workflow: 'managed', source: 'api', paused: false, input: { n: 1 } });
        expect(created.nextAt?.toISOString()).toBe('2030-01-01T09:00:00.000Z');
        await expect(t.client.schedules.create({ id: 'hourly', workflow: wf, cron: '0 * * * *' })).rejects.toMatchObject({ code: ErrorCode.ScheduleExists });
        await expect(t.client.schedules.create({ id: 'bad', workflow: wf, cron: '61 * * * *' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(t.client.schedules.create({ id: 'bad', workflow: wf, cron: '0 * * * *', timezone: 'Mars/Olympus' })).rejects.toMatchObject({
          code: ErrorCode.InvalidArgument,
        });
        await expect(t.client.schedules.create({ id: 'no spaces', workflow: wf, cron: '0 * * * *' })).rejects.toMatchObject({
          code: ErrorCode.InvalidArgument,
        });
        expect((await t.client.schedules.list()).map((s) => s.id)).toEqual(['hourly']);
        const paused = await t.client.schedules.pause('hourly');
        expect(paused.paused).toBe(true);
        expect(paused.nextAt).toBeUndefined();
        await t.engine([wf]);
        await pass(clock, 3 * 60 * MINUTE, 15 * MINUTE, t.client);
        expect((await t.client.list({ workflow: 'managed' })).runs).toHaveLength(0);
        const resumed = await t.client.schedules.resume('hourly');
        expect(resumed.nextAt?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
        await pass(clock, 60 * MINUTE, 15 * MINUTE, t.client);
        await waitFor(async () => (await t.client.list({ workflow: 'managed' })).runs.length === 1);
        await t.client.schedules.delete('hourly');
        expect(await t.client.schedules.get('hourly')).toBeUndefined();
        await expect(t.client.schedules.delete('hourly')).rejects.toMatchObject({ code: ErrorCode.ScheduleNotFound });
        await expect(t.client.schedules.pause('hourly')).rejects.toMatchObject({ code: ErrorCode.ScheduleNotFound });
      } finally {
        await t.close();
      }
    });
  });
}
