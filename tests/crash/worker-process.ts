/**
 * A worker process for the crash tests: one engine on the SQLite file BATON_DB running the crash
 * workflows. Prints `ready` once started; on SIGTERM stops gracefully (releasing what it cannot
 * finish in BATON_STOP_TIMEOUT_MS), prints `stopped` and exits 0. Exits when its parent goes away
 * (stdin closes), so a crashed test run leaves no worker behind.
 */
import { Engine } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { crashWorkflows } from './crash-workflows.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const path = process.env.BATON_DB;
if (path === undefined || path.length === 0) {
  process.stderr.write('worker-process: BATON_DB must name the database file\n');
  process.exit(2);
}

const store = new SqliteStore({ path });
const engine = new Engine({
  store,
  workflows: crashWorkflows,
  id: `crash-worker-${process.pid}`,
  concurrency: envNumber('BATON_CONCURRENCY', 16),
  leaseMs: envNumber('BATON_LEASE_MS', 1000),
  pollIntervalMs: envNumber('BATON_POLL_MS', 50),
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await engine.stop({ timeoutMs: envNumber('BATON_STOP_TIMEOUT_MS', 500) });
    await store.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  })();
});

process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

await engine.start();
process.stdout.write('ready\n');
