/**
 * The replay check over journals this store wrote: the code that wrote them replays; a change that
 * reorders steps is caught at its position with the line that asked; a `ctx.patched` branch is
 * accepted; and a check writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, replayRun, type AnyWorkflow, type Store } from '@baton/core';
import { startHarness, waitForStatus, type StoreFactory } from '../../harness.js';

const THIS_FILE = /replay\.suite\.(?:ts|js):\d+:\d+$/;

/** The run's record and journal as the store holds them. */
async function history(
  store: Store,
  runId: string,
): Promise<{ run: NonNullable<Awaited<ReturnType<Store['getRun']>>>; journal: Awaited<ReturnType<Store['getJournal']>> }> {
  const run = await store.getRun(runId);
  if (run === undefined) throw new Error(`run ${runId} not found`);
  return { run, journal: await store.getJournal(runId) };
}

function approval(name: string, body: 'original' | 'reordered' | 'patched' | 'shortened'): AnyWorkflow {
  return defineWorkflow({ name, input: z.object({ amount: z.number() }) }, async (ctx, input) => {
    if (body === 'reordered') {
      await ctx.step('check-budget', () => input.amount < 1000);
      await ctx.step('extract', () => ({ amount: input.amount }));
    } else {
      await ctx.step('extract', () => ({ amount: input.amount }));
      if (body === 'patched' && ctx.patched('audit-trail')) await ctx.step('audit', () => 'logged');
      await ctx.step('check-budget', () => input.amount < 1000);
    }
    const decision = await ctx.waitForSignal<{ approved: boolean }>('decision');
    if (body === 'shortened') return 'skipped';
    await ctx.step('book', () => decision.approved);
    return decision.approved ? 'booked' : 'rejected';
  });
}

export function replaySuite(factory: StoreFactory): void {
  describe('replay check', () => {
    it('replays a waiting run against its own code, catches a reorder at its line, accepts a patched branch, and writes nothing', async () => {
      const original = approval('replay-approval', 'original');
      const h = await startHarness(factory, [original]);
      try {
        const handle = await h.engine.client.start(original, { amount: 250 });
        await waitForStatus(h.engine, handle.id, 'waiting');
        const before = await history(h.store, handle.id);
        expect(before.journal.map((e) => e.name)).toEqual(['extract', 'check-budget']);

        const same = await replayRun(original, before);
        expect(same).toMatchObject({ ok: true, ended: 'frontier', positions: 3, runId: handle.id });

        const reordered = await replayRun(approval('replay-approval', 'reordered'), before);
        expect(reordered.ok).toBe(false);
        if (reordered.ok) return;
        expect(reordered.divergence).toMatchObject({ seq: 1, journaled: "step 'extract'", requested: "step 'check-budget'", code: 'BATON_NON_DETERMINISM' });
        expect(reordered.divergence.source).toMatch(THIS_FILE);

        const patched = await replayRun(approval('replay-approval', 'patched'), before);
        expect(patched).toMatchObject({ ok: true, ended: 'frontier' });

        const after = await history(h.store, handle.id);
        expect(after).toEqual(before);
      } finally {
        await h.close();
      }
    });

    it('replays a completed run to its return, and catches code that returns before a journaled step', async () => {
      const original = approval('replay-done', 'original');
      const h = await startHarness(factory, [original]);
      try {
        const handle = await h.engine.client.start(original, { amount: 50 });
        await waitForStatus(h.engine, handle.id, 'waiting');
        await h.engine.client.signal(handle.id, 'decision', { approved: true });
        expect(await handle.result()).toBe('booked');
        const done = await history(h.store, handle.id);

        expect(await replayRun(original, done)).toMatchObject({ ok: true, ended: 'returned', positions: 4 });
        const shortened = await replayRun(approval('replay-done', 'shortened'), done);
        expect(shortened).toMatchObject({ ok: false, divergence: { seq: 4, journaled: "step 'book'", code: 'BATON_NON_DETERMINISM' } });
        if (!shortened.ok) expect(shortened.divergence.requested).toContain('returned before reaching it');
      } finally {
        await h.close();
      }
    });

    it('reports an input the new schema refuses at position 0, and a journaled failure the code catches as replayed', async () => {
      const flaky = defineWorkflow({ name: 'replay-caught', input: z.object({ n: z.number() }), retry: { maxAttempts: 1 } }, async (ctx, input) => {
        try {
          await ctx.step('fails', () => {
            throw new Error('down');
          });
        } catch {
          await ctx.step('fallback', () => input.n + 1);
        }
        return ctx.waitForSignal('never-sent');
      });
      const h = await startHarness(factory, [flaky]);
      try {
        const handle = await h.engine.client.start(flaky, { n: 1 });
        await waitForStatus(h.engine, handle.id, 'waiting');
        const state = await history(h.store, handle.id);
        expect(state.journal.map((e) => [e.name, e.status])).toEqual([
          ['fails', 'failed'],
          ['fallback', 'completed'],
        ]);
        expect(await replayRun(flaky, state)).toMatchObject({ ok: true, ended: 'frontier', positions: 3 });

        const stricter = defineWorkflow({ name: 'replay-caught', input: z.object({ n: z.string() }) }, async () => 'x');
        expect(await replayRun(stricter, state)).toMatchObject({ ok: false, positions: 0, divergence: { seq: 0, code: 'BATON_INVALID_INPUT' } });
      } finally {
        await h.close();
      }
    });
  });
}
