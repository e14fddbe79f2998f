/**
 * What an engine writes to the workflow catalog when it starts: each version it runs, with its
 * description, queue and schemas (input, output, signals) as JSON Schema (so processes without the code can publish them).
 */
import { toJSONSchema, type ZodType } from 'zod';
import { CatalogKind, type CatalogRegistration } from '../store/workflow-catalog.js';
import type { WorkflowRegistry } from './workflow-registry.js';

export function catalogRegistrations(workflows: WorkflowRegistry): CatalogRegistration[] {
  return workflows.list().map((workflow) => {
    const { options } = workflow;
    const entry: CatalogRegistration = {
      name: workflow.name,
      version: workflow.version,
      kind: CatalogKind.Code,
      queue: options.queue ?? 'default',
      current: workflows.get(workflow.name) === workflow,
    };
    if (options.description !== undefined) entry.description = options.description;
    const input = options.input === undefined ? undefined : jsonSchemaText(options.input);
    if (input !== undefined) entry.inputSchema = input;
    const output = options.output === undefined ? undefined : jsonSchemaText(options.output, 'output');
    if (output !== undefined) entry.outputSchema = output;
    if (options.signals !== undefined) {
      const signals: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(options.signals)) signals[name] = JSON.parse(jsonSchemaText(schema) ?? '{}');
      entry.signals = JSON.stringify(signals);
    }
    return entry;
  });
}

/**
 * The JSON Schema of the values `schema` accepts (`io: 'input'`) or produces (`io: 'output'`: what a
 * caller of the workflow receives), as text; undefined for one JSON Schema cannot express.
 */
function jsonSchemaText(schema: ZodType, io: 'input' | 'output' = 'input'): string | undefined {
  try {
    return JSON.stringify(toJSONSchema(schema, { io, unrepresentable: 'any' }));
  } catch {
    return undefined;
  }
}
