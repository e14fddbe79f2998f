/**
 * The HTTP backend: the same operations through ApiClient, with the API's wire shapes turned back
 * into core's (ISO times as Dates, typed JSON as the values it stands for), so a command prints a
 * run read from a server exactly as one read from the database.
 */
import type { JournalEntryInfo, MigrateOptions, MigrationResult, RunInfo } from '@baton/core';
import { fromTypedJson, type ApiClient, type ApiJournalEntry, type ApiKeyInfo, type ApiRun } from '@baton/server';
import type { Backend, KeyInfo, RunListFilter } from './backend-types.js';
import { keyInfo } from './store-backend.js';

const RUN_DATES = new Set(['wakeAt', 'createdAt', 'updatedAt', 'startedAt', 'endedAt']);
const RUN_VALUES = new Set(['input', 'output', 'progress']);
const ENTRY_DATES = new Set(['startedAt', 'endedAt']);
const ENTRY_VALUES = new Set(['input', 'output']);
/** What a server answers when no --limit is given (the store's default page). */
const DEFAULT_LIMIT = 50;

/** Field by field, in the wire's order (which is the server's RunInfo order). */
function decode<T>(wire: object, dates: ReadonlySet<string>, values: ReadonlySet<string>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    if (value === undefined) continue;
    out[key] = dates.has(key) ? new Date(value as string) : values.has(key) ? fromTypedJson(value) : value;
  }
  return out as T;
}

const runInfo = (run: ApiRun): RunInfo => decode(run, RUN_DATES, RUN_VALUES);
const entryInfo = (entry: ApiJournalEntry): JournalEntryInfo => decode(entry, ENTRY_DATES, ENTRY_VALUES);

function apiKeyInfo(key: ApiKeyInfo): KeyInfo {
  return keyInfo({
    id: key.id,
    name: key.name,
    role: key.role,
    namespace: key.namespace,
    ...(key.namespaces === undefined ? {} : { namespaces: key.namespaces }),
    createdAt: Date.parse(key.createdAt),
    ...(key.revokedAt === undefined ? {} : { revokedAt: Date.parse(key.revokedAt) }),
  });
}

export class ApiBackend implements Backend {
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async deploy(source: string): Promise<{ name: string; version: string; created: boolean }> {
    const { name, version, created } = await this.#api.deployDefinition(source);
    return { name, version, created };
  }

  async start(workflow: string, input: unknown, options: { id?: string; tags?: string[] }): Promise<{ id: string; created: boolean }> {
    const { run, created } = await this.#api.start(workflow, input, options);
    return { id: run.id, created };
  }

  async get(id: string): Promise<RunInfo | undefined> {
    const found = await this.#api.get(id);
    return found === undefined ? undefined : runInfo(found.run);
  }

  async show(id: string): Promise<{ run: RunInfo; journal: JournalEntryInfo[] } | undefined> {
    const found = await this.#api.get(id);
    return found === undefined ? undefined : { run: runInfo(found.run), journal: found.journal.map(entryInfo) };
  }

  async list(filter: RunListFilter): Promise<{ runs: RunInfo[]; more: boolean }> {
    const page = await this.#api.list({
      ...(filter.workflow === undefined ? {} : { workflow: filter.workflow }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(filter.tag === undefined ? {} : { tag: filter.tag }),
      ...(filter.search === undefined ? {} : { search: filter.search }),
      limit: filter.limit ?? DEFAULT_LIMIT,
    });
    return { runs: page.runs.map(runInfo), more: page.nextCursor !== undefined };
  }

  signal(id: string, name: string, data: unknown): Promise<void> {
    return this.#api.signal(id, name, data);
  }

  async cancel(id: string, reason: string | undefined): Promise<RunInfo> {
    return runInfo(await this.#api.cancel(id, reason));
  }

  async migrate(options: MigrateOptions): Promise<MigrationResult> {
    const { workflow, fromVersion, toVersion, runIds, filter, dryRun, waitMs } = options;
    const iso = (time: Date | number | undefined): string | undefined => (time === undefined ? undefined : new Date(time).toISOString());
    const createdAfter = iso(filter?.createdAfter);
    const createdBefore = iso(filter?.createdBefore);
    const result = await this.#api.migrate(workflow, {
      fromVersion,
      toVersion,
      ...(runIds === undefined ? {} : { runIds }),
      ...(filter === undefined
        ? {}
        : {
            filter: {
              ...(filter.status === undefined ? {} : { status: filter.status }),
              ...(filter.tag === undefined ? {} : { tag: filter.tag }),
              ...(createdAfter === undefined ? {} : { createdAfter }),
              ...(createdBefore === undefined ? {} : { createdBefore }),
              ...(filter.limit === undefined ? {} : { limit: filter.limit }),
            },
          }),
      ...(dryRun === undefined ? {} : { dryRun }),
      ...(waitMs === undefined ? {} : { waitSeconds: Math.ceil(waitMs / 1000) }),
    });
    return result as MigrationResult;
  }

  async retry(id: string): Promise<RunInfo> {
    return runInfo(await this.#api.retry(id));
  }

  async resume(id: string): Promise<RunInfo> {
    return runInfo(await this.#api.resume(id));
  }

  result(id: string, timeoutMs: number | undefined): Promise<unknown> {
    return this.#api.result(id, { timeoutMs: timeoutMs ?? Number.POSITIVE_INFINITY, pollMs: 250 });
  }

  async createKey(options: { name: string; role: KeyInfo['role']; namespace?: string; namespaces?: string[] }): Promise<{ token: string; key: KeyInfo }> {
    const { token, key } = await this.#api.keys.create(options);
    return { token, key: apiKeyInfo(key) };
  }

  async listKeys(): Promise<KeyInfo[]> {
    return (await this.#api.keys.list()).map(apiKeyInfo);
  }

  async revokeKey(id: string): Promise<KeyInfo> {
    return apiKeyInfo(await this.#api.keys.revoke(id));
  }
}
