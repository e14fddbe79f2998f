/** Opens the database a command works on: a SQLite file, or PostgreSQL when --db is a postgres:// URL. */
import { existsSync } from 'node:fs';
import { BatonError, ErrorCode, type Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { isPostgresUrl } from './command.js';
import { CliError, CliErrorCode } from './errors.js';

export interface OpenStoreOptions {
  /**
   * Commands that only read or change existing runs refuse a missing file: creating an empty
   * database would hide a mistyped path behind "no runs".
   */
  mustExist: boolean;
  /**
   * Commands that only read (the replay check, its export) write nothing: no background upkeep (search
   * indexing on SQLite, folding the overview's counts on PostgreSQL), and no upgrade of a database an
   * earlier version wrote (BATON_DATABASE_OUTDATED instead).
   */
  readsOnly?: boolean;
}

export async function openStore(path: string, options: OpenStoreOptions): Promise<Store> {
  if (isPostgresUrl(path)) return openPostgres(path, options.readsOnly === true);
  if (options.mustExist && !existsSync(path)) {
    throw new CliError(CliErrorCode.DatabaseNotFound, `No Baton database at ${path}. Pass --db FILE or set BATON_DB (baton dev and baton worker create it).`);
  }
  return initialized(new SqliteStore({ path, ...(options.readsOnly === true ? { searchIndexEveryMs: 0, upgrade: false } : {}) }));
}

/**
 * PostgreSQL: the URL's `schema` query parameter (or $BATON_SCHEMA, else 'baton') names the
 * deployment's schema, so several deployments can share one database.
 */
async function openPostgres(url: string, readsOnly: boolean): Promise<Store> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BatonError(ErrorCode.InvalidArgument, 'The --db URL is not a valid postgres:// URL (postgres://user@host:5432/database?schema=name).', {
      retryable: false,
    });
  }
  const schema = parsed.searchParams.get('schema') ?? process.env.BATON_SCHEMA;
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  return initialized(
    new PostgresStore({
      connectionString,
      ...(schema === undefined || schema === '' ? {} : { schema }),
      ...(readsOnly ? { foldStatsEveryMs: 0, upgrade: false } : {}),
    }),
  );
}

/** Migrates the store; one that fails to open is closed, not leaked. */
async function initialized(store: Store): Promise<Store> {
  try {
    await store.init();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Runs `fn` with an open store and always closes it, so the process can exit on its own. */
export async function withStore<T>(path: string, options: OpenStoreOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(path, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A fresh private store for one simulation (POST /api/simulations): SQLite in memory, gone when closed. */
export function simulationStore(): Store {
  return new SqliteStore({ path: ':memory:' });
}
