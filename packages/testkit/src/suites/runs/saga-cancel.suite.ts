/** Compensation (saga) and cancellation through the engine. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, TerminalError, defineWorkflow } from '@baton/core';
import { deferred, rejection, startHarness, waitFor, waitForStatus, type StoreFactory } from '../../harness.js';

export function sagaCancelSuite(factory: StoreFactory): void {
  describe('compensation and cancellation', () => {
    it('compensates completed steps in reverse order when the run fails for good', async () => {
      const log: string[] = [];
      let compensateAttempts = 0;
      const wf = defineWorkflow({ name: 'trip', retry: { initialInterval: 1, maxAttempts: 2 } }, async (ctx) => {
        await ctx.step('book-flight', () => 'F1', { compensate: (id) => void log.push(`cancel flight ${id}`) });
        await ctx.step('book-hotel', () => 'H1', {
          compensate: (id) => {
            compensateAttempts++;
            if (compensateAttempts === 1) throw new Error('hotel API down');
            log.push(`cancel hotel ${id}`);
          },
          compensateRetry: { initialInterval: 1 },
        });
        await ctx.step('no-undo', () => 'x');
        await ctx.step('pay', () => {
          throw new Error('card expired');
        });
        return 'unreachable';
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        const error = await rejection(run.result());
        expect(error.code).toBe(ErrorCode.StepFailed);
        expect(error.message).toContain('card expired');
        expect(log).toEqual(['cancel hotel H1', 'cancel flight F1']);
        const journal = await h.engine.client.journal(run.id);
        const compensations = journal.filter((e) => e.kind === 'compensation');
        expect(compensations.map((e) => [e.name, e.status, e.compensates, e.attempts])).toEqual([
          ['compensate:book-hotel', 'completed', 2, 2],
          ['compensate:book-flight', 'completed', 1, 1],
        ]);
        const info = await h.engine.client.get(run.id);
        expect(info).toMatchObject({ status: 'failed', compensating: true });
        await expect(h.engine.client.retry(run.id)).rejects.toMatchObject({ code: ErrorCode.RetryNotPossible });
      } finally {
        await h.close();
      }
    });

    it('records the steps to undo when compensation begins, so they show while it runs', async () => {
      const undoing = deferred();
      const gate = deferred();
      const wf = defineWorkflow({ name: 'planned-undo' }, async (ctx) => {
        await ctx.step('book-flight', () => 'F1', { compensate: () => undefined });
        await ctx.step('no-undo', () => 'x');
        await ctx.step('book-hotel', () => 'H1', {
          compensate: async () => {
            undoing.resolve();
            await gate.promise;
          },
        });
        await ctx.step('pay', () => {
          throw new TerminalError('card expired');
        });
      });
      const plain = defineWorkflow({ name: 'nothing-to-undo' }, async (ctx) => {
        await ctx.step('no-undo', () => 'x');
        throw new TerminalError('nothing to undo');
      });
      const h = await startHarness(factory, [wf, plain]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await undoing.promise;
        const plan = [
          { seq: 3, name: 'book-hotel' },
          { seq: 1, name: 'book-flight' },
        ];
        expect(await h.engine.client.get(run.id)).toMatchObject({ status: 'running', compensating: true, compensationPlan: plan });
        expect((await h.engine.client.journal(run.id)).filter((e) => e.kind === 'compensation')).toEqual([]);
        gate.resolve();
        expect((await rejection(run.result())).message).toContain('card expired');
        expect(await h.engine.client.get(run.id)).toMatchObject({ status: 'failed', compensationPlan: plan });
        const undone = (await h.engine.client.journal(run.id)).filter((e) => e.kind === 'compensation').map((e) => e.compensates);
        expect(undone).toEqual(plan.map((p) => p.seq));

        const other = await h.engine.client.start(plain, undefined);
        expect((await rejection(other.result())).message).toContain('nothing to undo');
        const info = await h.engine.client.get(other.id);
        expect(info?.compensating).toBe(false);
        expect(info?.compensationPlan).toBeUndefined();
      } finally {
        gate.resolve();
        await h.close();
      }
    });

    it('cancels a running step through its signal, then compensates and ends cancelled', async () => {
      const log: string[] = [];
      const started = deferred();
      let abortReason: unknown;
      const wf = defineWorkflow({ name: 'cancellable' }, async (ctx) => {
        await ctx.step('reserve', () => 'R', { compensate: () => void log.push('release') });
        await ctx.step('long', ({ signal }) => {
          started.resolve();
          return new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => {
              abortReason = signal.reason;
              reject(signal.reason as Error);
            }),
          );
        });
        return 'done';
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await started.promise;
        await h.engine.client.cancel(run.id);
        await expect(run.result()).rejects.toMatchObject({ code: ErrorCode.Cancelled });
        expect((abortReason as { code?: string }).code).toBe(ErrorCode.Cancelled);
        expect(log).toEqual(['release']);
        expect((await h.engine.client.get(run.id))?.status).toBe('cancelled');
        expect((await h.engine.client.journal(run.id)).map((e) => e.name)).toEqual(['reserve', 'compensate:reserve']);
      } finally {
        await h.close();
      }
    });

    it('ends a waiting run at once when cancelled, running its compensations', async () => {
      const log: string[] = [];
      const wf = defineWorkflow({ name: 'waits-forever' }, async (ctx) => {
        await ctx.step('charge', () => 100, { compensate: (amount) => void log.push(`refund ${amount}`) });
        await ctx.waitForSignal('never');
        return 'unreachable';
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        await h.engine.client.cancel(run.id, 'customer asked');
        await expect(run.result()).rejects.toThrow(/customer asked/);
        expect(log).toEqual(['refund 100']);
        await expect(h.engine.client.cancel(run.id)).rejects.toMatchObject({ code: ErrorCode.RunFinished });
      } finally {
        await h.close();
      }
    });

    it('refuses to cancel a completed run and cancels children of a cancelled parent', async () => {
      const child = defineWorkflow({ name: 'slow-child' }, async (ctx) => {
        await ctx.waitForSignal('finish');
        return 'child done';
      });
      const parent = defineWorkflow({ name: 'parent-of-slow' }, async (ctx) => ctx.child(child, undefined));
      const quick = defineWorkflow({ name: 'quick' }, async () => 'ok');
      const h = await startHarness(factory, [parent, child, quick]);
      try {
        const done = await h.engine.client.start(quick, undefined);
        await done.result();
        const error = await h.engine.client.cancel(done.id).catch((e: Error & { code?: string }) => e);
        expect((error as { code?: string }).code).toBe(ErrorCode.RunFinished);
        expect((error as Error).message).toMatch(/completed/);
        const run = await h.engine.client.start(parent, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        const childId = await waitFor(async () => (await h.engine.client.list({ parentId: run.id })).runs[0]?.id);
        await waitForStatus(h.engine, childId, 'waiting');
        await h.engine.client.cancel(run.id);
        await waitForStatus(h.engine, run.id, 'cancelled');
        await waitForStatus(h.engine, childId, 'cancelled');
      } finally {
        await h.close();
      }
    });

    it('compensates nothing for a terminal failure before any compensable step', async () => {
      const wf = defineWorkflow({ name: 'early-fail' }, async (ctx) => {
        await ctx.step('validate', () => {
          throw new TerminalError('invalid order');
        });
        await ctx.step('charge', () => 1, { compensate: () => undefined });
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await expect(run.result()).rejects.toThrow(/invalid order/);
        expect((await h.engine.client.get(run.id))?.compensating).toBe(false);
      } finally {
        await h.close();
      }
    });
  });
}
