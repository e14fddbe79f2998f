/**
 * A step's input: journaled with its entry (completed or failed), read back by the client, kept
 * through a retry's set-aside entries, recorded for compensations, refused like an output when it
 * cannot be encoded, and ignored by replay.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, TerminalError, defineWorkflow, type JournalEntry, type NewRun } from '@baton/core';
import { rejection, startHarness, waitForStatus, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);
const REFS = [{ name: 'wf', version: '1', current: true }];

function newRun(id: string): NewRun {
  return { id, workflow: 'wf', version: '1', input: '{}', queue: 'default', priority: 0 };
}

function entry(seq: number, extra: Partial<JournalEntry>): JournalEntry {
  return { runId: 'r', seq, kind: 'step', name: `s${seq}`, status: 'completed', attempts: 1, startedAt: T0, endedAt: T0, ...extra };
}

export function stepInputSuite(factory: StoreFactory): void {
  describe('step input', () => {
    it('keeps the input of completed and failed entries as written, and none for entries without one', async () => {
      await withStore(factory, async (store) => {
        await store.createRun(newRun('r'), T0);
        const [claim] = await store.claimRuns({ owner: 'a', now: T0, leaseMs: 10_000, limit: 1, workflows: REFS });
        const token = claim!.leaseToken;
        const failed = entry(2, { status: 'failed', input: '{"amount":120}', error: { name: 'Error', message: 'declined' } });
        const written = await store.commit(
          [{ runId: 'r', leaseToken: token, journal: [entry(1, { input: '{"customer":"initech"}', output: '"ok"' }), failed, entry(3, { output: '1' })] }],
          T0,
        );
        expect(written).toEqual([{ ok: true }]);
        // A batch that breaks a constraint (a position written twice) is applied op by op: inputs too.
        const [fallback, duplicate] = await store.commit(
          [
            { runId: 'r', leaseToken: token, journal: [entry(4, { input: '"ünïcode ✓"', output: '2' })] },
            { runId: 'r', leaseToken: token, journal: [entry(1, { output: '"again"' })] },
          ],
          T0 + 1,
        );
        expect(fallback).toEqual({ ok: true });
        expect(duplicate?.ok).toBe(false);
        const journal = await store.getJournal('r');
        expect(journal.map((e) => [e.seq, e.status, e.input])).toEqual([
          [1, 'completed', '{"customer":"initech"}'],
          [2, 'failed', '{"amount":120}'],
          [3, 'completed', undefined],
          [4, 'completed', '"ünïcode ✓"'],
        ]);
        expect(journal[2]).not.toHaveProperty('input');
        expect(journal[1]).toMatchObject({ error: { message: 'declined' } });
      });
    });

    it('journals a step input with its entry, passes it to the step, and keeps it through a retry', async () => {
      const bank = { accepts: false };
      const seen: unknown[] = [];
      const wf = defineWorkflow({ name: 'charge' }, async (ctx, input: { customer: string; amount: number }) => {
        const reserved = await ctx.step('reserve', () => 'R-1', { input: { customer: input.customer } });
        return ctx.step(
          'charge-card',
          ({ input: order }) => {
            seen.push(order);
            if (!bank.accepts) throw new TerminalError(`declined ${order.amount}`);
            return { charged: order.amount, reserved };
          },
          { input: { amount: input.amount, at: new Date(T0) } },
        );
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, { customer: 'initech', amount: 120 });
        expect((await rejection(run.result())).code).toBe(ErrorCode.StepFailed);
        const failed = await h.engine.client.journal(run.id);
        expect(failed.map((e) => [e.name, e.status, e.input])).toEqual([
          ['reserve', 'completed', { customer: 'initech' }],
          // Decoded with the payload codec: the Date comes back a Date.
          ['charge-card', 'failed', { amount: 120, at: new Date(T0) }],
        ]);
        expect(seen).toEqual([{ amount: 120, at: new Date(T0) }]);

        bank.accepts = true;
        await h.engine.client.retry(run.id);
        await waitForStatus(h.engine, run.id, 'completed');
        const journal = await h.store.getJournal(run.id);
        expect(journal.map((e) => [e.name, e.status, e.input])).toEqual([
          ['reserve', 'completed', '{"customer":"initech"}'],
          ['charge-card', 'completed', '{"amount":120,"at":{"$baton":"date","v":"2030-01-01T00:00:00.000Z"}}'],
        ]);
        // The failed entry the retry set aside keeps its input too, where the store can show it.
        if (factory.setAsideEntries !== undefined) {
          const history = await factory.setAsideEntries(h.store, run.id);
          expect(history).toEqual([{ seq: 2, status: 'failed', input: journal[1]!.input }]);
        }
      } finally {
        await h.close();
      }
    });

    it("records a compensation's input: the result of the step it undoes", async () => {
      const undone: unknown[] = [];
      const wf = defineWorkflow({ name: 'booking' }, async (ctx) => {
        await ctx.step('book-hotel', () => ({ bookingId: 'H-7', nights: 2 }), {
          input: { hotel: 'Grand', nights: 2 },
          compensate: (booking, info) => void undone.push([booking.bookingId, info.input]),
        });
        await ctx.step('pay', () => {
          throw new TerminalError('card expired');
        });
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await rejection(run.result());
        await waitForStatus(h.engine, run.id, 'failed');
        expect(undone).toEqual([['H-7', { bookingId: 'H-7', nights: 2 }]]);
        const journal = await h.engine.client.journal(run.id);
        expect(journal.map((e) => [e.name, e.input])).toEqual([
          ['book-hotel', { hotel: 'Grand', nights: 2 }],
          ['pay', undefined],
          ['compensate:book-hotel', { bookingId: 'H-7', nights: 2 }],
        ]);
      } finally {
        await h.close();
      }
    });

    it('fails a step whose input cannot be encoded like one whose output cannot, without running it', async () => {
      let ran = 0;
      const wf = defineWorkflow({ name: 'bad-input' }, async (ctx, input: { large: boolean }) => {
        const value = input.large ? 'x'.repeat(2048) : { callback: () => 1 };
        try {
          await ctx.step('send', () => ++ran, { input: value });
        } catch (error) {
          return { code: (error as { code?: string }).code, cause: (error as { cause?: { code?: string } }).cause?.code };
        }
        return 'unreachable';
      });
      const outputs = defineWorkflow({ name: 'bad-output' }, async (ctx) => {
        await ctx.step('send', () => ({ callback: () => 1 }));
      });
      const h = await startHarness(factory, [wf, outputs], { maxPayloadBytes: 1024 });
      try {
        const fn = await h.engine.client.start(wf, { large: false });
        expect(await fn.result()).toEqual({ code: ErrorCode.StepFailed, cause: ErrorCode.PayloadEncoding });
        const large = await h.engine.client.start(wf, { large: true });
        expect(await large.result()).toEqual({ code: ErrorCode.StepFailed, cause: ErrorCode.PayloadTooLarge });
        expect(ran).toBe(0);
        const [failed] = await h.engine.client.journal(fn.id);
        expect(failed).toMatchObject({ name: 'send', status: 'failed', attempts: 0, error: { code: ErrorCode.StepFailed } });
        expect(failed).not.toHaveProperty('input');
        expect(failed!.error!.message).toMatch(/Step 'send' of run .* failed before its first attempt: The input of step 'send'/);
        // The same error as an output the codec cannot encode.
        const output = await rejection((await h.engine.client.start(outputs, undefined)).result());
        expect(output).toMatchObject({ code: ErrorCode.StepFailed, cause: { code: ErrorCode.PayloadEncoding } });
      } finally {
        await h.close();
      }
    });

    it('replays a journaled step whatever its input is now, even one the codec could not encode', async () => {
      let version = 1;
      let calls = 0;
      const wf = defineWorkflow({ name: 'changing-input' }, async (ctx) => {
        // Only the first execution runs this step: the replay's input (with a function) is never encoded.
        const first = await ctx.step('read', () => ++calls, { input: version === 1 ? { version } : { version, read: () => version } });
        await ctx.waitForSignal('go');
        return ctx.step('after', () => first * 10, { input: { version } });
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        version = 2;
        await h.engine.client.signal(run.id, 'go');
        expect(await run.result()).toBe(10);
        expect(calls).toBe(1);
        const journal = await h.engine.client.journal(run.id);
        expect(journal.map((e) => [e.name, e.input])).toEqual([
          ['read', { version: 1 }],
          ['go', undefined],
          ['after', { version: 2 }],
        ]);
      } finally {
        await h.close();
      }
    });
  });
}
