/**
 * A task's run as it is now. A run that continues as new ends `completed` and hands on to the next
 * run of its chain (which keeps its tags, and so its contextId): the task is the whole chain, so it
 * is read from the chain's last run, under the id of the run the task started with.
 */
import type { Client, RunInfo } from '@baton/core';

/** The last run of `run`'s chain (itself when it did not continue as new), with its own id. */
export async function latestRun(client: Client, run: RunInfo): Promise<RunInfo> {
  let current = run;
  while (current.status === 'completed' && current.continuedTo !== undefined) {
    const next = await client.get(current.continuedTo);
    if (next === undefined) break;
    current = next;
  }
  return current;
}

/** The run as its task shows it: the chain's last run, under the task's id. */
export async function taskRun(client: Client, run: RunInfo): Promise<RunInfo> {
  const latest = await latestRun(client, run);
  return latest === run ? run : { ...latest, id: run.id };
}
