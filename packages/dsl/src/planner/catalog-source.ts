/**
 * Where a deployment's planning catalog comes from: the store's workflow catalog (every workflow any
 * engine registered and every deployed definition, each name at its current version), the workflows
 * of this process's registry (their zod schemas as JSON Schema; they win for the names they have), and
 * the functions deployed definitions declare in `use.functions`. Baton's own workflows (`baton.*`)
 * are left out: a definition has no business calling the planner.
 */
import { currentCatalogEntry, type AnyWorkflow, type CatalogWorkflow, type Store, type WorkflowRegistry } from '@baton/core';
import { toJSONSchema, type ZodType } from 'zod';
import { approvalForms } from '../tasks/baton/approval-signals.js';
import type { CatalogFunction, CatalogWorkflowEntry, JsonSchema, PlanningCatalog } from './planning-catalog.js';

export interface CatalogSourceOptions {
  /** The workflows of this process: listed even before the store knows them, and with their declared schemas. */
  readonly workflows?: WorkflowRegistry;
  /** Functions to offer besides those deployed definitions declare (e.g. a deployment's known HTTP APIs). */
  readonly functions?: readonly CatalogFunction[];
}

/** The prefix of Baton's internal workflows (the planner, …): never offered to a definition. */
const INTERNAL_PREFIX = 'baton.';

/** Reads the catalog the planner shows the model and checks answers against. Read-only. */
export async function catalogFromStore(store: Store, options: CatalogSourceOptions = {}): Promise<PlanningCatalog> {
  const byName = new Map<string, CatalogWorkflow[]>();
  for (const entry of await store.listWorkflowCatalog()) {
    if (entry.name.startsWith(INTERNAL_PREFIX)) continue;
    byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  }
  const workflows = new Map<string, CatalogWorkflowEntry>();
  for (const [name, versions] of byName) workflows.set(name, fromCatalog(currentCatalogEntry(versions)!));

  const functions: CatalogFunction[] = [];
  for (const { latest } of await store.listDefinitionSummaries()) {
    if (latest.name.startsWith(INTERNAL_PREFIX)) continue;
    // The version the catalog makes current (the latest deploy, unless an engine registered another).
    const listed = workflows.get(latest.name);
    const stored =
      (listed?.kind === 'definition' ? await store.getDefinition(latest.name, listed.version) : undefined) ??
      (await store.getDefinition(latest.name, latest.version));
    if (stored === undefined) continue;
    const document = parsedObject(stored.document);
    if (document === undefined) continue;
    functions.push(...declaredFunctions(stored.name, document));
    // Approvals' forms are the signals its runs wait for; definitions deployed before schemas were kept get theirs here.
    const entry = workflows.get(stored.name);
    if (entry?.kind === 'definition' && entry.version === stored.version) workflows.set(stored.name, withDocument(entry, document));
  }
  functions.push(...(options.functions ?? []));

  for (const workflow of options.workflows?.current() ?? []) {
    if (workflow.name.startsWith(INTERNAL_PREFIX)) continue;
    workflows.set(workflow.name, fromRegistry(workflow, workflows.get(workflow.name)));
  }
  return { workflows: [...workflows.values()].sort((a, b) => compare(a.name, b.name)), functions };
}

/** A store's catalog entry, its JSON texts parsed (text that is no JSON object is left out). */
function fromCatalog(entry: CatalogWorkflow): CatalogWorkflowEntry {
  const inputSchema = parsedObject(entry.inputSchema);
  const outputSchema = parsedObject(entry.outputSchema);
  const signals = parsedObject(entry.signals) as Record<string, JsonSchema> | undefined;
  return {
    name: entry.name,
    version: entry.version,
    kind: entry.kind === 'definition' ? 'definition' : 'code',
    ...(entry.description === undefined ? {} : { description: entry.description }),
    ...(inputSchema === undefined ? {} : { inputSchema }),
    ...(outputSchema === undefined ? {} : { outputSchema }),
    ...(signals === undefined ? {} : { signals }),
  };
}

/** A deployed definition's entry completed from its document: inline input/output schemas and approval forms. */
function withDocument(entry: CatalogWorkflowEntry, document: Record<string, unknown>): CatalogWorkflowEntry {
  const inputSchema = entry.inputSchema ?? inlineSchema(document.input);
  const outputSchema = entry.outputSchema ?? inlineSchema(document.output);
  const signals = entry.signals ?? approvalForms(document);
  return {
    ...entry,
    ...(inputSchema === undefined ? {} : { inputSchema }),
    ...(outputSchema === undefined ? {} : { outputSchema }),
    ...(signals === undefined ? {} : { signals }),
  };
}

/**
 * A workflow of this process: its declared schemas as JSON Schema. What it does not declare (a
 * definition run from a file declares no zod input) is taken from the store's entry of the same version.
 */
function fromRegistry(workflow: AnyWorkflow, stored: CatalogWorkflowEntry | undefined): CatalogWorkflowEntry {
  const { options } = workflow;
  const same = stored?.version === workflow.version ? stored : undefined;
  const inputSchema = jsonSchema(options.input, 'input') ?? same?.inputSchema;
  const outputSchema = jsonSchema(options.output, 'output') ?? same?.outputSchema;
  let signals: Record<string, JsonSchema> | undefined;
  if (options.signals !== undefined) {
    signals = {};
    for (const [name, schema] of Object.entries(options.signals)) signals[name] = jsonSchema(schema, 'input') ?? {};
  } else {
    signals = same?.signals;
  }
  const description = options.description ?? same?.description;
  return {
    name: workflow.name,
    version: workflow.version,
    kind: stored?.kind ?? 'code',
    ...(description === undefined ? {} : { description }),
    ...(inputSchema === undefined ? {} : { inputSchema }),
    ...(outputSchema === undefined ? {} : { outputSchema }),
    ...(signals === undefined ? {} : { signals }),
  };
}

/** Every `use.functions` entry of a definition's document, as declared. */
function declaredFunctions(declaredBy: string, document: Record<string, unknown>): CatalogFunction[] {
  const use = document.use;
  const declared = isRecord(use) && isRecord(use.functions) ? use.functions : {};
  return Object.entries(declared)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([name, task]) => {
      const metadata = task.metadata;
      const description = isRecord(metadata) && typeof metadata.description === 'string' ? metadata.description : undefined;
      return { name, task, declaredBy, ...(description === undefined ? {} : { description }) };
    });
}

/** A document's `input`/`output` `schema` when it is inline JSON Schema. */
function inlineSchema(dataFlow: unknown): JsonSchema | undefined {
  if (!isRecord(dataFlow) || !isRecord(dataFlow.schema)) return undefined;
  const { format, document } = dataFlow.schema;
  if (format !== undefined && (typeof format !== 'string' || !format.startsWith('json'))) return undefined;
  return isRecord(document) ? document : undefined;
}

/** A zod schema as JSON Schema; undefined when there is none or JSON Schema cannot express it. */
function jsonSchema(schema: ZodType | undefined, io: 'input' | 'output'): JsonSchema | undefined {
  if (schema === undefined) return undefined;
  try {
    return toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return undefined;
  }
}

function parsedObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
