/**
 * The body of a test worker process: one engine on the given store. Prints `engine <id>` and `ready` once started (it
 * waits for a database that is restarting, as a deployed worker would); on SIGTERM stops gracefully
 * (releasing what it cannot finish in BATON_STOP_TIMEOUT_MS), prints `stopped` and exits 0. Exits
 * when its parent goes away (stdin closes), so a crashed test run leaves no worker behind.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Engine, type AnyWorkflow, type Store } from '@baton/core';

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `setup` sees the engine before it starts (to subscribe to its events). */
export async function runWorker(name: string, store: Store, workflows: AnyWorkflow[], setup?: (engine: Engine) => void): Promise<void> {
  const engine = new Engine({
    store,
    workflows,
    // BATON_DEFAULT_ENGINE_ID=1: the engine's own id (host, process and suffix), as a deployed worker has.
    ...(process.env.BATON_DEFAULT_ENGINE_ID === '1' ? {} : { id: `${name}-${process.pid}` }),
    concurrency: envNumber('BATON_CONCURRENCY', 16),
    leaseMs: envNumber('BATON_LEASE_MS', 1000),
    pollIntervalMs: envNumber('BATON_POLL_MS', 50),
  });
  setup?.(engine);
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
  for (let attempt = 1; ; attempt++) {
    try {
      await engine.start();
      break;
    } catch (error) {
      if (attempt >= 100) throw error;
      process.stderr.write(`${name}: start failed (attempt ${attempt}), retrying: ${String(error)}\n`);
      await delay(100);
    }
  }
  process.stdout.write(`engine ${engine.id}\nready\n`);
}
