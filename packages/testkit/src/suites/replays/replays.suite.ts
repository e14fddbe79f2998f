/**
 * Replay checks: a report is kept with its results and audit entry in one transaction and read back
 * by check and by run (latest first); a report naming a run the store does not have (or, with a
 * namespace, a run of another namespace) writes nothing; each run keeps the results of its latest
 * MAX_REPLAY_CHECKS_PER_RUN checks, and a check left with no result goes.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_REPLAY_CHECKS_PER_RUN, type NewReplayCheck, type NewRun, type ReplayResult, type Store } from '@baton/core';
import { rejection, withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

function newRun(id: string, namespace = 'default'): NewRun {
  return { id, workflow: 'shop.order', version: '1', input: '{"n":1}', queue: 'default', priority: 0, namespace };
}

function replayed(runId: string): ReplayResult {
  return { runId, workflow: 'shop.order', version: '2', positions: 3, ok: true, ended: 'frontier' };
}

function diverged(runId: string, source?: string): ReplayResult {
  return {
    runId,
    workflow: 'shop.order',
    version: '2',
    positions: 1,
    ok: false,
    divergence: {
      seq: 2,
      journaled: "step 'charge-card'",
      requested: "step 'refund'",
      code: 'BATON_NON_DETERMINISM',
      message: "At position 2 the journal holds step 'charge-card' but the code asks for step 'refund'.",
      ...(source === undefined ? {} : { source }),
    },
  };
}

function check(id: string, results: ReplayResult[], more: Partial<NewReplayCheck> = {}): NewReplayCheck {
  return { id, candidate: 'commit-abc123', by: 'key-1', results, ...more };
}

async function counts(store: Store): Promise<{ audit: number }> {
  return { audit: (await store.listAudit({ action: 'replay.report', limit: 100 })).length };
}

export function replaysSuite(factory: StoreFactory): void {
  describe('replay checks', () => {
    it('keeps a report with its audit entry, and reads it back by check and by run, latest first', async () => {
      await withStore(factory, async (store) => {
        await store.createRun(newRun('r1'), T0);
        await store.createRun(newRun('r2'), T0);
        const audit = { actor: 'key-1', namespace: 'default', action: 'replay.report', target: 'c1', result: 'ok', at: T0 };
        const results = [replayed('r1'), diverged('r2', 'src/order.ts:14:11')];
        const info = await store.recordReplays(check('c1', results), T0 + 10, audit);
        expect(info).toEqual({
          id: 'c1',
          candidate: 'commit-abc123',
          by: 'key-1',
          namespace: 'default',
          checkedAt: T0 + 10,
          summary: { runs: 2, ok: 1, diverged: 1 },
        });
        expect(await store.getReplayCheck('c1')).toEqual({ ...info, results });
        expect(await store.getReplayCheck('nope')).toBeUndefined();
        expect((await store.listAudit({ action: 'replay.report', limit: 10 })).map((a) => a.target)).toEqual(['c1']);

        // A later check of r2 (same millisecond: the order of recording decides), without a source line.
        await store.recordReplays(check('c2', [diverged('r2')], { candidate: 'commit-def456', namespace: 'default' }), T0 + 10);
        await store.recordReplays(check('c3', [replayed('r2')], { candidate: 'commit-fff' }), T0 + 20);
        const r2 = await store.listReplays('r2');
        expect(r2.map((r) => [r.check.id, r.check.candidate, r.result.ok])).toEqual([
          ['c3', 'commit-fff', true],
          ['c2', 'commit-def456', false],
          ['c1', 'commit-abc123', false],
        ]);
        expect(r2[1]!.result).toEqual(diverged('r2'));
        expect(r2[2]!.check).toEqual(info);
        expect((await store.listReplays('r2', 1)).map((r) => r.check.id)).toEqual(['c3']);
        expect(await store.listReplays('r1')).toEqual([{ check: info, result: replayed('r1') }]);
        expect(await store.listReplays('unknown')).toEqual([]);
      });
    });

    it('writes nothing for a report naming a run it does not have, or a run of another namespace', async () => {
      await withStore(factory, async (store) => {
        await store.createRun(newRun('mine', 'team-a'), T0);
        await store.createRun(newRun('theirs', 'team-b'), T0);
        const audit = { actor: 'key-1', namespace: 'team-a', action: 'replay.report', target: 'x', result: 'ok', at: T0 };

        const missing = await rejection(store.recordReplays(check('c1', [replayed('mine'), replayed('ghost')]), T0, audit));
        expect(missing.code).toBe(ErrorCode.RunNotFound);
        expect(missing.message).toContain('ghost');
        const foreign = await rejection(store.recordReplays(check('c2', [replayed('mine'), replayed('theirs')], { namespace: 'team-a' }), T0, audit));
        expect(foreign.code).toBe(ErrorCode.RunNotFound);
        expect(await store.getReplayCheck('c1')).toBeUndefined();
        expect(await store.getReplayCheck('c2')).toBeUndefined();
        expect(await store.listReplays('mine')).toEqual([]);
        expect(await counts(store)).toEqual({ audit: 0 });

        const ok = await store.recordReplays(check('c3', [replayed('mine')], { namespace: 'team-a' }), T0, audit);
        expect(ok.namespace).toBe('team-a');
        expect(await counts(store)).toEqual({ audit: 1 });
      });
    });

    it(`keeps each run's latest ${MAX_REPLAY_CHECKS_PER_RUN} checks, and drops a check left with no result`, async () => {
      await withStore(factory, async (store) => {
        await store.createRun(newRun('busy'), T0);
        await store.createRun(newRun('quiet'), T0);
        // The first check covers both runs; the next ones only 'busy'.
        await store.recordReplays(check('first', [replayed('busy'), diverged('quiet')]), T0);
        await store.recordReplays(check('only-busy', [replayed('busy')]), T0 + 1);
        for (let i = 2; i < MAX_REPLAY_CHECKS_PER_RUN; i++) await store.recordReplays(check(`c${i}`, [replayed('busy')]), T0 + i);
        expect(await store.listReplays('busy')).toHaveLength(MAX_REPLAY_CHECKS_PER_RUN);

        await store.recordReplays(check('newest', [diverged('busy')]), T0 + 100);
        const busy = await store.listReplays('busy');
        expect(busy).toHaveLength(MAX_REPLAY_CHECKS_PER_RUN);
        expect(busy[0]!.check.id).toBe('newest');
        expect(busy.map((r) => r.check.id)).not.toContain('first');
        // 'first' keeps its result for 'quiet' (its counts say what it checked); 'only-busy' is next to go.
        expect((await store.getReplayCheck('first'))!.results).toEqual([diverged('quiet')]);
        expect((await store.getReplayCheck('first'))!.summary).toEqual({ runs: 2, ok: 1, diverged: 1 });
        await store.recordReplays(check('newer', [replayed('busy')]), T0 + 101);
        expect(await store.getReplayCheck('only-busy')).toBeUndefined();
        expect(await store.listReplays('quiet')).toHaveLength(1);
      });
    });

    it('keeps a report of many runs whole, in the order it was sent', async () => {
      await withStore(factory, async (store) => {
        const ids = Array.from({ length: 300 }, (_, i) => `run-${String(i).padStart(3, '0')}`).reverse();
        for (const id of ids) await store.createRun(newRun(id), T0);
        const results = ids.map((id, i) => (i % 7 === 0 ? diverged(id, `w.ts:${i}:1`) : replayed(id)));
        const info = await store.recordReplays(check('big', results), T0);
        expect(info.summary).toEqual({ runs: 300, ok: 300 - 43, diverged: 43 });
        expect((await store.getReplayCheck('big'))!.results).toEqual(results);
      });
    });
  });
}
