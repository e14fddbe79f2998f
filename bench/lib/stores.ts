/**
 * The store the benchmarks run on, chosen by `--store`: a fresh SQLite file per measurement, or a
 * fresh schema (`bench_<random>`) in a PostgreSQL database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { freshDb } from './fresh-db.js';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Where a fresh store lives, so another process can open the same one. */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };

/** One fresh database (SQLite file or PostgreSQL schema) and a store on it. */
export interface FreshStore {
  readonly store: Store;
  readonly location: StoreLocation;
  /** Runs a read-only query on a separate connection, outside the store (checks and progress polls). */
  query<R>(sql: string): Promise<R[]>;
  /** Closes the store and deletes the file or drops the schema. */
  remove(): Promise<void>;
}

export interface StoreFactory {
  readonly kind: StoreKind;
  /** One line describing the store's settings, for the report's header. */
  readonly description: string;
  /** Command-line options (`--store`, `--pg-url`) that make the same factory in a child process. */
  readonly childArgs: readonly string[];
  fresh(name?: string): Promise<FreshStore>;
}

export function sqliteStores(): StoreFactory {
  return {
    kind: 'sqlite',
    description: 'SQLite WAL, synchronous=FULL, fresh file per measurement',
    childArgs: ['--store', 'sqlite'],
    async fresh(name = 'bench') {
      const db = freshDb(name);
      const store = new SqliteStore({ path: db.path, synchronous: 'FULL' });
      let reader: Database.Database | undefined;
      return {
        store,
        location: { kind: 'sqlite', path: db.path },
        async query<R>(sql: string) {
          reader ??= new Database(db.path, { readonly: true });
          return reader.prepare(sql).all() as R[];
        },
        async remove() {
          reader?.close();
          await store.close();
          db.remove();
        },
      };
    },
  };
}

export function postgresStores(url: string): StoreFactory {
  return {
    kind: 'postgres',
    description: `PostgreSQL at ${maskPassword(url)}, fresh schema per measurement`,
    childArgs: ['--store', 'postgres', '--pg-url', url],
    async fresh() {
      const schema = `bench_${randomBytes(6).toString('hex')}`;
      const store = openPostgres(url, schema);
      let reader: pg.Client | undefined;
      return {
        store,
        location: { kind: 'postgres', url, schema },
        async query<R>(sql: string) {
          if (reader === undefined) {
            reader = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
            await reader.connect();
          }
          return (await reader.query(sql)).rows as R[];
        },
        async remove() {
          await reader?.end();
          try {
            await store.dropSchema();
          } finally {
            await store.close();
          }
        },
      };
    },
  };
}

/** A store on an existing schema (worker processes of the multi-process workload). */
export function openPostgres(url: string, schema: string): PostgresStore {
  return new PostgresStore({ connectionString: url, schema });
}

export function storeFactory(kind: StoreKind, postgresUrl: string): StoreFactory {
  return kind === 'sqlite' ? sqliteStores() : postgresStores(postgresUrl);
}

/** The PostgreSQL URL: --pg-url, else BATON_BENCH_POSTGRES, else the local test database. */
export function postgresUrl(flag: string | undefined): string {
  return flag ?? process.env['BATON_BENCH_POSTGRES'] ?? DEFAULT_POSTGRES_URL;
}

export function maskPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
