/**
 * The workflow tools of a server: the current version of each workflow this process has the code of
 * (its registry), then those of the store's workflow catalog it has not (code workflows registered by
 * workers elsewhere, deployed definitions), each under a name MCP clients accept. Baton's own
 * workflows (`baton.*`, the planner) are not for MCP clients.
 */
import { currentCatalogEntry, type AnyWorkflow, type CatalogWorkflow, type Store, type WorkflowRegistry } from '@baton/core';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { toolInput, toolInputOf, type ToolInput } from './input-schema.js';
import { toolNames } from './tool-names.js';

export interface WorkflowTool {
  /** The workflow's name (a tool's name may differ: see tool-names.ts). */
  workflow: string;
  version: string;
  description: string | undefined;
  input: ToolInput;
  /** The workflow's code, when this process has it (a start then validates the input here). */
  code?: AnyWorkflow;
}

/** The workflow tools by tool name: the registry's first, then the catalog's it does not have. */
export async function workflowTools(registry: WorkflowRegistry, store: Store | undefined): Promise<Map<string, WorkflowTool>> {
  const tools: WorkflowTool[] = registry
    .current()
    .filter((w) => !w.name.startsWith('baton.'))
    .map((code) => ({ workflow: code.name, version: code.version, description: code.options.description, input: toolInput(code), code }));
  if (store !== undefined) {
    const known = new Set(registry.current().map((w) => w.name));
    const byName = new Map<string, CatalogWorkflow[]>();
    for (const entry of await store.listWorkflowCatalog()) {
      if (known.has(entry.name) || entry.name.startsWith('baton.')) continue;
      byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
    }
    for (const versions of byName.values()) {
      const entry = currentCatalogEntry(versions)!;
      tools.push({ workflow: entry.name, version: entry.version, description: entry.description, input: toolInputOf(parsedJson(entry.inputSchema)) });
    }
  }
  const names = toolNames(tools.map((t) => t.workflow));
  return new Map(tools.map((tool) => [names.get(tool.workflow) ?? tool.workflow, tool]));
}

/** A workflow tool as tools/list offers it. */
export function toolOf(name: string, tool: WorkflowTool): Tool {
  return {
    name,
    title: tool.workflow,
    description: tool.description ?? `Runs the Baton workflow ${tool.workflow} (version ${tool.version}).`,
    inputSchema: tool.input.schema,
  };
}

/** What tells one tool list from another (names, versions, descriptions, schemas). */
export function toolListSignature(tools: ReadonlyMap<string, WorkflowTool>): string {
  return JSON.stringify([...tools].map(([name, t]) => [name, t.version, t.description ?? '', t.input.schema]));
}

/** JSON text an engine wrote into the catalog; text that does not parse is left out. */
export function parsedJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
