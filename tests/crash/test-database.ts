/**
 * The test side of a crash test's database: a fresh temp folder with the SQLite file and the
 * side-effect log, a Client on the file, and a raw connection for the checks the API does not expose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';

export interface DuplicatePosition {
  run_id: string;
  seq: number;
  count: number;
}

export class TestDatabase {
  readonly dir: string;
  readonly path: string;
  readonly effectsPath: string;
  readonly store: SqliteStore;
  readonly client: Client;
  readonly raw: Database.Database;

  private constructor(dir: string, store: SqliteStore) {
    this.dir = dir;
    this.path = store.path;
    this.effectsPath = join(dir, 'side-effects.log');
    this.store = store;
    this.client = new Client({ store });
    this.raw = new Database(this.path, { timeout: 5000 });
  }

  static async create(prefix: string): Promise<TestDatabase> {
    const dir = mkdtempSync(join(tmpdir(), `baton-${prefix}-`));
    const store = new SqliteStore({ path: join(dir, 'baton.db') });
    await store.init();
    return new TestDatabase(dir, store);
  }

  /** The environment a worker process needs to work on this database. */
  workerEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { BATON_DB: this.path, BATON_EFFECTS_LOG: this.effectsPath, ...extra };
  }

  /** Journal positions stored more than once (the primary key should make this impossible). */
  duplicatePositions(): DuplicatePosition[] {
    return this.raw.prepare('SELECT run_id, seq, COUNT(*) AS count FROM journal GROUP BY run_id, seq HAVING COUNT(*) > 1').all() as DuplicatePosition[];
  }

  countWhere(sql: string, ...params: unknown[]): number {
    return (this.raw.prepare(`SELECT COUNT(*) AS count FROM ${sql}`).get(...params) as { count: number }).count;
  }

  /** Runs the worker with this engine id holds a live lease on. */
  runsLeasedBy(owner: string): string[] {
    return (this.raw.prepare("SELECT id FROM runs WHERE status = 'running' AND lease_owner = ? ORDER BY id").all(owner) as { id: string }[]).map((r) => r.id);
  }

  /** True while another connection holds the write lock (a transaction in progress). */
  writeLocked(): boolean {
    const timeout = this.raw.pragma('busy_timeout', { simple: true }) as number;
    this.raw.pragma('busy_timeout = 0');
    try {
      this.raw.exec('BEGIN IMMEDIATE');
      this.raw.exec('ROLLBACK');
      return false;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return true;
      throw error;
    } finally {
      this.raw.pragma(`busy_timeout = ${timeout}`);
    }
  }

  async close(options: { keepFiles?: boolean } = {}): Promise<void> {
    this.raw.close();
    await this.store.close();
    if (options.keepFiles !== true) rmSync(this.dir, { recursive: true, force: true });
  }
}
