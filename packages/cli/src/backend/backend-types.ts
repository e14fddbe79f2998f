/**
 * The contract both backends fulfil (the database itself, or a Baton server over HTTP), in core's
 * shapes, so each command has one output path whichever it talks to.
 */
import type { ApiKeyRecord, JournalEntryInfo, MigrateOptions, MigrationResult, Role, RunInfo, RunStatus } from '@baton/core';

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
  /** Moves runs to another version of their workflow (a server checks them with its own code). */
  migrate(options: MigrateOptions): Promise<MigrationResult>;
  resume(id: string): Promise<RunInfo>;
  /** The run's output once it ends (no timeout: wait as long as it takes); throws its error. */
  result(id: string, timeoutMs: number | undefined): Promise<unknown>;
  createKey(options: { name: string; role: Role; namespace?: string; namespaces?: string[] }): Promise<{ token: string; key: KeyInfo }>;
  listKeys(): Promise<KeyInfo[]>;
  /** Throws BATON_KEY_NOT_FOUND when no active key has this id. */
  revokeKey(id: string): Promise<KeyInfo>;
  /** Deploys a definition's text; throws BATON_INVALID_DEFINITION (details.issues) or BATON_DEFINITION_EXISTS. */
  deploy(source: string, file: string): Promise<{ name: string; version: string; created: boolean }>;
}
