/**
 * pg-boss as a reference row: a job queue, not a workflow engine, so a "workflow" is built from jobs.
 * A workflow of N sequential steps is a chain of N jobs, each sending its successor; the last job
 * resolves the waiting caller in this process. The fan-out is one job that inserts `width` branch jobs,
 * each branch adds its output to a join row in PostgreSQL, and the branch that completes the count sends
 * the join job.
 *
 * Settings: the library's defaults (jobs are rows committed before `send` resolves, standard queue
 * policy, retries, maintenance), workers in this process. pg-boss has no LISTEN/NOTIFY: a worker polls
 * every 2 s by default, and the documented way past that wait is `notifyWorker(id)`, which this adapter
 * calls on one of the target queue's workers for every job sent (as an application with its workers in
 * the sending process can), and on a worker that has just run a job, so that it keeps fetching while
 * the queue holds jobs and sleeps only when it finds none. Each queue has 10 workers (`work()` called 10
 * times, batch size 1) so that 10 jobs run at once, as in the other queue rows.
 */

import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { PeerSystem, SystemContext, SystemInstance } from '../system.js';

/** Workers per queue in this process (pg-boss runs one job at a time per `work()` with batch size 1). */
const CONCURRENCY = 10;

const QUEUES = ['step', 'fanout', 'branch', 'join'] as const;
type QueueName = (typeof QUEUES)[number];

interface StepData {
  chain: string;
  step: number;
  steps: number;
  sum: number;
}

interface BranchData {
  join: string;
  branch: number;
  width: number;
}

/** Promises of the chains and joins started from this process, settled by their last job. */
class Waiters {
  readonly #waiting = new Map<string, (sum: number) => void>();

  wait(id: string): Promise<number> {
    return new Promise((resolve) => this.#waiting.set(id, resolve));
  }

  settle(id: string, sum: number): void {
    const resolve = this.#waiting.get(id);
    this.#waiting.delete(id);
    resolve?.(sum);
  }
}

/** 1 + 2 + … + n: what a chain of n steps (step i outputs i) or a fan-out of n branches adds up to. */
function expectedSum(n: number): number {
  return (n * (n + 1)) / 2;
}

function check(what: string, sum: number, expected: number): void {
  if (sum !== expected) throw new Error(`pg-boss: ${what} added up to ${sum}, expected ${expected}`);
}

async function start(context: SystemContext): Promise<SystemInstance> {
  const boss = new PgBoss({ connectionString: context.pgUrl });
  boss.on('error', (error: Error) => context.log(`pg-boss error: ${error.message}`));
  await boss.start();
  const db = boss.getDb();
  await db.executeSql('CREATE TABLE IF NOT EXISTS peer_join (id text PRIMARY KEY, done int NOT NULL, total bigint NOT NULL)', []);
  for (const queue of QUEUES) await boss.createQueue(queue);

  const workers = new Map<QueueName, string[]>(QUEUES.map((queue) => [queue, []]));
  // Wakes as many of a queue's workers as there are new jobs, in turn, so that one job sent costs one fetch
  // (a busy worker that is woken fetches again as soon as it is done).
  let turn = 0;
  const wake = (queue: QueueName, jobs: number): void => {
    const ids = workers.get(queue) ?? [];
    for (let i = 0; i < Math.min(jobs, ids.length); i++) boss.notifyWorker(ids[turn++ % ids.length] ?? '');
  };
  const send = async (queue: QueueName, data: object): Promise<void> => {
    await boss.send(queue, data);
    wake(queue, 1);
  };

  const waiters = new Waiters();
  const handlers: Record<QueueName, (data: unknown) => Promise<void>> = {
    async step(raw) {
      const data = raw as StepData;
      const sum = data.sum + data.step + 1;
      if (data.step + 1 < data.steps) await send('step', { ...data, step: data.step + 1, sum } satisfies StepData);
      else waiters.settle(data.chain, sum);
    },
    async fanout(raw) {
      const { join, width } = raw as { join: string; width: number };
      await db.executeSql('INSERT INTO peer_join (id, done, total) VALUES ($1, 0, 0)', [join]);
      await boss.insert(Array.from({ length: width }, (_, branch) => ({ name: 'branch', data: { join, branch, width } satisfies BranchData })));
      wake('branch', width);
    },
    async branch(raw) {
      const data = raw as BranchData;
      const { rows } = await db.executeSql('UPDATE peer_join SET done = done + 1, total = total + $2 WHERE id = $1 RETURNING done', [
        data.join,
        data.branch + 1,
      ]);
      if ((rows[0] as { done: number } | undefined)?.done === data.width) await send('join', { join: data.join });
    },
    async join(raw) {
      const { join } = raw as { join: string };
      const { rows } = await db.executeSql('SELECT total FROM peer_join WHERE id = $1', [join]);
      waiters.settle(join, Number((rows[0] as { total: string } | undefined)?.total));
    },
  };
  for (const queue of QUEUES) {
    for (let i = 0; i < CONCURRENCY; i++) {
      // Its id is known once `work()` resolves, before the worker's first fetch can have returned.
      const worker: { id?: string } = {};
      worker.id = await boss.work(queue, async ([job]) => {
        if (job) await handlers[queue](job.data);
        // The queue may hold more: fetch again at once rather than after the polling interval.
        if (worker.id) boss.notifyWorker(worker.id);
      });
      workers.get(queue)?.push(worker.id);
    }
  }

  async function chain(steps: number): Promise<void> {
    const id = randomUUID();
    const done = waiters.wait(id);
    await send('step', { chain: id, step: 0, steps, sum: 0 } satisfies StepData);
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
      await send('fanout', { join, width });
      check(`a fan-out of ${width}`, await done, expectedSum(width));
    },
    w3: () => chain(1),
    ten: () => chain(10),
    async close() {
      await boss.stop({ graceful: true, wait: true });
    },
  };
}

export const systems: PeerSystem[] = [
  {
    id: 'pg-boss',
    label: `pg-boss 10.4.2, job chains (queue), 2 s polling + notifyWorker on send and while jobs are found, ${CONCURRENCY} workers per queue`,
    kind: 'queue',
    start,
  },
];
