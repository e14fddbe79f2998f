/**
 * Runs and journal entries as the JSON text of MCP resources. Payloads are decoded values (a BigInt,
 * a Map, bytes) that JSON.stringify does not take as they are: they are written as JSON can hold them.
 */
import type { JournalEntryInfo, RunInfo } from '@baton/core';

/** A run as its resource shows it. */
export function runJson(run: RunInfo): Record<string, unknown> {
  return {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    input: run.input,
    ...(run.output === undefined ? {} : { output: run.output }),
    ...(run.error === undefined ? {} : { error: run.error }),
    ...(run.progress === undefined ? {} : { progress: run.progress }),
    waitingFor: {
      signals: run.waitingFor?.signals ?? [],
      children: run.waitingFor?.children ?? [],
      ...(run.wakeAt === undefined ? {} : { wakeAt: run.wakeAt }),
    },
    cancelRequested: run.cancelRequested,
    queue: run.queue,
    tags: run.tags,
    ...(run.parentId === undefined ? {} : { parentId: run.parentId }),
    ...(run.continuedFrom === undefined ? {} : { continuedFrom: run.continuedFrom }),
    ...(run.continuedTo === undefined ? {} : { continuedTo: run.continuedTo }),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.startedAt === undefined ? {} : { startedAt: run.startedAt }),
    ...(run.endedAt === undefined ? {} : { endedAt: run.endedAt }),
  };
}

/** A run's journal as its resource shows it. */
export function journalJson(run: RunInfo, journal: JournalEntryInfo[]): Record<string, unknown> {
  return { runId: run.id, workflow: run.workflow, status: run.status, entries: journal };
}

/** JSON text of a decoded payload: BigInts as strings, Maps as objects, Sets and bytes as arrays. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Map) return Object.fromEntries([...(v as Map<unknown, unknown>)].map(([k, x]) => [String(k), x]));
    if (v instanceof Set) return [...(v as Set<unknown>)];
    if (v instanceof Uint8Array) return [...v];
    return v;
  });
}
