/**
 * Loads what --workflows names: workflows modules (.ts or .js) with no build step (TypeScript goes
 * through tsx's loader hooks), and definition files (.yaml, .yml, .json) or folders of them, several
 * separated by commas (`--workflows src/workflows.ts,flows/`). Every exported workflow is taken, and
 * every exported webhook (defineWebhook from @baton/server: `baton dev` and `baton start` serve it at
 * POST /hooks/:name); a `demo` export is kept for `baton dev --demo`.
 */
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { WorkflowRegistry, errorMessage, type AnyWorkflow, type Client, type Engine } from '@baton/core';
import type { InterpreterOptions } from '@baton/dsl';
import { isWebhook, type WebhookDefinition } from '@baton/server';
import { isDefinitionFile, loadDefinitionFiles } from './definition-files.js';
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
  /** The webhooks the module exports, each bound to one of its workflows. */
  webhooks: WebhookDefinition[];
  demo: DemoFunction | undefined;
  /**
   * Makes definitions resolve the workflows they call (`run: workflow`) in this registry (the
   * engine's, which also holds definitions deployed later); until then, among the loaded workflows.
   */
  useRegistry(registry: WorkflowRegistry): void;
}

export interface LoadOptions {
  /** How the definitions among them run (hosts, secrets, shell and script). */
  interpreter?: InterpreterOptions;
}

/** Loads every module and definition `paths` names (comma-separated). */
export async function loadWorkflows(paths: string, options: LoadOptions = {}): Promise<LoadedWorkflows> {
  const entries = paths
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  let registry: WorkflowRegistry | undefined;
  const workflows: AnyWorkflow[] = [];
  const interpreter: InterpreterOptions = {
    ...options.interpreter,
    resolveWorkflow: (name, version) => (registry ?? new WorkflowRegistry(workflows)).get(name, version),
  };
  const definitionPaths = entries.filter((p) => isDefinitionFile(p) || (existsSync(p) && statSync(p).isDirectory()));
  const modules: LoadedModule[] = [];
  for (const entry of entries.filter((p) => !definitionPaths.includes(p))) modules.push(await loadModule(entry));
  for (const path of definitionPaths) {
    if (!existsSync(path)) throw new CliError(CliErrorCode.WorkflowsLoadFailed, `Definition ${path} does not exist. Check --workflows.`);
  }
  const definitions = definitionPaths.length === 0 ? [] : await loadDefinitionFiles(definitionPaths, interpreter);
  if (definitionPaths.some((p) => statSync(p).isDirectory()) && definitions.length === 0 && modules.length === 0) {
    throw new CliError(CliErrorCode.WorkflowsLoadFailed, `${paths} holds no definition files (.yaml, .yml, .json). Check --workflows.`);
  }
  workflows.push(...modules.flatMap((m) => m.workflows), ...definitions);
  return {
    path: paths,
    workflows,
    webhooks: modules.flatMap((m) => m.webhooks),
    demo: modules.find((m) => m.demo !== undefined)?.demo,
    useRegistry: (r) => void (registry = r),
  };
}

type LoadedModule = Omit<LoadedWorkflows, 'useRegistry'>;

async function loadModule(path: string): Promise<LoadedModule> {
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
  return { path, workflows, webhooks: collectWebhooks(path, namespace, workflows), demo };
}

/** The exported webhooks; one bound to a workflow the module does not export is a mistake, caught now rather than at the first delivery. */
function collectWebhooks(path: string, namespace: Record<string, unknown>, workflows: readonly AnyWorkflow[]): WebhookDefinition[] {
  const webhooks = [...new Set(Object.values(namespace).filter(isWebhook))];
  const names = new Set<string>();
  for (const hook of webhooks) {
    if (names.has(hook.name))
      throw new CliError(CliErrorCode.WorkflowsLoadFailed, `${path} exports two webhooks named '${hook.name}'; each needs its own name.`);
    names.add(hook.name);
    if (!workflows.some((w) => w.name === hook.workflow)) {
      throw new CliError(
        CliErrorCode.WorkflowsLoadFailed,
        `${path} exports webhook '${hook.name}' for workflow '${hook.workflow}', which it does not export (it exports ${workflowNames(workflows).join(', ')}).`,
      );
    }
  }
  return webhooks;
}

export function workflowNames(workflows: readonly AnyWorkflow[]): string[] {
  return [...new Set(workflows.map((w) => w.name))].sort();
}
