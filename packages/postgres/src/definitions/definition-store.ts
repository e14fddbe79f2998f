/** Deployed definitions on PostgreSQL (DefinitionStore): a deploy is one transaction with its catalog entry and audit entry. */
import type { DefinitionStore } from '@baton/core/store-kit';
import type { AuditEntry, DefinitionFilter, DefinitionSummary, DefinitionVersion, DeployOutcome, NewDefinition, StoredDefinition } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import * as definitions from './definition-queries.js';

export class PostgresDefinitions implements DefinitionStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async deployDefinition(definition: NewDefinition, now: number, audit?: AuditEntry): Promise<DeployOutcome> {
    this.#db.assertInitialized();
    return this.#db.transaction((db) => definitions.deployDefinition(db, this.#db.schema, definition, now, audit));
  }

  async getDefinition(name: string, version: string): Promise<StoredDefinition | undefined> {
    return this.#db.read((pool) => definitions.getDefinition(pool, name, version));
  }

  async listDefinitions(filter?: DefinitionFilter): Promise<StoredDefinition[]> {
    return this.#db.read((pool) => definitions.listDefinitions(pool, filter));
  }

  async listDefinitionVersions(name: string): Promise<DefinitionVersion[]> {
    return this.#db.read((pool) => definitions.listDefinitionVersions(pool, name));
  }

  async listDefinitionSummaries(namespace?: string): Promise<DefinitionSummary[]> {
    return this.#db.read((pool) => definitions.listDefinitionSummaries(pool, namespace));
  }

  async getDefinitionNamespace(name: string): Promise<string | undefined> {
    return this.#db.read((pool) => definitions.getDefinitionNamespace(pool, name));
  }

  async latestDefinitionSeq(): Promise<number> {
    return this.#db.read((pool) => definitions.latestDefinitionSeq(pool));
  }
}
