/**
 * Crash recovery and code changes: forged crashed states taken over by lease expiry, fencing of a
 * stale worker, graceful shutdown, retry and resume, non-determinism, versions and patches, several
 * engines, and group commit.
 */
import { describe, expect, it } from 'vitest';
import { Engine, ErrorCode, ManualClock, defineWorkflow, silentLogger, type Store } from '@baton/core';
import { advance, deferred, rejection, startHarness, waitFor, waitForStatus, type StoreFactory } from '../../harness.js';

const REF = (name: string, version = '1') => [{ name, version, current: true }];

export function recoverySuite(factory: StoreFactory): void {
  describe('recovery and code changes', () => {
    it('takes over a run whose worker died mid-run once its lease expires, without redoing journaled steps', async () => {
      const calls: string[] = [];
      const wf = defineWorkflow({ name: 'crashy' }, async (ctx) => {
        const a = await ctx.step('a', () => {
          calls.push('a');
          return 1;
        });
        const b = await ctx.step('b', ({ idempotencyKey }) => {
          calls.push(`b:${idempotencyKey}`);
          return 2;
        });
        return a + b;
      });
      const store: Store = await factory.create();
      await store.init();
      const clock = new ManualClock();
      // Forge the state a crashed worker leaves: run claimed, step 'a' journaled, step 'b' started, lease held.
      await store.createRun({ id: 'crashed-1', workflow: 'crashy', version: '1', input: '{"$baton":"undefined"}', queue: 'default', priority: 0 }, clock.now());
      const [dead] = await store.claimRuns({ owner: 'dead-worker', now: clock.now(), leaseMs: 30_000, limit: 1, workflows: REF('crashy') });
      const t = clock.now();
      await store.commit(
        [
          {
            runId: 'crashed-1',
            leaseToken: dead!.leaseToken,
            journal: [{ runId: 'crashed-1', seq: 1, kind: 'step', name: 'a', status: 'completed', output: '1', attempts: 1, startedAt: t, endedAt: t }],
          },
        ],
        t,
      );
      const engine = new Engine({ store, workflows: [wf], clock, logger: silentLogger, pollIntervalMs: 20, leaseMs: 30_000 });
      await engine.start();
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(calls).toEqual([]); // the lease is still held
        await advance(clock, 30_001);
        expect(await engine.client.result('crashed-1')).toBe(3);
        expect(calls).toEqual(['b:crashed-1:2']);
        const [stale] = await store.commit(
          [
            {
              runId: 'crashed-1',
              leaseToken: dead!.leaseToken,
              journal: [{ runId: 'crashed-1', seq: 3, kind: 'step', name: 'late', status: 'completed', output: '0', attempts: 1, startedAt: t, endedAt: t }],
            },
          ],
          clock.now(),
        );
        expect(stale).toEqual({ ok: false, reason: 'leaseLost' });
        expect((await engine.client.journal('crashed-1')).map((e) => e.seq)).toEqual([1, 2]);
        expect((await engine.client.get('crashed-1'))?.claims).toBe(2);
      } finally {
        await engine.stop();
        await store.close();
      }
    });

    it('stops a worker that lost its lease from writing anything more (fencing)', async () => {
      const gate = deferred();
      const effects: string[] = [];
      const wf = defineWorkflow({ name: 'fenced' }, async (ctx) => {
        await ctx.step('slow', () => gate.promise);
        await ctx.step('after', () => void effects.push('after'));
        return 'ok';
      });
      const h = await startHarness(factory, [wf], { manualClock: true, leaseMs: 10_000 });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitFor(async () => (await h.engine.client.get(run.id))?.status === 'running');
        // Another worker steals the run after forging an expired lease: the first worker's renewals stop working.
        const [thief] = await h.store.claimRuns({ owner: 'thief', now: h.clock.now() + 60_000, leaseMs: 600_000, limit: 1, workflows: REF('fenced') });
        expect(thief?.run.id).toBe(run.id);
        gate.resolve();
        await waitFor(() => h.engine.activeRuns === 0);
        expect(effects).toEqual([]);
        expect(await h.engine.client.journal(run.id)).toEqual([]);
        expect((await h.engine.client.get(run.id))?.status).toBe('running');
      } finally {
        await h.close();
      }
    });

    it('releases runs still running at a graceful stop; another engine finishes them', async () => {
      let attempts = 0;
      const wf = defineWorkflow({ name: 'handover' }, async (ctx) => {
        await ctx.step('first', () => 'one');
        return ctx.step('stubborn', ({ signal }) => {
          attempts++;
          if (attempts > 1) return 'finished elsewhere';
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
        });
      });
      const h = await startHarness(factory, [wf]);
      const run = await h.engine.client.start(wf, undefined);
      await waitFor(() => attempts === 1);
      await h.engine.stop({ timeoutMs: 50 });
      expect((await h.engine.client.get(run.id))?.status).toBe('queued');
      const second = new Engine({ store: h.store, workflows: [wf], logger: silentLogger, pollIntervalMs: 20 });
      await second.start();
      try {
        expect(await second.client.result(run.id)).toBe('finished elsewhere');
        expect((await second.client.journal(run.id)).map((e) => e.name)).toEqual(['first', 'stubborn']);
      } finally {
        await second.stop();
        await h.store.close();
      }
    });

    it('retries a failed run from its failed step without running completed steps again', async () => {
      const calls: string[] = [];
      let healthy = false;
      const wf = defineWorkflow({ name: 'retryable' }, async (ctx) => {
        await ctx.step('done-once', () => void calls.push('done-once'));
        return ctx.step(
          'depends-on-service',
          () => {
            calls.push('service');
            if (!healthy) throw new Error('service down');
            return 'recovered';
          },
          { retry: { maxAttempts: 1 } },
        );
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await expect(run.result()).rejects.toMatchObject({ code: ErrorCode.StepFailed });
        healthy = true;
        await h.engine.client.retry(run.id);
        expect(await run.result()).toBe('recovered');
        expect(calls).toEqual(['done-once', 'service', 'service']);
        expect((await h.engine.client.journal(run.id)).map((e) => `${e.name}:${e.status}`)).toEqual(['done-once:completed', 'depends-on-service:completed']);
        await expect(h.engine.client.retry(run.id)).rejects.toMatchObject({ code: ErrorCode.RunNotFailed });
        await expect(h.engine.client.retry('no-such-run')).rejects.toMatchObject({ code: ErrorCode.RunNotFound });
      } finally {
        await h.close();
      }
    });

    it('stops with BATON_NON_DETERMINISM when code diverges from the journal, changes nothing, and resumes after a fix', async () => {
      let variant: 'old' | 'changed' | 'fixed' = 'old';
      const wf = defineWorkflow({ name: 'evolving' }, async (ctx) => {
        await ctx.step('one', () => 1);
        if (variant === 'changed') await ctx.step('inserted', () => 'new');
        await ctx.sleep('1 hour');
        await ctx.step('two', () => 2);
        return variant;
      });
      const h = await startHarness(factory, [wf], { manualClock: true });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        const before = await h.engine.client.journal(run.id);
        variant = 'changed';
        await advance(h.manual!, 3_600_000);
        const error = await rejection(run.result());
        expect(error.code).toBe(ErrorCode.NonDeterminism);
        expect(error.message).toContain('position 2');
        expect(error.message).toContain("sleep 'sleep'");
        expect(error.message).toContain("step 'inserted'");
        expect(error.message).toContain(run.id);
        expect(await h.engine.client.journal(run.id)).toEqual(before);
        variant = 'fixed';
        await h.engine.client.resume(run.id);
        await waitFor(async () => (await h.engine.client.journal(run.id)).length >= 2 || (await h.engine.client.get(run.id))?.status === 'waiting');
        await advance(h.manual!, 3_600_000);
        expect(await run.result()).toBe('fixed');
      } finally {
        await h.close();
      }
    });

    it('runs each version only on an engine that has it loaded, and patched() branches old and new runs', async () => {
      const v1 = defineWorkflow({ name: 'versioned', version: '1' }, async (ctx) => {
        await ctx.waitForSignal('go');
        return ctx.step('v1-step', () => 'v1');
      });
      const v2 = defineWorkflow({ name: 'versioned', version: '2' }, async (ctx) => {
        const isNew = ctx.patched('new-greeting');
        await ctx.waitForSignal('go');
        return isNew ? 'patched path' : 'old path';
      });
      const h = await startHarness(factory, [v1]);
      try {
        const old = await h.engine.client.start(v1, undefined);
        await waitForStatus(h.engine, old.id, 'waiting');
        await h.engine.stop();
        // A worker with only v2 loaded never runs the v1 run.
        const v2Engine = new Engine({ store: h.store, workflows: [v2], logger: silentLogger, pollIntervalMs: 20 });
        await v2Engine.start();
        try {
          const fresh = await v2Engine.client.start(v2, undefined);
          expect((await v2Engine.client.get(fresh.id))?.version).toBe('2');
          await v2Engine.client.signal(old.id, 'go');
          await v2Engine.client.signal(fresh.id, 'go');
          expect(await fresh.result()).toBe('patched path');
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect((await v2Engine.client.get(old.id))?.status).toBe('waiting');
        } finally {
          await v2Engine.stop();
        }
        // The old run, on an engine with both versions, finishes on v1 code.
        const both = new Engine({ store: h.store, workflows: [v1, v2], logger: silentLogger, pollIntervalMs: 20 });
        await both.start();
        try {
          expect(await both.client.result(old.id)).toBe('v1');
        } finally {
          await both.stop();
        }
      } finally {
        await h.store.close();
      }
    });

    it('patched() returns false for a run that passed the point on old code', async () => {
      let patchedCode = false;
      const seen: boolean[] = [];
      const wf = defineWorkflow({ name: 'patchable' }, async (ctx) => {
        await ctx.step('a', () => 'a');
        const isNew = patchedCode ? ctx.patched('extra-step') : false;
        seen.push(isNew);
        if (isNew) await ctx.step('extra', () => 'x');
        // Long enough for the test to see the run waiting (and change the code) before it goes on.
        await ctx.sleep(400);
        await ctx.step('b', () => 'b');
        return isNew;
      });
      const h = await startHarness(factory, [wf]);
      try {
        const old = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, old.id, 'waiting');
        patchedCode = true;
        expect(await old.result()).toBe(false);
        const fresh = await h.engine.client.start(wf, undefined);
        expect(await fresh.result()).toBe(true);
        expect((await h.engine.client.journal(fresh.id)).map((e) => e.kind)).toEqual(['step', 'patch', 'step', 'sleep', 'step']);
      } finally {
        await h.close();
      }
    });

    it('runs two engines on two stores in one process independently', async () => {
      const make = (tag: string) => defineWorkflow({ name: 'same-name' }, async (ctx) => ctx.step('tag', () => tag));
      const a = await startHarness(factory, [make('A')]);
      const b = await startHarness(factory, [make('B')]);
      try {
        const [ra, rb] = await Promise.all([a.engine.client.start('same-name'), b.engine.client.start('same-name')]);
        expect(await ra.result()).toBe('A');
        expect(await rb.result()).toBe('B');
        expect(await a.engine.client.get(rb.id)).toBeUndefined();
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('shares one store between two engines, each run executed once', async () => {
      const executedBy = new Map<string, string[]>();
      const make = (engineName: string) =>
        defineWorkflow({ name: 'shared' }, async (ctx, n: number) => {
          await ctx.step('work', ({ runId }) => {
            executedBy.set(runId, [...(executedBy.get(runId) ?? []), engineName]);
            return n;
          });
          return n;
        });
      const h = await startHarness(factory, [make('first')], { concurrency: 4 });
      const other = new Engine({ store: h.store, workflows: [make('second')], logger: silentLogger, pollIntervalMs: 10, concurrency: 4 });
      await other.start();
      try {
        const { Client } = await import('@baton/core');
        const client = new Client({ store: h.store });
        const runs = await Promise.all(Array.from({ length: 40 }, (_, i) => client.start('shared', i)));
        const results = await Promise.all(runs.map((r) => r.result()));
        expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
        expect([...executedBy.values()].every((list) => list.length === 1)).toBe(true);
        expect(executedBy.size).toBe(40);
      } finally {
        await other.stop();
        await h.close();
      }
    });

    it('group-commits the writes of concurrent runs', async () => {
      const wf = defineWorkflow({ name: 'ten-steps' }, async (ctx) => {
        let total = 0;
        for (let i = 0; i < 10; i++) total += await ctx.step(`s${i}`, () => i);
        return total;
      });
      const h = await startHarness(factory, [wf], { concurrency: 100 });
      try {
        const before = h.engine.commits;
        const runs = await Promise.all(Array.from({ length: 50 }, () => h.engine.client.start(wf, undefined)));
        expect(await Promise.all(runs.map((r) => r.result()))).toEqual(Array(50).fill(45));
        const commits = h.engine.commits - before;
        // 50 runs x (10 steps + completion) = 550 writes; grouped they need a small fraction of that.
        expect(commits).toBeLessThan(100);
      } finally {
        await h.close();
      }
    });
  });
}
