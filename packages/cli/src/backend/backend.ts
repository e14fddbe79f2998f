/**
 * What the run, inspect and key commands work on: the database itself (`--db`, the default), or a
 * Baton server over HTTP (`--url` and `--key`, or $BATON_URL and $BATON_KEY). Both backends answer in
 * core's shapes (RunInfo, journal entries with Dates and decoded values), so each command has one
 * output path whichever it talks to, and a server's refusal (401, 403, 404, 400) surfaces as the
 * same one-line error with the server's stable code.
 */
import type { AnyWorkflow } from '@baton/core';
import { ApiClient } from '@baton/server';
import { databasePath, type Io } from '../command.js';
import { UsageError } from '../errors.js';
import { withStore, type OpenStoreOptions } from '../store.js';
import { ApiBackend } from './api-backend.js';
import type { Backend } from './backend-types.js';
import { StoreBackend } from './store-backend.js';

/** The flags of every command that can work on a database or a server. */
export const connectionOptions = {
  db: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Their help lines, the same in every such command. */
export const CONNECTION_HELP = `  --db FILE|URL         database file or postgres:// URL (default: $BATON_DB, else .baton/baton.db)
  --url URL             work through a Baton server's HTTP API instead (default: $BATON_URL)
  --key KEY             the API key for --url (default: $BATON_KEY)`;

export interface ConnectionValues {
  db?: string | undefined;
  url?: string | undefined;
  key?: string | undefined;
}

export type Connection = { kind: 'store'; path: string } | { kind: 'api'; url: string; key: string | undefined };

/**
 * Flags before the environment: --db or --url as given, else $BATON_URL when set, else the database
 * ($BATON_DB or the default file). $BATON_KEY alone changes nothing: `baton dev` suggests exporting it
 * for curl, and commands on the database must not start talking HTTP because of it.
 */
export function connectionOf(values: ConnectionValues, io: Io, command: string): Connection {
  if (values.db !== undefined && values.url !== undefined) throw new UsageError('use either --db or --url, not both', command);
  if (values.key !== undefined && values.db !== undefined) throw new UsageError('--key goes with --url (a database needs no key)', command);
  const url = values.url ?? (values.db === undefined ? nonEmpty(io.env.BATON_URL) : undefined);
  if (url === undefined) {
    if (values.key !== undefined) throw new UsageError('--key needs --url (or $BATON_URL)', command);
    return { kind: 'store', path: databasePath(values.db, io) };
  }
  if (!/^https?:\/\//i.test(url)) throw new UsageError(`--url must be an http:// or https:// URL, not '${url}'`, command);
  return { kind: 'api', url, key: values.key ?? nonEmpty(io.env.BATON_KEY) };
}

export interface BackendOptions extends OpenStoreOptions {
  /** Workflows to check starts against (the database backend; a server checks with its own). */
  workflows?: readonly AnyWorkflow[];
}

/** Runs `fn` on the backend the flags and environment choose, and releases it afterwards. */
export async function withBackend<T>(
  values: ConnectionValues,
  io: Io,
  command: string,
  options: BackendOptions,
  fn: (backend: Backend) => Promise<T>,
): Promise<T> {
  const connection = connectionOf(values, io, command);
  if (connection.kind === 'api') {
    return fn(new ApiBackend(new ApiClient({ url: connection.url, ...(connection.key === undefined ? {} : { key: connection.key }) })));
  }
  return withStore(connection.path, options, async (store) => {
    const backend = new StoreBackend(store, options.workflows);
    try {
      return await fn(backend);
    } finally {
      backend.close();
    }
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
