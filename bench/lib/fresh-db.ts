/** A fresh SQLite database file in its own temp folder, and an engine running on it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, silentLogger, type AnyWorkflow, type Durability } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';

export interface FreshDb {
  readonly dir: string;
  readonly path: string;
  remove(): void;
}

export function freshDb(name = 'bench'): FreshDb {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  return { dir, path: join(dir, `${name}.db`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BenchEngineOptions {
  durability: Durability;
  concurrency: number;
  workflows: AnyWorkflow[];
}

/** Starts an engine on a fresh file (synchronous=FULL), runs `fn`, then stops it and deletes the file. */
export async function withEngine<T>(options: BenchEngineOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const db = freshDb();
  const store = new SqliteStore({ path: db.path, synchronous: 'FULL' });
  const engine = new Engine({
    store,
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
    await store.close();
    db.remove();
  }
}
