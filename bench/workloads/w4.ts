/**
 * W4: 100,000 runs that sleep for an hour as their first operation; the process RSS before starting
 * them and once all of them are waiting (suspended, out of engine memory), on either store.
 *
 * Measured in a child process started with --expose-gc, so the RSS is that of the engine alone and
 * garbage can be collected before each reading: `measure` spawns this file, which, run as the entry
 * point, does one measurement and prints it as JSON on its last line.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine, silentLogger, type Durability } from '@baton/core';
import { STORE_KINDS, postgresUrl, storeFactory, type FreshStore, type StoreFactory, type StoreKind } from '../lib/stores.js';
import { MB, collectGarbage, cpuMs, now, waitFor } from '../lib/timing.js';
import { BOTH_MODES, type Sample, type Workload } from '../lib/workload.js';
import { sleeper } from '../lib/workflows.js';

const RUNS = 100_000;
const BATCH = 1000;
const CHILD_TIMEOUT_MS = 240_000;

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = resolve(thisFile, '../../..');

export const w4: Workload = {
  id: 'W4',
  title: `${RUNS.toLocaleString('en-US')} runs sleeping for an hour (started ${BATCH.toLocaleString('en-US')} at a time)`,
  modes: BOTH_MODES,
  // Each measurement is a fresh child process: nothing to warm up, and 100,000 runs warm up the JIT anyway.
  warmUp: false,
  metrics: [
    { key: 'runs', label: 'runs', unit: '', digits: 0 },
    { key: 'rssBeforeMb', label: 'RSS before', unit: 'MB', digits: 1 },
    { key: 'rssAfterMb', label: 'RSS all waiting', unit: 'MB', digits: 1 },
    { key: 'rssGrowthMb', label: 'RSS growth', unit: 'MB', digits: 1, target: { op: '<=', value: 50 } },
    { key: 'heapGrowthMb', label: 'JS heap growth', unit: 'MB', digits: 1 },
    { key: 'peakRssMb', label: 'peak RSS', unit: 'MB', digits: 1 },
    { key: 'allWaitingMs', label: 'time until all waiting', unit: 'ms', digits: 0 },
    { key: 'runsPerSec', label: 'runs started+suspended/s', unit: '/s', digits: 0 },
    { key: 'cpuUsPerRun', label: 'CPU per run', unit: 'µs', digits: 1 },
    { key: 'commitsPer1000', label: 'commits per 1,000 runs', unit: '', digits: 1 },
  ],
  measure(durability: Durability | undefined, stores: StoreFactory) {
    return spawnMeasurement(durability ?? 'strict', stores);
  },
};

function spawnMeasurement(durability: Durability, stores: StoreFactory): Promise<Sample> {
  const args = [thisFile, '--durability', durability, '--count', String(RUNS), ...stores.childArgs];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`W4 child exited with ${signal ?? code}: ${stderr.trim() || last}`));
        return;
      }
      try {
        resolvePromise(JSON.parse(last) as Sample);
      } catch {
        reject(new Error(`W4 child printed no JSON result: ${last}`));
      }
    });
  });
}

/** One measurement, in this (child) process. */
async function measureHere(durability: Durability, stores: StoreFactory, runs: number): Promise<Sample> {
  const fresh = await stores.fresh('w4');
  const store = fresh.store;
  // Room for a few batches at once, so every start is an eager start (created with its first write).
  const engine = new Engine({ store, workflows: [sleeper], concurrency: BATCH * 4, durability, logger: silentLogger });
  try {
    await engine.start();
    await collectGarbage();
    const before = process.memoryUsage();
    const commits = engine.commits;
    const cpu = cpuMs();
    const start = now();
    for (let i = 0; i < runs; i += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, runs - i) }, () => engine.client.start(sleeper, null)));
    }
    await waitFor(() => engine.activeRuns === 0, CHILD_TIMEOUT_MS, 'every run to suspend');
    const allWaitingMs = now() - start;
    const cpuUsed = cpuMs() - cpu;
    const commitCount = engine.commits - commits;
    await collectGarbage();
    const after = process.memoryUsage();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    await assertAllWaiting(fresh, runs);
    return {
      runs,
      rssBeforeMb: before.rss / MB,
      rssAfterMb: after.rss / MB,
      rssGrowthMb: (after.rss - before.rss) / MB,
      heapGrowthMb: (after.heapUsed - before.heapUsed) / MB,
      peakRssMb,
      allWaitingMs,
      runsPerSec: runs / (allWaitingMs / 1000),
      cpuUsPerRun: (cpuUsed * 1000) / runs,
      commitsPer1000: (commitCount / runs) * 1000,
    };
  } finally {
    await engine.stop({ timeoutMs: 1000 });
    await fresh.remove();
  }
}

/** Reads the database on a separate connection (after the memory readings): every run must be waiting on its timer. */
async function assertAllWaiting(fresh: FreshStore, runs: number): Promise<void> {
  const rows = await fresh.query<{ status: string; n: number | string; timed: number | string }>(
    'SELECT status, COUNT(*) AS n, COUNT(wake_at) AS timed FROM runs GROUP BY status',
  );
  const waiting = rows.find((r) => r.status === 'waiting');
  if (rows.length !== 1 || Number(waiting?.n) !== runs || Number(waiting?.timed) !== runs) {
    throw new Error(`W4: expected ${runs} runs waiting on a timer, found ${JSON.stringify(rows)}`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === thisFile) {
  // --count is for profiling with fewer runs; the benchmark passes RUNS.
  const { values } = parseArgs({
    options: {
      durability: { type: 'string', default: 'strict' },
      count: { type: 'string', default: String(RUNS) },
      store: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string' },
    },
  });
  const kind = values.store as StoreKind;
  if (!STORE_KINDS.includes(kind)) throw new Error(`--store must be sqlite or postgres, not '${values.store}'`);
  void measureHere(values.durability as Durability, storeFactory(kind, postgresUrl(values['pg-url'])), Number(values.count)).then(
    (sample) => console.log(JSON.stringify(sample)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
