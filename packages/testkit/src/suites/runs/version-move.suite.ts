/**
 * Moving runs in flight to a new version: the store's compare-and-set (moveRunVersion) moves a run only
 * at a suspension point, still on its version and unchanged since the check, with its audit entry;
 * `client.migrate` moves the runs whose journals replay on the new code, which then finish on it
 * without repeating a journaled step, and leaves the others exactly as they were; without run ids it
 * takes the runs in flight its filter admits (tag, creation time, status, limit).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client, defineWorkflow, type AnyWorkflow, type Store } from '@baton/core';
import { deferred, startHarness, waitFor, waitForStatus, type StoreFactory } from '../../harness.js';

type Body = 'v1' | 'v2-patched' | 'v3-reordered';

/** An approval whose steps count their executions in `runs`, in one of three shapes. */
function approval(name: string, body: Body, runs: Map<string, number>): AnyWorkflow {
  const version = body === 'v1' ? '1' : body === 'v2-patched' ? '2' : '3';
  const count = (step: string): void => void runs.set(step, (runs.get(step) ?? 0) + 1);
  return defineWorkflow({ name, version, input: z.object({ amount: z.number() }) }, async (ctx, input) => {
    if (body === 'v3-reordered') await ctx.step('check-budget', () => count('check-budget'));
    await ctx.step('extract', () => {
      count('extract');
      return input.amount;
    });
    if (body === 'v2-patched' && ctx.patched('audit-trail')) await ctx.step('audit', () => count('audit'));
    const decision = await ctx.waitForSignal<{ approved: boolean }>('decision');
    await ctx.step('book', () => count(`book-${body}`));
    return `${body}:${decision.approved ? 'booked' : 'rejected'}`;
  });
}

async function snapshot(store: Store, runId: string): Promise<unknown> {
  const run = await store.getRun(runId);
  return { run, journal: await store.getJournal(runId) };
}

function seenOf(run: { updatedAt: number }, journal: { seq: number }[]): { updatedAt: number; journalLength: number; lastSeq: number } {
  return { updatedAt: run.updatedAt, journalLength: journal.length, lastSeq: journal.reduce((m, e) => Math.max(m, e.seq), 0) };
}

export function versionMoveSuite(factory: StoreFactory): void {
  describe('moving runs to a new version', () => {
    it('moveRunVersion moves a waiting run once, audited, and refuses a changed, moved, running, ended or unknown one', async () => {
      const runs = new Map<string, number>();
      const gate = deferred();
      const v1 = approval('move-cas', 'v1', runs);
      const busy = defineWorkflow({ name: 'move-cas-busy' }, async (ctx) => ctx.step('hold', () => gate.promise));
      const h = await startHarness(factory, [v1, busy]);
      try {
        const waiting = await h.engine.client.start(v1, { amount: 5 });
        await waitForStatus(h.engine, waiting.id, 'waiting');
        const run = (await h.store.getRun(waiting.id))!;
        const journal = await h.store.getJournal(waiting.id);
        const move = { runId: waiting.id, fromVersion: '1', toVersion: '2', seen: seenOf(run, journal) };
        const audit = { actor: 'tester', namespace: 'default', action: 'run.migrate', target: waiting.id, result: 'ok', at: h.clock.now() };

        // A marker that does not match is refused and writes nothing.
        const stale = await h.store.moveRunVersion({ ...move, seen: { ...move.seen, journalLength: move.seen.journalLength - 1 } }, h.clock.now(), audit);
        expect(stale).toEqual({ moved: false, reason: 'changed' });
        expect(await h.store.moveRunVersion({ ...move, seen: { ...move.seen, updatedAt: move.seen.updatedAt - 1 } }, h.clock.now(), audit)).toEqual({
          moved: false,
          reason: 'changed',
        });
        expect((await h.store.getRun(waiting.id))!.version).toBe('1');
        expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toEqual([]);

        const moved = await h.store.moveRunVersion(move, h.clock.now(), audit);
        expect(moved.moved).toBe(true);
        if (moved.moved) expect(moved.run).toMatchObject({ id: waiting.id, version: '2', status: 'waiting' });
        expect(await h.store.getJournal(waiting.id)).toEqual(journal);
        expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toMatchObject([{ actor: 'tester', target: waiting.id }]);
        // Moving again from the old version: it is no longer on it.
        expect(await h.store.moveRunVersion(move, h.clock.now(), audit)).toEqual({ moved: false, reason: 'version' });

        const held = await h.engine.client.start(busy, undefined);
        await waitForStatus(h.engine, held.id, 'running');
        const heldRun = (await h.store.getRun(held.id))!;
        const heldMove = { runId: held.id, fromVersion: '1', toVersion: '2', seen: seenOf(heldRun, await h.store.getJournal(held.id)) };
        expect(await h.store.moveRunVersion(heldMove, h.clock.now())).toEqual({ moved: false, reason: 'running' });
        gate.resolve();
        await held.result();
        expect(await h.store.moveRunVersion(heldMove, h.clock.now())).toEqual({ moved: false, reason: 'ended' });
        expect(await h.store.moveRunVersion({ ...heldMove, runId: 'no-such-run' }, h.clock.now())).toEqual({ moved: false, reason: 'notFound' });
        expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toHaveLength(1);
      } finally {
        gate.resolve();
        await h.close();
      }
    });

    it('refuses a run whose journal grew after the check', async () => {
      const runs = new Map<string, number>();
      const twoWaits = defineWorkflow({ name: 'move-grown' }, async (ctx) => {
        await ctx.waitForSignal('first');
        await ctx.step('between', () => void runs.set('between', (runs.get('between') ?? 0) + 1));
        await ctx.waitForSignal('second');
      });
      const h = await startHarness(factory, [twoWaits]);
      try {
        const handle = await h.engine.client.start(twoWaits, undefined);
        await waitForStatus(h.engine, handle.id, 'waiting');
        const run = (await h.store.getRun(handle.id))!;
        const checked = seenOf(run, await h.store.getJournal(handle.id));
        await h.engine.client.signal(handle.id, 'first');
        await waitFor(async () => (await h.store.getJournal(handle.id)).some((e) => e.name === 'between'));
        await waitForStatus(h.engine, handle.id, 'waiting');
        const before = await snapshot(h.store, handle.id);
        expect(await h.store.moveRunVersion({ runId: handle.id, fromVersion: '1', toVersion: '2', seen: checked }, h.clock.now())).toEqual({
          moved: false,
          reason: 'changed',
        });
        expect(await snapshot(h.store, handle.id)).toEqual(before);
      } finally {
        await h.close();
      }
    });

    it('client.migrate moves a run that replays on v2, which then finishes on v2 without repeating a step; refuses one that does not; skips a running one', async () => {
      const runs = new Map<string, number>();
      const v1 = approval('move-client', 'v1', runs);
      const v2 = approval('move-client', 'v2-patched', runs);
      const v3 = approval('move-client', 'v3-reordered', runs);
      const gate = deferred();
      const slow = defineWorkflow({ name: 'move-client', version: '1-slow' }, async (ctx) => ctx.step('hold', () => gate.promise));
      // v1 runs here; the engine has v2 too, so a run moved to v2 is claimed and run on v2's code.
      const h = await startHarness(factory, [v1, v2]);
      const admin = new Client({ store: h.store, clock: h.clock, workflows: [v2, v3] }).as({ id: 'admin' });
      try {
        const a = await h.engine.client.start(v1, { amount: 10 });
        const b = await h.engine.client.start(v1, { amount: 20 });
        await waitForStatus(h.engine, a.id, 'waiting');
        await waitForStatus(h.engine, b.id, 'waiting');
        expect(runs.get('extract')).toBe(2);

        // v3 puts a step before 'extract': neither run replays on it, and neither changes.
        const beforeA = await snapshot(h.store, a.id);
        const refused = await admin.migrate({ workflow: 'move-client', fromVersion: '1', toVersion: '3', runIds: [a.id] });
        expect(refused.moved).toEqual([]);
        expect(refused.refused).toEqual([
          {
            runId: a.id,
            divergence: expect.objectContaining({ seq: 1, journaled: "step 'extract'", requested: "step 'check-budget'", code: 'BATON_NON_DETERMINISM' }),
          },
        ]);
        expect(await snapshot(h.store, a.id)).toEqual(beforeA);
        expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toEqual([]);

        // A dry run says what would move and moves nothing.
        const dry = await admin.migrate({ workflow: 'move-client', fromVersion: '1', toVersion: '2', dryRun: true });
        expect(dry.moved.map((m) => m.runId).sort()).toEqual([a.id, b.id].sort());
        expect((await h.store.getRun(a.id))!.version).toBe('1');

        const moved = await admin.migrate({ workflow: 'move-client', fromVersion: '1', toVersion: '2', runIds: [a.id, 'no-such-run'] });
        expect(moved).toMatchObject({
          dryRun: false,
          moved: [{ runId: a.id, status: 'waiting' }],
          refused: [],
          skipped: [{ runId: 'no-such-run', reason: 'not found' }],
        });
        expect((await h.store.getRun(a.id))!.version).toBe('2');
        expect((await h.store.getRun(b.id))!.version).toBe('1');
        expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toMatchObject([{ actor: 'admin', target: a.id, result: 'ok' }]);

        await h.engine.client.signal(a.id, 'decision', { approved: true });
        await h.engine.client.signal(b.id, 'decision', { approved: true });
        expect(await a.result()).toBe('v2-patched:booked');
        expect(await b.result()).toBe('v1:booked');
        // Each run took 'extract' once, before the move; the moved run skipped the patched branch it had passed.
        expect(Object.fromEntries(runs)).toEqual({ extract: 2, 'book-v2-patched': 1, 'book-v1': 1 });
        expect((await h.store.getJournal(a.id)).map((e) => e.name)).toEqual(['extract', 'decision', 'book']);

        // A run in a step is held by its execution: skipped, untouched.
        const held = await startHarness(factory, [slow]);
        try {
          const busy = await held.engine.client.start(slow, undefined);
          await waitForStatus(held.engine, busy.id, 'running');
          const other = new Client({ store: held.store, workflows: [v2] });
          const result = await other.migrate({ workflow: 'move-client', fromVersion: '1-slow', toVersion: '2' });
          expect(result).toMatchObject({ moved: [], refused: [], skipped: [{ runId: busy.id, reason: 'running: try again when it suspends' }] });
          expect((await held.store.getRun(busy.id))!.version).toBe('1-slow');
          gate.resolve();
          await busy.result();
        } finally {
          gate.resolve();
          await held.close();
        }
      } finally {
        await h.close();
      }
    });

    it('client.migrate with a filter moves only the runs it admits: by tag, creation time, status and limit', async () => {
      const runs = new Map<string, number>();
      const v1 = approval('move-filter', 'v1', runs);
      const v2 = approval('move-filter', 'v2-patched', runs);
      const h = await startHarness(factory, [v1, v2], { manualClock: true });
      const admin = new Client({ store: h.store, clock: h.clock, workflows: [v2] }).as({ id: 'admin' });
      const move = { workflow: 'move-filter', fromVersion: '1', toVersion: '2' };
      const ids = (result: { moved: { runId: string }[] }): string[] => result.moved.map((m) => m.runId).sort();
      try {
        const eu = await h.engine.client.start(v1, { amount: 1 }, { tags: ['eu'] });
        await waitForStatus(h.engine, eu.id, 'waiting');
        h.manual!.advance(30_000);
        const us = await h.engine.client.start(v1, { amount: 2 }, { tags: ['us'] });
        await waitForStatus(h.engine, us.id, 'waiting');
        h.manual!.advance(30_000);
        const cut = h.clock.now();
        h.manual!.advance(30_000);
        const late = await h.engine.client.start(v1, { amount: 3 }, { tags: ['us'] });
        await waitForStatus(h.engine, late.id, 'waiting');

        expect(ids(await admin.migrate({ ...move, dryRun: true }))).toEqual([eu.id, us.id, late.id].sort());
        expect(ids(await admin.migrate({ ...move, dryRun: true, filter: { tag: 'eu' } }))).toEqual([eu.id]);
        expect(ids(await admin.migrate({ ...move, dryRun: true, filter: { tag: 'us', createdAfter: cut } }))).toEqual([late.id]);
        expect(ids(await admin.migrate({ ...move, dryRun: true, filter: { createdBefore: new Date(cut) } }))).toEqual([eu.id, us.id].sort());
        expect(ids(await admin.migrate({ ...move, dryRun: true, filter: { status: ['running', 'queued'] } }))).toEqual([]);
        expect((await admin.migrate({ ...move, dryRun: true, filter: { limit: 2 } })).moved).toHaveLength(2);
        await expect(admin.migrate({ ...move, filter: { limit: 0 } })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
        await expect(admin.migrate({ ...move, filter: { status: ['completed' as 'waiting'] } })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
        expect((await h.store.getRun(eu.id))!.version).toBe('1');

        const moved = await admin.migrate({ ...move, filter: { tag: 'us', createdBefore: cut } });
        expect(ids(moved)).toEqual([us.id]);
        expect(await Promise.all([eu.id, us.id, late.id].map(async (id) => (await h.store.getRun(id))!.version))).toEqual(['1', '2', '1']);
        expect(await h.store.listAudit({ action: 'run.migrate', limit: 10 })).toMatchObject([{ actor: 'admin', target: us.id }]);
      } finally {
        await h.close();
      }
    });

    it('client.migrate with waitMs moves a running run once it reaches its next suspension point', async () => {
      const gate = deferred();
      const shape = (version: string, patched: boolean): AnyWorkflow =>
        defineWorkflow({ name: 'move-later', version }, async (ctx) => {
          await ctx.step('hold', () => gate.promise);
          if (patched && ctx.patched('notify')) await ctx.step('notify', () => 'sent');
          await ctx.waitForSignal('go');
          return ctx.step('finish', () => `finished on ${version}`);
        });
      const v1 = shape('1', false);
      const v2 = shape('2', true);
      const h = await startHarness(factory, [v1, v2]);
      try {
        const busy = await h.engine.client.start(v1, undefined);
        await waitForStatus(h.engine, busy.id, 'running');
        // The gate opens when the migration first reads the run again, after finding it running: the
        // run then takes its step, suspends at its signal, and moves.
        const watching = new Proxy(h.store, {
          get(target, property) {
            const value: unknown = Reflect.get(target, property, target);
            if (property !== 'getRun' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
            return (id: string) => {
              gate.resolve();
              return target.getRun(id);
            };
          },
        });
        const admin = new Client({ store: watching, clock: h.clock, workflows: [v2] }).as({ id: 'admin' });
        const result = await admin.migrate({ workflow: 'move-later', fromVersion: '1', toVersion: '2', waitMs: 120_000 });
        expect(result).toMatchObject({ moved: [{ runId: busy.id, status: 'waiting' }], refused: [], skipped: [] });
        expect((await h.store.getRun(busy.id))!.version).toBe('2');
        await h.engine.client.signal(busy.id, 'go');
        expect(await busy.result()).toBe('finished on 2');
        expect((await h.store.getJournal(busy.id)).map((e) => e.name)).toEqual(['hold', 'go', 'finish']);
        await expect(admin.migrate({ workflow: 'move-later', fromVersion: '1', toVersion: '2', waitMs: -1 })).rejects.toMatchObject({
          code: 'BATON_INVALID_ARGUMENT',
        });
      } finally {
        gate.resolve();
        await h.close();
      }
    });

    it('client.migrate refuses to check without the new version’s code, and bad arguments, with stable codes', async () => {
      const runs = new Map<string, number>();
      const v1 = approval('move-args', 'v1', runs);
      const h = await startHarness(factory, [v1]);
      try {
        const client = new Client({ store: h.store, workflows: [v1] });
        await expect(client.migrate({ workflow: 'move-args', fromVersion: '1', toVersion: '2' })).rejects.toMatchObject({
          code: 'BATON_WORKFLOW_VERSION_NOT_LOADED',
        });
        await expect(client.migrate({ workflow: 'move-args', fromVersion: '1', toVersion: '1' })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
        await expect(client.migrate({ workflow: 'move-args', fromVersion: '', toVersion: '1' })).rejects.toMatchObject({ code: 'BATON_INVALID_ARGUMENT' });
      } finally {
        await h.close();
      }
    });
  });
}
