/**
 * Schedules in namespaces: a client acting in one namespace sees and changes only its schedules, a
 * schedule's runs start in its namespace, ids are unique across namespaces, and an engine's code
 * schedules belong to the engine's namespace.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, ErrorCode, ManualClock, defineWorkflow, silentLogger, type Store } from '@baton/core';
import { waitFor, type StoreFactory } from '../../harness.js';

const MINUTE = 60_000;

const codeOf = async (call: Promise<unknown>): Promise<string | undefined> =>
  call.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );

async function open(factory: StoreFactory): Promise<Store> {
  const store = await factory.create();
  await store.init();
  return store;
}

export function scheduleNamespacesSuite(factory: StoreFactory): void {
  describe('schedules in namespaces', () => {
    it("keeps each namespace's schedules apart, and starts a schedule's runs in its namespace", async () => {
      const clock = new ManualClock(Date.UTC(2030, 0, 1));
      const report = defineWorkflow({ name: 'ns-report' }, async (ctx, input: { team: string }) => ctx.step('report', () => input.team));
      const store = await open(factory);
      const engine = new Engine({ store, workflows: [report], clock, logger: silentLogger, pollIntervalMs: 50, leaseMs: 30 * 24 * 60 * MINUTE });
      await engine.start();
      try {
        const root = new Client({ store, clock, workflows: [report] });
        const a = root.as({ id: 'key-a', namespace: 'team-a' });
        const b = root.as({ id: 'key-b', namespace: 'team-b' });
        const created = await a.schedules.create({ id: 'ns-hourly', workflow: report, cron: '0 * * * *', input: { team: 'a' } });
        expect(created.namespace).toBe('team-a');
        await b.schedules.create({ id: 'ns-daily', workflow: report, cron: '0 0 * * *', input: { team: 'b' } });

        // Each namespace lists and reads its own; a client without a namespace sees both.
        expect((await a.schedules.list()).map((s) => s.id)).toEqual(['ns-hourly']);
        expect((await b.schedules.list()).map((s) => s.id)).toEqual(['ns-daily']);
        expect((await root.schedules.list()).map((s) => [s.id, s.namespace])).toEqual([
          ['ns-daily', 'team-b'],
          ['ns-hourly', 'team-a'],
        ]);
        expect(await b.schedules.get('ns-hourly')).toBeUndefined();
        expect((await store.listSchedules('team-a')).map((s) => s.id)).toEqual(['ns-hourly']);
        expect(await store.getSchedule('ns-hourly', 'team-b')).toBeUndefined();

        // Another namespace's schedule is not found for any change, and is left as it was.
        expect(await codeOf(b.schedules.pause('ns-hourly'))).toBe(ErrorCode.ScheduleNotFound);
        expect(await codeOf(b.schedules.resume('ns-hourly'))).toBe(ErrorCode.ScheduleNotFound);
        expect(await codeOf(b.schedules.update('ns-hourly', { cron: '*/5 * * * *' }))).toBe(ErrorCode.ScheduleNotFound);
        expect(await codeOf(b.schedules.runNow('ns-hourly'))).toBe(ErrorCode.ScheduleNotFound);
        expect(await codeOf(b.schedules.delete('ns-hourly'))).toBe(ErrorCode.ScheduleNotFound);
        expect(await store.deleteSchedule('ns-hourly', undefined, 'team-b')).toBe(false);
        expect(await a.schedules.get('ns-hourly')).toMatchObject({ cron: '0 * * * *', paused: false });

        // Ids are unique across namespaces: taking another namespace's id is refused, saying so.
        const taken = await b.schedules.create({ id: 'ns-hourly', workflow: report, cron: '0 1 * * *' }).catch((error: unknown) => error);
        expect(taken).toMatchObject({ code: ErrorCode.ScheduleExists, details: { reason: 'other-namespace' } });
        expect((taken as Error).message).toMatch(/another namespace/);
        expect(await codeOf(a.schedules.create({ id: 'ns-hourly', workflow: report, cron: '0 1 * * *' }))).toBe(ErrorCode.ScheduleExists);
        // An upsert in another namespace does not take the schedule over either.
        const own = (await store.getSchedule('ns-hourly'))!;
        expect(await codeOf(store.saveSchedule({ ...own, namespace: 'team-b', cron: '0 2 * * *' }, 'upsert'))).toBe(ErrorCode.ScheduleExists);
        expect(await store.getSchedule('ns-hourly')).toMatchObject({ namespace: 'team-a', cron: '0 * * * *' });

        // Ticks and "run now" start runs in the schedule's namespace.
        clock.advance(60 * MINUTE);
        const tickRun = await waitFor(async () => (await a.schedules.get('ns-hourly'))?.lastRunId, { timeoutMs: 30_000, message: 'the tick to fire' });
        expect((await store.getRun(tickRun))?.namespace).toBe('team-a');
        // Its overlap policy ('skip') refuses a run now while the tick's run goes on.
        await waitFor(async () => (await a.get(tickRun))?.status === 'completed', { timeoutMs: 30_000, message: "the tick's run to complete" });
        const now = await a.schedules.runNow('ns-hourly');
        expect((await store.getRun(now.runId))?.namespace).toBe('team-a');
        await waitFor(async () => (await a.get(now.runId))?.status === 'completed', { timeoutMs: 30_000, message: 'the run to complete' });
        expect(await b.get(now.runId)).toBeUndefined();
        expect((await a.schedules.history('ns-hourly')).map((r) => r.runId)).toContain(now.runId);
        expect(await b.schedules.history('ns-hourly')).toEqual([]);

        // The owner changes and deletes it.
        expect((await a.schedules.pause('ns-hourly')).paused).toBe(true);
        await a.schedules.delete('ns-hourly');
        expect(await root.schedules.get('ns-hourly')).toBeUndefined();
        expect((await root.schedules.list()).map((s) => s.id)).toEqual(['ns-daily']);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
      }
    });

    it("stores an engine's code schedules in the engine's namespace, and prunes only that namespace's", async () => {
      const clock = new ManualClock(Date.UTC(2030, 0, 1));
      const billing = defineWorkflow({ name: 'ns-billing', schedule: { id: 'ns-billing-c', cron: '*/10 * * * *' } }, async () => 'billed');
      const store = await open(factory);
      const options = { store, clock, logger: silentLogger, pollIntervalMs: 50, leaseMs: 30 * 24 * 60 * MINUTE };
      const engine = new Engine({ ...options, workflows: [billing], namespace: 'team-c' });
      await engine.start();
      try {
        expect(await store.getSchedule('ns-billing-c')).toMatchObject({ namespace: 'team-c', source: 'code' });
        const c = new Client({ store, clock }).as({ id: 'key-c', namespace: 'team-c' });
        expect((await c.schedules.list()).map((s) => s.id)).toEqual(['ns-billing-c']);
        expect(await new Client({ store, clock }).as({ id: 'key-d', namespace: 'default' }).schedules.list()).toEqual([]);

        clock.advance(10 * MINUTE);
        const runId = await waitFor(async () => (await store.getSchedule('ns-billing-c'))?.lastRunId, { timeoutMs: 30_000, message: 'the tick to fire' });
        expect((await store.getRun(runId))?.namespace).toBe('team-c');

        // Another namespace's engine prunes its own code schedules of the workflow, not team-c's; and
        // declaring the same id there is refused at start, saying why.
        const other = new Engine({
          ...options,
          workflows: [defineWorkflow({ name: 'ns-billing' }, async () => 'none')],
          namespace: 'team-d',
          schedules: false,
        });
        await other.start();
        await other.stop({ timeoutMs: 2000 });
        expect(await store.getSchedule('ns-billing-c')).toMatchObject({ namespace: 'team-c' });
        const clash = new Engine({ ...options, workflows: [billing], namespace: 'team-d', schedules: false });
        const refused = await clash.start().catch((error: unknown) => error);
        await clash.stop({ timeoutMs: 2000 }).catch(() => undefined);
        expect(refused).toMatchObject({ code: ErrorCode.ScheduleExists });
        expect((refused as Error).message).toMatch(/team-d.*another namespace/);
        expect(await store.getSchedule('ns-billing-c')).toMatchObject({ namespace: 'team-c' });
        expect(await codeOf(Promise.resolve().then(() => new Engine({ ...options, workflows: [], namespace: 'bad namespace!' })))).toBe(
          ErrorCode.InvalidArgument,
        );
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
      }
    });
  });
}
