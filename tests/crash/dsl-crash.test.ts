/**
 * Definitions across SIGKILL, with real processes: a worker running a definition is SIGKILLed during
 * a `wait`, during a `fork` (one branch's call in flight) and between the retries of a `call` inside
 * `try`/`retry`; a new worker process resumes each run. The loopback server counts the requests per
 * path: every task that had completed before a kill is not run again (its call is received exactly
 * once), only the call in flight at the kill is made again, and the retried call is received exactly
 * as many times as attempts were made.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@baton/testkit';
import { startCountingServer, type CountingServer } from './counting-server.js';
import { TestDatabase } from './test-database.js';
import { WorkerHandle } from './worker-handle.js';

const SCRIPT = fileURLToPath(new URL('./dsl-worker-process.ts', import.meta.url));
/** The retried call fails this many times before it answers. */
const FAILURES = 2;
/** Each test starts two or three worker processes and waits out a durable wait or back-off. */
const TEST_TIMEOUT_MS = 180_000;

let server: CountingServer;
const workers: WorkerHandle[] = [];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  server = await startCountingServer((path, n) => {
    if (path === '/fork/r2' && n === 1) return 'hold';
    if (path === '/retry/flaky' && n <= FAILURES) return 'fail';
    return 'ok';
  });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  for (const db of databases) await db.close();
  await server?.close();
});

async function database(name: string): Promise<{ db: TestDatabase; env: Record<string, string> }> {
  const db = await TestDatabase.create(`dsl-crash-${name}`);
  databases.push(db);
  return { db, env: db.workerEnv({ BATON_CRASH_SERVER: server.url, BATON_LEASE_MS: '1000' }) };
}

async function startWorker(env: Record<string, string>): Promise<WorkerHandle> {
  const worker = await WorkerHandle.start(env, { script: SCRIPT, timeoutMs: 60_000 });
  workers.push(worker);
  return worker;
}

async function kill(worker: WorkerHandle): Promise<void> {
  worker.kill('SIGKILL');
  const exit = await worker.exited;
  expect(exit.signal, `worker ${worker.pid} should die of the SIGKILL; it exited on its own:\n${worker.stderrTail()}`).toBe('SIGKILL');
}

async function status(db: TestDatabase, runId: string): Promise<string | undefined> {
  return (await db.client.get(runId))?.status;
}

/** The journal's completed step names that end with `/<task>`, for each task. */
async function completedTasks(db: TestDatabase, runId: string, tasks: string[]): Promise<boolean> {
  const journal = await db.client.journal(runId);
  return tasks.every((task) => journal.some((e) => e.kind === 'step' && e.status === 'completed' && e.name.endsWith(`/${task}`)));
}

function counts(paths: string[]): Record<string, number> {
  return Object.fromEntries(paths.map((path) => [path, server.count(path)]));
}

describe('definitions across SIGKILL', () => {
  it(
    'resumes a run killed during a wait without repeating the call before it',
    async () => {
      const { db, env } = await database('wait');
      const worker = await startWorker(env);
      const run = await db.client.start('crash.wait', {}, { id: 'dsl-wait' });
      await waitFor(async () => server.count('/wait/before') === 1 && (await status(db, run.id)) === 'waiting', {
        timeoutMs: 30_000,
        message: `the run to call /wait/before and wait; worker stderr:\n${worker.stderrTail()}`,
      });
      expect(server.count('/wait/after')).toBe(0);
      await kill(worker);

      await startWorker(env);
      expect(await db.client.result(run.id, { timeoutMs: 60_000 })).toEqual({ path: '/wait/after', n: 1 });
      expect(counts(['/wait/before', '/wait/after'])).toEqual({ '/wait/before': 1, '/wait/after': 1 });
      const journal = await db.client.journal(run.id);
      expect(journal.filter((e) => e.kind === 'sleep')).toHaveLength(1);
      expect(db.duplicatePositions()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'resumes a run killed during a fork: completed branch tasks are not repeated, the call in flight is made again',
    async () => {
      const { db, env } = await database('fork');
      const worker = await startWorker(env);
      const run = await db.client.start('crash.fork', {}, { id: 'dsl-fork' });
      // r2 is held by the server: the kill lands while it is in flight, after l1, l2 and r1 are journaled.
      await waitFor(async () => server.count('/fork/r2') === 1 && (await completedTasks(db, run.id, ['start', 'l1', 'l2', 'r1'])), {
        timeoutMs: 30_000,
        message: `the fork to complete l1, l2 and r1 with r2 in flight; worker stderr:\n${worker.stderrTail()}`,
      });
      await kill(worker);

      await startWorker(env);
      expect(await db.client.result(run.id, { timeoutMs: 60_000 })).toEqual({ path: '/fork/finish', n: 1 });
      const paths = ['/fork/start', '/fork/l1', '/fork/l2', '/fork/r1', '/fork/r2', '/fork/finish'];
      expect(counts(paths)).toEqual({ '/fork/start': 1, '/fork/l1': 1, '/fork/l2': 1, '/fork/r1': 1, '/fork/r2': 2, '/fork/finish': 1 });
      expect(await completedTasks(db, run.id, ['start', 'l1', 'l2', 'r1', 'r2', 'finish'])).toBe(true);
      expect(db.duplicatePositions()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'resumes a run killed between the retries of a call: each attempt is made once',
    async () => {
      const { db, env } = await database('retry');
      let worker = await startWorker(env);
      const run = await db.client.start('crash.retry', {}, { id: 'dsl-retry' });
      // Killed in the back-off after the first failed attempt, and again after the second.
      for (let attempt = 1; attempt <= FAILURES; attempt++) {
        const current = worker;
        await waitFor(async () => server.count('/retry/flaky') === attempt && (await status(db, run.id)) === 'waiting', {
          timeoutMs: 30_000,
          message: `attempt ${attempt} to fail and the run to wait for the next; worker stderr:\n${current.stderrTail()}`,
        });
        expect(server.count('/retry/after')).toBe(0);
        await kill(worker);
        worker = await startWorker(env);
      }

      expect(await db.client.result(run.id, { timeoutMs: 60_000 })).toEqual({ path: '/retry/after', n: 1 });
      expect(counts(['/retry/before', '/retry/flaky', '/retry/after'])).toEqual({ '/retry/before': 1, '/retry/flaky': FAILURES + 1, '/retry/after': 1 });
      const journal = await db.client.journal(run.id);
      const attempts = journal.filter((e) => e.kind === 'step' && e.name.includes('/try/0/attempt'));
      expect(attempts.map((e) => e.status)).toEqual([...Array.from({ length: FAILURES }, () => 'failed'), 'completed']);
      expect(journal.filter((e) => e.kind === 'sleep')).toHaveLength(FAILURES);
      expect(db.duplicatePositions()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
