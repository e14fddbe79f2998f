/**
 * The database backend: core's Client and the store's key table, in this process. Its changes are
 * audited like the API's, under the actor `cli:<user>` (the operating-system user), in every namespace.
 */
import { userInfo } from 'node:os';
import { Auditor, Client, newApiKey, systemClock, type AnyWorkflow, type ApiKeyRecord, type MigrateOptions, type Store } from '@baton/core';
import { deployDefinitionText } from '@baton/dsl';
import { createJsonSchemaValidator, keyNotFound } from '@baton/server';
import type { Backend, KeyInfo, RunListFilter } from './backend-types.js';

/** A key without its hash, fields in one order whichever backend listed it. */
export function keyInfo(key: Omit<ApiKeyRecord, 'hash'>): KeyInfo {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    namespace: key.namespace,
    ...(key.namespaces === undefined ? {} : { namespaces: key.namespaces }),
    createdAt: key.createdAt,
    ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
  };
}

export class StoreBackend implements Backend {
  readonly #store: Store;
  readonly #client: Client;
  readonly #actor = `cli:${cliUser()}`;

  constructor(store: Store, workflows?: readonly AnyWorkflow[]) {
    this.#store = store;
    this.#client = new Client({
      store,
      actor: { id: this.#actor },
      jsonSchemaValidator: createJsonSchemaValidator(),
      ...(workflows === undefined ? {} : { workflows: [...workflows] }),
    });
  }

  /** The audit log of this CLI user, in the namespace of the key it changes. */
  #auditor(namespace: string | undefined): Auditor {
    return new Auditor(this.#store, systemClock, { id: this.#actor, ...(namespace === undefined ? {} : { namespace }) });
  }

  async deploy(source: string, file: string): Promise<{ name: string; version: string; created: boolean }> {
    const { name, version, created } = await deployDefinitionText(this.#store, source, { actor: this.#actor, file });
    return { name, version, created };
  }

  async start(workflow: string, input: unknown, options: { id?: string; tags?: string[] }): Promise<{ id: string; created: boolean }> {
    const handle = await this.#client.start(workflow, input, options);
    return { id: handle.id, created: handle.created };
  }

  get(id: string) {
    return this.#client.get(id);
  }

  show(id: string) {
    return this.#client.inspect(id);
  }

  async list(filter: RunListFilter) {
    const page = await this.#client.list({
      ...(filter.workflow === undefined ? {} : { workflow: filter.workflow }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(filter.tag === undefined ? {} : { tag: filter.tag }),
      ...(filter.search === undefined ? {} : { search: filter.search }),
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

  migrate(options: MigrateOptions) {
    return this.#client.migrate(options);
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

  async createKey(options: { name: string; role: ApiKeyRecord['role']; namespace?: string; namespaces?: string[] }): Promise<{ token: string; key: KeyInfo }> {
    const { token, record } = newApiKey(options, Date.now());
    const audit = this.#auditor(record.namespace).entry('key.create', record.id, {
      name: record.name,
      role: record.role,
      namespace: record.namespace,
      ...(record.namespaces === undefined ? {} : { namespaces: record.namespaces }),
    });
    await this.#store.createApiKey(record, audit);
    return { token, key: keyInfo(record) };
  }

  async listKeys(): Promise<KeyInfo[]> {
    return (await this.#store.listApiKeys()).map(keyInfo);
  }

  async revokeKey(id: string): Promise<KeyInfo> {
    const key = await this.#store.getApiKey(id);
    const now = Date.now();
    const auditor = this.#auditor(key?.namespace);
    const detail = key === undefined ? {} : { name: key.name, role: key.role, namespace: key.namespace };
    if (key === undefined || key.revokedAt !== undefined || !(await this.#store.revokeApiKey(id, now, auditor.entry('key.revoke', id, detail)))) {
      const missing = keyNotFound(id);
      await auditor.record('key.revoke', id, missing.code, detail);
      throw missing;
    }
    return keyInfo({ ...key, revokedAt: now });
  }

  close(): void {
    this.#client.close();
  }
}

/** The operating-system user running the CLI (some containers have none by name). */
function cliUser(): string {
  try {
    return userInfo().username || String(process.getuid?.() ?? 'unknown');
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
