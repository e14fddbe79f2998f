/** @baton/postgres: the Store on PostgreSQL, for many workers on many hosts. */
export { PostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './postgres-store.js';
export { canConnect } from './connection/can-connect.js';
export { migrate, loadMigrations } from './connection/migrate.js';
export type { Migration } from '@baton/core/store-kit';
export { PostgresBlobStore } from './blobs/postgres-blob-store.js';
export type { PostgresBlobStoreOptions } from './blobs/postgres-blob-store.js';
