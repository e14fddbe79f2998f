/** Deployed definitions on SQLite: deployed once per version, read by name, version and sequence. */
import type { AuditEntry, DefinitionFilter, DefinitionSummary, DefinitionVersion, DeployOutcome, NewDefinition, StoredDefinition } from '@baton/core';
import type { DefinitionStore } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import * as definitions from './definition-queries.js';

export class SqliteDefinitionStore implements DefinitionStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async deployDefinition(definition: NewDefinition, now: number, audit?: AuditEntry): Promise<DeployOutcome> {
    this.#conn.ensureInitialized();
    return this.#conn.write(() => {
      const result = definitions.deployDefinition(this.#conn.db, definition, now);
      if (result.outcome === 'created') writeAudit(this.#conn.statements, audit);
      return result;
    });
  }

  async getDefinition(name: string, version: string): Promise<StoredDefinition | undefined> {
    this.#conn.ensureInitialized();
    return definitions.getDefinition(this.#conn.db, name, version);
  }

  async listDefinitions(filter?: DefinitionFilter): Promise<StoredDefinition[]> {
    this.#conn.ensureInitialized();
    return definitions.listDefinitions(this.#conn.db, filter);
  }

  async listDefinitionVersions(name: string): Promise<DefinitionVersion[]> {
    this.#conn.ensureInitialized();
    return definitions.listDefinitionVersions(this.#conn.db, name);
  }

  async listDefinitionSummaries(namespace?: string): Promise<DefinitionSummary[]> {
    this.#conn.ensureInitialized();
    return definitions.listDefinitionSummaries(this.#conn.db, namespace);
  }

  async getDefinitionNamespace(name: string): Promise<string | undefined> {
    this.#conn.ensureInitialized();
    return definitions.getDefinitionNamespace(this.#conn.db, name);
  }

  async latestDefinitionSeq(): Promise<number> {
    this.#conn.ensureInitialized();
    return definitions.latestDefinitionSeq(this.#conn.db);
  }
}
