/**
 * The YAML examples of this folder as workflows, for the tests (`baton dev` loads them itself from
 * `--workflows examples/index.ts,examples/definitions`): each read and validated by @baton/dsl, the
 * workflows they call (`call: baton.workflow`) found among `others` and each other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { WorkflowRegistry, type AnyWorkflow } from '@baton/core';
import { readDefinition, workflowOfDefinition, type InterpreterOptions } from '@baton/dsl';

export const DEFINITIONS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The definitions' workflows plus `others`, ready for an engine. */
export async function withExampleDefinitions(others: AnyWorkflow[], options: InterpreterOptions = {}): Promise<AnyWorkflow[]> {
  const all = [...others];
  let registry: WorkflowRegistry | undefined;
  const interpreter: InterpreterOptions = { ...options, resolveWorkflow: (name, version) => (registry ??= new WorkflowRegistry(all)).get(name, version) };
  for (const file of readdirSync(DEFINITIONS_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    const path = join(DEFINITIONS_DIR, file);
    all.push(workflowOfDefinition(await readDefinition(readFileSync(path, 'utf8'), { file: path }), interpreter));
  }
  return all;
}
