/**
 * The workflows of the store's catalog that this server has no code for (workers elsewhere run
 * them), as GET /api/workflows lists them: each name's current version, its schemas parsed back
 * from the JSON text the registering engine wrote.
 */
import { currentCatalogEntry, type CatalogWorkflow, type Store } from '@baton/core';
import type { ApiWorkflow } from './api-client.js';

/** A catalog workflow as the API lists it: always with where it is from and when it was last seen. */
export type CatalogWorkflowJson = ApiWorkflow & Required<Pick<ApiWorkflow, 'kind' | 'lastSeenAt'>>;

/** One entry per name not in `known`: the version last made current (or, without one, the one last seen). */
export async function catalogWorkflows(store: Store, known: ReadonlySet<string>): Promise<CatalogWorkflowJson[]> {
  const byName = new Map<string, CatalogWorkflow[]>();
  for (const entry of await store.listWorkflowCatalog()) {
    if (known.has(entry.name)) continue;
    byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  }
  return [...byName.values()].map((versions) => {
    const entry = currentCatalogEntry(versions)!;
    const out: CatalogWorkflowJson = {
      name: entry.name,
      version: entry.version,
      queue: entry.queue,
      kind: entry.kind,
      lastSeenAt: new Date(entry.lastSeenAt).toISOString(),
    };
    if (entry.description !== undefined) out.description = entry.description;
    const input = parsed(entry.inputSchema);
    if (input !== undefined) out.inputSchema = input;
    const output = parsed(entry.outputSchema);
    if (output !== undefined) out.outputSchema = output;
    const signals = parsed(entry.signals);
    if (typeof signals === 'object' && signals !== null && !Array.isArray(signals)) out.signals = signals as Record<string, unknown>;
    return out;
  });
}

/** JSON text written by an engine; text that does not parse (written by hand) is left out. */
function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
