/** The definitions table's rows in the SQL stores (SQLite and PostgreSQL use the same columns) as records. */
import { CatalogKind, type CatalogRegistration } from './workflow-catalog.js';
import { DEFAULT_DEFINITION_NAMESPACE, type DefinitionVersion, type NewDefinition, type StoredDefinition } from './definition-store.js';

export interface DefinitionRow {
  name: string;
  /** The tenant namespace (absent from rows read before the column existed in a query). */
  namespace?: string;
  version: string;
  format: string;
  source?: string;
  document?: string;
  digest: string;
  description: string | null;
  triggers: string;
  created_at: number | string;
  created_by: string;
  seq: number | string;
}

/** The columns of a version without its text (lists). */
export const DEFINITION_VERSION_COLUMNS = 'name, namespace, version, format, digest, description, triggers, created_at, created_by, seq';

export function toDefinitionVersion(row: DefinitionRow): DefinitionVersion {
  const version: DefinitionVersion = {
    name: row.name,
    namespace: row.namespace ?? DEFAULT_DEFINITION_NAMESPACE,
    version: row.version,
    format: row.format,
    digest: row.digest,
    triggers: row.triggers === '' ? [] : row.triggers.split(','),
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    seq: Number(row.seq),
  };
  if (row.description !== null) version.description = row.description;
  return version;
}

export function toStoredDefinition(row: DefinitionRow): StoredDefinition {
  return { ...toDefinitionVersion(row), source: row.source ?? '', document: row.document ?? '' };
}

/** The values of an insert, in column order: name, version, format, source, document, digest, description, triggers, created_at, created_by, namespace. */
export function definitionValues(definition: NewDefinition, now: number): unknown[] {
  return [
    definition.name,
    definition.version,
    definition.format,
    definition.source,
    definition.document,
    definition.digest,
    definition.description ?? null,
    [...definition.triggers].sort().join(','),
    now,
    definition.createdBy,
    definition.namespace ?? DEFAULT_DEFINITION_NAMESPACE,
  ];
}

/**
 * The catalog entry a deployed definition adds: the latest deploy of a name is the version its starts
 * run on. Its input and output JSON Schemas are the document's `input.schema` and `output.schema`
 * when given inline as JSON Schema (an external resource is left out: nothing here may fetch it).
 */
export function definitionRegistration(definition: NewDefinition): CatalogRegistration {
  const document = parsedDocument(definition.document);
  const inputSchema = inlineJsonSchema(document?.input);
  const outputSchema = inlineJsonSchema(document?.output);
  return {
    name: definition.name,
    version: definition.version,
    kind: CatalogKind.Definition,
    queue: 'default',
    current: true,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    ...(inputSchema === undefined ? {} : { inputSchema }),
    ...(outputSchema === undefined ? {} : { outputSchema }),
  };
}

function parsedDocument(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `{ schema: { format?: 'json…', document: {...} } }` (a document's `input` or `output`) → the schema document as JSON text. */
function inlineJsonSchema(dataFlow: unknown): string | undefined {
  if (!isRecord(dataFlow) || !isRecord(dataFlow.schema)) return undefined;
  const { format, document } = dataFlow.schema;
  if (format !== undefined && (typeof format !== 'string' || !format.startsWith('json'))) return undefined;
  return isRecord(document) ? JSON.stringify(document) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
