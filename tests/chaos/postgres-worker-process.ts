/**
 * A worker process for the chaos test: one engine on the PostgresStore named by BATON_PG_URL and
 * BATON_PG_SCHEMA, running the chaos workflow. Prints `ready` once started; on SIGTERM stops
 * gracefully and exits 0. Exits when its parent goes away (stdin closes), so a crashed test run
 * leaves no worker behind.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Engine } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { chaosTenSteps } from './chaos-workflows.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const connectionString = process.env.BATON_PG_URL;
const schema = process.env.BATON_PG_SCHEMA;
if (connectionString === undefined || connectionString.length === 0 || schema === undefined || schema.length === 0) {
  process.stderr.write('postgres-worker-process: BATON_PG_URL and BATON_PG_SCHEMA must name the database and schema\n');
  process.exit(2);
}

const store = new PostgresStore({ connectionString, schema, maxConnections: envNumber('BATON_PG_CONNECTIONS', 8) });
const engine = new Engine({
  store,
  workflows: [chaosTenSteps],
  id: `chaos-worker-${process.pid}`,
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

// A worker started while the database restarts waits for it, as a deployed worker would.
for (let attempt = 1; ; attempt++) {
  try {
    await engine.start();
    break;
  } catch (error) {
    if (attempt >= 100) throw error;
    process.stderr.write(`postgres-worker-process: start failed (attempt ${attempt}), retrying: ${String(error)}\n`);
    await delay(100);
  }
}
process.stdout.write('ready\n');
