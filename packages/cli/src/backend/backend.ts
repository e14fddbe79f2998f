/**
 * What the run, inspect and key commands work on: the database itself (`--db`, the default), or a
 * Baton server over HTTP (`--url` and `--key`, or $BATON_URL and $BATON_KEY). Both backends answer in
 * core's shapes (RunInfo, journal entries with Dates and decoded values), so each command has one
 * output path whichever it talks to, and a server's refusal (401, 403, 404, 400) surfaces as the
 * same one-line error with the server's stable code.
 */
import type { AnyWorkflow, ApiKeyRecord, JournalEntryInfo, Role, RunInfo, RunStatus } from '@baton/core';
import { ApiClient } from '@baton/server';
import { databasePath, type Io } from '../command.js';
import { UsageError } from '../errors.js';
import { withStore, type OpenStoreOptions } from '../store.js';
import { ApiBackend } from './api-backend.js';
import { StoreBackend } from './store-backend.js';

/** An API key as the CLI shows it: never its secret nor its hash; times in epoch milliseconds. */
export type KeyInfo = Omit<ApiKeyRecord, 'hash'>;

export interface RunListFilter {
  workflow?: string;
  status?: RunStatus[];
  tag?: string;
  search?: string;
  limit?: number;
}

export interface Backend {
  start(workflow: string, input: unknown, options: { id?: string; tags?: string[] }): Promise<{ id: string; created: boolean }>;
  get(id: string): Promise<RunInfo | undefined>;
  /** The run and its journal, or undefined when there is no such run. */
  show(id: string): Promise<{ run: RunInfo; journal: JournalEntryInfo[] } | undefined>;
  /** Newest first; `more` when runs past the limit match too. */
  list(filter: RunListFilter): Promise<{ runs: RunInfo[]; more: boolean }>;
  signal(id: string, name: string, data: unknown): Promise<void>;
  cancel(id: string, reason: string | undefined): Promise<RunInfo>;
  retry(id: string): Promise<RunInfo>;
  resume(id: string): Promise<RunInfo>;
  /** The run's output once it ends (no timeout: wait as long as it takes); throws its error. */
  result(id: string, timeoutMs: number | undefined): Promise<unknown>;
  createKey(options: { name: string; role: Role; namespace?: string }): Promise<{ token: string; key: KeyInfo }>;
  listKeys(): Promise<KeyInfo[]>;
  /** Throws BATON_KEY_NOT_FOUND when no active key has this id. */
  revokeKey(id: string): Promise<KeyInfo>;
  /** Deploys a definition's text; throws BATON_INVALID_DEFINITION (details.issues) or BATON_DEFINITION_EXISTS. */
  deploy(source: string, file: string): Promise<{ name: string; version: string; created: boolean }>;
}

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
