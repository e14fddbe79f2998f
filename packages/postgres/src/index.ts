/** @baton/postgres: the Store on PostgreSQL, for many workers on many hosts. */
export { PostgresStore, canConnect } from './postgres-store.js';
export type { PostgresStoreOptions } from './postgres-store.js';
export { migrate, loadMigrations } from './migrate.js';
export type { Migration } from '@baton/core/store-kit';
