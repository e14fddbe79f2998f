/**
 * What the workflows page shows of each workflow besides its code: runs over the last 1, 7 or 30
 * days and their success rate, from the overview (the store's hourly counts: the window starts on an hour
 * and its buckets are whole days, so it reads a few rows per workflow and hour however many runs
 * there are), and the triggers that start its runs.
 */
import type { ApiClient, ApiTriggers } from '@baton/server/client';
import { useLoad, type Loaded } from './use-load';

const HOUR = 3_600_000;
/** The windows offered, in days; the first is the default. */
export const STATS_WINDOWS = [7, 1, 30] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

/** The window a page address asks for (`?days=`), or the default. */
export function statsWindowOf(value: string | null): StatsWindow {
  return STATS_WINDOWS.find((days) => String(days) === value) ?? STATS_WINDOWS[0];
}

export interface WorkflowStats {
  /** Runs created in the window. */
  runs: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Completed over ended in the window; undefined when none ended. */
  successRate: number | undefined;
}

export async function loadWorkflowStats(client: ApiClient, days: StatsWindow, now = Date.now()): Promise<Map<string, WorkflowStats>> {
  const since = new Date(now - (now % HOUR) - days * 24 * HOUR);
  const overview = await client.overview({ since, until: new Date(now), bucketMinutes: 24 * 60 });
  return new Map(
    overview.workflows.map((w) => {
      const ended = w.completed + w.failed + w.cancelled;
      return [
        w.workflow,
        { runs: w.runs, completed: w.completed, failed: w.failed, cancelled: w.cancelled, successRate: ended === 0 ? undefined : w.completed / ended },
      ];
    }),
  );
}

export function useWorkflowStats(client: ApiClient, days: StatsWindow): Loaded<Map<string, WorkflowStats>> {
  return useLoad(() => loadWorkflowStats(client, days), [client, days]);
}

export function useTriggers(client: ApiClient): Loaded<ApiTriggers> {
  return useLoad(() => client.triggers(), [client]);
}

/** A workflow's triggers, out of all of them. */
export function triggersOf(triggers: ApiTriggers | undefined, workflow: string): ApiTriggers {
  return {
    events: (triggers?.events ?? []).filter((t) => t.workflow === workflow),
    webhooks: (triggers?.webhooks ?? []).filter((t) => t.workflow === workflow),
    schedules: (triggers?.schedules ?? []).filter((t) => t.workflow === workflow),
  };
}

export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)} %`;
}
