/**
 * When a run fails for good: skipped steps (a step's fallback), failure workflows started in the
 * failing transaction (the workflow's own, the namespace's, never for a failure workflow's own run,
 * never on cancel, once per failure, also after a crash), and the review queue of failed runs.
 */
import { describe, expect, it } from 'vitest';
import { Engine, ErrorCode, FAILURE_RUN_TAG, ManualClock, TerminalError, defineWorkflow, failureRunId, silentLogger, type FailedRunInfo } from '@baton/core';
import { deferred, rejection, startHarness, waitFor, waitForStatus, withStore, type StoreFactory } from '../../harness.js';

const RETRY = { initialInterval: 1, maxAttempts: 2 };

export function failuresSuite(factory: StoreFactory): void {
  describe('skipped steps, failure workflows and the review queue', () => {
    it('skips a step with its fallback once its attempts are spent, and replays the fallback without running the step', async () => {
      let attempts = 0;
      const seen: unknown[] = [];
      const wf = defineWorkflow({ name: 'skipping', retry: RETRY }, async (ctx) => {
        const price = await ctx.step(
          'price',
          (): number => {
            attempts++;
            throw new Error('pricing service down');
          },
          { fallback: (error) => (seen.push((error as Error).message), 10) },
        );
        const label = await ctx.step(
          'label',
          (): string => {
            throw new TerminalError('no labels');
          },
          { fallback: 'plain' },
        );
        const go = await ctx.waitForSignal<boolean>('go');
        return { price, label, go };
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        expect(attempts).toBe(2);
        expect(seen).toEqual(['pricing service down']);
        const journal = await h.engine.client.journal(run.id);
        expect(journal.slice(0, 2).map((e) => [e.name, e.status, e.output, e.attempts, (e.error as { message?: string } | undefined)?.message])).toEqual([
          ['price', 'skipped', 10, 2, 'pricing service down'],
          ['label', 'skipped', 'plain', 1, 'no labels'],
        ]);
        await h.engine.client.signal(run.id, 'go', true);
        // The run resumes in a new execution: the skipped steps return their journaled fallbacks.
        expect(await run.result()).toEqual({ price: 10, label: 'plain', go: true });
        expect(attempts).toBe(2);
        expect(seen).toHaveLength(1);
      } finally {
        await h.close();
      }
    });

    it('fails the step as before when its fallback throws', async () => {
      const wf = defineWorkflow({ name: 'bad-fallback', retry: RETRY }, async (ctx) =>
        ctx.step(
          'x',
          (): number => {
            throw new TerminalError('down');
          },
          {
            fallback: () => {
              throw new Error('no fallback either');
            },
          },
        ),
      );
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        const error = await rejection(run.result());
        expect(error.code).toBe(ErrorCode.StepFailed);
        expect(error.message).toContain('no fallback either');
        expect((await h.engine.client.journal(run.id)).map((e) => e.status)).toEqual(['failed']);
      } finally {
        await h.close();
      }
    });

    it('starts the workflow’s failure workflow in the failing transaction, once per failure, never for its own failures or a cancel', async () => {
      const handled = defineWorkflow({ name: 'on-failed' }, async (_ctx, info: FailedRunInfo) => {
        if ((info.input as { failHandler?: boolean } | undefined)?.failHandler === true) throw new TerminalError('handler broken');
        return info.runId;
      });
      const failing = defineWorkflow({ name: 'charging', retry: RETRY, onFailure: handled }, async (ctx, input: { failHandler?: boolean; wait?: boolean }) => {
        if (input.wait === true) await ctx.waitForSignal('never');
        await ctx.step('charge', (): string => {
          throw new TerminalError('card declined');
        });
      });
      const h = await startHarness(factory, [failing, handled]);
      try {
        const run = await h.engine.client.start(failing, { failHandler: false });
        await rejection(run.result());
        const handlerId = failureRunId({ id: run.id, claims: 1 });
        expect(await h.engine.client.result(handlerId)).toBe(run.id);
        const handler = (await h.store.getRun(handlerId))!;
        expect(handler).toMatchObject({ workflow: 'on-failed', version: '1', namespace: 'default', tags: [FAILURE_RUN_TAG] });
        const decoded = JSON.parse(handler.input) as FailedRunInfo;
        expect(decoded).toMatchObject({ runId: run.id, workflow: 'charging', version: '1', namespace: 'default', input: { failHandler: false } });
        expect(decoded.error).toMatchObject({ code: ErrorCode.StepFailed });
        expect(decoded.error.message).toContain('card declined');

        // Retried and failed again: a second handler run; the first is not started again.
        await h.engine.client.retry(run.id);
        await waitForStatus(h.engine, run.id, 'failed');
        const second = failureRunId({ id: run.id, claims: 2 });
        await waitForStatus(h.engine, second, 'completed');
        expect((await h.engine.client.list({ workflow: 'on-failed' })).runs.map((r) => r.id).sort()).toEqual([handlerId, second].sort());

        // A failure workflow's own failure starts nothing; a cancelled run starts nothing.
        const loud = await h.engine.client.start(failing, { failHandler: true });
        await rejection(loud.result());
        const loudHandler = failureRunId({ id: loud.id, claims: 1 });
        await waitForStatus(h.engine, loudHandler, 'failed');
        const waiting = await h.engine.client.start(failing, { wait: true });
        await waitForStatus(h.engine, waiting.id, 'waiting');
        await h.engine.client.cancel(waiting.id);
        await waitForStatus(h.engine, waiting.id, 'cancelled');
        const handlers = (await h.engine.client.list({ workflow: 'on-failed', limit: 100 })).runs.map((r) => r.id);
        expect(handlers.sort()).toEqual([handlerId, second, loudHandler].sort());
        expect(await h.store.getRun(failureRunId({ id: loudHandler, claims: 1 }))).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it('starts the namespace’s failure workflow, set through an audited client, by name', async () => {
      const handler = defineWorkflow({ name: 'ns-handler' }, async (_ctx, info: FailedRunInfo) => `handled ${info.workflow}`);
      const failing = defineWorkflow({ name: 'ns-failing' }, async () => {
        throw new TerminalError('broken');
      });
      const h = await startHarness(factory, [failing, handler]);
      try {
        const admin = h.engine.client.as({ id: 'admin-key', namespace: 'team-a' });
        expect(await admin.reviews.setFailureWorkflow('ns-handler')).toMatchObject({ namespace: 'team-a', workflow: 'ns-handler' });
        await expect(admin.reviews.setFailureWorkflow('x', 'team-b')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(admin.reviews.setFailureWorkflow('bad name!')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        expect(await h.engine.client.reviews.failureWorkflow('team-a')).toMatchObject({ workflow: 'ns-handler' });
        expect(await h.engine.client.reviews.failureWorkflow('default')).toBeUndefined();
        const audit = await h.store.listAudit({ action: 'namespace.failureWorkflow', limit: 10 });
        expect(audit.map((a) => [a.target, a.result])).toEqual([
          ['team-a', ErrorCode.InvalidArgument],
          ['team-b', ErrorCode.InvalidArgument],
          ['team-a', 'ok'],
        ]);

        const inTeam = await admin.start(failing, undefined);
        await rejection(inTeam.result());
        expect(await h.engine.client.result(failureRunId({ id: inTeam.id, claims: 1 }))).toBe('handled ns-failing');
        expect((await h.store.getRun(failureRunId({ id: inTeam.id, claims: 1 })))?.namespace).toBe('team-a');
        const elsewhere = await h.engine.client.start(failing, undefined);
        await rejection(elsewhere.result());
        expect(await h.store.getRun(failureRunId({ id: elsewhere.id, claims: 1 }))).toBeUndefined();

        await admin.reviews.setFailureWorkflow(undefined);
        expect(await h.engine.client.reviews.listFailureWorkflows()).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('starts the failure workflow once when a run whose engine died is failed by the engine that takes it over', async () => {
      await withStore(factory, async (store) => {
        const clock = new ManualClock();
        let charged = 0;
        const handler = defineWorkflow({ name: 'crash-handler' }, async (_ctx, info: FailedRunInfo) => info.runId);
        const wf = defineWorkflow({ name: 'crash-failing', onFailure: 'crash-handler' }, async (ctx) => {
          await ctx.step('charge', () => void charged++);
        });
        // The dead engine's state: it claimed the run and journaled the step's failure, then died
        // before committing the run's failure.
        await store.createRun({ id: 'crashed', workflow: 'crash-failing', version: '1', input: '{}', queue: 'default', priority: 0 }, clock.now());
        const [claimed] = await store.claimRuns({
          owner: 'dead-engine',
          now: clock.now(),
          leaseMs: 1000,
          limit: 1,
          workflows: [{ name: 'crash-failing', version: '1' }],
        });
        const failedEntry = { name: 'BatonError', code: ErrorCode.StepFailed, message: "Step 'charge' failed: card declined" };
        const [written] = await store.commit(
          [
            {
              runId: 'crashed',
              leaseToken: claimed!.leaseToken,
              journal: [
                {
                  runId: 'crashed',
                  seq: 1,
                  kind: 'step',
                  name: 'charge',
                  status: 'failed',
                  error: failedEntry,
                  attempts: 3,
                  startedAt: clock.now(),
                  endedAt: clock.now(),
                },
              ],
            },
          ],
          clock.now(),
        );
        expect(written).toEqual({ ok: true });
        clock.advance(2000);
        const engine = new Engine({ store, workflows: [wf, handler], clock, logger: silentLogger, pollIntervalMs: 20, recoverLocalLeases: false });
        await engine.start();
        try {
          await waitForStatus(engine, 'crashed', 'failed');
          const handlerId = failureRunId({ id: 'crashed', claims: 2 });
          expect(await engine.client.result(handlerId)).toBe('crashed');
          expect(charged).toBe(0);
          expect((await engine.client.list({ workflow: 'crash-handler' })).runs.map((r) => r.id)).toEqual([handlerId]);
        } finally {
          await engine.stop({ timeoutMs: 2000 });
        }
      });
    });

    it('keeps failed runs in the review queue until resolved; a retried run leaves it and comes back when it fails again', async () => {
      const gate = deferred();
      let calls = 0;
      const wf = defineWorkflow({ name: 'reviewed' }, async (ctx) => {
        await ctx.step('flaky', async () => {
          calls++;
          if (calls === 2) await gate.promise;
          if (calls < 3) throw new TerminalError(`attempt ${calls} failed`);
        });
        return 'done';
      });
      const ok = defineWorkflow({ name: 'fine' }, async () => 'ok');
      const h = await startHarness(factory, [wf, ok]);
      try {
        const operator = h.engine.client.as({ id: 'op-key', namespace: 'default' });
        const a = await h.engine.client.start(wf, undefined);
        await rejection(a.result());
        const fine = await h.engine.client.start(ok, undefined);
        await fine.result();
        const open = async (): Promise<string[]> => (await h.engine.client.list({ review: 'open' })).runs.map((r) => r.id);
        expect(await open()).toEqual([a.id]);

        const review = await operator.reviews.resolve(a.id, { note: 'refunded by hand' });
        expect(review).toMatchObject({ runId: a.id, note: 'refunded by hand', resolvedBy: 'op-key' });
        expect(await h.engine.client.reviews.get(a.id)).toMatchObject({ note: 'refunded by hand' });
        expect(await open()).toEqual([]);
        expect((await h.engine.client.list({ review: 'resolved' })).runs.map((r) => r.id)).toEqual([a.id]);
        await expect(operator.reviews.resolve(fine.id)).rejects.toMatchObject({ code: ErrorCode.RunNotFailed });
        await expect(operator.reviews.resolve('no-such-run')).rejects.toMatchObject({ code: ErrorCode.RunNotFound });
        await expect(operator.reviews.resolve(a.id, { note: 'x'.repeat(2001) })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(h.engine.client.as({ id: 'other', namespace: 'team-b' }).reviews.resolve(a.id)).rejects.toMatchObject({ code: ErrorCode.RunNotFound });

        // Retried: out of the queue while it runs, back in when it fails again (the resolution was for the earlier failure).
        await operator.retry(a.id);
        await waitFor(async () => calls === 2);
        expect(await open()).toEqual([]);
        gate.resolve();
        await waitForStatus(h.engine, a.id, 'failed');
        expect(await open()).toEqual([a.id]);
        expect(await h.engine.client.reviews.get(a.id)).toBeUndefined();

        // Resumed with its journal as it is: the failed step's entry fails it again, back in the queue.
        await operator.resume(a.id);
        await waitFor(async () => (await h.engine.client.get(a.id))?.status === 'failed' && (await open()).includes(a.id));
        // Retried: the failed step runs again and succeeds.
        await operator.retry(a.id);
        await waitForStatus(h.engine, a.id, 'completed');
        expect(calls).toBe(3);
        expect(await open()).toEqual([]);

        const actions = (await h.store.listAudit({ actor: 'op-key', limit: 20 })).map((e) => [e.action, e.result]).reverse();
        expect(actions).toEqual([
          ['run.resolve', 'ok'],
          ['run.resolve', ErrorCode.RunNotFailed],
          ['run.resolve', ErrorCode.RunNotFound],
          ['run.resolve', ErrorCode.InvalidArgument],
          ['run.retry', 'ok'],
          ['run.resume', 'ok'],
          ['run.retry', 'ok'],
        ]);
      } finally {
        await h.close();
      }
    });
  });
}
