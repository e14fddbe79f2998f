/**
 * graphile-worker as a reference row: a job queue, not a workflow engine, so a "workflow" is built from
 * jobs. A workflow of N sequential steps is a chain of N jobs, each enqueueing its successor; the last
 * job resolves the waiting caller in this process. The fan-out is one job that enqueues `width` branch
 * jobs, each branch adds its output to a join row in PostgreSQL, and the branch that completes the
 * count enqueues the join job.
 *
 * Settings: the library's defaults (jobs are rows committed before `addJob` resolves, LISTEN/NOTIFY
 * wakes the worker, 2 s poll as a fallback, prepared statements), workers in this process, except
 * `concurrency` (default 1), raised to the same 10 as the other queue rows.
 */

import { randomUUID } from 'node:crypto';
import { Logger, run, type JobHelpers, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { PeerSystem, SystemContext, SystemInstance } from '../system.js';

/** Jobs run at once in this process (graphile-worker's default is 1). */
const CONCURRENCY = 10;

interface StepPayload {
  chain: string;
  step: number;
  steps: number;
  sum: number;
}

interface BranchPayload {
  join: string;
  branch: number;
  width: number;
}

/** Promises of the chains and joins started from this process, settled by their last job. */
class Waiters {
  readonly #waiting = new Map<string, { resolve(sum: number): void; reject(error: Error): void }>();

  wait(id: string): Promise<number> {
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }

  settle(id: string, sum: number): void {
    const waiter = this.#waiting.get(id);
    this.#waiting.delete(id);
    waiter?.resolve(sum);
  }
}

/** 1 + 2 + … + n: what a chain of n steps (step i outputs i) or a fan-out of n branches adds up to. */
function expectedSum(n: number): number {
  return (n * (n + 1)) / 2;
}

function check(what: string, sum: number, expected: number): void {
  if (sum !== expected) throw new Error(`graphile-worker: ${what} added up to ${sum}, expected ${expected}`);
}

async function start(context: SystemContext): Promise<SystemInstance> {
  // The pool is ours (the size graphile-worker would pick) so that `close()` can wait for it to end.
  const pool = new pg.Pool({ connectionString: context.pgUrl, max: CONCURRENCY + 2 });
  const onError = (error: Error): void => context.log(`graphile-worker pool: ${error.message}`);
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  await pool.query('CREATE TABLE IF NOT EXISTS peer_join (id text PRIMARY KEY, done int NOT NULL, total bigint NOT NULL)');

  const waiters = new Waiters();
  const taskList: TaskList = {
    step: async (raw, helpers: JobHelpers) => {
      const payload = raw as StepPayload;
      const sum = payload.sum + payload.step + 1;
      if (payload.step + 1 < payload.steps) {
        await helpers.addJob('step', { ...payload, step: payload.step + 1, sum } satisfies StepPayload);
      } else {
        waiters.settle(payload.chain, sum);
      }
    },
    fanout: async (raw, helpers: JobHelpers) => {
      const { join, width } = raw as { join: string; width: number };
      await helpers.withPgClient((client) => client.query('INSERT INTO peer_join (id, done, total) VALUES ($1, 0, 0)', [join]));
      await helpers.addJobs(Array.from({ length: width }, (_, branch) => ({ identifier: 'branch', payload: { join, branch, width } satisfies BranchPayload })));
    },
    branch: async (raw, helpers: JobHelpers) => {
      const payload = raw as BranchPayload;
      const { rows } = await helpers.withPgClient((client) =>
        client.query<{ done: number }>('UPDATE peer_join SET done = done + 1, total = total + $2 WHERE id = $1 RETURNING done', [
          payload.join,
          payload.branch + 1,
        ]),
      );
      if (rows[0]?.done === payload.width) await helpers.addJob('join', { join: payload.join });
    },
    join: async (raw, helpers: JobHelpers) => {
      const { join } = raw as { join: string };
      const { rows } = await helpers.withPgClient((client) => client.query<{ total: string }>('SELECT total FROM peer_join WHERE id = $1', [join]));
      waiters.settle(join, Number(rows[0]?.total));
    },
  };

  const logger = new Logger(() => (level, message) => {
    if (level === 'error' || level === 'warning') context.log(`graphile-worker ${level}: ${message}`);
  });
  const runner: Runner = await run({ pgPool: pool, concurrency: CONCURRENCY, noHandleSignals: true, taskList, logger });

  async function chain(steps: number): Promise<void> {
    const id = randomUUID();
    const done = waiters.wait(id);
    await runner.addJob('step', { chain: id, step: 0, steps, sum: 0 } satisfies StepPayload);
    check(`a chain of ${steps} steps`, await done, expectedSum(steps));
  }

  return {
    pids: [],
    async w1(workflows, steps) {
      await Promise.all(Array.from({ length: workflows }, () => chain(steps)));
    },
    async w1seq(workflows, steps) {
      for (let i = 0; i < workflows; i++) await chain(steps);
    },
    async w2(width) {
      const join = randomUUID();
      const done = waiters.wait(join);
      await runner.addJob('fanout', { join, width });
      check(`a fan-out of ${width}`, await done, expectedSum(width));
    },
    w3: () => chain(1),
    ten: () => chain(10),
    async close() {
      await runner.stop();
      await runner.promise;
      await pool.end();
    },
  };
}

export const systems: PeerSystem[] = [
  {
    id: 'graphile-worker',
    label: `graphile-worker 0.17.3, job chains (queue), LISTEN/NOTIFY, concurrency ${CONCURRENCY}`,
    kind: 'queue',
    start,
  },
];
