/**
 * Where `baton replay` reads runs from: the database (--db), a server's history route (--url), or a
 * folder of replay files (--from). Each source yields the runs in the order a check wants them: in
 * flight first (running, waiting, and queued ones that have a journal), then ended ones (completed,
 * failed, cancelled), newest first within each group whatever their status, in pages, so a check of
 * many runs never holds them all and `--limit` keeps the most recent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, parseReplayFile, replayInputOf, runNotFound, type ReplayInput, type RunRecord, type RunStatus, type Store } from '@baton/core';
import type { ApiClient } from '@baton/server';

/** One run to check, or a file that could not be read as one. */
export type ReplaySubject = { input: ReplayInput; file?: string } | { invalid: string; file: string };

export interface RunSelection {
  workflow?: string;
  /** Only these statuses (all when absent). */
  status?: readonly RunStatus[];
  /** Only runs created at or after this time (epoch ms). */
  since?: number;
  /** At most this many runs. */
  limit: number;
  /** Only this run. */
  runId?: string;
}

/** In flight first, then ended; queued runs count only when they have a journal. */
const STATUS_GROUPS: readonly (readonly RunStatus[])[] = [
  ['running', 'waiting', 'queued'],
  ['completed', 'failed', 'cancelled'],
];
const PAGE = 200;
/** Journals read at once: enough to keep a pool busy, few enough not to starve it. */
const READ_AHEAD = 16;

export type RunSource = (selection: RunSelection) => AsyncIterable<ReplaySubject[]>;

/** Runs and journals straight from a store. */
export function storeSource(store: Store): RunSource {
  return (selection) =>
    pagedSource(selection, {
      one: async (id) => {
        const run = await store.getRun(id);
        if (run === undefined) throw runNotFound(id);
        return [{ input: { run, journal: await store.getJournal(id) } }];
      },
      page: async (status, cursor, limit) => {
        const page = await store.listRuns({
          status: [...status],
          limit,
          ...(selection.workflow === undefined ? {} : { workflow: selection.workflow }),
          ...(selection.since === undefined ? {} : { createdAfter: selection.since }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        const subjects = await mapConcurrently(page.runs, READ_AHEAD, async (run) => ({ input: { run, journal: await store.getJournal(run.id) } }));
        return { subjects, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
      },
    });
}

/** Runs through a server's API: listed, then each one's history (the replay file it answers). */
export function apiSource(api: ApiClient): RunSource {
  const history = async (id: string): Promise<ReplaySubject> => {
    const file = await api.history(id);
    if (file === undefined) throw runNotFound(id);
    return { input: replayInputOf(parseReplayFile(JSON.stringify(file), `the history of run ${id}`)) };
  };
  return (selection) =>
    pagedSource(selection, {
      one: async (id) => [await history(id)],
      page: async (status, cursor, limit) => {
        const page = await api.list({
          status,
          limit,
          ...(selection.workflow === undefined ? {} : { workflow: selection.workflow }),
          ...(selection.since === undefined ? {} : { createdAfter: new Date(selection.since) }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        const subjects = await mapConcurrently(page.runs, READ_AHEAD, (run) => history(run.id));
        return { subjects, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
      },
    });
}

/** Replay files in a folder (`<runId>.json`); one that does not parse is a subject of its own. */
export function folderSource(dir: string): RunSource {
  return async function* (selection) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((name) => name.endsWith('.json'));
    } catch (error) {
      throw new Error(`Cannot read the folder ${dir}: ${errorMessage(error)}`, { cause: error });
    }
    const invalid: ReplaySubject[] = [];
    const runs: { input: ReplayInput; file: string }[] = [];
    for (const name of names.sort()) {
      const file = join(dir, name);
      try {
        runs.push({ input: replayInputOf(parseReplayFile(readFileSync(file, 'utf8'), file)), file });
      } catch (error) {
        invalid.push({ invalid: errorMessage(error), file });
      }
    }
    const chosen = runs
      .filter(({ input: { run, journal } }) => selected(run, journal.length, selection))
      .sort((a, b) => rank(a.input.run) - rank(b.input.run) || b.input.run.createdAt - a.input.run.createdAt || (a.input.run.id < b.input.run.id ? 1 : -1))
      .slice(0, selection.limit);
    if (selection.runId !== undefined && chosen.length === 0) throw runNotFound(selection.runId);
    for (let i = 0; i < chosen.length; i += PAGE) yield chosen.slice(i, i + PAGE);
    if (invalid.length > 0) yield invalid;
  };
}

interface Pager {
  one(id: string): Promise<ReplaySubject[]>;
  page(status: readonly RunStatus[], cursor: string | undefined, limit: number): Promise<{ subjects: ReplaySubject[]; nextCursor?: string }>;
}

async function* pagedSource(selection: RunSelection, pager: Pager): AsyncIterable<ReplaySubject[]> {
  if (selection.runId !== undefined) {
    yield pager.one(selection.runId);
    return;
  }
  let left = selection.limit;
  for (const group of STATUS_GROUPS) {
    const status = selection.status === undefined ? group : group.filter((s) => selection.status!.includes(s));
    if (status.length === 0) continue;
    let cursor: string | undefined;
    do {
      if (left <= 0) return;
      const page = await pager.page(status, cursor, Math.min(PAGE, Math.max(left, 1)));
      const subjects = page.subjects.filter((s) => !('input' in s) || selected(s.input.run, s.input.journal.length, selection)).slice(0, left);
      left -= subjects.length;
      if (subjects.length > 0) yield subjects;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
}

function selected(run: RunRecord, entries: number, selection: RunSelection): boolean {
  if (selection.runId !== undefined) return run.id === selection.runId;
  if (run.status === 'queued' && entries === 0) return false; // never started: nothing to replay
  if (selection.workflow !== undefined && run.workflow !== selection.workflow) return false;
  if (selection.status !== undefined && !selection.status.includes(run.status)) return false;
  return selection.since === undefined || run.createdAt >= selection.since;
}

function rank(run: RunRecord): number {
  return STATUS_GROUPS.findIndex((group) => group.includes(run.status));
}

/** Maps with at most `limit` calls in flight, keeping the order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
