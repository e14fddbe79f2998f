/** Opens the SQLite database a command works on. */
import { existsSync } from 'node:fs';
import { SqliteStore } from '@baton/sqlite';
import { CliError, CliErrorCode } from './errors.js';

export interface OpenStoreOptions {
  /**
   * Commands that only read or change existing runs refuse a missing file: creating an empty
   * database would hide a mistyped path behind "no runs".
   */
  mustExist: boolean;
}

export async function openStore(path: string, options: OpenStoreOptions): Promise<SqliteStore> {
  if (options.mustExist && !existsSync(path)) {
    throw new CliError(CliErrorCode.DatabaseNotFound, `No Baton database at ${path}. Pass --db FILE or set BATON_DB (baton dev and baton worker create it).`);
  }
  const store = new SqliteStore({ path });
  try {
    await store.init();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Runs `fn` with an open store and always closes it, so the process can exit on its own. */
export async function withStore<T>(path: string, options: OpenStoreOptions, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = await openStore(path, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
