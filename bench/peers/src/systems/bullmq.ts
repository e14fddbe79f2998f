/**
 * BullMQ as a reference row, on Redis (127.0.0.1:6379), not on PostgreSQL: its figures and its
 * durability are those of the Redis server as configured (the adapter logs `appendonly` and
 * `appendfsync` at start), and the PostgreSQL counters of the harness do not see it.
 *
 * A job queue, not a workflow engine, so a "workflow" is built from jobs: N sequential steps are a chain
 * of N jobs, each adding its successor; the last job resolves the waiting caller in this process. The
 * fan-out is a flow (FlowProducer): a join job whose `width` children are the branches; BullMQ moves the
 * join to the queue once every child has completed, and the join sums its children's return values.
 *
 * Settings: the library's defaults (jobs kept after completion, blocking fetch with no polling), workers
 * in this process with `concurrency` 10 (default 1), as in the other queue rows. Every instance uses a
 * key prefix of its own, and `close()` obliterates its queues before closing the connections.
 */

import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { PeerSystem, SystemContext, SystemInstance } from '../system.js';

/** Jobs run at once per worker in this process (BullMQ's default is 1). */
const CONCURRENCY = 10;

const REDIS = { host: '127.0.0.1', port: 6379 } as const;

interface StepData {
  chain: string;
  step: number;
  steps: number;
  sum: number;
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
  if (sum !== expected) throw new Error(`BullMQ: ${what} added up to ${sum}, expected ${expected}`);
}

async function logPersistence(context: SystemContext): Promise<void> {
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  await redis.connect();
  const appendonly = (await redis.config('GET', 'appendonly')) as string[];
  const appendfsync = (await redis.config('GET', 'appendfsync')) as string[];
  context.log(`bullmq: Redis appendonly=${appendonly[1]} appendfsync=${appendfsync[1]}`);
  await redis.quit();
}

async function start(context: SystemContext): Promise<SystemInstance> {
  await logPersistence(context);
  const prefix = `peer-${randomUUID()}`;
  // Workers block on Redis and must not give up on a command (BullMQ's requirement for ioredis).
  const connection: ConnectionOptions = { ...REDIS, maxRetriesPerRequest: null };
  const waiters = new Waiters();

  const steps = new Queue<StepData>('step', { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  const workers = [
    new Worker<StepData>(
      'step',
      async (job: Job<StepData>) => {
        const data = job.data;
        const sum = data.sum + data.step + 1;
        if (data.step + 1 < data.steps) await steps.add('step', { ...data, step: data.step + 1, sum });
        else waiters.settle(data.chain, sum);
        return data.step + 1;
      },
      { connection, prefix, concurrency: CONCURRENCY },
    ),
    new Worker<{ branch: number }>('branch', async (job) => job.data.branch + 1, { connection, prefix, concurrency: CONCURRENCY }),
    new Worker<{ join: string }>(
      'join',
      async (job) => {
        const values = Object.values(await job.getChildrenValues<number>());
        const sum = values.reduce((total, value) => total + value, 0);
        waiters.settle(job.data.join, sum);
        return sum;
      },
      { connection, prefix, concurrency: CONCURRENCY },
    ),
  ];
  for (const worker of workers) {
    worker.on('failed', (job, error) => context.log(`bullmq: job ${job?.id ?? '?'} in ${worker.name} failed: ${error.message}`));
    worker.on('error', (error) => context.log(`bullmq: worker ${worker.name}: ${error.message}`));
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  async function chain(length: number): Promise<void> {
    const id = randomUUID();
    const done = waiters.wait(id);
    await steps.add('step', { chain: id, step: 0, steps: length, sum: 0 });
    check(`a chain of ${length} steps`, await done, expectedSum(length));
  }

  return {
    pids: [],
    async w1(workflows, length) {
      await Promise.all(Array.from({ length: workflows }, () => chain(length)));
    },
    async w1seq(workflows, length) {
      for (let i = 0; i < workflows; i++) await chain(length);
    },
    async w2(width) {
      const join = randomUUID();
      const done = waiters.wait(join);
      await flows.add({
        name: 'join',
        queueName: 'join',
        data: { join },
        children: Array.from({ length: width }, (_, branch) => ({ name: 'branch', queueName: 'branch', data: { branch } })),
      });
      check(`a fan-out of ${width}`, await done, expectedSum(width));
    },
    w3: () => chain(1),
    ten: () => chain(10),
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      for (const name of ['step', 'branch', 'join']) {
        const queue = name === 'step' ? steps : new Queue(name, { connection, prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await flows.close();
    },
  };
}

export const systems: PeerSystem[] = [
  {
    id: 'bullmq',
    label: `BullMQ 6.7.6 on Redis (not PostgreSQL; Redis persistence as the server is set), job chains (queue), concurrency ${CONCURRENCY}`,
    kind: 'queue',
    notes: { TEN: 'stores in Redis, not in PostgreSQL: no PostgreSQL commits or WAL to count' },
    start,
  },
];
