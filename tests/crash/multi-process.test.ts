/**
 * Two worker processes on one SQLite file: 100 five-step runs, both workers alive throughout. Every
 * run completes once, every step runs once (leases are long, so no run is taken over), and no journal
 * position is written twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@baton/testkit';
import { crashFiveSteps, expectedValue, FIVE_STEPS, type ChainOutput, type StepResult } from './crash-workflows.js';
import { byStep, readSideEffects } from './side-effect-log.js';
import { TestDatabase } from './test-database.js';
import { WorkerHandle } from './worker-handle.js';

const RUNS = 100;

describe('several worker processes on one SQLite file', () => {
  let db: TestDatabase;
  const workers: WorkerHandle[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create('multi');
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await db?.close();
  });

  it('two workers share 100 runs; each run and each step is executed once', async () => {
    const env = db.workerEnv({ BATON_LEASE_MS: '10000', BATON_STEP_MIN_MS: '2', BATON_STEP_MAX_MS: '20' });
    workers.push(...(await Promise.all([WorkerHandle.start(env), WorkerHandle.start(env)])));
    const started = Date.now();
    for (let i = 0; i < RUNS; i++) await db.client.start(crashFiveSteps, { n: i }, { id: `multi-${i}` });

    await waitFor(() => db.countWhere("runs WHERE status = 'completed'") === RUNS, {
      timeoutMs: 60_000,
      message: `all ${RUNS} runs to complete; worker stderr:\n${workers.map((w) => w.stderrTail()).join('\n')}`,
    });
    const elapsed = Date.now() - started;
    for (const w of workers) expect(w.alive, `worker ${w.pid} stayed up:\n${w.stderrTail()}`).toBe(true);

    const { effects } = readSideEffects(db.effectsPath);
    const steps = byStep(effects);
    const runsByPid = new Map<number, number>();
    for (let i = 0; i < RUNS; i++) {
      const id = `multi-${i}`;
      const run = await db.client.get(id);
      expect(run?.status).toBe('completed');
      expect(run?.claims, `${id} was claimed once`).toBe(1);
      const journal = await db.client.journal(id);
      expect(journal.map((e) => [e.seq, e.kind, e.name])).toEqual(Array.from({ length: FIVE_STEPS }, (_, k) => [k + 1, 'step', `step-${k + 1}`]));
      const tokens = journal.map((e) => (e.output as StepResult).token);
      expect(run?.output as ChainOutput).toEqual({ n: i, value: expectedValue(i, FIVE_STEPS), tokens });
      const pids = new Set<number>();
      for (const entry of journal) {
        const group = steps.get(`${id}/${entry.name}`) ?? [];
        expect(
          group.map((e) => [e.ev, e.idempotencyKey]),
          `${id} ${entry.name} ran once`,
        ).toEqual([
          ['begin', `${id}:${entry.seq}`],
          ['end', `${id}:${entry.seq}`],
        ]);
        for (const e of group) pids.add(e.pid);
      }
      expect(pids.size, `${id} ran on one worker`).toBe(1);
      const [pid] = pids;
      runsByPid.set(pid!, (runsByPid.get(pid!) ?? 0) + 1);
    }
    expect(db.duplicatePositions()).toEqual([]);
    expect(db.countWhere('journal')).toBe(RUNS * FIVE_STEPS);

    const split = workers.map((w) => `worker ${w.pid}: ${runsByPid.get(w.pid) ?? 0} runs`).join(', ');
    console.log(`multi-process test: ${RUNS} runs in ${elapsed} ms; ${split}`);
    for (const w of workers) expect((await w.stop('SIGTERM')).code).toBe(0);
  }, 90_000);
});
