/**
 * Crash test with real processes: a worker process running 50 ten-step runs is SIGKILLed at random
 * moments at least 10 times and restarted. Every run must complete with the right output, every
 * journal position must be written exactly once, and every attempt of a step must see the same
 * idempotency key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@baton/testkit';
import { seededRandom } from '@baton/core';
import { crashTenSteps, expectedValue, SLEEP_AFTER_STEP, TEN_STEPS, tenStepSeq, type ChainOutput, type StepResult } from './crash-workflows.js';
import { byStep, readSideEffects } from './side-effect-log.js';
import { TestDatabase } from './test-database.js';
import { WorkerHandle } from './worker-handle.js';

const RUNS = 50;
const MIN_KILLS = 10;
/** How long a worker lives after it is ready, before it is killed. */
const KILL_AFTER_MS = { min: 100, max: 400 };
/** Each step's side effect waits this long, so 50 runs take a few seconds of worker time. */
const STEP_MS = { min: 30, max: 90 };
const LEASE_MS = 1000;
const POSITIONS = TEN_STEPS + 1;

interface Kill {
  pid: number;
  at: number;
  /** Runs the killed worker held a lease on: they wait for its lease to expire. */
  orphans: string[];
  completedBefore: number;
  /** When the next worker was ready. */
  readyAt: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('crash recovery with real worker processes', () => {
  let db: TestDatabase;
  const workers: WorkerHandle[] = [];
  let passed = false;

  beforeAll(async () => {
    db = await TestDatabase.create('crash');
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    if (!passed && db !== undefined) console.log(`crash test files kept in ${db.dir}`);
    await db?.close({ keepFiles: !passed });
  });

  it('completes every run exactly once across repeated SIGKILLs', async () => {
    const seed = Number(process.env.BATON_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));
    const random = seededRandom(seed);
    const started = Date.now();
    for (let i = 0; i < RUNS; i++) await db.client.start(crashTenSteps, { n: i }, { id: `crash-${i}` });

    const env = db.workerEnv({ BATON_LEASE_MS: String(LEASE_MS), BATON_STEP_MIN_MS: String(STEP_MS.min), BATON_STEP_MAX_MS: String(STEP_MS.max) });
    const completed = (): number => db.countWhere("runs WHERE id LIKE 'crash-%' AND status = 'completed'");
    const kills: Kill[] = [];
    let worker = await WorkerHandle.start(env);
    workers.push(worker);

    while (kills.length < MIN_KILLS) {
      await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min)));
      const at = Date.now();
      worker.kill('SIGKILL');
      const exit = await worker.exited;
      expect(exit.signal, `worker ${worker.pid} should die of the SIGKILL; it exited on its own:\n${worker.stderrTail()}`).toBe('SIGKILL');
      const kill = { pid: worker.pid, at, orphans: db.runsLeasedBy(`crash-worker-${worker.pid}`), completedBefore: completed(), readyAt: 0 };
      kills.push(kill);
      worker = await WorkerHandle.start(env);
      workers.push(worker);
      kill.readyAt = Date.now();
    }

    const last = worker;
    await waitFor(() => completed() === RUNS, {
      timeoutMs: 90_000,
      message: `all ${RUNS} runs to complete (seed ${seed}); last worker stderr:\n${last.stderrTail()}`,
    });
    const elapsed = Date.now() - started;
    expect((await last.stop('SIGTERM')).code).toBe(0);

    // Every run completed with the output its input determines, built from its journaled steps.
    const { effects, torn } = readSideEffects(db.effectsPath);
    const steps = byStep(effects);
    for (let i = 0; i < RUNS; i++) {
      const id = `crash-${i}`;
      const run = await db.client.get(id);
      expect(run?.status, `run ${id}`).toBe('completed');
      const journal = await db.client.journal(id);
      expect(
        journal.map((e) => e.seq),
        `journal positions of ${id}`,
      ).toEqual(Array.from({ length: POSITIONS }, (_, k) => k + 1));
      expect(journal.every((e) => e.status === 'completed')).toBe(true);
      const journalTokens: string[] = [];
      for (let s = 1; s <= TEN_STEPS; s++) {
        const entry = journal[tenStepSeq(s) - 1]!;
        expect({ kind: entry.kind, name: entry.name }).toEqual({ kind: 'step', name: `step-${s}` });
        const result = entry.output as StepResult;
        journalTokens.push(result.token);
        // The journaled result came from a real attempt, and every attempt saw the key of this position.
        const attempts = steps.get(`${id}/step-${s}`) ?? [];
        expect(
          attempts.some((e) => e.ev === 'end' && e.token === result.token),
          `${id} step-${s}: journaled token ${result.token} from a logged attempt`,
        ).toBe(true);
        expect(new Set(attempts.map((e) => e.idempotencyKey)), `${id} step-${s} idempotency keys`).toEqual(new Set([`${id}:${entry.seq}`]));
        // One worker lives at a time, so the log is in time order: once journaled, the step never ran again.
        expect(attempts.at(-1), `${id} step-${s}: nothing ran after the journaled attempt`).toMatchObject({ ev: 'end', token: result.token });
      }
      expect(journal[SLEEP_AFTER_STEP]).toMatchObject({ seq: SLEEP_AFTER_STEP + 1, kind: 'sleep' });
      const output = run?.output as ChainOutput;
      expect(output, `output of ${id}`).toEqual({ n: i, value: expectedValue(i, TEN_STEPS), tokens: journalTokens });
    }

    // Every journal position was stored once, and nothing was left behind.
    expect(db.duplicatePositions()).toEqual([]);
    expect(db.countWhere("journal WHERE run_id LIKE 'crash-%'")).toBe(RUNS * POSITIONS);
    expect(db.countWhere('journal_history')).toBe(0);
    expect(db.countWhere('step_retries')).toBe(0);
    expect(db.countWhere('runs WHERE lease_owner IS NOT NULL OR ready_at IS NOT NULL')).toBe(0);

    // Kills landed mid-run: some steps ran more than once, some were cut off mid-step.
    const begins = [...steps.values()].map((group) => group.filter((e) => e.ev === 'begin'));
    const reExecuted = begins.filter((group) => group.length > 1);
    const executions = begins.reduce((sum, group) => sum + group.length, 0);
    const ended = new Set(effects.filter((e) => e.ev === 'end').map((e) => `${e.runId}/${e.step}/${e.pid}/${e.attempt}`));
    const cutOff = effects.filter((e) => e.ev === 'begin' && !ended.has(`${e.runId}/${e.step}/${e.pid}/${e.attempt}`)).length;
    expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(reExecuted.length, 'steps executed more than once (kills landing mid-run)').toBeGreaterThan(0);

    // Recovery: from each kill to the next side effect of each run the killed worker held.
    const recoveries: number[] = [];
    for (const kill of kills) {
      for (const runId of kill.orphans) {
        const next = effects.find((e) => e.runId === runId && e.at > kill.at && e.pid !== kill.pid);
        if (next !== undefined) recoveries.push(next.at - kill.at);
      }
    }
    const firstCompleted = kills.flatMap((k) => {
      const next = effects.find((e) => e.ev === 'end' && e.at > k.at && e.pid !== k.pid);
      return next === undefined ? [] : [next.at - k.at];
    });
    const restarts = kills.map((k) => k.readyAt - k.at);
    const workerLogs = workers.flatMap((w) => w.stderr.split('\n').filter((line) => line.length > 0));
    const claims = db.raw.prepare("SELECT SUM(claims) AS claims FROM runs WHERE id LIKE 'crash-%'").get() as { claims: number };
    console.log(
      [
        `crash test (seed ${seed}): ${kills.length} kills, ${kills.filter((k) => k.orphans.length > 0).length} with runs in flight`,
        `(${kills.reduce((n, k) => n + k.orphans.length, 0)} leases orphaned), completed before each kill: ${kills.map((k) => k.completedBefore).join(',')};`,
        `${executions} step executions for ${RUNS * TEN_STEPS} steps: ${reExecuted.length} steps re-executed, ${cutOff} cut off mid-step;`,
        `${claims.claims} claims; restart to ready p50 ${percentile(restarts, 50)} ms;`,
        `kill to the next completed step p50 ${percentile(firstCompleted, 50)} ms, max ${Math.max(...firstCompleted)} ms;`,
        `kill to an orphaned run resumed p50 ${percentile(recoveries, 50)} ms, max ${Math.max(...recoveries)} ms (lease ${LEASE_MS} ms, concurrency 16);`,
        `torn log lines ${torn}; worker warnings/errors ${workerLogs.length}; total ${elapsed} ms`,
      ].join(' '),
    );
    if (workerLogs.length > 0) console.log(`worker stderr:\n${[...new Set(workerLogs)].slice(0, 20).join('\n')}`);
    passed = true;
  }, 120_000);
});
