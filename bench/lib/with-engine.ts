/** An engine running on a fresh store (SQLite file or PostgreSQL schema), removed afterwards. */
import { Engine, silentLogger, type AnyWorkflow, type Durability } from '@baton/core';
import type { StoreFactory } from './stores.js';

export interface BenchEngineOptions {
  durability: Durability;
  concurrency: number;
  workflows: AnyWorkflow[];
}

/** Starts an engine on a fresh store (file or schema), runs `fn`, then stops it and deletes the store. */
export async function withEngine<T>(stores: StoreFactory, options: BenchEngineOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const fresh = await stores.fresh();
  const engine = new Engine({
    store: fresh.store,
    workflows: options.workflows,
    concurrency: options.concurrency,
    durability: options.durability,
    logger: silentLogger,
  });
  try {
    await engine.start();
    return await fn(engine);
  } finally {
    await engine.stop({ timeoutMs: 1000 });
    await fresh.remove();
  }
}
