/**
 * Graceful shutdown of a real worker process: on SIGTERM the worker stops, releases the run whose
 * step is still running (aborting the step), and exits 0; a restarted worker completes the run and
 * the interrupted step's second attempt sees the same idempotency key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@baton/testkit';
import { crashSlowStep, expectedValue, type ChainOutput } from './crash-workflows.js';
import { readSideEffects, type SideEffect } from './side-effect-log.js';
import { TestDatabase } from './test-database.js';
import { WorkerHandle } from './worker-handle.js';

describe('graceful shutdown of a real worker process', () => {
  let db: TestDatabase;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create('shutdown');
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await db?.close();
  });

  it('releases a run with a running step on SIGTERM; a restarted worker completes it with the same idempotency key', async () => {
    const id = 'slow-1';
    await db.client.start(crashSlowStep, { n: 7 }, { id });
    const effectsOf = (step: string): SideEffect[] => readSideEffects(db.effectsPath).effects.filter((e) => e.runId === id && e.step === step);

    const first = await WorkerHandle.start(db.workerEnv({ BATON_SLOW_STEP_MS: '60000', BATON_STOP_TIMEOUT_MS: '500' }));
    workers.push(first);
    await waitFor(() => effectsOf('slow').some((e) => e.ev === 'begin'), { timeoutMs: 20_000, message: `the slow step of ${id} to begin` });

    const sentAt = Date.now();
    const exit = await first.stop('SIGTERM', 15_000);
    expect(exit, `worker stderr:\n${first.stderrTail()}`).toMatchObject({ code: 0, signal: null });
    expect(first.stdout).toContain('stopped\n');
    expect(exit.at - sentAt, 'SIGTERM to exit (stop timeout 500 ms)').toBeLessThan(10_000);

    // Released, not lost: queued with no lease, the finished step journaled, the running one not.
    const released = await db.client.get(id);
    expect(released?.status).toBe('queued');
    expect(db.countWhere('runs WHERE id = ? AND lease_owner IS NULL AND ready_at IS NOT NULL', id)).toBe(1);
    expect((await db.client.journal(id)).map((e) => [e.seq, e.kind, e.name])).toEqual([[1, 'step', 'before']]);
    expect(effectsOf('slow').map((e) => [e.ev, e.pid])).toEqual([
      ['begin', first.pid],
      ['aborted', first.pid],
    ]);

    const second = await WorkerHandle.start(db.workerEnv({ BATON_SLOW_STEP_MS: '20' }));
    workers.push(second);
    const output = await db.client.result<ChainOutput>(id, { timeoutMs: 30_000 });
    expect(output.value).toBe(expectedValue(7, 3));
    expect((await db.client.journal(id)).map((e) => [e.seq, e.kind, e.name])).toEqual([
      [1, 'step', 'before'],
      [2, 'step', 'slow'],
      [3, 'step', 'after'],
    ]);

    // The completed step did not run again; the interrupted one ran twice under one key.
    const begins = (step: string): SideEffect[] => effectsOf(step).filter((e) => e.ev === 'begin');
    expect(begins('before').map((e) => [e.pid, e.idempotencyKey])).toEqual([[first.pid, `${id}:1`]]);
    expect(begins('slow').map((e) => [e.pid, e.idempotencyKey])).toEqual([
      [first.pid, `${id}:2`],
      [second.pid, `${id}:2`],
    ]);
    expect(begins('after').map((e) => [e.pid, e.idempotencyKey])).toEqual([[second.pid, `${id}:3`]]);
    expect(output.tokens[1], 'the slow step result comes from the second worker').toMatch(new RegExp(`^${second.pid}\\.`));

    expect((await second.stop('SIGTERM')).code).toBe(0);
  }, 60_000);
});
