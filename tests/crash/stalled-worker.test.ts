/**
 * A stalled worker (SIGSTOP: a long GC pause, a frozen VM) loses its leases to another worker while
 * its steps are in flight, then wakes up (SIGCONT) and tries to go on. Fencing must reject everything
 * the stale executions write: every journal position is written once, by the current lease holder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@baton/testkit';
import { crashTenSteps, expectedValue, TEN_STEPS, tenStepSeq, type ChainOutput, type StepResult } from './crash-workflows.js';
import { byStep, readSideEffects } from './side-effect-log.js';
import { TestDatabase } from './test-database.js';
import { WorkerHandle } from './worker-handle.js';

/** As many runs as one worker's concurrency, so the stalled worker holds every one of them. */
const RUNS = 16;
const LEASE_MS = 1000;

describe('a stalled worker process that wakes up after losing its leases', () => {
  let db: TestDatabase;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create('stalled');
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await db?.close();
  });

  it('writes nothing once its runs were taken over', async () => {
    for (let i = 0; i < RUNS; i++) await db.client.start(crashTenSteps, { n: i }, { id: `stall-${i}` });
    const env = db.workerEnv({ BATON_LEASE_MS: String(LEASE_MS), BATON_CONCURRENCY: String(RUNS), BATON_STEP_MIN_MS: '20', BATON_STEP_MAX_MS: '60' });
    const stalled = await WorkerHandle.start(env);
    workers.push(stalled);
    const effectsBy = (pid: number): number => readSideEffects(db.effectsPath).effects.filter((e) => e.pid === pid).length;
    await waitFor(() => effectsBy(stalled.pid) >= 3 * RUNS, { timeoutMs: 20_000, message: 'the first worker to be well into its runs' });

    // Stop it outside a transaction: a process stopped while holding the SQLite write lock blocks every other one.
    for (let attempt = 1; ; attempt++) {
      stalled.kill('SIGSTOP');
      await waitFor(() => stalled.paused, { timeoutMs: 5000, message: 'the worker to stop' });
      if (!db.writeLocked()) break;
      if (attempt === 100) throw new Error('the worker held the write lock each of 100 times it was stopped');
      stalled.kill('SIGCONT');
      await waitFor(() => !stalled.paused, { timeoutMs: 5000, message: 'the worker to continue' });
    }
    const stalledAt = Date.now();
    const held = db.runsLeasedBy(`crash-worker-${stalled.pid}`);
    expect(held.length, 'runs in flight on the stalled worker').toBeGreaterThan(0);
    const claims = (id: string): number => (db.raw.prepare('SELECT claims FROM runs WHERE id = ?').get(id) as { claims: number }).claims;
    const claimsAtStall = new Map(held.map((id) => [id, claims(id)]));

    const taker = await WorkerHandle.start(env);
    workers.push(taker);
    // Claimed again while the first worker is stopped: by the second one, after the lease expired.
    const takenOver = (): string[] => held.filter((id) => claims(id) > claimsAtStall.get(id)!);
    await waitFor(() => takenOver().length === held.length, {
      timeoutMs: 20_000,
      message: 'the second worker to take over every run of the stalled one',
    });
    // Read the clock before waking it: a worker scheduled at once could log a step in the same
    // instant, before this process reads the clock again.
    const resumedAt = Date.now();
    stalled.kill('SIGCONT');

    await waitFor(() => db.countWhere("runs WHERE status = 'completed'") === RUNS, {
      timeoutMs: 60_000,
      message: `all runs to complete; stderr:\n${stalled.stderrTail()}\n${taker.stderrTail()}`,
    });
    for (const w of [stalled, taker]) expect((await w.stop('SIGTERM')).code, `worker ${w.pid} exits cleanly:\n${w.stderrTail()}`).toBe(0);

    const { effects } = readSideEffects(db.effectsPath);
    const steps = byStep(effects);
    // The executions the stalled worker had in memory when it stopped: after waking they are stale.
    const stale = new Set(effects.filter((e) => e.pid === stalled.pid && e.at < stalledAt && held.includes(e.runId)).map((e) => e.exec));
    const staleAfterWake = effects.filter((e) => e.pid === stalled.pid && e.at >= resumedAt && stale.has(e.exec) && held.includes(e.runId));
    for (let i = 0; i < RUNS; i++) {
      const id = `stall-${i}`;
      const run = await db.client.get(id);
      const journal = await db.client.journal(id);
      expect(
        journal.map((e) => e.seq),
        `journal positions of ${id}`,
      ).toEqual(Array.from({ length: TEN_STEPS + 1 }, (_, k) => k + 1));
      const tokens: string[] = [];
      for (let s = 1; s <= TEN_STEPS; s++) {
        const entry = journal[tenStepSeq(s) - 1]!;
        const token = (entry.output as StepResult).token;
        tokens.push(token);
        const attempts = steps.get(`${id}/step-${s}`) ?? [];
        expect(new Set(attempts.map((e) => e.idempotencyKey)), `${id} step-${s} idempotency keys`).toEqual(new Set([`${id}:${entry.seq}`]));
        const producer = attempts.find((e) => e.ev === 'end' && e.token === token);
        expect(producer, `${id} step-${s}: journaled token from a logged attempt`).toBeDefined();
        expect(staleAfterWake.includes(producer!), `${id} step-${s}: journaled result from a stale execution`).toBe(false);
      }
      expect(run?.output as ChainOutput, `output of ${id}`).toEqual({ n: i, value: expectedValue(i, TEN_STEPS), tokens });
    }
    expect(db.duplicatePositions()).toEqual([]);
    expect(db.countWhere('journal')).toBe(RUNS * (TEN_STEPS + 1));

    const staleResults = staleAfterWake.filter((e) => e.ev === 'end').length;
    expect(staleAfterWake.length, 'steps the stale executions finished or aborted after waking').toBeGreaterThan(0);
    const staleAborts = staleAfterWake.filter((e) => e.ev === 'aborted').length;
    console.log(
      `stalled-worker test: ${held.length} runs held when stalled, all taken over; after waking the stale executions ` +
        `finished ${staleResults} steps (results discarded) and aborted ${staleAborts}; stall ${resumedAt - stalledAt} ms`,
    );
  }, 90_000);
});
