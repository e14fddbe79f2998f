/**
 * The store's own floor: what one single-row commit, and three single-row commits in sequence, take
 * on the selected store from one connection, with the engine's durability settings (SQLite WAL with
 * synchronous=FULL; PostgreSQL with the server's synchronous_commit). A sequential step cannot beat
 * one commit, and a one-step run (create, step with completion, read of the result) is compared
 * with three. The raw workloads (SQLite, PG) time the same inserts at length; this is the short
 * version measured beside W1seq and W3 in the same run, so their ratios hold on a loaded machine.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { freshDb } from './fresh-db.js';
import { median } from './stats.js';
import type { StoreFactory } from './stores.js';
import { now } from './timing.js';

/** A fresh table with one single-row INSERT per transaction (autocommit). */
export interface CommitTable {
  insert(value: string): void | Promise<void>;
  close(): Promise<void>;
}

/** On SQLite, each insert has committed when it returns. */
export interface SyncCommitTable extends CommitTable {
  insert(value: string): void;
}

/** A fresh SQLite file in WAL mode with synchronous=FULL, the engine's defaults. */
export function openSqliteCommitTable(): SyncCommitTable {
  const db = freshDb('floor');
  const sqlite = new Database(db.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL)');
  const statement = sqlite.prepare('INSERT INTO t (value) VALUES (?)');
  return {
    insert(value: string) {
      statement.run(value);
    },
    async close() {
      sqlite.close();
      db.remove();
    },
  };
}

/** A fresh table in a fresh PostgreSQL schema, written through `clients` plain connections. */
export async function openPostgresCommitTables(stores: StoreFactory, clients: number): Promise<CommitTable[]> {
  // The fresh store only provides (and drops) the schema; the inserts go through plain connections.
  const fresh = await stores.fresh('raw');
  if (fresh.location.kind !== 'postgres') throw new Error('needs --store postgres');
  const { url, schema } = fresh.location;
  const connections = Array.from({ length: clients }, () => new pg.Client({ connectionString: url }));
  const close = async (): Promise<void> => {
    await Promise.all(connections.map((c) => c.end().catch(() => {})));
    await fresh.remove();
  };
  try {
    await Promise.all(connections.map((c) => c.connect()));
    await connections[0]!.query(`CREATE SCHEMA ${schema}`);
    await connections[0]!.query(`CREATE TABLE ${schema}.t (id BIGSERIAL PRIMARY KEY, value TEXT NOT NULL)`);
  } catch (error) {
    await close();
    throw error;
  }
  const text = `INSERT INTO ${schema}.t (value) VALUES ($1)`;
  let open = connections.length;
  return connections.map((client) => ({
    async insert(value: string) {
      await client.query(text, [value]);
    },
    // The schema is dropped once every table handed out is closed.
    async close() {
      if (--open === 0) await close();
    },
  }));
}

export interface CommitFloor {
  /** Median of one single-row commit, 1 connection (ms). */
  singleCommitMs: number;
  /** Median of three single-row commits one after another, 1 connection (ms). */
  threeCommitsMs: number;
}

const WARM_UP = 30;
const SINGLES = 150;
const TRIPLES = 60;

/** Measures the floor on the store `stores` makes (about 300 commits; well under a second on a quiet machine). */
export async function measureCommitFloor(stores: StoreFactory): Promise<CommitFloor> {
  const table = stores.kind === 'sqlite' ? openSqliteCommitTable() : (await openPostgresCommitTables(stores, 1))[0]!;
  try {
    for (let i = 0; i < WARM_UP; i++) await table.insert('warm-up');
    const singles: number[] = [];
    const triples: number[] = [];
    // Singles and triples alternate, so a slow spell of the machine falls on both.
    for (let i = 0; i < Math.max(SINGLES, TRIPLES); i++) {
      if (i < SINGLES) {
        const before = now();
        await table.insert('single');
        singles.push(now() - before);
      }
      if (i < TRIPLES) {
        const before = now();
        await table.insert('first of three');
        await table.insert('second of three');
        await table.insert('third of three');
        triples.push(now() - before);
      }
    }
    return { singleCommitMs: median(singles), threeCommitsMs: median(triples) };
  } finally {
    await table.close();
  }
}
