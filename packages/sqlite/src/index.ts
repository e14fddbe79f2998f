/** @baton/sqlite: the embedded Store on a SQLite file. */
export { SqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions, SynchronousMode } from './sqlite-store.js';
export { migrate, loadMigrations } from './migrate.js';
export type { Migration } from '@baton/core/store-kit';
