/**
 * Chaos test on a throwaway PostgreSQL cluster: four worker processes run 1,000 ten-step runs (with
 * a durable sleep and a signal wait) while every 0.5 s a random worker is SIGKILLed and restarted,
 * and once the database server itself is restarted. Every run must complete with the right output,
 * every journal position must be written once, and every attempt of a step must see the same
 * idempotency key. Prints the kills and the time from each kill to the recovery of the killed
 * worker's runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, seededRandom } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { waitFor } from '@baton/testkit';
import { expectedValue, type StepResult } from '../crash/crash-workflows.js';
import { byStep, readSideEffects } from '../crash/side-effect-log.js';
import {
  CHAOS_POSITIONS,
  CHAOS_STEPS,
  chaosStepSeq,
  chaosTenSteps,
  SIGNAL_NAME,
  SLEEP_AFTER_STEP,
  SIGNAL_AFTER_STEP,
  type ChaosOutput,
} from './chaos-workflows.js';
import { WorkerHandle } from '../crash/worker-handle.js';
import { POSTGRES_BIN, PostgresCluster, postgresInstalled } from './postgres-cluster.js';

const POSTGRES_WORKER = fileURLToPath(new URL('./postgres-worker-process.ts', import.meta.url));

/** 1,000 in `npm test`; `npm run bench:chaos` runs 10,000. */
const RUNS = Number(process.env.BATON_CHAOS_RUNS ?? 1000);
const WORKERS = 4;
const KILL_EVERY_MS = 500;
const LEASE_MS = 1000;
/** The database restarts after this many kills, while runs are in flight. */
const RESTART_DB_AFTER_KILLS = 6;
/** Kills stop after this long, so a slow machine still finishes within the test's time (about 35 ms per run here). */
const CHAOS_LIMIT_MS = Math.max(45_000, RUNS * 100);
/** Once kills stop, the runs left must complete within this. */
const SETTLE_MS = Math.max(40_000, RUNS * 40);

interface Kill {
  pid: number;
  at: number;
  /** Runs the killed worker held a lease on: they wait for its lease to expire. */
  orphans: string[];
  /** Runs ready at the kill (queued, due, or with an expired lease): a recovered run is claimed in turn with them. */
  backlog: number;
}

interface UnexpectedExit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  stderr: string;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Retries `fn` while the database is unreachable (it restarts once during the test). */
async function retrying<T>(fn: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} kept failing for ${timeoutMs} ms`, { cause: error });
      await delay(50);
    }
  }
}

const installed = postgresInstalled();
if (!installed) {
  const notice = `PostgreSQL server binaries not found in ${POSTGRES_BIN} (apt-get install postgresql)`;
  if (process.env.CI === 'true') {
    describe('chaos on PostgreSQL', () => {
      it('needs the PostgreSQL server binaries under CI', () => {
        throw new Error(`${notice}: the chaos test cannot run, and under CI=true it must.`);
      });
    });
  } else {
    console.log(`postgres chaos test skipped: ${notice}.`);
  }
}

describe.runIf(installed)('chaos with real worker processes on a throwaway PostgreSQL cluster', () => {
  let cluster: PostgresCluster | undefined;
  let store: PostgresStore | undefined;
  let pool: pg.Pool | undefined;
  let effectsDir: string | undefined;
  const schema = `chaos_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const workers: WorkerHandle[] = [];
  /** Worker processes that died without being killed, and when the database went down (set by the chaos test). */
  let unexpected: UnexpectedExit[] | undefined;
  let dbDownAt: number | undefined;

  beforeAll(async () => {
    cluster = await PostgresCluster.create();
    effectsDir = mkdtempSync(join(tmpdir(), 'baton-chaos-effects-'));
    store = new PostgresStore({ connectionString: cluster.connectionString, schema, maxConnections: 4 });
    await store.init();
    pool = new pg.Pool({ connectionString: cluster.connectionString, max: 2, options: `-c search_path=${schema}` });
    pool.on('error', () => {});
  }, 60_000);

  afterAll(async () => {
    try {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      await Promise.allSettled([store?.close(), pool?.end()]);
    } finally {
      try {
        await cluster?.destroy();
      } finally {
        if (effectsDir !== undefined) rmSync(effectsDir, { recursive: true, force: true });
      }
    }
  }, 60_000);

  it(
    'completes every run exactly once across SIGKILLs and a database restart',
    async () => {
      const db = pool!;
      const client = new Client({ store: store! });
      const effectsPath = join(effectsDir!, 'side-effects.log');
      const seed = Number(process.env.BATON_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 32));
      const random = seededRandom(seed);
      const count = async (sql: string, params: unknown[] = []): Promise<number> =>
        Number((await db.query<{ count: string }>(`SELECT COUNT(*) AS count FROM ${sql}`, params)).rows[0]!.count);
      const started = Date.now();

      // Even runs get their signal before they start (kept until they wait); odd ones once they wait.
      for (let i = 0; i < RUNS; i++) {
        const id = `chaos-${i}`;
        await client.start(chaosTenSteps, { n: i }, { id });
        if (i % 2 === 0) await client.signal(id, SIGNAL_NAME, { n: i });
      }

      const env = {
        BATON_PG_URL: cluster!.connectionString,
        BATON_PG_SCHEMA: schema,
        BATON_EFFECTS_LOG: effectsPath,
        BATON_LEASE_MS: String(LEASE_MS),
        BATON_POLL_MS: '50',
        BATON_CONCURRENCY: '16',
      };
      const kills: Kill[] = [];
      const deaths: UnexpectedExit[] = [];
      unexpected = deaths;
      const pending: Promise<void>[] = [];
      const slots: (WorkerHandle | undefined)[] = Array.from({ length: WORKERS }, () => undefined);
      let done = false;

      /** Starts a worker in `slot`; if it dies without the test killing it, records that and starts another. */
      const startWorker = async (slot: number): Promise<void> => {
        const worker = await retrying(() => WorkerHandle.start(env, { script: POSTGRES_WORKER, timeoutMs: 30_000 }), 'starting a worker', 30_000);
        workers.push(worker);
        slots[slot] = worker;
        void worker.exited.then((exit) => {
          if (worker.killedWith !== undefined || done) return;
          deaths.push({ pid: worker.pid, code: exit.code, signal: exit.signal, at: exit.at, stderr: worker.stderrTail() });
          slots[slot] = undefined;
          pending.push(startWorker(slot));
        });
      };
      await Promise.all(slots.map((_, slot) => startWorker(slot)));

      // The signaller: sends `go` to odd runs once they wait for it.
      const signalled = new Set<string>();
      const signaller = (async () => {
        while (!done) {
          try {
            const waiting = await db.query<{ id: string }>("SELECT id FROM runs WHERE status = 'waiting' AND (waits::jsonb -> 'signals') ? $1", [SIGNAL_NAME]);
            for (const { id } of waiting.rows) {
              if (signalled.has(id)) continue;
              const n = Number(id.slice('chaos-'.length));
              if (n % 2 === 0) continue;
              await client.signal(id, SIGNAL_NAME, { n });
              signalled.add(id);
            }
          } catch {
            // The database is restarting: try again on the next round.
          }
          await delay(50);
        }
      })();

      const completed = (): Promise<number> => count("runs WHERE id LIKE 'chaos-%' AND status = 'completed'");
      let dbRestart: { stoppedAt: number; startedAt: number; requestedAt: number } | undefined;
      let dbRestartDone: Promise<void> | undefined;
      let lastCompleted = 0;
      while (Date.now() - started < CHAOS_LIMIT_MS) {
        await delay(KILL_EVERY_MS);
        lastCompleted = await completed().catch(() => lastCompleted);
        if (lastCompleted === RUNS) break;
        const alive = slots.flatMap((w, slot) => (w?.alive === true ? [{ w, slot }] : []));
        if (alive.length === 0) continue;
        const { w: victim, slot } = alive[Math.floor(random() * alive.length)]!;
        const at = Date.now();
        victim.kill('SIGKILL');
        slots[slot] = undefined;
        const kill: Kill = { pid: victim.pid, at, orphans: [], backlog: await count('runs WHERE ready_at <= $1', [at]).catch(() => NaN) };
        kills.push(kill);
        pending.push(
          (async () => {
            await victim.exited;
            const held = await retrying(
              () => db.query<{ id: string }>("SELECT id FROM runs WHERE status = 'running' AND lease_owner = $1 ORDER BY id", [`chaos-worker-${victim.pid}`]),
              'reading the killed worker’s leases',
            );
            kill.orphans = held.rows.map((r) => r.id);
            await startWorker(slot);
          })(),
        );
        if (kills.length === RESTART_DB_AFTER_KILLS) {
          const requestedAt = Date.now();
          dbRestartDone = cluster!.restart().then((times) => {
            dbRestart = { ...times, requestedAt };
            dbDownAt = times.stoppedAt;
          });
        }
      }
      await dbRestartDone;
      const chaosEnded = Date.now();

      await waitFor(async () => (await completed().catch(() => 0)) === RUNS, {
        timeoutMs: SETTLE_MS,
        message: `all ${RUNS} runs to complete (seed ${seed}); worker stderr:\n${slots.map((w) => w?.stderrTail() ?? '').join('\n')}\n${cluster!.logTail()}`,
      });
      const elapsed = Date.now() - started;
      done = true;
      await signaller;
      await Promise.all(pending);
      for (const w of slots) {
        if (w === undefined) continue;
        expect((await w.stop('SIGTERM')).code, `worker ${w.pid} exits cleanly:\n${w.stderrTail()}`).toBe(0);
      }

      // Every run completed with the output its input determines, built from its journaled steps.
      const { effects, torn } = readSideEffects(effectsPath);
      const steps = byStep(effects);
      for (let i = 0; i < RUNS; i++) {
        const id = `chaos-${i}`;
        const run = await client.get(id);
        expect(run?.status, `run ${id}`).toBe('completed');
        const journal = await client.journal(id);
        expect(
          journal.map((e) => e.seq),
          `journal positions of ${id}`,
        ).toEqual(Array.from({ length: CHAOS_POSITIONS }, (_, k) => k + 1));
        expect(journal.every((e) => e.status === 'completed')).toBe(true);
        const tokens: string[] = [];
        for (let s = 1; s <= CHAOS_STEPS; s++) {
          const entry = journal[chaosStepSeq(s) - 1]!;
          expect({ kind: entry.kind, name: entry.name }).toEqual({ kind: 'step', name: `step-${s}` });
          const token = (entry.output as StepResult).token;
          tokens.push(token);
          const attempts = steps.get(`${id}/step-${s}`) ?? [];
          expect(
            attempts.some((e) => e.ev === 'end' && e.token === token),
            `${id} step-${s}: journaled token ${token} from a logged attempt`,
          ).toBe(true);
          expect(new Set(attempts.map((e) => e.idempotencyKey)), `${id} step-${s} idempotency keys`).toEqual(new Set([`${id}:${entry.seq}`]));
        }
        expect(journal[SLEEP_AFTER_STEP]).toMatchObject({ seq: SLEEP_AFTER_STEP + 1, kind: 'sleep' });
        expect(journal[SIGNAL_AFTER_STEP + 1]).toMatchObject({ seq: SIGNAL_AFTER_STEP + 2, kind: 'signal' });
        expect(run?.output as ChaosOutput, `output of ${id}`).toEqual({ n: i, value: expectedValue(i, CHAOS_STEPS), signal: { n: i }, tokens });
      }

      // Every journal position was stored once, and nothing was left behind.
      const duplicates = await db.query('SELECT run_id, seq, count(*) FROM journal GROUP BY 1, 2 HAVING count(*) > 1');
      expect(duplicates.rows).toEqual([]);
      expect(await count("journal WHERE run_id LIKE 'chaos-%'")).toBe(RUNS * CHAOS_POSITIONS);
      expect(await count('journal_history')).toBe(0);
      expect(await count('step_retries')).toBe(0);
      expect(await count("runs WHERE status <> 'completed'")).toBe(0);
      expect(await count('runs WHERE lease_owner IS NOT NULL OR ready_at IS NOT NULL')).toBe(0);

      // Recovery: from each kill to the next completed step of each run the killed worker held.
      const ends = effects.filter((e) => e.ev === 'end').sort((a, b) => a.at - b.at);
      const orphanRecoveries: number[] = [];
      const killRecoveries: number[] = [];
      for (const kill of kills) {
        let first = Infinity;
        for (const runId of kill.orphans) {
          const next = ends.find((e) => e.runId === runId && e.at > kill.at && e.pid !== kill.pid);
          if (next === undefined) continue;
          orphanRecoveries.push(next.at - kill.at);
          first = Math.min(first, next.at - kill.at);
        }
        if (Number.isFinite(first)) killRecoveries.push(first);
      }
      const lastRecovery = kills.map((k) =>
        Math.max(0, ...k.orphans.map((runId) => (ends.find((e) => e.runId === runId && e.at > k.at && e.pid !== k.pid)?.at ?? k.at) - k.at)),
      );
      const afterDb = dbRestart === undefined ? undefined : ends.find((e) => e.at > dbRestart!.startedAt);
      const begins = [...steps.values()].map((group) => group.filter((e) => e.ev === 'begin'));
      const reExecuted = begins.filter((group) => group.length > 1).length;
      const executions = begins.reduce((sum, group) => sum + group.length, 0);
      const claims = await db.query<{ claims: string }>("SELECT SUM(claims) AS claims FROM runs WHERE id LIKE 'chaos-%'");
      console.log(
        [
          `postgres chaos test (seed ${seed}, ${RUNS} runs, ${WORKERS} workers, lease ${LEASE_MS} ms):`,
          `${kills.length} kills in ${chaosEnded - started} ms, ${kills.filter((k) => k.orphans.length > 0).length} with runs in flight`,
          `(${kills.reduce((n, k) => n + k.orphans.length, 0)} leases orphaned);`,
          `kill to the first completed step of a held run p50 ${percentile(killRecoveries, 50)} ms, max ${Math.max(...killRecoveries)} ms;`,
          `kill to every held run recovered p50 ${percentile(lastRecovery, 50)} ms, max ${Math.max(...lastRecovery)} ms;`,
          `per orphaned run p50 ${percentile(orphanRecoveries, 50)} ms, p95 ${percentile(orphanRecoveries, 95)} ms, max ${Math.max(...orphanRecoveries)} ms`,
          `(recovered runs are claimed in turn with the queued ones: p50 ${percentile(kills.map((k) => k.backlog).filter(Number.isFinite), 50)} runs ready at a kill);`,
          dbRestart === undefined
            ? 'database NOT restarted;'
            : `database restart after kill ${RESTART_DB_AFTER_KILLS}: down ${dbRestart.startedAt - dbRestart.stoppedAt} ms (stop requested ${dbRestart.stoppedAt - dbRestart.requestedAt} ms before it was down), first completed step ${afterDb === undefined ? 'none' : `${afterDb.at - dbRestart.startedAt} ms`} after it was up;`,
          `${executions} step executions for ${RUNS * CHAOS_STEPS} steps (${reExecuted} steps re-executed), ${claims.rows[0]!.claims} claims;`,
          `${deaths.length} worker processes died without being killed; torn log lines ${torn}; total ${elapsed} ms`,
        ].join(' '),
      );
      // What the workers logged (JSON lines: warnings and errors), counted by message.
      const logged = new Map<string, number>();
      for (const line of workers.flatMap((w) => w.stderr.split('\n'))) {
        if (line.length === 0) continue;
        let msg = line.slice(0, 120);
        try {
          msg = (JSON.parse(line) as { msg?: string }).msg ?? msg;
        } catch {
          // Not a log line (a stack trace): counted by its text.
        }
        logged.set(msg, (logged.get(msg) ?? 0) + 1);
      }
      if (logged.size > 0) console.log(`worker stderr, lines by message: ${JSON.stringify(Object.fromEntries(logged))}`);

      expect(dbRestart, 'the database was restarted during the chaos').toBeDefined();
      expect(kills.length).toBeGreaterThanOrEqual(RESTART_DB_AFTER_KILLS);
    },
    CHAOS_LIMIT_MS + SETTLE_MS + 60_000,
  );

  // Separate from the invariants above, which hold even when workers die: a worker process must not
  // die because the database restarted (it should back off and reconnect).
  it('loses no worker process to the database restart', () => {
    expect(unexpected, 'the chaos test ran').toBeDefined();
    for (const exit of unexpected!) {
      const when = dbDownAt === undefined ? '' : ` ${exit.at - dbDownAt} ms after the database was down`;
      console.log(`worker ${exit.pid} died on its own${when} (code ${exit.code}, signal ${exit.signal}):\n${exit.stderr}`);
    }
    expect(
      unexpected!.map(({ pid, code, signal }) => ({ pid, code, signal })),
      'worker processes that died without being killed',
    ).toEqual([]);
  });
});
