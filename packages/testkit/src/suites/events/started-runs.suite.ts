/**
 * Which runs a trigger started: an event's runs (recorded in the emit's transaction), the event log
 * read back from its end, the stored triggers, and a schedule's history with "run now" under each
 * overlap policy.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, ErrorCode, ManualClock, defineWorkflow, silentLogger, type EventTriggerRecord, type Store } from '@baton/core';
import { waitFor, type StoreFactory } from '../../harness.js';

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

export function startedRunsSuite(factory: StoreFactory): void {
  describe('runs started by triggers', () => {
    it("records the runs an event's triggers start, and reads the log back from its end", async () => {
      const store = await open(factory);
      try {
        const triggers: EventTriggerRecord[] = [
          { namespace: 'default', workflow: 'welcome', type: 'user.signed-up', input: 'event', queue: 'default', priority: 0 },
          { namespace: 'default', workflow: 'welcome-pro', type: 'user.signed-up', match: { 'data.plan': 'pro' }, input: 'data', queue: 'mail', priority: 5 },
          { namespace: 'default', workflow: 'invoice', type: 'order.paid', input: 'data', queue: 'default', priority: 0 },
        ];
        await store.saveTriggers('default', ['welcome', 'welcome-pro', 'invoice'], triggers);
        expect(await store.listTriggers()).toEqual([triggers[2], triggers[0], triggers[1]]);

        const client = new Client({ store });
        const free = await client.events.emit('user.signed-up', { plan: 'free' }, { id: 'u-1' });
        const pro = await client.events.emit('user.signed-up', { plan: 'pro' }, { id: 'u-2' });
        const other = await client.events.emit('nobody.listens', { n: 1 });
        // A repeated delivery starts nothing and records nothing.
        expect((await client.events.emit('user.signed-up', { plan: 'pro' }, { id: 'u-2' })).created).toBe(false);

        const recent = await client.events.recent();
        expect(recent.map((e) => e.seq)).toEqual([other.seq, pro.seq, free.seq]);
        expect(recent[0]!.runs).toEqual([]);
        expect(recent[1]!.runs.map((r) => [r.runId, r.workflow, r.status, r.origin]).sort()).toEqual([
          [`welcome-pro@event-${pro.seq}`, 'welcome-pro', 'queued', `event:${pro.seq}`],
          [`welcome@event-${pro.seq}`, 'welcome', 'queued', `event:${pro.seq}`],
        ]);
        expect(recent[2]!.runs.map((r) => r.runId)).toEqual([`welcome@event-${free.seq}`]);
        expect(recent[1]!.data).toEqual({ plan: 'pro' });

        // Paging back, by type, and only the runs of the reader's namespace.
        expect((await client.events.recent({ before: pro.seq, limit: 5 })).map((e) => e.seq)).toEqual([free.seq]);
        expect((await client.events.recent({ limit: 1 })).map((e) => e.seq)).toEqual([other.seq]);
        expect((await client.events.recent({ type: 'user.signed-up' })).map((e) => e.seq)).toEqual([pro.seq, free.seq]);
        // Another namespace sees none of these events.
        expect(await client.as({ id: 'k', namespace: 'other' }).events.recent()).toEqual([]);
        expect(await store.listEvents({ newestFirst: true, before: other.seq, limit: 1 })).toMatchObject([{ seq: pro.seq }]);
        // The log in order, as before.
        expect((await store.listEvents({ limit: 10 })).map((e) => e.seq)).toEqual([free.seq, pro.seq, other.seq]);

        // A run's status is read as it is now.
        await client.cancel(`welcome@event-${free.seq}`);
        expect((await client.events.recent({ type: 'user.signed-up' }))[1]!.runs[0]!.status).toBe('cancelled');
        expect(await codeOf(client.events.recent({ limit: 0 }))).toBe(ErrorCode.InvalidArgument);
        expect(await codeOf(client.events.recent({ before: -1 }))).toBe(ErrorCode.InvalidArgument);
      } finally {
        await store.close();
      }
    });

    it("keeps a schedule's history of ticks, and runs it now within its overlap policy, audited", async () => {
      const store = await open(factory);
      const clock = new ManualClock(Date.UTC(2030, 0, 1, 0, 0, 0));
      const report = defineWorkflow({ name: 'report' }, async (ctx, input: { day: string }) => ctx.step('make', () => input.day));
      const engine = new Engine({ store, workflows: [report], clock, logger: silentLogger, pollIntervalMs: 20, leaseMs: 24 * 3_600_000 });
      try {
        const admin = new Client({ store, clock, workflows: [report] }).as({ id: 'admin-key' });
        await admin.schedules.create({ id: 'skipper', workflow: 'report', cron: '*/5 * * * *', input: { day: 'mon' } });
        // No engine yet: the run stays queued, so the schedule's last run goes on.
        const first = await admin.schedules.runNow('skipper');
        expect(first).toEqual({ runId: 'skipper@2030-01-01T00:00:00.000Z' });
        expect(await store.getRun(first.runId)).toMatchObject({ workflow: 'report', status: 'queued', input: JSON.stringify({ day: 'mon' }) });
        const schedule = await admin.schedules.get('skipper');
        expect(schedule).toMatchObject({ lastRunId: first.runId });
        expect(schedule?.nextAt?.toISOString()).toBe('2030-01-01T00:05:00.000Z');
        expect(schedule?.lastTickAt).toBeUndefined();
        clock.advance(1000);
        expect(await codeOf(admin.schedules.runNow('skipper'))).toBe(ErrorCode.ScheduleBusy);
        const audit = await store.listAudit({ action: 'schedule.run', limit: 10 });
        expect(audit.map((e) => [e.actor, e.target, e.result])).toEqual([
          ['admin-key', 'skipper', ErrorCode.ScheduleBusy],
          ['admin-key', 'skipper', 'ok'],
        ]);
        expect(JSON.parse(audit[1]!.detail!)).toEqual({ runId: first.runId });

        // 'buffer' keeps one run waiting its turn, after the one going on.
        await admin.schedules.create({ id: 'buffered', workflow: 'report', cron: '0 0 1 1 *', overlap: 'buffer', input: { day: 'tue' } });
        const queued = await admin.schedules.runNow('buffered');
        clock.advance(1000);
        expect(await codeOf(admin.schedules.runNow('buffered'))).toBe(ErrorCode.ScheduleBusy);
        // 'allow' starts runs side by side.
        await admin.schedules.create({ id: 'allowed', workflow: 'report', cron: '0 0 1 1 *', overlap: 'allow', input: { day: 'wed' } });
        const a1 = await admin.schedules.runNow('allowed');
        clock.advance(1000);
        const a2 = await admin.schedules.runNow('allowed');
        expect((await admin.schedules.history('allowed')).map((r) => [r.runId, r.status])).toEqual([
          [a2.runId, 'queued'],
          [a1.runId, 'queued'],
        ]);

        // Paused, unknown: refused, and nothing started.
        await admin.schedules.pause('allowed');
        expect(await codeOf(admin.schedules.runNow('allowed'))).toBe(ErrorCode.SchedulePaused);
        expect(await codeOf(admin.schedules.runNow('no-such'))).toBe(ErrorCode.ScheduleNotFound);
        expect(await admin.schedules.history('allowed')).toHaveLength(2);

        // The engine runs them; the next tick of 'skipper' fires after its run now ended, into the same history.
        await engine.start();
        await waitFor(async () => (await store.getRun(first.runId))?.status === 'completed', { message: 'the run now to complete' });
        await waitFor(async () => (await store.getRun(queued.runId))?.status === 'completed', { message: "the 'buffer' run to complete" });
        clock.advance(5 * 60_000);
        await waitFor(async () => (await admin.schedules.history('skipper')).length === 2, { message: 'the tick to be recorded' });
        const history = await admin.schedules.history('skipper');
        expect(history.map((r) => r.runId)).toEqual(['skipper@2030-01-01T00:05:00.000Z', first.runId]);
        expect(history[1]).toMatchObject({ status: 'completed', workflow: 'report', origin: 'schedule:skipper' });
        expect(await admin.as({ id: 'k', namespace: 'other' }).schedules.history('skipper')).toEqual([]);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
      }
    });

    it("holds a 'buffer' run now until the schedule's running run ends", async () => {
      const store = await open(factory);
      const gate = defineWorkflow({ name: 'gated' }, async (ctx) => ctx.waitForSignal<string>('go'));
      const engine = new Engine({ store, workflows: [gate], logger: silentLogger, pollIntervalMs: 20 });
      await engine.start();
      try {
        const admin = engine.client.as({ id: 'admin-key' });
        await admin.schedules.create({ id: 'gate', workflow: 'gated', cron: '0 0 1 1 *', overlap: 'buffer' });
        const first = await admin.schedules.runNow('gate');
        await waitFor(async () => (await store.getRun(first.runId))?.status === 'waiting', { message: 'the first run to wait' });
        await waitFor(() => Date.now() > Number(new Date(first.runId.slice('gate@'.length))) + 2);
        const second = await admin.schedules.runNow('gate');
        expect(second).toEqual({ runId: second.runId, heldAfter: first.runId });
        expect(second.runId).not.toBe(first.runId);
        expect((await store.getRun(second.runId))?.status).toBe('queued');
        await admin.signal(first.runId, 'go', 'first');
        await waitFor(async () => (await store.getRun(first.runId))?.status === 'completed', { message: 'the first run to complete' });
        await waitFor(async () => (await store.getRun(second.runId))?.status === 'waiting', { message: 'the held run to start after it' });
        expect((await admin.schedules.history('gate')).map((r) => r.runId)).toEqual([second.runId, first.runId]);
      } finally {
        await engine.stop({ timeoutMs: 2000 });
        await store.close();
      }
    });
  });
}
