/** The database backend: core's Client and the store's key table, in this process. */
import { Client, newApiKey, type AnyWorkflow, type ApiKeyRecord, type Store } from '@baton/core';
import { keyNotFound } from '@baton/server';
import type { Backend, KeyInfo, RunListFilter } from './backend.js';

/** A key without its hash, fields in one order whichever backend listed it. */
export function keyInfo(key: Omit<ApiKeyRecord, 'hash'>): KeyInfo {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    namespace: key.namespace,
    createdAt: key.createdAt,
    ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
  };
}

export class StoreBackend implements Backend {
  readonly #store: Store;
  readonly #client: Client;

  constructor(store: Store, workflows?: readonly AnyWorkflow[]) {
    this.#store = store;
    this.#client = new Client({ store, ...(workflows === undefined ? {} : { workflows: [...workflows] }) });
  }

  async start(workflow: string, input: unknown, options: { id?: string }): Promise<{ id: string; created: boolean }> {
    const handle = await this.#client.start(workflow, input, options.id === undefined ? {} : { id: options.id });
    return { id: handle.id, created: handle.created };
  }

  get(id: string) {
    return this.#client.get(id);
  }

  async show(id: string) {
    const run = await this.#client.get(id);
    return run === undefined ? undefined : { run, journal: await this.#client.journal(id) };
  }

  async list(filter: RunListFilter) {
    const page = await this.#client.list({
      ...(filter.workflow === undefined ? {} : { workflow: filter.workflow }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(filter.limit === undefined ? {} : { limit: filter.limit }),
    });
    return { runs: page.runs, more: page.nextCursor !== undefined };
  }

  signal(id: string, name: string, data: unknown): Promise<void> {
    return this.#client.signal(id, name, data);
  }

  cancel(id: string, reason: string | undefined) {
    return this.#client.cancel(id, reason);
  }

  retry(id: string) {
    return this.#client.retry(id);
  }

  resume(id: string) {
    return this.#client.resume(id);
  }

  result(id: string, timeoutMs: number | undefined): Promise<unknown> {
    return this.#client.result(id, timeoutMs === undefined ? {} : { timeoutMs });
  }

  async createKey(options: { name: string; role: ApiKeyRecord['role']; namespace?: string }): Promise<{ token: string; key: KeyInfo }> {
    const { token, record } = newApiKey(options, Date.now());
    await this.#store.createApiKey(record);
    return { token, key: keyInfo(record) };
  }

  async listKeys(): Promise<KeyInfo[]> {
    return (await this.#store.listApiKeys()).map(keyInfo);
  }

  async revokeKey(id: string): Promise<KeyInfo> {
    const key = await this.#store.getApiKey(id);
    const now = Date.now();
    if (key === undefined || key.revokedAt !== undefined || !(await this.#store.revokeApiKey(id, now))) throw keyNotFound(id);
    return keyInfo({ ...key, revokedAt: now });
  }

  close(): void {
    this.#client.close();
  }
}
