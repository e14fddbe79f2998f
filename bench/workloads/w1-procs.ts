/**
 * W1procs: W1 (200 workflows x 10 sequential steps) on one PostgreSQL schema, executed by 1, 2 and 4
 * worker PROCESSES. Each worker is a child process running an Engine that only claims (it starts
 * nothing); the parent creates the 200 runs with a plain Client (no engine) once every worker is
 * ready, and polls the schema until all 200 are completed. Steps/s is 2,000 over the time from the
 * first start() call to the last completion seen.
 *
 * Workers learn of new runs from the store's notices, with a poll every POLL_MS as a backstop; each worker's concurrency is its share of the 200 runs, so the fleet can hold all of
 * them at once whatever its size (a single worker with concurrency 256 would take every run).
 *
 * Run as the entry point with --worker, this file is one worker: it reports `ready` over IPC,
 * works until the parent says `stop`, then reports its commits and CPU.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Engine, silentLogger, type Durability } from '@baton/core';
import { openPostgres, type StoreFactory } from '../lib/stores.js';
import { cpuMs, now, waitFor } from '../lib/timing.js';
import { BOTH_MODES, type Sample, type Workload } from '../lib/workload.js';
import { chain } from '../lib/workflows.js';

const WORKFLOWS = 200;
const STEPS = 10;
const PROCESSES = [1, 2, 4] as const;
const POLL_MS = 10;
const TIMEOUT_MS = 60_000;

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = resolve(thisFile, '../../..');

type WorkerMessage = { type: 'ready' } | { type: 'stopped'; commits: number; cpuMs: number; claimedRuns: number };

export const w1procs: Workload = {
  id: 'W1procs',
  title: `W1 (${WORKFLOWS} x ${STEPS} steps) run by ${PROCESSES.join(', ')} worker processes on one schema (poll ${POLL_MS} ms)`,
  stores: ['postgres'],
  modes: BOTH_MODES,
  // Every measurement starts new worker processes and runs one unreported round of 50 runs first.
  warmUp: false,
  // About 20 s per measurement (7 worker processes started): two per mode keep the whole run near 5 minutes.
  maxRuns: 2,
  metrics: PROCESSES.flatMap((n) => [
    { key: `stepsPerSec${n}`, label: `steps/s, ${n} process${n === 1 ? '' : 'es'}`, unit: '/s', digits: 0, target: { op: '>=', value: 5_000 } } as const,
    { key: `commitsPerWorkflow${n}`, label: `commits/workflow, ${n} process${n === 1 ? '' : 'es'}`, unit: '', digits: 2 } as const,
    { key: `busiestShare${n}`, label: `share of runs on the busiest process, ${n} process${n === 1 ? '' : 'es'}`, unit: '%', digits: 0 } as const,
    { key: `cpuUsPerStep${n}`, label: `worker CPU per step, ${n} process${n === 1 ? '' : 'es'}`, unit: 'µs', digits: 1 } as const,
  ]),
  async measure(durability: Durability | undefined, stores: StoreFactory) {
    const sample: Sample = {};
    for (const n of PROCESSES) Object.assign(sample, await measureFleet(durability ?? 'strict', stores, n));
    return sample;
  },
};

async function measureFleet(durability: Durability, stores: StoreFactory, processes: number): Promise<Sample> {
  const fresh = await stores.fresh('procs');
  if (fresh.location.kind !== 'postgres') throw new Error('W1procs: needs --store postgres');
  const { url, schema } = fresh.location;
  await fresh.store.init();
  const client = new Client({ store: fresh.store, workflows: [chain] });
  const workers: ChildProcess[] = [];
  try {
    const concurrency = Math.ceil(WORKFLOWS / processes);
    const ready: Promise<unknown>[] = [];
    for (let i = 0; i < processes; i++) {
      const child = fork(thisFile, ['--worker', '--pg-url', url, '--schema', schema, '--durability', durability, '--concurrency', String(concurrency)], {
        cwd: repoRoot,
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      workers.push(child);
      ready.push(nextMessage(child, 'ready'));
    }
    await Promise.all(ready);
    // Warm-up round (not timed): the workers' JIT and connections, and the parent's.
    await runRound(client, fresh.query.bind(fresh), WORKFLOWS / 4);
    const { wallMs } = await runRound(client, fresh.query.bind(fresh), WORKFLOWS);
    const stopped = await Promise.all(
      workers.map((w) => {
        const message = nextMessage(w, 'stopped');
        w.send('stop');
        return message;
      }),
    );
    const commits = stopped.reduce((sum, m) => sum + (m.type === 'stopped' ? m.commits : 0), 0);
    const cpu = stopped.reduce((sum, m) => sum + (m.type === 'stopped' ? m.cpuMs : 0), 0);
    const total = WORKFLOWS + WORKFLOWS / 4;
    const busiest = Math.max(...stopped.map((m) => (m.type === 'stopped' ? m.claimedRuns : 0)));
    return {
      [`stepsPerSec${processes}`]: (WORKFLOWS * STEPS) / (wallMs / 1000),
      // Commits and CPU are counted over both rounds (workers do not know where one ends).
      [`commitsPerWorkflow${processes}`]: commits / total,
      [`busiestShare${processes}`]: (busiest / total) * 100,
      [`cpuUsPerStep${processes}`]: (cpu * 1000) / (total * STEPS),
    };
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await fresh.remove();
  }
}

/** Starts `count` runs with the plain client and polls the schema until every run in it has completed. */
async function runRound(client: Client, query: (sql: string) => Promise<{ n: string }[]>, count: number): Promise<{ wallMs: number }> {
  const before = Number((await query("SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'"))[0]!.n);
  const start = now();
  await Promise.all(Array.from({ length: count }, () => client.start(chain, { steps: STEPS })));
  await waitFor(
    async () => Number((await query("SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'"))[0]!.n) >= before + count,
    TIMEOUT_MS,
    `${count} runs to complete`,
    2,
  );
  return { wallMs: now() - start };
}

function nextMessage(child: ChildProcess, type: WorkerMessage['type']): Promise<WorkerMessage> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`W1procs: no '${type}' from worker ${child.pid} after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const onMessage = (message: WorkerMessage): void => {
      if (message.type !== type) return;
      cleanup();
      resolvePromise(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`W1procs: worker ${child.pid} exited with ${code} before '${type}'`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** One worker process: an engine that claims runs from the schema until told to stop. */
async function worker(url: string, schema: string, durability: Durability, concurrency: number): Promise<void> {
  const store = openPostgres(url, schema);
  const engine = new Engine({ store, workflows: [chain], concurrency, durability, pollIntervalMs: POLL_MS, logger: silentLogger });
  let claimedRuns = 0;
  engine.subscribe((event) => {
    if (event.type === 'run.started') claimedRuns++;
  });
  await engine.start();
  const cpu = cpuMs();
  process.send!({ type: 'ready' } satisfies WorkerMessage);
  process.on('message', (message) => {
    if (message !== 'stop') return;
    void (async () => {
      await engine.stop({ timeoutMs: 1000 });
      await store.close();
      process.send!({ type: 'stopped', commits: engine.commits, cpuMs: cpuMs() - cpu, claimedRuns } satisfies WorkerMessage, () => process.exit(0));
    })();
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === thisFile) {
  const { values } = parseArgs({
    options: {
      worker: { type: 'boolean', default: false },
      'pg-url': { type: 'string' },
      schema: { type: 'string' },
      durability: { type: 'string', default: 'strict' },
      concurrency: { type: 'string', default: '256' },
    },
  });
  if (!values.worker || values['pg-url'] === undefined || values.schema === undefined) {
    console.error('Usage: w1-procs.ts --worker --pg-url URL --schema NAME [--durability strict|batched] [--concurrency N]');
    process.exit(2);
  }
  worker(values['pg-url'], values.schema, values.durability as Durability, Number(values.concurrency)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
