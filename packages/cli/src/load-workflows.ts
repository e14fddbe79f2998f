/**
 * Loads a workflows module (.ts or .js) with no build step: TypeScript goes through tsx's loader
 * hooks. Every exported workflow is taken; a `demo` export is kept for `baton dev --demo`.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { WorkflowRegistry, errorMessage, type AnyWorkflow, type Client, type Engine } from '@baton/core';
import { CliError, CliErrorCode } from './errors.js';

/** What `baton dev --demo` calls once the engine runs. */
export interface DemoContext {
  client: Client;
  engine: Engine;
  log: (line: string) => void;
}
export type DemoFunction = (ctx: DemoContext) => Promise<void>;

export interface LoadedWorkflows {
  path: string;
  workflows: AnyWorkflow[];
  demo: DemoFunction | undefined;
}

export async function loadWorkflows(path: string): Promise<LoadedWorkflows> {
  if (!existsSync(path)) throw new CliError(CliErrorCode.WorkflowsLoadFailed, `Workflows module ${path} does not exist. Check --workflows.`);
  let namespace: Record<string, unknown>;
  try {
    // Imported here, not at the top: tsx's loader costs every other command a third of a second.
    // tsImport scopes its hooks to this import and follows the module's own type (ESM, or CommonJS
    // in a package without "type": "module"), so TypeScript loads with no build step either way.
    const { tsImport } = await import('tsx/esm/api');
    namespace = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(CliErrorCode.WorkflowsLoadFailed, `Cannot load workflows from ${path}: ${errorMessage(error)}`, { cause: error });
  }
  // A CommonJS module's exports may also sit under `default`.
  if (WorkflowRegistry.collect(namespace).length === 0 && typeof namespace.default === 'object' && namespace.default !== null) {
    namespace = namespace.default as Record<string, unknown>;
  }
  const workflows = WorkflowRegistry.collect(namespace);
  if (workflows.length === 0) {
    throw new CliError(
      CliErrorCode.WorkflowsLoadFailed,
      `${path} exports no workflows. Export the values defineWorkflow() returns, e.g. export const signup = defineWorkflow(...).`,
    );
  }
  const demo = typeof namespace.demo === 'function' ? (namespace.demo as DemoFunction) : undefined;
  return { path, workflows, demo };
}

export function workflowNames(workflows: readonly AnyWorkflow[]): string[] {
  return [...new Set(workflows.map((w) => w.name))].sort();
}
