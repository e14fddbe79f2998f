/**
 * Alert evaluation over a store's real runs, on a ManualClock: each condition kind fires when its
 * value goes above the threshold, repeats on its schedule while firing, and resolves when its value
 * falls back (or its runs leave the window); two evaluators sharing the store record each transition
 * once, the one holding the leadership row doing the work. A waiting run is stuck by the start of its
 * wait, however often escalation stages write its row.
 */
import { describe, expect, it } from 'vitest';
import { AlertEvaluator, ManualClock, TerminalError, defineWorkflow, type AlertRuleInput, type NewRun, type Store } from '@baton/core';
import { deferred, startHarness, waitFor, waitForStatus, withStore, type StoreFactory } from '../../harness.js';
import { rule } from './alert-store.suite.js';

const FAULT_TYPE = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';

async function kinds(store: Store, ruleId: string): Promise<string[]> {
  return (await store.listAlertTransitions({ ruleId, limit: 50 })).map((t) => t.kind).reverse();
}

function evaluator(store: Store, clock: ManualClock, holder = 'engine-1'): AlertEvaluator {
  return new AlertEvaluator({ store, clock, holder, intervalMs: 10_000 });
}

export function alertEvaluationSuite(factory: StoreFactory): void {
  describe('alert evaluation', () => {
    it('failure rate, failed steps and DSL error types fire, repeat and resolve as failed runs enter and leave the window', async () => {
      const charge = defineWorkflow({ name: 'charge', retry: { maxAttempts: 1 } }, async (ctx, input: { fail: boolean }) => {
        return ctx.step(
          'charge-card',
          () => {
            if (input.fail) throw new TerminalError('card declined');
            return 'ok';
          },
          { retry: { maxAttempts: 1 } },
        );
      });
      const flow = defineWorkflow({ name: 'flow', retry: { maxAttempts: 1 } }, async () => {
        throw new TerminalError(`Communication error: HTTP 503 (${FAULT_TYPE}, status 503)`, {
          code: 'BATON_WORKFLOW_FAULT',
          details: { error: { type: FAULT_TYPE, status: 503 } },
        });
      });
      const h = await startHarness(factory, [charge, flow], { manualClock: true });
      try {
        const clock = h.manual!;
        const e = evaluator(h.store, clock);
        await h.store.saveAlertRule(
          rule({ id: 'rate', condition: { kind: 'failure-rate', workflow: 'charge', minRuns: 3 }, threshold: 0.5, window: '5m', repeatEvery: '1m' }),
          'api',
          clock.now(),
        );
        await h.store.saveAlertRule(
          rule({ id: 'step', condition: { kind: 'step-failed', step: 'charge-card' }, threshold: 1, window: '5m' }),
          'api',
          clock.now(),
        );
        await h.store.saveAlertRule(
          rule({ id: 'other-step', condition: { kind: 'step-failed', step: 'refund' }, threshold: 0, window: '5m' }),
          'api',
          clock.now(),
        );
        await h.store.saveAlertRule(
          rule({ id: 'dsl', condition: { kind: 'dsl-error', errorType: FAULT_TYPE }, threshold: 0, window: '5m' }),
          'api',
          clock.now(),
        );

        const end = async (wf: typeof charge, input: { fail: boolean }) => {
          const run = await h.engine.client.start(wf, input);
          await waitForStatus(h.engine, run.id, input.fail ? 'failed' : 'completed');
        };
        await end(charge, { fail: true });
        await end(charge, { fail: true });
        // Two ended runs: below the rate's minimum count of 3; two failed at the step, above 1.
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['step', 'firing', 2]]);
        await end(charge, { fail: false });
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['rate', 'firing', 2 / 3]]);
        const faulted = await h.engine.client.start(flow, undefined);
        await waitForStatus(h.engine, faulted.id, 'failed');
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind])).toEqual([['dsl', 'firing']]);

        clock.advance(30_000);
        expect(await e.evaluate()).toEqual([]);
        clock.advance(30_000);
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind])).toEqual([['rate', 'repeat']]);

        clock.advance(5 * 60_000); // every run ended leaves the window
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([
          ['dsl', 'resolved', 0],
          ['rate', 'resolved', null],
          ['step', 'resolved', 0],
        ]);
        expect(await kinds(h.store, 'rate')).toEqual(['firing', 'repeat', 'resolved']);
        expect(await kinds(h.store, 'other-step')).toEqual([]);
        expect(await e.evaluate()).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('stuck runs (running, waiting) and spend (a run, a workflow) fire and resolve', async () => {
      const release = deferred();
      const slow = defineWorkflow({ name: 'slow' }, async (ctx) => ctx.step('work', () => release.promise));
      const waiter = defineWorkflow({ name: 'waiter' }, async (ctx) => ctx.waitForSignal('approve'));
      const spender = defineWorkflow({ name: 'spender' }, async (ctx) =>
        ctx.step('model', () => ({ kind: 'baton.llm', model: 'test', costUsd: 0.75, usage: { inputTokens: 10, outputTokens: 5 } })),
      );
      const h = await startHarness(factory, [slow, waiter, spender], { manualClock: true });
      try {
        const clock = h.manual!;
        const e = evaluator(h.store, clock);
        await h.store.saveAlertRule(rule({ id: 'running', condition: { kind: 'stuck', status: 'running', for: '10m' }, threshold: 0 }), 'api', clock.now());
        await h.store.saveAlertRule(
          rule({ id: 'waiting', condition: { kind: 'stuck', status: 'waiting', for: '1h', workflow: 'waiter' }, threshold: 0 }),
          'api',
          clock.now(),
        );
        await h.store.saveAlertRule(rule({ id: 'run-spend', condition: { kind: 'run-spend' }, threshold: 1, window: '1h' }), 'api', clock.now());
        await h.store.saveAlertRule(
          rule({ id: 'spend', condition: { kind: 'workflow-spend', workflow: 'spender' }, threshold: 1, window: '1h' }),
          'api',
          clock.now(),
        );

        const running = await h.engine.client.start(slow, undefined);
        await waitForStatus(h.engine, running.id, 'running');
        const waiting = await h.engine.client.start(waiter, undefined);
        await waitForStatus(h.engine, waiting.id, 'waiting');
        for (let i = 0; i < 2; i++) await (await h.engine.client.start(spender, undefined)).result();
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['spend', 'firing', 1.5]]);

        clock.advance(11 * 60_000);
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['running', 'firing', 1]]);
        clock.advance(50 * 60_000);
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['waiting', 'firing', 1]]);

        release.resolve();
        await running.result();
        await h.engine.client.signal(waiting.id, 'approve', 'yes');
        await waiting.result();
        clock.advance(3 * 3_600_000); // the spend's hours leave the window
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind])).toEqual([
          ['running', 'resolved'],
          ['spend', 'resolved'],
          ['waiting', 'resolved'],
        ]);

        // One run's spend: a run created in the window that spent more than the threshold.
        await h.store.saveAlertRule(
          rule({ id: 'run-spend', condition: { kind: 'run-spend', workflow: 'spender' }, threshold: 0.5, window: '1h' }),
          'api',
          clock.now(),
        );
        await (await h.engine.client.start(spender, undefined)).result();
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['run-spend', 'firing', 0.75]]);
        clock.advance(2 * 3_600_000);
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind])).toEqual([['run-spend', 'resolved']]);
      } finally {
        release.resolve();
        await h.close();
      }
    });

    it('a waiting run keeps counting from the start of its wait when escalation stages touch its row', async () => {
      const approval = defineWorkflow({ name: 'escalated' }, async (ctx) =>
        ctx.waitForSignal('approve', {
          escalation: [
            { after: '10m', action: 'reassign', to: 'finance-leads' },
            { after: '20m', action: 'reassign', to: 'directors' },
          ],
        }),
      );
      const h = await startHarness(factory, [approval], { manualClock: true });
      try {
        const clock = h.manual!;
        const e = evaluator(h.store, clock);
        await h.store.saveAlertRule(
          rule({ id: 'waiting', condition: { kind: 'stuck', status: 'waiting', for: '15m', workflow: 'escalated' }, threshold: 0, repeatEvery: '1h' }),
          'api',
          clock.now(),
        );
        const run = await h.engine.client.start(approval, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        const began = (await h.store.getRun(run.id))!.waits!.since;
        expect(began).toBe(clock.now());
        const stagesDone = (count: number) => async () => {
          const r = await h.store.getRun(run.id);
          return r?.status === 'waiting' && r.waits?.escalations?.[0]?.stages.length === count;
        };

        // The first stage wakes the run at 10 minutes and writes its row; the wait began at 0.
        clock.advance(10 * 60_000);
        await waitFor(stagesDone(1), { message: 'the first escalation stage' });
        const touched = (await h.store.getRun(run.id))!;
        expect(touched.updatedAt).toBeGreaterThan(began!);
        expect(touched.waits?.since).toBe(began);
        expect(await e.evaluate()).toEqual([]);

        // 16 minutes into the wait (6 after the row was written): stuck past 15 minutes.
        clock.advance(6 * 60_000);
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind, t.value])).toEqual([['waiting', 'firing', 1]]);

        // Another stage writes the row again: the alert stays firing, it does not resolve and fire anew.
        clock.advance(4 * 60_000);
        await waitFor(stagesDone(2), { message: 'the second escalation stage' });
        expect(await e.evaluate()).toEqual([]);
        clock.advance(60_000);
        expect(await e.evaluate()).toEqual([]);
        expect(await kinds(h.store, 'waiting')).toEqual(['firing']);

        await h.engine.client.signal(run.id, 'approve', 'yes');
        await run.result();
        expect((await e.evaluate()).map((t) => [t.ruleId, t.kind])).toEqual([['waiting', 'resolved']]);
      } finally {
        await h.close();
      }
    });

    it('queue depth and the age of the oldest queued run fire and resolve; two evaluators record each transition once', async () => {
      await withStore(factory, async (store) => {
        const clock = new ManualClock();
        const queued = (id: string): NewRun => ({
          id,
          workflow: 'nobody-serves',
          version: '1',
          input: '{}',
          queue: 'imports',
          priority: 0,
          namespace: 'default',
        });
        const rules: AlertRuleInput[] = [
          { id: 'depth', name: 'deep queue', condition: { kind: 'queue-depth', queue: 'imports' }, threshold: 1 },
          { id: 'age', name: 'old queue', condition: { kind: 'queue-age' }, threshold: 60_000 },
          { id: 'elsewhere', name: 'other namespace', namespace: 'shop', condition: { kind: 'queue-depth' }, threshold: 0 },
        ];
        for (const r of rules) await store.saveAlertRule(rule(r), 'file', clock.now());
        const first = evaluator(store, clock, 'engine-1');
        const second = evaluator(store, clock, 'engine-2');
        await store.createRun(queued('q1'), clock.now());
        await store.createRun(queued('q2'), clock.now());
        clock.advance(61_000);
        const rounds = await Promise.all([first.evaluate(), second.evaluate(), first.evaluate(), second.evaluate()]);
        expect(
          rounds
            .flat()
            .map((t) => [t.ruleId, t.kind, t.value])
            .sort(),
        ).toEqual([
          ['age', 'firing', 61_000],
          ['depth', 'firing', 2],
        ]);
        const leader = (await store.getLeader('alerts', clock.now()))!.holder;
        const [lead, follow] = leader === 'engine-1' ? [first, second] : [second, first];
        expect(await follow.evaluate()).toEqual([]);

        // The leader stops: the other takes over once its term ends (or at once, when it gives it up).
        await lead.stop();
        await store.requestCancel('q1', clock.now());
        await store.requestCancel('q2', clock.now());
        const resolved = await waitFor(async () => {
          const round = await follow.evaluate();
          return round.length > 0 ? round : undefined;
        });
        expect(resolved.map((t) => [t.ruleId, t.kind]).sort()).toEqual([
          ['age', 'resolved'],
          ['depth', 'resolved'],
        ]);
        expect(await kinds(store, 'depth')).toEqual(['firing', 'resolved']);
        expect(await kinds(store, 'elsewhere')).toEqual([]);
      });
    });
  });
}
